// The item page's message timeline: every message about the invoice (the send, reminders,
// resends, fallbacks) with what happened to it (sent, delivered, opened where known, bounced,
// replied, suppressed by the contact policy), and a form to resend, to the same or another
// contact. The panel loads its content after the page.
import type { ItemMessages } from '../messages/load.ts';
import { timeTag } from './format.ts';
import { html, type SafeHtml } from './html.ts';
import { csrfField, type Viewer } from './layout.ts';

const EVENT_LABELS: Record<string, string> = {
  planned: 'Planned',
  sending: 'Sending',
  accepted: 'Sent (accepted by the provider)',
  delivered: 'Delivered',
  opened: 'Opened',
  bounced: 'Bounced',
  failed: 'Not delivered',
  replied: 'Replied',
  suppressed: 'Not sent (contact policy)',
  deferred: 'Deferred',
  unknown: 'Outcome unknown',
  recovering: 'Recovering after an interrupted send',
  resent: 'Sent again (same Message-ID)',
  retry: 'Refused for now; will retry',
  review: 'Review item opened',
  status: 'Provider status',
};

export function messagesPanel(item: { id: string; kind: string }): SafeHtml {
  if (item.kind !== 'invoice' && item.kind !== 'delivery') return html``;
  return html`<section class="panel" id="messages-panel" aria-labelledby="messages-title"><h2 id="messages-title">Messages to the customer</h2>
  <div hx-get="/items/${item.id}/messages" hx-trigger="load" hx-swap="innerHTML"><p class="small muted">Loading…</p></div>
</section>`;
}

function detailText(detail: unknown): string {
  const d = (detail ?? {}) as Record<string, unknown>;
  const parts = [d.reason, d.status, d.error, d.keyword, d.until ? `until ${String(d.until)}` : null].filter(
    (p) => typeof p === 'string' && p,
  );
  return parts.join(' · ');
}

export function messagesFragment(viewer: Viewer, m: ItemMessages, canAct: boolean): SafeHtml {
  if (!m.messages.length)
    return html`<p class="small muted" data-testid="no-messages">Nothing has been sent to the customer for this invoice.</p>`;
  return html`<ol class="timeline" data-testid="message-timeline">${m.messages.map(
    (
      msg,
    ) => html`<li data-message-id="${msg.id}" data-state="${msg.state}"><strong>${msg.purpose === 'invoice' ? 'Invoice' : 'Reminder'} ${msg.step}</strong>
    — ${msg.channel ?? 'channel not chosen'}${msg.recipient ? html` to <code>${msg.recipient}</code>` : ''}: <span class="badge">${msg.state}</span>
    ${msg.dueAt && msg.state === 'planned' ? html` <span class="small muted">due ${timeTag(msg.dueAt)}</span>` : ''}
    ${msg.reason ? html` <span class="small muted">${msg.reason}</span>` : ''}
    <ul class="small">${msg.events.map(
      (e) =>
        html`<li>${timeTag(e.at)} ${EVENT_LABELS[e.kind] ?? e.kind}${detailText(e.detail) ? html` <span class="muted">${detailText(e.detail)}</span>` : ''}</li>`,
    )}</ul></li>`,
  )}</ol>${canAct && m.base ? resendForm(viewer, m) : ''}`;
}

function resendForm(viewer: Viewer, m: ItemMessages): SafeHtml {
  return html`<form method="post" action="/items/${m.itemId}/messages/resend" class="stack" data-testid="resend-form">${csrfField(viewer)}
  <fieldset><legend>Send the invoice again</legend>
  <label><input type="radio" name="contactId" value="" checked> The best contact (channel rules and opt-outs apply)</label>
  ${(m.contacts ?? []).map(
    (c) =>
      html`<label><input type="radio" name="contactId" value="${String(c.id)}"> ${c.type}: <code>${c.value}</code>${c.doNotText ? ' (Do Not Text)' : ''}</label>`,
  )}
  ${m.contacts === null ? html`<p class="small muted">Contacts could not be read from ServiceTitan; the best contact is used.</p>` : ''}
  </fieldset>
  <button type="submit">Resend</button></form>`;
}
