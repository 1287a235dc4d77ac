// A payment review item: the payment (or bank line), its candidate invoices with evidence,
// and one-keystroke choices (1–9 apply a candidate, 0 leaves it open).
import type { ReviewItem } from '@invoicer/db';
import { paymentCandidates, paymentSubject } from '../review/payment.ts';
import { money, percent } from './format.ts';
import { html, type SafeHtml } from './html.ts';
import { csrfField, type Viewer } from './layout.ts';

export function paymentPanel(viewer: Viewer, item: ReviewItem, canAct: boolean): SafeHtml {
  const candidates = paymentCandidates(item.details);
  const subject = paymentSubject(item.details);
  const action = `/items/${item.id}/payment`;
  return html`<section class="panel" aria-labelledby="payment-title">
  <h2 id="payment-title">Payment</h2>
  ${subject.length ? html`<dl class="pairs">${subject.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>` : ''}
  <h3>Candidate invoices</h3>
  ${
    candidates.length
      ? html`<ol class="candidates">${candidates.map(
          (c, i) => html`<li class="candidate">
        <div><strong>${i + 1}. ${c.title}</strong> ${c.amount ? html`· ${money(c.amount)}` : ''} ${c.confidence !== null ? html`· confidence ${percent(c.confidence)}` : ''} ${c.rule ? html`· rule <code>${c.rule}</code>` : ''}</div>
        ${c.evidence.length ? html`<ul class="evidence">${c.evidence.map((e) => html`<li>${e.kind ? html`<span class="tag">${e.kind}</span> ` : ''}${e.detail}</li>`)}</ul>` : ''}
        ${c.fields.length ? html`<dl class="pairs small">${c.fields.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>` : ''}
        ${
          canAct && i < 9
            ? html`<form method="post" action="${action}" class="inline">${csrfField(viewer)}
          <input type="hidden" name="action" value="apply"><input type="hidden" name="candidateIndex" value="${i}">
          <button type="submit" data-shortcut="candidate-${i + 1}">Apply to this invoice <kbd>${i + 1}</kbd></button></form>`
            : ''
        }
      </li>`,
        )}</ol>`
      : html`<p class="muted">No candidate invoices were found.</p>`
  }
  ${
    canAct
      ? html`<div class="decide">
    <form method="post" action="${action}" class="stack">${csrfField(viewer)}<input type="hidden" name="action" value="leave_open">
      <label for="leave-note">Note (optional)</label><textarea id="leave-note" name="note" maxlength="1000" rows="2"></textarea>
      <button type="submit" data-shortcut="leave-open">No match: leave open <kbd>0</kbd></button></form>
    <form method="post" action="${action}" class="stack">${csrfField(viewer)}<input type="hidden" name="action" value="reject">
      <label for="reject-reason">Reason for rejecting</label><textarea id="reject-reason" name="reason" required maxlength="1000" rows="2"></textarea>
      <button type="submit" class="danger">Reject</button></form>
  </div>`
      : ''
  }
</section>`;
}
