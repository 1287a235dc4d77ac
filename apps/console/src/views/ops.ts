import { BACKLOG_AGE_BUCKETS } from '@invoicer/db';
import type { QueueSnapshot } from '../ops/collect.ts';
import { reasonLabel } from './format.ts';
import { html, type SafeHtml } from './html.ts';
import { layout, type Viewer } from './layout.ts';

export interface OpsModel {
  queues: QueueSnapshot[] | null;
  backlog: { reason: string; age: string; n: number }[];
  eviction: string;
  prefix: string;
}

const AGE_LABELS: Record<string, string> = {
  lt_1h: '< 1 h',
  '1h_4h': '1–4 h',
  '4h_24h': '4–24 h',
  '1d_3d': '1–3 d',
  gt_3d: '> 3 d',
};

function seconds(s: number): string {
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

export function opsPage(viewer: Viewer, m: OpsModel): SafeHtml {
  const reasons = [...new Set(m.backlog.map((b) => b.reason))].sort();
  const cell = (reason: string, age: string) =>
    m.backlog.find((b) => b.reason === reason && b.age === age)?.n ?? 0;
  return layout(viewer, {
    title: 'Cluster',
    active: 'ops',
    body: html`<h1>Cluster</h1>
<p><a href="/admin/queues">Open Bull Board</a> (retry, inspect and clean jobs) · <a href="/metrics">Prometheus metrics</a> · <a href="/readyz">Readiness</a></p>
${m.eviction !== 'noeviction' ? html`<p class="flash flash-error" role="alert">Redis maxmemory-policy is <code>${m.eviction}</code>; BullMQ needs <code>noeviction</code> or it can silently lose jobs. See the runbook.</p>` : html`<p class="small muted">Redis maxmemory-policy: noeviction (good). Queue prefix <code>${m.prefix}</code>.</p>`}
<section aria-labelledby="q-title"><h2 id="q-title">Queues</h2>
${
  m.queues
    ? html`<table><thead><tr><th scope="col">Queue</th><th scope="col" class="num">Waiting</th><th scope="col" class="num">Active</th><th scope="col" class="num">Delayed</th><th scope="col" class="num">Failed</th><th scope="col" class="num">Oldest waiting</th></tr></thead>
<tbody>${m.queues.map((q) => html`<tr><th scope="row"><code>${q.queue}</code></th><td class="num">${(q.counts.waiting ?? 0) + (q.counts.prioritized ?? 0)}</td><td class="num">${q.counts.active ?? 0}</td><td class="num">${q.counts.delayed ?? 0}</td><td class="num">${q.counts.failed ?? 0}</td><td class="num">${seconds(q.oldestWaitingSeconds)}</td></tr>`)}</tbody></table>`
    : html`<p class="flash flash-error" role="alert">Redis is unreachable: queue state is unknown. Decisions are still saved in Postgres.</p>`
}</section>
<section aria-labelledby="b-title"><h2 id="b-title">Review backlog</h2>
${
  reasons.length
    ? html`<table><thead><tr><th scope="col">Reason</th>${BACKLOG_AGE_BUCKETS.map((a) => html`<th scope="col" class="num">${AGE_LABELS[a]}</th>`)}</tr></thead>
<tbody>${reasons.map((r) => html`<tr><th scope="row">${reasonLabel(r)}</th>${BACKLOG_AGE_BUCKETS.map((a) => html`<td class="num">${cell(r, a)}</td>`)}</tr>`)}</tbody></table>`
    : html`<p class="muted">Nothing waiting for review.</p>`
}</section>`,
  });
}
