// The review item page: why it is here, who holds it, the decision buttons, the draft beside
// the technician's invoice, the notes with highlighted spans, the job context, the AI decision
// and the audit history.
import type { ReviewItem } from '@invoicer/db';
import { isManager, type Role } from '../auth/roles.ts';
import { evidencePanel } from '../evidence/view.ts';
import type { ItemView } from '../review/load.ts';
import { auditTable } from './audit.ts';
import { aiSection, jobContextSection, routeSection } from './context.ts';
import { documentsPanel } from './documents.ts';
import { draftPanel, technicianPanel } from './draft.ts';
import { escalationNote } from './escalations.ts';
import { age, type CodeNames, money, reasonLabel, statusBadge, timeTag, when } from './format.ts';
import { html, type SafeHtml } from './html.ts';
import { csrfField, type Flash, layout, type Viewer } from './layout.ts';
import { messagesPanel } from './messages.ts';
import { lineSpans, notesSection } from './notes.ts';
import { paymentPanel } from './payment.ts';

export interface ItemPageModel {
  view: ItemView;
  /** The viewer's role works the queue (not read-only). */
  canWork: boolean;
  canAct: boolean;
  canSetPrice: boolean;
  names: { businessUnit?: string; jobType?: string; resolvedBy?: string };
  /** Job type and business unit names for the feature codes in evidence. */
  codeNames?: CodeNames;
  flash?: Flash;
  draftError?: string;
  draftNotice?: string;
  /** The customer's assistant conversations about this item's invoice, or handed over as this item. */
  conversations?: ConversationLink[];
}

export interface ConversationLink {
  href: string;
  questions: number;
  handoff: string | null;
  updatedAt: Date;
}

function conversationsSection(links: ConversationLink[] | undefined): SafeHtml {
  if (!links?.length) return html``;
  return html`<section class="panel" id="conversations"><h2>Customer questions (invoice assistant)</h2><ul>${links.map(
    (c) =>
      html`<li><a href="${c.href}">Conversation</a>: ${c.questions} question${c.questions === 1 ? '' : 's'}, last ${when(c.updatedAt)}${c.handoff ? html` · <strong>handed to a person</strong> (${c.handoff.replaceAll('_', ' ')})` : ''}</li>`,
  )}</ul></section>`;
}

export const OPEN_STATUSES = ['open', 'on_hold', 'escalated'];

function claimBanner(m: ItemPageModel): SafeHtml {
  const { holder, item } = m.view;
  if (!OPEN_STATUSES.includes(item.status)) return html``;
  if (!holder) return html`<p class="claim" role="status">Nobody is working this item.</p>`;
  if (holder.mine)
    return html`<p class="claim claim-mine" role="status" data-claimed="mine">You are working this item until ${when(holder.expiresAt)} (renewed as you work).</p>`;
  return html`<p class="claim claim-other" role="status" data-claimed="other"><strong>${holder.name}</strong> is working this item until ${when(holder.expiresAt)}. You can read it but not act on it.</p>`;
}

function resolution(item: ReviewItem, names: ItemPageModel['names']): SafeHtml {
  if (OPEN_STATUSES.includes(item.status)) return html``;
  const r = (item.resolution ?? {}) as { action?: string; reason?: string; note?: string; revision?: number };
  return html`<p class="resolution" role="status">${statusBadge(item.status)} ${r.action ? html`(${r.action}${r.revision ? ` revision ${r.revision}` : ''})` : ''}
    ${item.resolvedAt ? html` by ${names.resolvedBy ?? item.resolvedBy ?? 'someone'} at ${timeTag(item.resolvedAt)}` : ''}${r.reason ? html`: “${r.reason}”` : ''}${r.note ? html`: “${r.note}”` : ''}</p>`;
}

/** A difference between ServiceTitan, the books and the bank: it closes when they agree again. */
function accountingDifferencePanel(item: ItemPageModel['view']['item']): SafeHtml {
  const d = (item.details ?? {}) as Record<string, string | null>;
  return html`<section class="panel" aria-labelledby="acct-title"><h2 id="acct-title">Accounting difference</h2>
  <p>${item.summary}</p><dl class="facts"><dt>Day</dt><dd>${d.day ?? '—'}</dd><dt>ServiceTitan</dt><dd>${d.stAmount ?? '—'}</dd><dt>Books</dt><dd>${d.booksAmount ?? '—'}</dd></dl>
  <p class="small muted">Correct it in the books, the bank import or ServiceTitan; the next comparison closes this item by itself. <a href="/settings/accounting?tenant=${item.tenantId}">Accounting sync</a></p></section>`;
}

function decisions(viewer: Viewer, m: ItemPageModel, role: Role): SafeHtml {
  const { item, draft, manager } = m.view;
  if (!m.canAct || item.kind !== 'invoice') return html``;
  const base = `/items/${item.id}`;
  const blocked = manager.required && !isManager(role);
  return html`<div class="decide">
  <form method="post" action="${base}/approve" class="stack">${csrfField(viewer)}
    <input type="hidden" name="revision" value="${draft?.revision ?? ''}">
    ${
      blocked
        ? html`<p class="small" id="approve-why">A billing manager must approve this: ${manager.why.join('; ')}. Escalate it instead.</p>`
        : manager.required
          ? html`<p class="small" id="approve-why">Manager approval: ${manager.why.join('; ')}.</p>`
          : ''
    }
    <button type="submit" class="primary" data-shortcut="approve"${!draft || blocked ? html` disabled aria-describedby="approve-why"` : ''}>Approve revision ${draft?.revision ?? '—'} and post <kbd>a</kbd></button>
  </form>
  <form method="post" action="${base}/reject" class="stack">${csrfField(viewer)}
    <label for="reject-reason">Reason for rejecting <span class="muted small">(the invoice stays as the technician left it)</span></label>
    <textarea id="reject-reason" name="reason" required maxlength="1000" rows="2" data-shortcut="reject"></textarea>
    <button type="submit" class="danger">Reject</button>
  </form>
  ${
    item.status !== 'escalated'
      ? html`<form method="post" action="${base}/escalate" class="stack">${csrfField(viewer)}
    <label for="escalate-note">Note for the manager (optional)</label>
    <textarea id="escalate-note" name="note" maxlength="1000" rows="2"></textarea>
    <button type="submit" data-shortcut="escalate">Escalate to a manager <kbd>m</kbd></button></form>`
      : ''
  }
  ${
    item.status === 'on_hold'
      ? html`<form method="post" action="${base}/resume" class="stack">${csrfField(viewer)}<input type="hidden" name="note" value="">
    <button type="submit" data-shortcut="hold">Take off hold <kbd>h</kbd></button></form>`
      : html`<form method="post" action="${base}/hold" class="stack">${csrfField(viewer)}
    <label for="hold-note">Why hold it (optional)</label>
    <input id="hold-note" name="note" maxlength="1000">
    <button type="submit" data-shortcut="hold">Put on hold <kbd>h</kbd></button></form>`
  }
</div>`;
}

function releaseForm(viewer: Viewer, m: ItemPageModel): SafeHtml {
  if (!m.view.holder?.mine) return html``;
  return html`<form method="post" action="/items/${m.view.item.id}/release" class="inline">${csrfField(viewer)}
    <button type="submit" class="link">Release it back to the queue</button></form>`;
}

export function itemPage(viewer: Viewer, m: ItemPageModel): SafeHtml {
  const { item, run, extract, draft, route, audit, revisions } = m.view;
  const role = viewer.user!.role;
  const context = extract?.context ?? null;
  const title = `${item.kind === 'payment' ? 'Payment' : `Job ${item.stJobId ?? '—'}`} · ${item.customerName ?? 'unknown customer'}`;
  const spans = draft ? lineSpans(draft.lines) : [];
  return layout(viewer, {
    title,
    active: 'queue',
    flash: m.flash,
    body: html`<div class="item-head" data-item-id="${item.id}" data-claim-url="${m.canAct ? `/items/${item.id}/claim` : ''}">
  <div class="queue-head"><p><a href="${`/queue?tenant=${encodeURIComponent(item.tenantId)}`}">← Review queue</a></p>
  ${
    m.canWork
      ? html`<form method="post" action="/queue/next" class="inline">${csrfField(viewer)}
    <input type="hidden" name="tenant" value="${item.tenantId}"><input type="hidden" name="current" value="${item.id}">
    <button type="submit" data-shortcut="next">${OPEN_STATUSES.includes(item.status) ? 'Skip to the next item' : 'Next item'} <kbd>n</kbd></button></form>`
      : ''
  }</div>
  <h1>${title}</h1>
  <dl class="summary" id="item-summary">
    <div><dt>Amount</dt><dd>${money(item.amount)}</dd></div>
    <div><dt>Status</dt><dd>${statusBadge(item.status)}${run ? html` <span class="small muted">run ${run.status}</span>` : ''}</dd></div>
    <div><dt>Reasons</dt><dd>${item.reasons.map((r) => html`<span class="tag">${reasonLabel(r)}</span> `)}${item.needsManager ? html`<span class="tag tag-manager">Needs manager</span>` : ''}</dd></div>
    <div><dt>Business unit</dt><dd>${m.names.businessUnit ?? item.businessUnitId ?? '—'}</dd></div>
    <div><dt>Job type</dt><dd>${m.names.jobType ?? item.jobTypeId ?? '—'}</dd></div>
    <div><dt>Waiting</dt><dd>${age(item.createdAt)} <span class="small muted">(due ${when(item.slaDueAt)})</span></dd></div>
  </dl>
  ${routeSection(route, (item.details ?? {}) as Record<string, unknown>)}
</div>
${conversationsSection(m.conversations)}
<section class="panel actions" id="decision-panel" aria-labelledby="decide-title">
  <h2 id="decide-title">Decision</h2>
  ${claimBanner(m)}${resolution(item, m.names)}
  ${OPEN_STATUSES.includes(item.status) ? escalationNote(audit) : ''}
  ${decisions(viewer, m, role)}
  ${releaseForm(viewer, m)}
</section>
${
  item.kind === 'payment'
    ? paymentPanel(viewer, item, m.canAct)
    : item.kind === 'accounting'
      ? accountingDifferencePanel(item)
      : html`<div class="item-grid">
  <div class="item-main">
  ${draftPanel(viewer, {
    itemId: item.id,
    tenantId: item.tenantId,
    draft,
    canEdit: m.canAct,
    canSetPrice: m.canSetPrice,
    error: m.draftError,
    notice: m.draftNotice,
    names: m.codeNames,
  })}
  ${evidencePanel(item)}
  ${documentsPanel(item)}
  ${messagesPanel(item)}
  </div>
  <aside class="item-side" aria-label="The technician's invoice and notes">
  ${technicianPanel(context)}
  <section class="panel" aria-labelledby="notes-title"><h2 id="notes-title">Technician notes</h2>
    <p class="small muted">Highlighted text is what the draft's lines came from; hover a line to find it.</p>
    ${context ? notesSection(context, spans) : html`<p class="muted">Not loaded.</p>`}
  </section>
  </aside>
</div>
${context ? jobContextSection(context, item.id) : ''}
${extract ? aiSection(extract) : ''}
${
  revisions.length
    ? html`<section class="panel" id="revisions-panel" aria-labelledby="rev-title"><h2 id="rev-title">Draft revisions</h2><ol>${revisions.map(
        (r) =>
          html`<li>Revision ${r.revision}: ${money(r.total)} by ${r.createdBy} at ${timeTag(r.createdAt)}${r.revision === draft?.revision ? html` <strong>(current)</strong>` : ''}</li>`,
      )}</ol></section>`
    : ''
}`
}
<section class="panel" id="audit-panel" aria-labelledby="audit-title"><h2 id="audit-title">Audit history</h2>
  ${auditTable(audit, { run: run?.id ?? null, item: item.id })}
</section>`,
  });
}
