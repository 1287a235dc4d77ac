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
