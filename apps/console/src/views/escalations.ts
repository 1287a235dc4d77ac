// The manager's escalations page (each escalated item with the clerk's note, who and when, and
// the manager's actions), and the escalation note on the item page.
import type { AuditEvent } from '@invoicer/db';
import type { EscalatedItem } from '../review/escalations.ts';
import { age, money, reasonLabel, timeTag } from './format.ts';
import { href, html, type SafeHtml } from './html.ts';
import { csrfField, type Flash, layout, type Viewer } from './layout.ts';

export interface EscalationsModel {
  tenantId: string;
  tenants: { id: string; name: string }[];
  items: EscalatedItem[];
  holders: Map<string, string>;
  flash?: Flash;
}

function actions(viewer: Viewer, m: EscalationsModel, item: EscalatedItem): SafeHtml {
  const held = item.claimedBy && item.claimExpiresAt && item.claimExpiresAt > new Date();
  return html`<div class="escalation-actions">
  <a href="/items/${item.id}" class="button">Open to edit, reject or approve</a>
  ${
    item.draftRevision
      ? html`<form method="post" action="/queue/approve" class="inline">${csrfField(viewer)}
    <input type="hidden" name="tenant" value="${m.tenantId}"><input type="hidden" name="item" value="${item.id}:${item.draftRevision}">
    <button type="submit" class="primary">Approve revision ${item.draftRevision} (${money(item.amount)})</button></form>`
      : ''
  }
  <form method="post" action="/items/${item.id}/send-back" class="stack">${csrfField(viewer)}
    <label for="reply-${item.id}">Answer and send back to the queue</label>
    <textarea id="reply-${item.id}" name="note" required minlength="3" maxlength="1000" rows="2"></textarea>
    <button type="submit">Send back</button></form>
  ${held ? html`<p class="small muted">${m.holders.get(item.claimedBy!) ?? 'Someone'} has it open.</p>` : ''}
</div>`;
}

export function escalationsPage(viewer: Viewer, m: EscalationsModel): SafeHtml {
  return layout(viewer, {
    title: 'Escalations',
    active: 'escalations',
    flash: m.flash,
    body: html`<div class="queue-head"><h1>Escalations <span class="count" aria-label="${m.items.length} items">${m.items.length}</span></h1>
  ${
    m.tenants.length > 1
      ? html`<form method="get" action="/escalations" class="inline"><label for="e-tenant">Tenant</label>
    <select id="e-tenant" name="tenant">${m.tenants.map((t) => html`<option value="${t.id}"${t.id === m.tenantId ? html` selected` : ''}>${t.name}</option>`)}</select>
    <button type="submit">Show</button></form>`
      : ''
  }</div>
${
  m.items.length
    ? html`<ol class="escalations">${m.items.map(
        (item) => html`<li class="panel escalation" data-item="${item.id}">
  <h2><a href="/items/${item.id}">${item.customerName ?? '(no customer)'}${item.stJobId ? ` · job ${item.stJobId}` : ''}</a> <span class="muted small">${money(item.amount)}</span></h2>
  <p class="small">${item.reasons.map((r) => html`<span class="tag">${reasonLabel(r)}</span> `)} waiting ${age(item.createdAt)}</p>
  <blockquote class="escalation-note">${item.note ? item.note : html`<span class="muted">No note.</span>`}</blockquote>
  <p class="small">Escalated by <strong>${item.escalatedByName ?? item.escalatedBy ?? 'unknown'}</strong>${item.escalatedAt ? html` on ${timeTag(item.escalatedAt)}` : ''}</p>
  ${actions(viewer, m, item)}
</li>`,
      )}</ol>`
    : html`<p class="empty" role="status">Nothing is escalated. <a href="${href('/queue', { tenant: m.tenantId })}">Back to the review queue</a></p>`
}`,
  });
}

/** The latest escalation (and a manager's answer) on the item page, from its audit history. */
export function escalationNote(audit: AuditEvent[]): SafeHtml {
  const last = [...audit]
    .reverse()
    .find((e) => e.action === 'review.escalated' || e.action === 'review.sent_back');
  if (!last) return html``;
  const data = (last.data ?? {}) as { note?: string; by?: { name?: string } };
  const who = data.by?.name ?? last.actor;
  const escalated = last.action === 'review.escalated';
  return html`<section class="panel escalation-note-panel" aria-labelledby="escalation-title">
  <h2 id="escalation-title">${escalated ? 'Escalated to a manager' : 'The manager’s answer'}</h2>
  <blockquote class="escalation-note">${data.note ? data.note : html`<span class="muted">No note.</span>`}</blockquote>
  <p class="small">${escalated ? 'Escalated' : 'Sent back'} by <strong>${who}</strong> on ${timeTag(last.occurredAt)}</p>
</section>`;
}
