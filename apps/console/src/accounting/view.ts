// The accounting settings page: the books connection, the mode (with the refusal's evidence),
// mappings to review once (suggestion prefilled, the books' choices listed), the sync log and
// the open differences between ServiceTitan and the books.

import type { BooksRef } from '@invoicer/accounting';
import type {
  AccountingConnection,
  AccountingDocument,
  AccountingFinding,
  AccountingMapping,
} from '@invoicer/db';
import { href, html } from '../views/html.ts';
import { csrfField, type Flash, layout, type Viewer } from '../views/layout.ts';

/** One day of the three-way report (ServiceTitan ↔ books ↔ bank). */
export interface DayRow {
  day: string;
  stInvoiced: string;
  /** Null in journal mode (no invoices in the books; the journals are checked instead). */
  booksInvoiced: string | null;
  stReceived: string;
  bankDeposited: string;
  differences: number;
}

export interface AccountingView {
  tenantId: string;
  tenants: { id: string; name: string }[];
  connection: AccountingConnection | null;
  mappings: AccountingMapping[];
  candidates: Record<string, BooksRef[]>;
  documents: AccountingDocument[];
  counts: Record<string, number>;
  findings: AccountingFinding[];
  days: DayRow[];
  flash?: Flash;
}

const MODE_TEXT: Record<string, string> = {
  off: 'Off: nothing is read or written.',
  observe: 'Observe: we read the books and report differences; we never write.',
  invoices:
    'Invoices: we post cleared (posted) invoices and their payments, and mark them exported in ServiceTitan.',
  journal: 'Journal: daily summarised journal entries per business unit.',
};

export function accountingPage(viewer: Viewer, v: AccountingView) {
  const c = v.connection;
  const open = v.mappings.filter((m) => m.status !== 'confirmed');
  const body = html`<h1>Accounting sync</h1>
<form method="get" action="/settings/accounting" class="inline"><label>Tenant
<select name="tenant" onchange="this.form.submit()">${v.tenants.map(
    (t) =>
      html`<option value="${t.id}"${t.id === v.tenantId ? html` selected` : ''}>${t.name} (${t.id})</option>`,
  )}</select></label> <noscript><button type="submit">Show</button></noscript></form>
<section aria-labelledby="conn"><h2 id="conn">Connection</h2>
${
  c
    ? html`<dl class="facts"><dt>Books</dt><dd>${c.provider === 'xero' ? 'Xero' : 'QuickBooks Online'} · ${c.externalName ?? c.externalTenantId}</dd>
<dt>Access token</dt><dd>${c.accessExpiresAt > new Date() ? 'valid' : 'expired (refreshed on next use)'} · last refreshed ${c.refreshedAt.toISOString()}</dd>
${c.provider === 'xero' && Date.now() - c.refreshedAt.getTime() > 45 * 86_400_000 ? html`<dt>Warning</dt><dd class="flash-warn">Unused for over 45 days: Xero drops refresh tokens after 60 days unused. Reconnect soon.</dd>` : ''}
${c.lastError ? html`<dt>Last error</dt><dd class="flash-error">${c.lastError}</dd>` : ''}</dl>`
    : html`<p>Not connected. Run <code>npm run accounting:connect -- --tenant ${v.tenantId} --provider xero</code> (or <code>qbo</code>).</p>`
}</section>
${
  c
    ? html`<section aria-labelledby="mode"><h2 id="mode">Mode</h2><p>${MODE_TEXT[c.mode] ?? c.mode}</p>
<form method="post" action="/settings/accounting/mode">${csrfField(viewer)}<input type="hidden" name="tenant" value="${v.tenantId}">
<label>Mode <select name="mode">${Object.keys(MODE_TEXT).map((m) => html`<option value="${m}"${m === c.mode ? html` selected` : ''}>${m}</option>`)}</select></label>
<button type="submit">Change mode</button></form></section>
<section aria-labelledby="maps"><h2 id="maps">Mappings to review (${open.length})</h2>
${
  open.length
    ? html`<table><thead><tr><th scope="col">Kind</th><th scope="col">ServiceTitan</th><th scope="col">Suggestion</th><th scope="col">Books</th><th scope="col"></th></tr></thead><tbody>
${open.map(
  (
    m,
  ) => html`<tr><td>${m.kind}</td><td>${m.stName}</td><td>${m.externalName ? html`${m.externalName} <small>(${Math.round((m.score ?? 0) * 100)}%)</small>` : '—'}</td>
<td><form method="post" action="/settings/accounting/mappings" class="inline">${csrfField(viewer)}
<input type="hidden" name="tenant" value="${v.tenantId}"><input type="hidden" name="kind" value="${m.kind}"><input type="hidden" name="stKey" value="${m.stKey}">
<select name="externalId" aria-label="Books ${m.kind} for ${m.stName}">${(v.candidates[m.kind] ?? []).map(
    (r) =>
      html`<option value="${r.id}"${r.id === m.externalId ? html` selected` : ''}>${r.code && r.code !== r.id ? `${r.code} ` : ''}${r.name}</option>`,
  )}</select> <button type="submit">Confirm</button></form></td></tr>`,
)}</tbody></table>`
    : html`<p>Every mapping is confirmed.</p>`
}</section>
<section aria-labelledby="log"><h2 id="log">Sync log</h2>
<p>${Object.entries(v.counts).map(([k, n]) => html`<span class="badge">${k}: ${n}</span> `)}</p>
<table><thead><tr><th scope="col">Invoice</th><th scope="col">Status</th><th scope="col">Amount</th><th scope="col">In the books</th><th scope="col">Updated</th><th scope="col">Detail</th></tr></thead><tbody>
${v.documents.map(
  (
    d,
  ) => html`<tr><td>${d.number ?? d.stId}</td><td>${d.status}</td><td>${d.amount?.toFixed(2) ?? ''}</td><td>${d.externalId ?? ''}</td><td>${d.updatedAt.toISOString()}</td>
<td><small>${JSON.stringify(d.detail).slice(0, 200)}</small></td></tr>`,
)}</tbody></table></section>
<section aria-labelledby="days"><h2 id="days">By day: ServiceTitan, books, bank</h2>
<p><a href="${href('/settings/accounting/days.csv', { tenant: v.tenantId })}">Download CSV</a> · card deposits are shown before the processor's fee</p>
<table><thead><tr><th scope="col">Day</th><th scope="col">Invoiced in ServiceTitan</th><th scope="col">In the books</th><th scope="col">Payments in ServiceTitan</th><th scope="col">Deposited in the bank</th><th scope="col">Differences</th></tr></thead><tbody>
${v.days.map(
  (d) =>
    html`<tr><td>${d.day}</td><td class="num">${d.stInvoiced}</td><td class="num">${d.booksInvoiced ?? 'journal'}</td><td class="num">${d.stReceived}</td><td class="num">${d.bankDeposited}</td><td class="num">${d.differences ? html`<strong>${String(d.differences)}</strong>` : '0'}</td></tr>`,
)}</tbody></table></section>
<section aria-labelledby="diff"><h2 id="diff">Differences (${v.findings.length})</h2>
<p><a href="${href('/settings/accounting/differences.csv', { tenant: v.tenantId })}">Download CSV</a></p>
<table><thead><tr><th scope="col">Day</th><th scope="col">Kind</th><th scope="col">Invoice</th><th scope="col">ServiceTitan</th><th scope="col">Books</th><th scope="col">What</th></tr></thead><tbody>
${v.findings.map(
  (f) =>
    html`<tr><td>${f.day?.toISOString().slice(0, 10) ?? ''}</td><td>${f.kind}</td><td>${f.number ?? f.stId ?? ''}</td><td>${f.stAmount?.toFixed(2) ?? ''}</td><td>${f.booksAmount?.toFixed(2) ?? ''}</td><td>${f.detail}</td></tr>`,
)}</tbody></table></section>`
    : ''
}`;
  return layout(viewer, { title: 'Accounting sync', body, active: 'accounting', flash: v.flash });
}
