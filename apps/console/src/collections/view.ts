// The receivables page: aging (chart, per business unit, per customer), the monthly collection
// metrics with their formulas, and the call list with a form to record each call's outcome.
import { type AgingRow, BUCKET_LABELS, BUCKETS, formatCents } from '@invoicer/collections';
import { html, type SafeHtml } from '../views/html.ts';
import { csrfField, type Viewer } from '../views/layout.ts';
import { agingChart, dsoChart } from './chart.ts';
import type { ReceivablesView } from './load.ts';

const OUTCOME_LABELS: [string, string][] = [
  ['promise_to_pay', 'Promise to pay'],
  ['dispute', 'Dispute'],
  ['wrong_number', 'Wrong number'],
  ['no_answer', 'No answer'],
  ['paid_claimed', 'Says already paid'],
];

function agingTable(
  caption: string,
  rows: readonly AgingRow[],
  total: AgingRow['cents'],
  limit: number,
): SafeHtml {
  return html`<table><caption>${caption}</caption>
    <thead><tr><th scope="col">Name</th>${BUCKETS.map((b) => html`<th scope="col" class="num">${BUCKET_LABELS[b]}</th>`)}<th scope="col" class="num">Total</th><th scope="col" class="num">Open invoices</th></tr></thead>
    <tbody>${rows
      .slice(0, limit)
      .map(
        (r) =>
          html`<tr><th scope="row">${r.name}</th>${BUCKETS.map((b) => html`<td class="num">${formatCents(r.cents[b])}</td>`)}<td class="num">${formatCents(r.cents.total)}</td><td class="num">${r.openInvoices}</td></tr>`,
      )}</tbody>
    <tfoot><tr><th scope="row">All${rows.length > limit ? ` (${rows.length} rows, ${limit} shown)` : ''}</th>${BUCKETS.map((b) => html`<td class="num">${formatCents(total[b])}</td>`)}<td class="num">${formatCents(total.total)}</td><td></td></tr></tfoot>
  </table>`;
}

function metricsTable(v: ReceivablesView): SafeHtml {
  const n = (x: number | null, unit = '') => (x === null ? 'n/a' : `${x}${unit}`);
  return html`<table><caption>Collection metrics by month</caption>
    <thead><tr><th scope="col">Month</th><th scope="col" class="num">Beginning AR</th><th scope="col" class="num">Credit sales</th><th scope="col" class="num">Ending AR</th><th scope="col" class="num">Ending current AR</th><th scope="col" class="num">DSO</th><th scope="col" class="num">Best possible DSO</th><th scope="col" class="num">ADD</th><th scope="col" class="num">CEI</th></tr></thead>
    <tbody>${v.months.map(
      (m) =>
        html`<tr><th scope="row">${m.start.toISOString().slice(0, 7)}</th><td class="num">${formatCents(m.beginningArCents)}</td><td class="num">${formatCents(m.creditSalesCents)}</td><td class="num">${formatCents(m.endingArCents)}</td><td class="num">${formatCents(m.endingCurrentArCents)}</td><td class="num">${n(m.dso, ' d')}</td><td class="num">${n(m.bestPossibleDso, ' d')}</td><td class="num">${n(m.averageDaysDelinquent, ' d')}</td><td class="num">${n(m.cei, ' %')}</td></tr>`,
    )}</tbody>
  </table>
  <p class="muted">DSO = ending AR ÷ credit sales × days in the month. Best possible DSO = ending current AR ÷ credit sales × days.
  ADD (average days delinquent) = DSO − best possible DSO. CEI = (beginning AR + credit sales − ending AR) ÷ (beginning AR + credit sales − ending current AR) × 100.
  Months in UTC; balances replayed from the payments in the mirror.</p>`;
}

function outcomeForm(v: ReceivablesView, viewer: Viewer, invoiceId: number): SafeHtml {
  return html`<form method="post" action="/collections/outcomes" class="inline">${csrfField(viewer)}
    <input type="hidden" name="tenant" value="${v.tenantId}"><input type="hidden" name="invoice" value="${invoiceId}">
    <label>Outcome <select name="outcome">${OUTCOME_LABELS.map(([k, l]) => html`<option value="${k}">${l}</option>`)}</select></label>
    <label>Promised for <input type="date" name="promisedFor"></label>
    <label>Note <input type="text" name="note" maxlength="500"></label>
    <button type="submit">Record</button></form>`;
}

export function receivablesPage(
  v: ReceivablesView,
  viewer: Viewer,
  canAct: boolean,
  tenants: { id: string; name: string }[],
): SafeHtml {
  return html`<h1>Receivables</h1>
  <p><a href="/collections/plans?tenant=${v.tenantId}">Payment plans</a></p>
  ${tenants.length > 1 ? html`<form method="get" action="/collections"><label>Tenant <select name="tenant">${tenants.map((t) => html`<option value="${t.id}"${t.id === v.tenantId ? html` selected` : ''}>${t.name}</option>`)}</select></label> <button type="submit">Show</button></form>` : ''}
  <p>Open balance <strong>${formatCents(v.aging.total.total)}</strong> as of ${v.asOf.toISOString().slice(0, 10)}, from the ServiceTitan mirror.</p>
  ${
    v.rejected.length
      ? html`<p class="flash flash-warn" role="status">${v.rejected.length} mirrored records could not be read and are left out: ${v.rejected
          .slice(0, 3)
          .map((r) => `${r.resource} ${String(r.id)}: ${r.reason}`)
          .join('; ')}</p>`
      : ''
  }
  <section aria-labelledby="aging-h"><h2 id="aging-h">Aging</h2>${agingChart(v.aging.total)}
  ${agingTable('By business unit', v.aging.byBusinessUnit, v.aging.total, 100)}
  ${agingTable('By customer', v.aging.byCustomer, v.aging.total, 50)}</section>
  <section aria-labelledby="metrics-h"><h2 id="metrics-h">DSO, CEI and average days delinquent</h2>${dsoChart(v.months)}${metricsTable(v)}</section>
  <section aria-labelledby="calls-h"><h2 id="calls-h">Call list</h2>
  <p class="muted">Ranked by expected recovery = open balance × probability of being paid within 30 days after due. Disputed invoices and invoices on a payment plan are left out.</p>
  <p id="ranked-by"><strong>Ranked by ${v.rankedBy.source === 'model' ? "the shop's learned model" : 'the risk scorecard'}</strong>${v.rankedBy.trainedAt ? ` (fitted ${v.rankedBy.trainedAt.toISOString().slice(0, 10)})` : ''}: ${v.rankedBy.why}.</p>
  <table><thead><tr><th scope="col">#</th><th scope="col">Customer</th><th scope="col">Invoice</th><th scope="col" class="num">Balance</th><th scope="col" class="num">Days past due</th><th scope="col" class="num">P(paid)</th><th scope="col" class="num">Expected recovery</th><th scope="col">Priority</th><th scope="col">Why</th>${canAct ? html`<th scope="col">Outcome</th>` : ''}</tr></thead>
  <tbody>${v.callList.map(
    (c, i) =>
      html`<tr><td class="num">${i + 1}</td><td>${c.customerName}</td><td>${c.invoiceId}</td><td class="num">${formatCents(c.balanceCents)}</td><td class="num">${c.daysPastDue}</td><td class="num">${Math.round(100 * (1 - c.score.risk))} %</td><td class="num">${formatCents(c.expectedRecoveryCents)}</td><td>${c.priority}</td><td><ul>${c.score.reasons.slice(0, 3).map((r) => html`<li>${r.text}</li>`)}</ul></td>${canAct ? html`<td>${outcomeForm(v, viewer, c.invoiceId)}</td>` : ''}</tr>`,
  )}</tbody></table>
  ${v.callList.length === 0 ? html`<p>Nothing past due to call about.</p>` : ''}
  ${v.excluded.length ? html`<p class="muted">Left off the list: ${v.excluded.map((e) => `${e.customerName} (invoice ${e.invoiceId}, ${e.reason})`).join('; ')}</p>` : ''}
  </section>`;
}
