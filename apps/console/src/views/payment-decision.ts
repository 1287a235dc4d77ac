// The payment page's Decision panel, at the top: each form posts to /items/:id/payment (apply,
// split, reject as not ours, leave open) or /items/:id/escalate. The suggested match comes first
// and says what applying it does.
import { type PaymentCandidate, type PendingView, splitTargets } from '../review/payment.ts';
import { money } from './format.ts';
import { html, type SafeHtml } from './html.ts';
import { csrfField, type Viewer } from './layout.ts';
import type { PaymentPageModel } from './payment.ts';
import { differenceWords, PENDING_STATUS } from './payment-explain.ts';

/** Why a payment is not ours: the reason recorded when the item is closed without applying. */
export const NOT_OURS_REASONS = [
  'Not ours: the money belongs to another business or customer',
  'Refund: the payer is owed this money back',
  'Duplicate: this deposit is already recorded',
] as const;

function toleranceText(t: PaymentPageModel['tolerance']): string {
  return t ? `${t.percent}% of the invoice or ${money(t.fixed)}, whichever is more` : 'the shop’s tolerance';
}

/** What to do about the draft whose added line the overpayment includes. */
function pendingAdvice(p: PendingView): SafeHtml {
  const review = p.reviewItemId
    ? html`<a href="${`/items/${p.reviewItemId}`}">${p.status === 'awaiting_review' ? 'approve it first' : 'see its review'}</a>`
    : 'wait until it is posted';
  return html`<p class="small">The draft is ${PENDING_STATUS[p.status] ?? 'not yet posted'}: ${review}, or apply now and leave ${money(p.amount)} unapplied.</p>`;
}

function suggested(viewer: Viewer, m: PaymentPageModel, c: PaymentCandidate, amount: string): SafeHtml {
  const diff = differenceWords(amount, c);
  const writeOff = c.splits.find((s) => s.writeOff)?.writeOff;
  const action = `/items/${m.item.id}/payment`;
  const label = writeOff ? `Apply and write off ${money(writeOff)}` : 'Apply the suggested match';
  return html`<form method="post" action="${action}" class="stack">${csrfField(viewer)}
    <input type="hidden" name="action" value="apply"><input type="hidden" name="candidateIndex" value="0">
    <p class="small"><strong>${c.title}</strong>: ${diff.headline}.</p>
    ${writeOff ? html`<p class="small">The difference is within the write-off tolerance (${toleranceText(m.tolerance)}).</p>` : ''}
    ${
      diff.tone === 'short' && !writeOff
        ? html`<p class="small">No write-off offered: the difference is more than ${toleranceText(m.tolerance)} (Settings).</p>`
        : ''
    }
    ${c.pending ? pendingAdvice(c.pending) : ''}
    <button type="submit" class="primary" data-shortcut="candidate-1">${label} <kbd>1</kbd></button>
  </form>`;
}

function another(viewer: Viewer, m: PaymentPageModel, candidates: PaymentCandidate[], amount: string) {
  if (candidates.length < 2) return html``;
  return html`<form method="post" action="${`/items/${m.item.id}/payment`}" class="stack">${csrfField(viewer)}
    <input type="hidden" name="action" value="apply">
    <label for="other-candidate">Choose another candidate</label>
    <select id="other-candidate" name="candidateIndex">${candidates
      .slice(1)
      .map(
        (c, i) =>
          html`<option value="${i + 1}">${i + 2}. ${c.title}: ${differenceWords(amount, c).headline}</option>`,
      )}</select>
    <button type="submit">Apply the chosen candidate</button>
  </form>`;
}

function split(viewer: Viewer, m: PaymentPageModel, candidates: PaymentCandidate[], amount: string) {
  const targets = splitTargets(candidates);
  if (targets.length < 1) return html``;
  return html`<details class="more" id="split"><summary>Split across invoices</summary>
  <form method="post" action="${`/items/${m.item.id}/payment`}" class="stack" id="split-form">${csrfField(viewer)}
    <input type="hidden" name="action" value="split">
    <p class="small">Together at most ${money(amount)}; leave an invoice empty to skip it.</p>
    ${targets.map(
      (
        t,
      ) => html`<label for="split-${t.invoiceId}">Invoice ${t.referenceNumber}${t.customerName ? ` · ${t.customerName}` : ''}${t.balance ? ` (owes ${money(t.balance)})` : ''}</label>
    <input id="split-${t.invoiceId}" name="${`split_${t.invoiceId}`}" inputmode="decimal" pattern="\\d+(\\.\\d{1,2})?" size="10" placeholder="0.00">`,
    )}
    <button type="submit">Apply the split</button>
  </form></details>`;
}

export function decisionPanel(
  viewer: Viewer,
  m: PaymentPageModel,
  candidates: PaymentCandidate[],
  amount: string,
): SafeHtml {
  if (!m.canAct) return html``;
  const action = `/items/${m.item.id}/payment`;
  const escalate =
    m.item.status !== 'escalated'
      ? html`<form method="post" action="${`/items/${m.item.id}/escalate`}" class="stack">${csrfField(viewer)}
    <label for="escalate-note">Note for the manager (optional)</label>
    <textarea id="escalate-note" name="note" maxlength="1000" rows="2"></textarea>
    <button type="submit" data-shortcut="escalate">Escalate to a manager <kbd>m</kbd></button></form>`
      : '';
  if (m.item.needsManager && !m.manager)
    return html`<p class="small">A billing manager must resolve this payment.</p><div class="decide">${escalate}</div>`;
  const first = candidates[0];
  return html`<div class="decide">
  ${first ? suggested(viewer, m, first, amount) : html`<p class="small">No candidate to apply.</p>`}
  ${another(viewer, m, candidates, amount)}
  ${split(viewer, m, candidates, amount)}
  <form method="post" action="${action}" class="stack">${csrfField(viewer)}<input type="hidden" name="action" value="reject">
    <label for="not-ours-reason">Not ours, or to refund</label>
    <select id="not-ours-reason" name="reason">${NOT_OURS_REASONS.map((r) => html`<option>${r}</option>`)}</select>
    <button type="submit" class="danger">Mark as not ours</button></form>
  <form method="post" action="${action}" class="stack">${csrfField(viewer)}<input type="hidden" name="action" value="leave_open">
    <label for="leave-note">Note (optional)</label><textarea id="leave-note" name="note" maxlength="1000" rows="2"></textarea>
    <button type="submit" data-shortcut="leave-open">No match: leave open <kbd>0</kbd></button></form>
  ${escalate}
</div>`;
}
