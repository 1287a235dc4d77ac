// Audit history as a table, with links to the CSV and JSON exports.
import type { AuditEvent } from '@invoicer/db';
import { describeChanges } from './audit-changes.ts';
import { inTimeZone, timeTag } from './format.ts';
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
    (e) => html`<tr><td>${timeTag(e.occurredAt)}</td><td>${actorText(e)}</td><td>${actionText(e.action)}</td>
    <td>${changesText(e.data)}<details><summary class="small muted">raw data</summary><pre>${JSON.stringify(e.data, null, 2)}</pre></details></td></tr>`,
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

/** An event's data as readable changes: "Status: Open → Approved (posting)", then the rest. */
export function changesText(data: unknown): SafeHtml {
  const lines = describeChanges(data);
  return lines.length
    ? html`<ul class="changes">${lines.map((line) => html`<li>${line}</li>`)}</ul>`
    : html`<span class="muted">—</span>`;
}

/** Who acted: the person's name and role when the event carries them, else the actor. */
export function actorText(e: AuditEvent): string {
  const by = (e.data as { by?: { name?: string; role?: string } } | null)?.by;
  if (e.actorType !== 'user') return `${e.actor} (${e.actorType})`;
  return by?.name ? `${by.name} (${e.actor})` : e.actor;
}

/** What happened, in words: `review.approval_undone` → "Review: approval undone". */
export function actionText(action: string): string {
  const [area, ...rest] = action.split('.');
  const what = rest.join(' ').replaceAll('_', ' ');
  const place = (area ?? '').replaceAll('_', ' ');
  return what ? `${place.charAt(0).toUpperCase()}${place.slice(1)}: ${what}` : place;
}

export interface RecentAuditModel {
  events: AuditEvent[];
  /** Each tenant's time zone: a row's time is shown in its shop's zone. */
  zones: Map<string, string | null>;
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
    (a) => html`<option value="${a}"${a === f.action ? html` selected` : ''}>${actionText(a)}</option>`,
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
        ) => html`<tr data-event="${e.id}"><td>${inTimeZone(m.zones.get(e.tenantId), () => timeTag(e.occurredAt))}</td><td>${names.get(e.tenantId) ?? e.tenantId}</td><td>${actorText(e)}</td><td>${actionText(e.action)}</td>
  <td>${e.reviewItemId ? html`<a href="/items/${e.reviewItemId}">${e.stJobId ? `job ${e.stJobId}` : 'item'}</a>` : e.stJobId ? `job ${e.stJobId}` : ''}</td>
  <td>${changesText(e.data)}</td></tr>`,
      )}</tbody></table>`
    : html`<p class="muted">No audit events match.</p>`
}
<nav aria-label="Pages" class="pager">${m.next ? html`<a rel="next" href="${href('/audit', { ...params, before: m.next })}">Older events</a>` : ''}</nav>`,
  });
}
