// The demo's end-of-run summary, read from Postgres: jobs processed, auto-posted vs waiting
// for review (with reasons), dollar totals, the missed billables found, and the time taken.
import { formatUsd, fromAmountString, REASON_LABELS, type ReasonCode, sum, ZERO } from '@invoicer/core';
import type { Db } from '@invoicer/db';

interface DraftDoc {
  lines: { origin: string; total: string; skuCode: string; provenance: { kind: string; rule?: string } }[];
  total: string;
  diff: { technicianTotal: string };
}

export interface DemoSummary {
  jobs: number;
  byStatus: Record<string, number>;
  reviewReasons: Record<string, number>;
  technicianTotal: string;
  draftTotal: string;
  postedTotal: string;
  missed: { count: number; amount: string; bySource: Record<string, { count: number; amount: string }> };
  seconds: number;
}

export async function demoSummary(db: Db, tenantId: string, startedAt: number): Promise<DemoSummary> {
  const runs = await db.pipelineRun.findMany({
    where: { tenantId },
    include: { drafts: { orderBy: { revision: 'desc' }, take: 1 } },
  });
  const reviews = await db.reviewItem.findMany({
    where: { tenantId, kind: 'invoice', status: { in: ['open', 'on_hold', 'escalated'] } },
  });
  const byStatus: Record<string, number> = {};
  for (const r of runs) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  const reviewReasons: Record<string, number> = {};
  for (const item of reviews)
    for (const reason of item.reasons) reviewReasons[reason] = (reviewReasons[reason] ?? 0) + 1;
  const docs = runs.flatMap((r) =>
    r.drafts[0] ? [{ run: r, doc: r.drafts[0].document as unknown as DraftDoc }] : [],
  );
  const bySource: Record<string, { count: number; amount: string }> = {};
  let missedCount = 0;
  let missedAmount = ZERO;
  for (const { doc } of docs) {
    for (const line of doc.lines.filter((l) => l.origin === 'added')) {
      const source =
        line.provenance.kind === 'rule'
          ? `rule: ${line.provenance.rule}`
          : line.provenance.kind.replace('_', ' ');
      const entry = bySource[source] ?? { count: 0, amount: '0' };
      entry.count += 1;
      entry.amount = fromAmountString(entry.amount).plus(fromAmountString(line.total)).toString();
      bySource[source] = entry;
      missedCount += 1;
      missedAmount = missedAmount.plus(fromAmountString(line.total));
    }
  }
  return {
    jobs: runs.length,
    byStatus,
    reviewReasons,
    technicianTotal: sum(docs.map((d) => fromAmountString(d.doc.diff.technicianTotal))).toFixed(2),
    draftTotal: sum(docs.map((d) => fromAmountString(d.doc.total))).toFixed(2),
    postedTotal: sum(
      docs.filter((d) => d.run.status === 'posted').map((d) => fromAmountString(d.doc.total)),
    ).toFixed(2),
    missed: { count: missedCount, amount: missedAmount.toFixed(2), bySource },
    seconds: (Date.now() - startedAt) / 1000,
  };
}

export function printSummary(s: DemoSummary, newThisRun: number): string {
  const row = (label: string, value: string | number) =>
    `  ${label.padEnd(38)} ${String(value).padStart(14)}`;
  const lines = [
    '',
    '┌─ Demo summary ─────────────────────────────────────────────',
    row('Jobs processed (all runs)', s.jobs),
    row('  new in this run', newThisRun),
    row('Auto-posted to ServiceTitan', s.byStatus.posted ?? 0),
    row('Waiting for review', s.byStatus.awaiting_review ?? 0),
    ...Object.entries(s.reviewReasons)
      .sort((a, b) => b[1] - a[1])
      .map(([reason, n]) => row(`    ${REASON_LABELS[reason as ReasonCode] ?? reason}`, n)),
    ...(s.byStatus.shadow ? [row('Shadow (recorded only)', s.byStatus.shadow)] : []),
    ...(s.byStatus.failed ? [row('Failed (opened for review)', s.byStatus.failed)] : []),
    row('Invoices as technicians left them', formatUsd(s.technicianTotal)),
    row('Invoices as drafted', formatUsd(s.draftTotal)),
    row('Posted total', formatUsd(s.postedTotal)),
    row('Missed billables found', `${s.missed.count} / ${formatUsd(s.missed.amount)}`),
    ...Object.entries(s.missed.bySource)
      .sort((a, b) => b[1].count - a[1].count)
      .map(([source, v]) => row(`    ${source}`, `${v.count} / ${formatUsd(v.amount)}`)),
    row('Time taken', `${s.seconds.toFixed(1)} s`),
    '└────────────────────────────────────────────────────────────',
  ];
  return lines.join('\n');
}
