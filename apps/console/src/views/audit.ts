// Audit history as a table, with links to the CSV and JSON exports.
import type { AuditEvent } from '@invoicer/db';
import { timeTag } from './format.ts';
import { href, html, type SafeHtml } from './html.ts';
import { layout, type Viewer } from './layout.ts';

export function auditTable(
  events: AuditEvent[],
  scope: { run?: string | null; item?: string | null },
): SafeHtml {
  const links = (format: string) =>
    href('/audit', { run: scope.run ?? undefined, item: scope.run ? undefined : scope.item, format });
  return html`<div class="audit">
  <p class="small">Export: <a href="${links('csv')}" download>CSV</a> · <a href="${links('json')}" download>JSON</a></p>
  ${
    events.length
      ? html`<table><thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Details</th></tr></thead>
  <tbody>${events.map(
    (
      e,
    ) => html`<tr><td>${timeTag(e.occurredAt)}</td><td><span class="tag">${e.actorType}</span> ${e.actor}</td><td><code>${e.action}</code></td>
    <td><details><summary>data</summary><pre>${JSON.stringify(e.data, null, 2)}</pre></details></td></tr>`,
  )}</tbody></table>`
      : html`<p class="muted">No audit events yet.</p>`
  }
</div>`;
}

export function auditPage(
  viewer: Viewer,
  title: string,
  events: AuditEvent[],
  scope: { run?: string | null; item?: string | null },
): SafeHtml {
  return layout(viewer, {
    title,
    body: html`<h1>${title}</h1>${auditTable(events, scope)}`,
  });
}

/** An event's data as readable changes: "field: before → after", then the other fields. */
export function changesText(data: unknown): SafeHtml {
  if (!data || typeof data !== 'object' || Array.isArray(data))
    return html`${data === undefined ? '' : JSON.stringify(data)}`;
  const d = data as Record<string, unknown>;
  const show = (v: unknown) =>
    v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  const rows: SafeHtml[] = [];
  const before = d.before as Record<string, unknown> | undefined;
  const after = d.after as Record<string, unknown> | undefined;
  if (before && after && typeof before === 'object' && typeof after === 'object') {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)]))
      if (JSON.stringify(before[key]) !== JSON.stringify(after[key]))
        rows.push(html`<li><strong>${key}</strong>: ${show(before[key])} → ${show(after[key])}</li>`);
  }
  for (const [key, value] of Object.entries(d))
    if (key !== 'before' && key !== 'after')
      rows.push(html`<li><strong>${key}</strong>: ${show(value)}</li>`);
  return rows.length ? html`<ul class="changes">${rows}</ul>` : html`<span class="muted">—</span>`;
}

export interface RecentAuditModel {
  events: AuditEvent[];
  next: string | null;
  tenants: { id: string; name: string }[];
  actions: string[];
  filters: { tenant?: string; action?: string; actor?: string; limit: number };
}

export function recentAuditPage(viewer: Viewer, m: RecentAuditModel): SafeHtml {
  const f = m.filters;
  const params = { tenant: f.tenant, action: f.action, actor: f.actor };
  const names = new Map(m.tenants.map((t) => [t.id, t.name]));
  return layout(viewer, {
    title: 'Audit history',
    active: 'audit',
    body: html`<h1>Audit history</h1>
<form method="get" action="/audit" class="filters audit-filters" role="search" aria-label="Filter the audit history">
  <div class="field"><label for="a-tenant">Tenant</label><select id="a-tenant" name="tenant"><option value="">All</option>${m.tenants.map(
    (t) => html`<option value="${t.id}"${t.id === f.tenant ? html` selected` : ''}>${t.name}</option>`,
  )}</select></div>
  <div class="field"><label for="a-action">Action</label><select id="a-action" name="action"><option value="">Any</option>${m.actions.map(
    (a) => html`<option value="${a}"${a === f.action ? html` selected` : ''}>${a}</option>`,
  )}</select></div>
  <div class="field"><label for="a-actor">User</label><input id="a-actor" name="actor" value="${f.actor ?? ''}"></div>
  <div class="field actions"><button type="submit">Filter</button> <a href="/audit">Clear</a></div>
</form>
<p class="small">Export this page: <a href="${href('/audit', { ...params, format: 'csv' })}" download>CSV</a> · <a href="${href('/audit', { ...params, format: 'json' })}" download>JSON</a></p>
${
  m.events.length
    ? html`<table class="audit-recent"><thead><tr><th scope="col">When</th><th scope="col">Tenant</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Item</th><th scope="col">Changes</th></tr></thead>
<tbody>${m.events.map(
        (
          e,
        ) => html`<tr><td>${timeTag(e.occurredAt)}</td><td>${names.get(e.tenantId) ?? e.tenantId}</td><td>${e.actor}</td><td>${e.action}</td>
  <td>${e.reviewItemId ? html`<a href="/items/${e.reviewItemId}">${e.stJobId ? `job ${e.stJobId}` : 'item'}</a>` : e.stJobId ? `job ${e.stJobId}` : ''}</td>
  <td>${changesText(e.data)}</td></tr>`,
      )}</tbody></table>`
    : html`<p class="muted">No audit events match.</p>`
}
<nav aria-label="Pages" class="pager">${m.next ? html`<a rel="next" href="${href('/audit', { ...params, before: m.next })}">Older events</a>` : ''}</nav>`,
  });
}
