// The review queue: filters, counts per reason, the list (keyset "next page") and the
// "start reviewing" button that claims the oldest workable item.
import { ACCOUNTING_REASONS, INVOICE_REASONS, PAYMENT_REASONS } from '@invoicer/core';
import { QUEUE_SORTS, type QueueCounts, type QueuePage, REVIEW_STATUSES } from '@invoicer/db';
import { ACTIVE, type QueueQuery } from '../review/queue-query.ts';
import { age, money, reasonLabel, statusBadge, statusLabel, timeTag } from './format.ts';
import { type Html, href, html, type SafeHtml } from './html.ts';
import { csrfField, type Flash, layout, type Viewer } from './layout.ts';

export interface QueueViewModel {
  query: QueueQuery;
  params: Record<string, string>;
  tenantId: string;
  tenants: { id: string; name: string }[];
  page: QueuePage;
  counts: QueueCounts;
  holders: Map<string, string>;
  /** Each run's current draft revision (what a bulk approval approves). */
  revisions: Map<string, number>;
  businessUnits: [number, string][];
  jobTypes: [number, string][];
  canWork: boolean;
  flash?: Flash;
}

const SORT_LABELS: Record<(typeof QUEUE_SORTS)[number], string> = {
  oldest: 'Oldest first',
  newest: 'Newest first',
  amount_desc: 'Largest amount first',
  amount_asc: 'Smallest amount first',
};

function select(
  name: string,
  label: string,
  current: string | number | undefined,
  options: [string | number, string][],
  any = 'Any',
): SafeHtml {
  return html`<div class="field"><label for="f-${name}">${label}</label>
  <select id="f-${name}" name="${name}">${any ? html`<option value="">${any}</option>` : ''}${options.map(
    ([value, text]) =>
      html`<option value="${value}"${String(value) === String(current ?? '') ? html` selected` : ''}>${text}</option>`,
  )}</select></div>`;
}

function input(name: string, label: string, value: string | number | undefined, extra: Html = ''): SafeHtml {
  return html`<div class="field"><label for="f-${name}">${label}</label>
  <input id="f-${name}" name="${name}" value="${value ?? ''}" inputmode="decimal" ${extra}></div>`;
}

function filters(m: QueueViewModel): SafeHtml {
  const q = m.query;
  const reasons = [...INVOICE_REASONS, ...PAYMENT_REASONS, ...ACCOUNTING_REASONS].map(
    (r) => [r, reasonLabel(r)] as [string, string],
  );
  return html`<form method="get" action="/queue" class="filters" role="search" aria-label="Filter the queue">
  <div class="field"><label for="f-q">Search</label>
  <input id="f-q" name="q" type="search" value="${q.q ?? ''}" maxlength="200" autocomplete="off" placeholder="Customer, address, job or invoice no." aria-describedby="f-q-help">
  <span id="f-q-help" class="small muted">Every word must match; combines with the filters below.</span></div>
  ${
    m.tenants.length > 1
      ? select(
          'tenant',
          'Tenant',
          m.tenantId,
          m.tenants.map((t) => [t.id, t.name]),
          '',
        )
      : html`<input type="hidden" name="tenant" value="${m.tenantId}">`
  }
  ${select('status', 'Status', q.status, [[ACTIVE, 'Needs work (open, on hold, escalated)'], ...REVIEW_STATUSES.map((s) => [s, statusLabel(s)] as [string, string])], '')}
  ${select('kind', 'Kind', q.kind, [
    ['invoice', 'Invoices'],
    ['payment', 'Payments'],
  ])}
  ${select('reason', 'Reason', q.reason, reasons)}
  ${select('bu', 'Business unit', q.bu, m.businessUnits)}
  ${select('jobType', 'Job type', q.jobType, m.jobTypes)}
  ${input('min', 'Amount from ($)', q.min)}
  ${input('max', 'Amount to ($)', q.max)}
  ${input('job', 'Job number', q.job)}
  ${select('age', 'Older than', q.age, [
    ['1h', '1 hour'],
    ['4h', '4 hours'],
    ['24h', '1 day'],
    ['72h', '3 days'],
  ])}
  ${select(
    'assignee',
    'Held by',
    q.assignee,
    [
      ['anyone', 'Anyone'],
      ['unclaimed', 'Nobody'],
      ['me', 'Me'],
    ],
    '',
  )}
  ${select(
    'sort',
    'Sort',
    q.sort,
    QUEUE_SORTS.map((s) => [s, SORT_LABELS[s]]),
    '',
  )}
  <div class="field actions"><button type="submit">Apply filters</button> <a href="${href('/queue', { tenant: m.tenantId })}">Clear</a></div>
</form>`;
}

function reasonCounts(m: QueueViewModel): SafeHtml {
  const entries = Object.entries(m.counts.byReason).sort((a, b) => b[1] - a[1]);
  return html`<section aria-labelledby="counts-title" class="counts">
  <h2 id="counts-title">By reason</h2>
  <ul>
    <li><a href="${href('/queue', { ...m.params, reason: undefined })}"${m.query.reason ? '' : html` aria-current="true"`}>All reasons</a></li>
    ${entries.map(
      ([reason, n]) =>
        html`<li><a href="${href('/queue', { ...m.params, reason })}"${m.query.reason === reason ? html` aria-current="true"` : ''}>${reasonLabel(reason)} <span class="count">${n}</span></a></li>`,
    )}
  </ul>
</section>`;
}

/** Dollars waiting in review per reason, summed exactly by Postgres, formatted to the cent. */
function dollarsByReason(m: QueueViewModel): SafeHtml {
  const entries = Object.entries(m.counts.amountByReason).sort(
    (a, b) => Number(b[1]) - Number(a[1]) || a[0].localeCompare(b[0]),
  );
  // Invoice reasons carry draft totals; payment reasons the amounts received.
  const payment = new Set<string>(PAYMENT_REASONS);
  const group = (title: string, rows: [string, string][]) =>
    rows.length
      ? html`<tbody><tr><th scope="rowgroup" colspan="2" class="small muted">${title}</th></tr>${rows.map(
          ([reason, amount]) =>
            html`<tr data-reason="${reason}"><td>${reasonLabel(reason)} <span class="muted small">(${m.counts.byReason[reason] ?? 0})</span></td><td class="num" data-amount="${amount}">${money(amount)}</td></tr>`,
        )}</tbody>`
      : '';
  return html`<section aria-labelledby="dollars-title" class="dollars">
  <h2 id="dollars-title">Dollars waiting</h2>
  <p><strong id="dollars-total" data-amount="${m.counts.totalAmount}">${money(m.counts.totalAmount)}</strong> in ${m.counts.total} item${m.counts.total === 1 ? '' : 's'}</p>
  ${
    entries.length
      ? html`<table class="dollars-by-reason"><thead><tr><th scope="col">Reason</th><th scope="col" class="num">Dollars</th></tr></thead>
  ${group(
    'Invoice drafts',
    entries.filter(([r]) => !payment.has(r)),
  )}${group(
    'Payments received',
    entries.filter(([r]) => payment.has(r)),
  )}</table>
  <p class="small muted">An item with several reasons counts under each; the total counts it once.</p>`
      : ''
  }
</section>`;
}

/** Open invoice items a person can approve from the list (each keeps the revision shown). */
function selectable(m: QueueViewModel, item: QueueViewModel['page']['items'][number]): number | null {
  if (!m.canWork || item.kind !== 'invoice' || !item.runId) return null;
  if (!['open', 'on_hold', 'escalated'].includes(item.status)) return null;
  const revision = m.revisions.get(item.runId);
  return revision && revision > 0 ? revision : null;
}

function bulkBar(viewer: Viewer, m: QueueViewModel): SafeHtml {
  if (!m.canWork || !m.page.items.some((i) => selectable(m, i))) return html``;
  return html`<form id="bulk-approve" method="post" action="/queue/approve" class="bulk-bar">${csrfField(viewer)}
  <input type="hidden" name="tenant" value="${m.tenantId}">
  <label class="inline"><input type="checkbox" data-select-all="bulk-approve"> Select all on this page</label>
  <button type="submit" class="primary" data-bulk-submit>Approve selected</button>
  <span class="small muted">Each is approved, posted and read back on its own; you get a result for every item.</span>
</form>`;
}

function rows(m: QueueViewModel): SafeHtml {
  if (!m.page.items.length)
    return html`<p class="empty" role="status">No items match these filters${m.query.after ? ' on this page' : ''}.</p>`;
  const now = new Date();
  return html`<table class="queue">
  <caption class="sr-only">Review items</caption>
  <thead><tr>
    ${m.canWork ? html`<th scope="col" class="pick"><span class="sr-only">Select</span></th>` : ''}<th scope="col">Age</th><th scope="col">Customer / job</th><th scope="col">Reasons</th>
    <th scope="col" class="num">Amount</th><th scope="col">Status</th><th scope="col">Held by</th><th scope="col">Due</th>
  </tr></thead>
  <tbody>${m.page.items.map((item) => {
    const held = item.claimedBy && item.claimExpiresAt && item.claimExpiresAt > now;
    const overdue = item.slaDueAt < now;
    const revision = selectable(m, item);
    const label = `${item.customerName ?? '(no customer)'}${item.stJobId ? ` job ${item.stJobId}` : ''}`;
    return html`<tr data-item="${item.id}">
      ${
        m.canWork
          ? html`<td class="pick">${revision ? html`<input type="checkbox" name="item" value="${item.id}:${revision}" form="bulk-approve" aria-label="Select ${label}">` : ''}</td>`
          : ''
      }
      <td>${age(item.createdAt, now)}</td>
      <td><a href="/items/${item.id}" class="item-link">${item.customerName ?? '(no customer)'}${item.stJobId ? html` · job ${item.stJobId}` : ''}</a>
        <div class="muted small">${item.kind === 'payment' ? 'Payment · ' : ''}${item.summary}</div></td>
      <td>${item.reasons.map((r) => html`<span class="tag">${reasonLabel(r)}</span> `)}${item.needsManager ? html`<span class="tag tag-manager">Manager</span>` : ''}</td>
      <td class="num">${money(item.amount)}</td>
      <td>${statusBadge(item.status)}</td>
      <td>${held ? (m.holders.get(item.claimedBy!) ?? 'someone') : html`<span class="muted">—</span>`}</td>
      <td${overdue ? html` class="overdue"` : ''}>${timeTag(item.slaDueAt)}${overdue ? html` <span class="tag tag-warn">overdue</span>` : ''}</td>
    </tr>`;
  })}</tbody>
</table>`;
}

export function queuePage(viewer: Viewer, m: QueueViewModel): SafeHtml {
  const nextPage = m.page.next ? href('/queue', { ...m.params, after: m.page.next }) : null;
  return layout(viewer, {
    title: 'Review queue',
    active: 'queue',
    flash: m.flash,
    body: html`<div class="queue-head">
  <h1>Review queue <span class="count" aria-label="${m.counts.total} items">${m.counts.total}</span></h1>
  ${
    m.canWork
      ? html`<form method="post" action="/queue/next" class="inline">${csrfField(viewer)}
      ${Object.entries(m.params).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
      <button type="submit" class="primary" data-shortcut="next">Start reviewing <kbd>n</kbd></button></form>`
      : ''
  }
</div>
<div class="queue-layout">
  <aside aria-label="Filters and counts">${filters(m)}${reasonCounts(m)}${dollarsByReason(m)}</aside>
  <section aria-label="Items">
    ${bulkBar(viewer, m)}
    ${rows(m)}
    <nav aria-label="Pages" class="pager">
      ${m.query.after ? html`<a href="${href('/queue', m.params)}">First page</a>` : ''}
      ${nextPage ? html`<a href="${nextPage}" rel="next">Next page</a>` : ''}
    </nav>
  </section>
</div>`,
  });
}
