// Bank files: the upload form, the report of the file just read (or why it could not be read),
// where reconciliation stands for the tenant, and the recent imports.
import type { importBankStatement, reconciliationSummary } from '@invoicer/pipeline';
import { CSV_PRESET_LABELS, FORMATS, type UploadValues } from '../bank/form.ts';
import type { FieldIssue } from '../http/errors.ts';
import { money, timeTag } from './format.ts';
import { type Html, href, html, type SafeHtml } from './html.ts';
import { csrfField, type Flash, layout, type Viewer } from './layout.ts';

export type ImportReport = Awaited<ReturnType<typeof importBankStatement>>;
export type ReconciliationSummary = Awaited<ReturnType<typeof reconciliationSummary>>;

/** One upload (or CLI import): its statements taken together. */
export interface ImportRow {
  fileName: string | null;
  format: string;
  importedBy: string;
  importedAt: Date;
  statements: number;
  accounts: string[];
  currencies: string[];
  periodStart: string | null;
  periodEnd: string | null;
  transactions: number;
  /** Credit lines first stored with these statements, and their sum. */
  credits: number;
  creditTotal: string;
  issues: number;
}

/** A file refused because it does not fit the shop (currency, account, dates): nothing stored. */
export interface Mismatch {
  fileName: string;
  checks: { code: string; message: string }[];
}

/** A file the parser refused: nothing was stored. */
export interface Unreadable {
  fileName: string;
  format: string | null;
  line: number | null;
  issues: string[];
}

export interface BankPageModel {
  tenantId: string | null;
  tenants: { id: string; name: string }[];
  values: UploadValues;
  imports: ImportRow[];
  summary: ReconciliationSummary | null;
  maxUpload: string;
  report?: ImportReport | undefined;
  lines?: string[] | undefined;
  unreadable?: Unreadable | undefined;
  mismatch?: Mismatch | undefined;
  issues?: FieldIssue[] | undefined;
  flash?: Flash | undefined;
}

const KIND_LABELS: Record<string, string> = {
  bank_line: 'Bank credits',
  st_payment: 'ServiceTitan payments',
};

const STATUS_ORDER: [string, string][] = [
  ['matched', 'Matched'],
  ['applied', 'Applied'],
  ['review', 'In review'],
  ['no_match', 'No match'],
  ['rejected', 'Rejected'],
  ['ignored', 'Ignored'],
  ['shadow', 'Shadow'],
];

function amount(value: string, currency: string): string {
  return currency === 'USD' ? money(value) : `${Number(value).toFixed(2)} ${currency}`;
}

function period(start: string | null, end: string | null): string {
  if (!start && !end) return '—';
  if (start === end) return start ?? '—';
  return `${start ?? '?'} to ${end ?? '?'}`;
}

function options(list: [string, string][], current: string, blank?: string): SafeHtml {
  return html`${blank !== undefined ? html`<option value="">${blank}</option>` : ''}${list.map(
    ([v, t]) => html`<option value="${v}"${v === current ? html` selected` : ''}>${t}</option>`,
  )}`;
}

function field(id: string, label: string, control: Html, hint = ''): SafeHtml {
  return html`<div class="field"><label for="${id}">${label}</label>${control}${hint ? html`<p class="hint" id="${id}-hint">${hint}</p>` : ''}</div>`;
}

function uploadForm(viewer: Viewer, m: BankPageModel): SafeHtml {
  const v = m.values;
  return html`<section aria-labelledby="upload-title">
<h2 id="upload-title">Upload a bank file</h2>
<form method="post" action="/bank-statements" enctype="multipart/form-data" class="settings upload">
  ${csrfField(viewer)}
  ${
    m.tenants.length > 1
      ? field(
          'tenant',
          'Tenant',
          html`<select id="tenant" name="tenant">${options(
            m.tenants.map((t) => [t.id, t.name]),
            m.tenantId ?? '',
          )}</select>`,
        )
      : html`<input type="hidden" name="tenant" value="${m.tenantId ?? ''}">`
  }
  ${field(
    'file',
    'Bank file',
    html`<input type="file" id="file" name="file" required aria-describedby="file-hint">`,
    `OFX / QFX, camt.053 / camt.054, BAI2, NACHA or CSV, up to ${m.maxUpload}. Larger files: npm run reconcile:import.`,
  )}
  ${field(
    'format',
    'Format',
    html`<select id="format" name="format">${options([['auto', 'Detect from the file'], ...FORMATS], v.format)}</select>`,
  )}
  <fieldset><legend>CSV column mapping (CSV files only)</legend>
    ${field(
      'csvPreset',
      'Preset',
      html`<select id="csvPreset" name="csvPreset">${options(CSV_PRESET_LABELS, v.csvPreset, 'None')}</select>`,
    )}
    ${field(
      'csvMapping',
      'Or a mapping (JSON)',
      html`<textarea id="csvMapping" name="csvMapping" rows="4" aria-describedby="csvMapping-hint" spellcheck="false">${v.csvMapping}</textarea>`,
      'For example {"date": "Date", "dateFormat": "MM/DD/YYYY", "amount": "Amount", "description": "Description", "reference": "Reference"}. Use debit and credit instead of amount for two-column files.',
    )}
  </fieldset>
  <div class="field"><label><input type="checkbox" name="dryRun" value="true"${v.dryRun ? html` checked` : ''}> Preview only (dry run): read the file and report, store nothing</label></div>
  <div class="field"><label><input type="checkbox" id="confirm" name="confirm" value="true"${v.confirm ? html` checked` : ''} aria-describedby="confirm-hint"> Import anyway</label><p class="hint" id="confirm-hint">A file in another currency than the shop's, for an account never imported here, or dated years before the shop's first job is refused unless this is ticked.</p></div>
  <button type="submit" class="primary">Upload and import</button>
</form>
</section>`;
}

function rowsTable(report: ImportReport): SafeHtml {
  if (!report.rows.length) return html``;
  const total = report.rows.length + report.moreRows;
  return html`<table class="preview-rows"><caption>${
    report.moreRows
      ? `The first ${report.rows.length} of ${total} transactions`
      : `All ${total} transaction(s)`
  }</caption>
    <thead><tr><th scope="col">Date</th><th scope="col" class="num">Amount</th><th scope="col">Description</th><th scope="col">Reference</th><th scope="col">Account</th><th scope="col"></th></tr></thead>
    <tbody>${report.rows.map(
      (r) =>
        html`<tr${r.isNew ? '' : html` class="muted"`}><td>${r.date}</td><td class="num">${amount(r.amount, r.currency)}</td><td>${r.description}</td><td>${r.reference ?? '—'}</td><td>${r.accountId ?? '—'}</td><td>${r.isNew ? '' : html`<span class="tag">already imported</span>`}</td></tr>`,
    )}</tbody></table>
  ${report.moreRows ? html`<p class="hint more-rows">… and ${report.moreRows} more transaction(s) not shown.</p>` : ''}`;
}

function checksList(report: ImportReport): SafeHtml {
  if (!report.checks.length) return html``;
  return html`<div class="flash flash-warn shop-checks" role="status"><p><strong>${
    report.dryRun
      ? 'This file does not fit the shop. Importing it needs "Import anyway" ticked:'
      : 'Imported despite these mismatches with the shop (confirmed):'
  }</strong></p><ul>${report.checks.map((c) => html`<li>${c.message}</li>`)}</ul></div>`;
}

function reportSection(report: ImportReport, lines: string[]): SafeHtml {
  const name = report.fileName ?? 'the file';
  return html`<section class="panel report" aria-labelledby="report-title">
  <h2 id="report-title">${report.dryRun ? `Preview of ${name} (nothing stored)` : `Import report: ${name}`}</h2>
  ${checksList(report)}
  <pre class="report-lines">${lines.join('\n')}</pre>
  ${report.dryRun ? rowsTable(report) : ''}
  ${
    report.issues.length
      ? html`<table class="issues-by-line"><caption>Issues the parser reported (records that parsed were ${report.dryRun ? 'read' : 'kept'})</caption>
    <thead><tr><th scope="col" class="num">Line</th><th scope="col">Record</th><th scope="col">Problem</th></tr></thead>
    <tbody>${report.issues.map(
      (i) =>
        html`<tr><td class="num">${i.line ?? '—'}</td><td>${i.recordType ?? ''}</td><td>${i.message}</td></tr>`,
    )}</tbody></table>`
      : ''
  }
</section>`;
}

function unreadableSection(u: Unreadable): SafeHtml {
  return html`<div class="flash flash-error unreadable" role="alert">
  <p><strong>${u.fileName} could not be read${u.format ? ` as a ${u.format.toUpperCase()} file` : ''}.</strong> Nothing was stored.</p>
  <ul>${u.issues.map((i) => html`<li>${i}</li>`)}</ul>
</div>`;
}

function mismatchSection(m: Mismatch): SafeHtml {
  return html`<div class="flash flash-error mismatch" role="alert">
  <p><strong>${m.fileName} was not imported: it does not look like this shop's file.</strong> Nothing was stored.</p>
  <ul>${m.checks.map((c) => html`<li>${c.message}</li>`)}</ul>
  <p>If it is the right file, tick "Import anyway" and upload it again.</p>
</div>`;
}

function summarySection(m: BankPageModel): SafeHtml {
  const s = m.summary;
  if (!s || !m.tenantId) return html``;
  const kinds = Object.keys(s.counts).sort();
  const known = new Set(STATUS_ORDER.map(([k]) => k));
  const extra = [...new Set(kinds.flatMap((k) => Object.keys(s.counts[k] ?? {})))]
    .filter((st) => !known.has(st))
    .map((st) => [st, st.replaceAll('_', ' ')] as [string, string]);
  const statuses = [...STATUS_ORDER, ...extra];
  return html`<section class="panel reconciliation" aria-labelledby="summary-title">
  <h2 id="summary-title">Reconciliation</h2>
  <p><strong class="pending-credits">${s.pendingBankLines}</strong> imported credit(s) waiting for a decision. <a href="${href('/queue', { tenant: m.tenantId, kind: 'payment' })}">Payment items in the review queue</a></p>
  ${
    kinds.length
      ? html`<table class="summary-counts"><caption class="sr-only">Reconciliation records by status</caption>
    <thead><tr><th scope="col">Subject</th>${statuses.map(([, label]) => html`<th scope="col" class="num">${label}</th>`)}<th scope="col" class="num">Total</th></tr></thead>
    <tbody>${kinds.map((kind) => {
      const counts = s.counts[kind] ?? {};
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      return html`<tr data-kind="${kind}"><th scope="row">${KIND_LABELS[kind] ?? kind}</th>${statuses.map(
        ([status]) => html`<td class="num" data-status="${status}">${counts[status] ?? 0}</td>`,
      )}<td class="num">${total}</td></tr>`;
    })}</tbody></table>`
      : html`<p class="muted">Nothing has been reconciled yet.</p>`
  }
</section>`;
}

function recentSection(m: BankPageModel): SafeHtml {
  return html`<section aria-labelledby="recent-title">
  <h2 id="recent-title">Recent imports</h2>
  ${
    m.imports.length
      ? html`<table class="imports"><caption class="sr-only">Imported bank files, newest first</caption>
    <thead><tr><th scope="col">Imported</th><th scope="col">File</th><th scope="col">Format</th><th scope="col">Account</th><th scope="col">Period</th><th scope="col" class="num">Statements</th><th scope="col" class="num">Transactions</th><th scope="col" class="num">Credits</th><th scope="col">By</th></tr></thead>
    <tbody>${m.imports.map(
      (i) =>
        html`<tr><td>${timeTag(i.importedAt)}</td><td>${i.fileName ?? '(no name)'}${i.issues ? html` <span class="tag tag-warn">${i.issues} issue(s)</span>` : ''}</td><td>${i.format.toUpperCase()}</td><td>${i.accounts.join(', ') || '—'}</td><td>${period(i.periodStart, i.periodEnd)}</td><td class="num">${i.statements}</td><td class="num">${i.transactions}</td><td class="num">${i.credits}${i.currencies.length === 1 ? html` <span class="muted small">${amount(i.creditTotal, i.currencies[0]!)}</span>` : ''}</td><td>${i.importedBy}</td></tr>`,
    )}</tbody></table>
    <p class="hint">A file imported again adds no row. Credits are the credit lines an import stored first; a line an earlier file already brought stays with that file.</p>`
      : html`<p class="empty">No bank files have been imported${m.tenants.length > 1 ? ' for this tenant' : ''} yet.</p>`
  }
</section>`;
}

export function bankStatementsPage(viewer: Viewer, m: BankPageModel): SafeHtml {
  const body = m.tenantId
    ? html`${
        m.tenants.length > 1
          ? html`<form method="get" action="/bank-statements" class="inline"><label for="show-tenant">Tenant</label>
  <select id="show-tenant" name="tenant">${options(
    m.tenants.map((t) => [t.id, t.name]),
    m.tenantId,
  )}</select> <button type="submit">Show</button></form>`
          : ''
      }
${
  m.issues?.length
    ? html`<div class="flash flash-error" role="alert"><p>Nothing was imported. Please correct:</p><ul>${m.issues.map((i) => html`<li><strong>${i.field}</strong>: ${i.message}</li>`)}</ul></div>`
    : ''
}
${m.unreadable ? unreadableSection(m.unreadable) : ''}
${m.mismatch ? mismatchSection(m.mismatch) : ''}
${m.report ? reportSection(m.report, m.lines ?? []) : ''}
<div class="grid-2">
  ${uploadForm(viewer, m)}
  ${summarySection(m)}
</div>
${recentSection(m)}`
    : html`<p>No tenants are registered yet.</p>`;
  return layout(viewer, {
    title: 'Bank files',
    active: 'bank',
    flash: m.flash,
    body: html`<h1>Bank files</h1>
<p class="muted">Imported credits go to reconciliation: matched to ServiceTitan payments, applied to open invoices, or sent to the review queue. Importing the same file again adds nothing.</p>
${body}`,
  });
}
