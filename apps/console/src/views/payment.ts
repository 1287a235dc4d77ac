// The payment exception page: the decision first (apply the suggested match, another candidate,
// a split, a write-off within tolerance, not ours / refund, leave open, escalate), then the
// deposit beside its candidates, each with the difference in words, its allocation as a table,
// how sure the matcher is and why, and links to the invoice review of the same job.
import type { ReviewItem } from '@invoicer/db';
import type { Holder } from '../review/load.ts';
import { type PaymentCandidate, paymentCandidates, paymentNotes, paymentSubject } from '../review/payment.ts';
import { age, money, reasonLabel, statusBadge, timeTag, when } from './format.ts';
import { href, html, type SafeHtml } from './html.ts';
import { csrfField, type Flash, layout, type Viewer } from './layout.ts';
import { decisionPanel } from './payment-decision.ts';
import {
  balanceAfter,
  confidenceWords,
  differenceWords,
  evidenceText,
  noteTexts,
} from './payment-explain.ts';

/** The invoice review item of the job behind a ServiceTitan invoice. */
export interface InvoiceReviewLink {
  reviewItemId: string;
  stJobId: number;
  status: string;
}

export interface PaymentPageModel {
  item: ReviewItem;
  holder: Holder | null;
  canWork: boolean;
  canAct: boolean;
  /** The viewer may resolve items that need a manager. */
  manager: boolean;
  resolvedBy?: string;
  flash?: Flash;
  /** By ServiceTitan invoice id. */
  links: ReadonlyMap<number, InvoiceReviewLink>;
  /** The shop's short-pay tolerance, for the write-off explanation. */
  tolerance: { percent: number; fixed: string } | null;
}

const OPEN = ['open', 'on_hold', 'escalated'];

/** A bank booking date (YYYY-MM-DD) as "Dec 4, 2026": a calendar day, no zone to convert. */
export function dayText(value: string | null): string {
  if (!value) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!m) return value;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', dateStyle: 'medium' }).format(d);
}

const CHANNELS: Record<string, string> = {
  card: 'Card processor payout',
  check: 'Check or cash deposit',
  ach: 'ACH transfer',
};

function depositPanel(item: ReviewItem): SafeHtml {
  const s = paymentSubject(item.details);
  const amount = s.amount ?? item.amount.toFixed(2);
  const row = (label: string, value: string | SafeHtml | null) =>
    value ? html`<dt>${label}</dt><dd>${value}</dd>` : '';
  const title = s.kind === 'st_payment' ? 'ServiceTitan payment' : 'Bank deposit';
  return html`<section class="panel" id="deposit-panel" aria-labelledby="deposit-title">
  <h2 id="deposit-title">${title}</h2>
  <dl class="pairs">
    ${row(s.kind === 'st_payment' ? 'Unapplied' : 'Amount', money(amount))}
    ${s.kind === 'st_payment' && s.total ? row('Payment total', money(s.total)) : ''}
    ${row(s.kind === 'st_payment' ? 'Paid on' : 'Received', dayText(s.date))}
    ${row('From', s.payer ?? item.customerName)}
    ${row('How it arrived', s.paymentType ?? (s.channel ? (CHANNELS[s.channel] ?? null) : null))}
    ${row('Check number', s.checkNumber)}
    ${row('Bank reference', s.reference)}
    ${s.paymentId !== null ? row('Payment number', String(s.paymentId)) : ''}
    ${row(s.kind === 'st_payment' ? 'Memo' : 'Bank text', s.text)}
  </dl>

  ${
    s.alreadyApplied.length
      ? html`<h3>Already applied in ServiceTitan</h3><table><thead><tr><th scope="col">Invoice</th><th scope="col" class="num">Amount</th></tr></thead>
    <tbody>${s.alreadyApplied.map((a) => html`<tr><td>${a.referenceNumber}</td><td class="num">${money(a.amount)}</td></tr>`)}</tbody></table>`
      : ''
  }
</section>`;
}

export function allocationTable(c: PaymentCandidate): SafeHtml {
  if (c.splits.length === 0) return html``;
  return html`<table class="allocation"><caption class="sr-only">How the money is applied</caption>
  <thead><tr><th scope="col" class="num">Invoice</th><th scope="col">Customer</th><th scope="col" class="num">Applied</th><th scope="col" class="num">Balance after</th></tr></thead>
  <tbody>${c.splits.map(
    (
      s,
    ) => html`<tr><td class="num">${s.referenceNumber}</td><td>${s.customerName || c.customerName || '—'}</td>
    <td class="num">${money(s.amount)}${s.writeOff ? html`<br><span class="small muted">+ ${money(s.writeOff)} written off</span>` : ''}</td>
    <td class="num">${money(balanceAfter(s, c))}</td></tr>`,
  )}</tbody>
  ${c.credit ? html`<tfoot><tr><td colspan="2">Left unapplied</td><td class="num">${money(c.credit)}</td><td></td></tr></tfoot>` : ''}
</table>`;
}

/** Links to the invoice review items of the jobs behind the candidate's invoices. */
function reviewLinks(c: PaymentCandidate, links: PaymentPageModel['links']): SafeHtml {
  const ids = new Set<number>([
    ...(c.invoiceId !== null ? [c.invoiceId] : []),
    ...c.splits.flatMap((s) => (s.invoiceId !== null ? [s.invoiceId] : [])),
  ]);
  const found = [...ids].flatMap((id) => links.get(id) ?? []);
  if (c.pending?.reviewItemId && !found.some((l) => l.reviewItemId === c.pending?.reviewItemId))
    found.push({ reviewItemId: c.pending.reviewItemId, stJobId: c.pending.jobId ?? 0, status: '' });
  if (found.length === 0) return html``;
  return html`<p class="small">${found.map(
    (l) =>
      html`<a href="${`/items/${l.reviewItemId}`}" data-invoice-review>Invoice review for job ${l.stJobId || '—'}</a> ${l.status ? statusBadge(l.status) : ''} `,
  )}</p>`;
}

interface CardContext {
  viewer: Viewer;
  item: ReviewItem;
  canAct: boolean;
  links: PaymentPageModel['links'];
  amount: string;
}

function candidateCard(x: CardContext, c: PaymentCandidate, index: number): SafeHtml {
  const { viewer, amount } = x;
  const diff = differenceWords(amount, c);
  const conf = confidenceWords(c);
  return html`<article class="candidate panel" id="candidate-${index + 1}" aria-labelledby="candidate-${index + 1}-title">
  <h3 id="candidate-${index + 1}-title">${c.title}${c.customerName && c.kind !== 'invoices' ? html` · ${c.customerName}` : ''}${index === 0 ? html` <span class="tag">Suggested</span>` : ''}</h3>
  <p class="difference difference-${diff.tone}"><strong>${diff.headline}.</strong> ${diff.detail}</p>
  ${allocationTable(c)}
  <p class="small"><strong>${conf.label}${conf.percent ? ` (${conf.percent})` : ''}</strong>${
    conf.for.length ? html`: ${conf.for.join(', ')}` : ''
  }${conf.against.length ? html`; against it: ${conf.against.join(', ')}` : ''}.</p>
  ${
    c.evidence.length
      ? html`<details class="why-more"><summary>Evidence</summary><ul class="evidence">${c.evidence.map((e) => html`<li>${evidenceText(e.detail)}</li>`)}</ul></details>`
      : ''
  }
  ${reviewLinks(c, x.links)}
  ${
    x.canAct && index < 9
      ? html`<form method="post" action="${`/items/${x.item.id}/payment`}" class="inline">${csrfField(viewer)}
    <input type="hidden" name="action" value="apply"><input type="hidden" name="candidateIndex" value="${index}">
    <button type="submit"${index > 0 ? html` data-shortcut="candidate-${index + 1}"` : ''}>Apply this <kbd>${index + 1}</kbd></button></form>`
      : ''
  }
</article>`;
}

/** The deposit beside its candidates (also used by the generic item page). */
export function paymentPanel(
  viewer: Viewer,
  item: ReviewItem,
  canAct: boolean,
  links: PaymentPageModel['links'] = new Map(),
): SafeHtml {
  const candidates = paymentCandidates(item.details);
  const subject = paymentSubject(item.details);
  const context: CardContext = {
    viewer,
    item,
    canAct,
    links,
    amount: subject.amount ?? item.amount.toFixed(2),
  };
  const notes = noteTexts(paymentNotes(item.details));
  return html`<div class="side-by-side payment-compare">
  <div>${depositPanel(item)}
  ${notes.length ? html`<section class="panel" aria-labelledby="notes-title"><h2 id="notes-title">What the matcher found</h2><ul>${notes.map((n) => html`<li>${n}</li>`)}</ul></section>` : ''}
  </div>
  <section aria-labelledby="candidates-title"><h2 id="candidates-title">Best candidates</h2>
  ${
    candidates.length
      ? candidates.map((c, i) => candidateCard(context, c, i))
      : html`<p class="muted">No candidate invoices were found. Leave it open, mark it as not ours, or escalate it.</p>`
  }
  </section>
</div>`;
}

function claimBanner(m: PaymentPageModel): SafeHtml {
  const { holder, item } = m;
  if (!OPEN.includes(item.status)) return html``;
  if (!holder) return html`<p class="claim" role="status">Nobody is working this item.</p>`;
  if (holder.mine)
    return html`<p class="claim claim-mine" role="status" data-claimed="mine">You are working this item until ${when(holder.expiresAt)} (renewed as you work).</p>`;
  return html`<p class="claim claim-other" role="status" data-claimed="other"><strong>${holder.name}</strong> is working this item until ${when(holder.expiresAt)}. You can read it but not act on it.</p>`;
}

function resolutionLine(m: PaymentPageModel): SafeHtml {
  const { item } = m;
  if (OPEN.includes(item.status)) return html``;
  const r = (item.resolution ?? {}) as { action?: string; reason?: string; note?: string };
  const what: Record<string, string> = {
    apply: 'a candidate was applied',
    split: 'split across invoices',
    leave_open: 'left open',
    reject: 'marked as not ours',
  };
  return html`<p class="resolution" role="status">${statusBadge(item.status)} ${r.action && what[r.action] ? `(${what[r.action]})` : ''}
    ${item.resolvedAt ? html` by ${m.resolvedBy ?? 'someone'} at ${timeTag(item.resolvedAt)}` : ''}${r.reason ? html`: “${r.reason}”` : ''}${r.note ? html`: “${r.note}”` : ''}</p>`;
}

export function paymentPage(viewer: Viewer, m: PaymentPageModel): SafeHtml {
  const { item } = m;
  const candidates = paymentCandidates(item.details);
  const subject = paymentSubject(item.details);
  const title = `Payment exception · ${item.customerName ?? subject.payer ?? 'unknown payer'}`;
  return layout(viewer, {
    title,
    active: 'queue',
    flash: m.flash,
    body: html`<div class="item-head" data-item-id="${item.id}" data-claim-url="${m.canAct ? `/items/${item.id}/claim` : ''}">
  <div class="queue-head"><p><a href="${href('/queue', { tenant: item.tenantId })}">← Review queue</a></p>
  ${
    m.canWork
      ? html`<form method="post" action="/queue/next" class="inline">${csrfField(viewer)}
    <input type="hidden" name="tenant" value="${item.tenantId}"><input type="hidden" name="current" value="${item.id}">
    <button type="submit" data-shortcut="next">${OPEN.includes(item.status) ? 'Skip to the next item' : 'Next item'} <kbd>n</kbd></button></form>`
      : ''
  }</div>
  <h1>${title}</h1>
  <dl class="summary" id="item-summary">
    <div><dt>Amount</dt><dd>${money(subject.amount ?? item.amount.toFixed(2))}</dd></div>
    <div><dt>Status</dt><dd>${statusBadge(item.status)}</dd></div>
    <div><dt>Why it is here</dt><dd>${item.reasons.map((r) => html`<span class="tag">${reasonLabel(r)}</span> `)}${item.needsManager ? html`<span class="tag tag-manager">Needs manager</span>` : ''}</dd></div>
    <div><dt>Waiting</dt><dd>${age(item.createdAt)} <span class="small muted">(due ${when(item.slaDueAt)})</span></dd></div>
  </dl>
</div>
<section class="panel actions" id="decision-panel" aria-labelledby="decide-title">
  <h2 id="decide-title">Decision</h2>
  ${claimBanner(m)}${resolutionLine(m)}
  ${decisionPanel(viewer, m, candidates, subject.amount ?? item.amount.toFixed(2))}
</section>
${paymentPanel(viewer, item, m.canAct && (!item.needsManager || m.manager), m.links)}
<p class="small"><a href="${href('/audit', { item: item.id })}">Audit history of this item</a></p>`,
  });
}
