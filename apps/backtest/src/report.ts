// The backtest report: terminal summary, report.md, report.html (inline SVG charts),
// report.json (stable keys other tools read) and drafts.jsonl (one line per job).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatUsd } from '@invoicer/core';
import {
  autoShare,
  calibration,
  Decimal,
  type GroupMetrics,
  groupMetrics,
  type JobOutcome,
  type JobScore,
  scoreJob,
} from './score.ts';

export interface Report {
  jobs: number;
  failed: number;
  line_precision: number | null;
  line_recall: number | null;
  line_f1: number | null;
  missed_recall: number | null;
  missed_precision: number | null;
  total_exact_rate: number | null;
  tax_exact_rate: number | null;
  declined_billed: number;
  auto_share_at_99: number;
  auto_threshold_at_99: number | null;
  auto_share_at_995: number;
  auto_threshold_at_995: number | null;
  revenue_recovered: string;
  revenue_wrongly_added: string;
  revenue_missed_total: string;
  calibration: { bucket: string; n: number; accuracy: number | null }[];
  by_business_unit: Record<string, GroupMetrics>;
  by_job_type: Record<string, GroupMetrics>;
  worst: {
    jobId: number;
    invoiceId: number;
    error: string;
    missing: string[];
    wrong: string[];
    route: string;
  }[];
  routes: Record<string, number>;
  elapsed_seconds: number;
  jobs_per_second: number;
  st_calls_per_job: number;
}

function groupBy(
  outcomes: JobOutcome[],
  scores: JobScore[],
  by: (o: JobOutcome) => string,
): Record<string, GroupMetrics> {
  const groups = new Map<string, JobScore[]>();
  outcomes.forEach((o, i) => {
    groups.set(by(o), [...(groups.get(by(o)) ?? []), scores[i]!]);
  });
  return Object.fromEntries(
    [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, groupMetrics(v)]),
  );
}

export function buildReport(outcomes: JobOutcome[], run: { elapsedMs: number; stCalls: number }): Report {
  const scores = outcomes.map(scoreJob);
  const overall = groupMetrics(scores);
  const taxChecked = scores.filter((s) => s.taxEngineExact !== null);
  const pairs = outcomes.map((o, i) => ({ confidence: o.confidence, correct: scores[i]!.correct }));
  const at99 = autoShare(pairs, 0.99);
  const at995 = autoShare(pairs, 0.995);
  const sum = (f: (s: JobScore) => Decimal) => scores.reduce((a, s) => a.plus(f(s)), new Decimal(0));
  const routes: Record<string, number> = {};
  for (const o of outcomes) routes[o.route] = (routes[o.route] ?? 0) + 1;
  const worst = outcomes
    .map((o, i) => ({ o, s: scores[i]! }))
    .sort((a, b) => b.s.error.comparedTo(a.s.error))
    .slice(0, 20)
    .map(({ o, s }) => ({
      jobId: o.jobId,
      invoiceId: o.invoiceId,
      error: s.error.toFixed(2),
      missing: s.missing,
      wrong: s.wrong,
      route: o.route,
    }));
  const seconds = run.elapsedMs / 1000;
  return {
    jobs: outcomes.length,
    failed: routes.failed ?? 0,
    line_precision: overall.line_precision,
    line_recall: overall.line_recall,
    line_f1: overall.line_f1,
    missed_recall: overall.missed_recall,
    missed_precision: overall.missed_precision,
    total_exact_rate: overall.total_exact_rate,
    tax_exact_rate: taxChecked.length
      ? taxChecked.filter((s) => s.taxEngineExact).length / taxChecked.length
      : null,
    declined_billed: scores.reduce((a, s) => a + s.declinedBilled, 0),
    auto_share_at_99: at99.share,
    auto_threshold_at_99: at99.threshold,
    auto_share_at_995: at995.share,
    auto_threshold_at_995: at995.threshold,
    revenue_recovered: sum((s) => s.recovered).toFixed(2),
    revenue_wrongly_added: sum((s) => s.wronglyAdded).toFixed(2),
    revenue_missed_total: sum((s) => s.missedValue).toFixed(2),
    calibration: calibration(scores),
    by_business_unit: groupBy(outcomes, scores, (o) => o.businessUnit),
    by_job_type: groupBy(outcomes, scores, (o) => o.jobType),
    worst,
    routes,
    elapsed_seconds: Math.round(seconds * 10) / 10,
    jobs_per_second: Math.round((outcomes.length / Math.max(seconds, 0.001)) * 100) / 100,
    st_calls_per_job: Math.round((run.stCalls / Math.max(outcomes.length, 1)) * 10) / 10,
  };
}

const pct = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(1)}%`);

export function terminalSummary(r: Report): string {
  const row = (k: string, v: string) => `  ${k.padEnd(40)} ${v}`;
  return [
    `Backtest: ${r.jobs} jobs in ${r.elapsed_seconds} s (${r.jobs_per_second} jobs/s, ${r.st_calls_per_job} ServiceTitan calls/job)`,
    row(
      'line precision / recall / F1',
      `${pct(r.line_precision)} / ${pct(r.line_recall)} / ${pct(r.line_f1)}`,
    ),
    row('missed billables recall / precision', `${pct(r.missed_recall)} / ${pct(r.missed_precision)}`),
    row('invoices with an exactly right total', pct(r.total_exact_rate)),
    row('tax exact to the cent (engine)', pct(r.tax_exact_rate)),
    row('declined / quoted items billed', String(r.declined_billed)),
    row(
      'revenue recovered / wrongly added',
      `${formatUsd(r.revenue_recovered)} / ${formatUsd(r.revenue_wrongly_added)} (of ${formatUsd(r.revenue_missed_total)} missed)`,
    ),
    row(
      'auto-approvable at 99% / 99.5% precision',
      `${pct(r.auto_share_at_99)} (≥ ${r.auto_threshold_at_99?.toFixed(3) ?? '-'}) / ${pct(r.auto_share_at_995)} (≥ ${r.auto_threshold_at_995?.toFixed(3) ?? '-'})`,
    ),
    row('failed runs', String(r.failed)),
    '  calibration (confidence → accuracy):',
    ...r.calibration.map(
      (c) => `    ${c.bucket.padEnd(12)} n=${String(c.n).padStart(5)}  ${pct(c.accuracy)}`,
    ),
  ].join('\n');
}

function table(rows: Record<string, GroupMetrics>): string {
  const head =
    '| group | jobs | line P | line R | F1 | missed R | missed P | exact total |\n|---|---|---|---|---|---|---|---|';
  return [
    head,
    ...Object.entries(rows).map(
      ([k, m]) =>
        `| ${k} | ${m.jobs} | ${pct(m.line_precision)} | ${pct(m.line_recall)} | ${pct(m.line_f1)} | ${pct(m.missed_recall)} | ${pct(m.missed_precision)} | ${pct(m.total_exact_rate)} |`,
    ),
  ].join('\n');
}

export function markdown(r: Report, title: string): string {
  return `# Backtest: ${title}

${r.jobs} jobs, ${r.elapsed_seconds} s (${r.jobs_per_second} jobs/s), ${r.st_calls_per_job} ServiceTitan calls per job.

| metric | value |
|---|---|
| line precision / recall / F1 | ${pct(r.line_precision)} / ${pct(r.line_recall)} / ${pct(r.line_f1)} |
| missed-billable recall / precision | ${pct(r.missed_recall)} / ${pct(r.missed_precision)} |
| invoices with an exactly right total | ${pct(r.total_exact_rate)} |
| tax exact to the cent (our engine on the final invoices) | ${pct(r.tax_exact_rate)} |
| declined or quoted items billed | ${r.declined_billed} |
| revenue recovered / wrongly added / missed in total | ${formatUsd(r.revenue_recovered)} / ${formatUsd(r.revenue_wrongly_added)} / ${formatUsd(r.revenue_missed_total)} |
| auto-approvable share at 99% precision | ${pct(r.auto_share_at_99)} (confidence ≥ ${r.auto_threshold_at_99 ?? '-'}) |
| auto-approvable share at 99.5% precision | ${pct(r.auto_share_at_995)} (confidence ≥ ${r.auto_threshold_at_995 ?? '-'}) |
| failed runs | ${r.failed} |

## Calibration (line confidence → observed accuracy)

| bucket | lines | accuracy |
|---|---|---|
${r.calibration.map((c) => `| ${c.bucket} | ${c.n} | ${pct(c.accuracy)} |`).join('\n')}

## By business unit

${table(r.by_business_unit)}

## By job type

${table(r.by_job_type)}

## The 20 worst invoices

| job | invoice | |draft − final| | missing | wrongly added | route |
|---|---|---|---|---|---|
${r.worst.map((w) => `| ${w.jobId} | ${w.invoiceId} | ${w.error} | ${w.missing.join(', ') || '-'} | ${w.wrong.join(', ') || '-'} | ${w.route} |`).join('\n')}
`;
}

function bars(title: string, data: { label: string; value: number | null }[]): string {
  const width = 560;
  const rowH = 22;
  const body = data
    .map((d, i) => {
      const w = Math.round((d.value ?? 0) * 360);
      const y = 28 + i * rowH;
      return `<text x="0" y="${y + 14}" font-size="12">${escapeHtml(d.label)}</text><rect x="180" y="${y}" width="${w}" height="16" fill="#3b6ea5"/><text x="${186 + w}" y="${y + 13}" font-size="11">${pct(d.value)}</text>`;
    })
    .join('');
  return `<figure><svg role="img" aria-label="${escapeHtml(title)}" width="${width}" height="${40 + data.length * rowH}"><text x="0" y="16" font-weight="bold">${escapeHtml(title)}</text>${body}</svg></figure>`;
}

function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

export function html(r: Report, title: string): string {
  const md = markdown(r, title);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Backtest: ${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#111}pre{white-space:pre-wrap;background:#f6f6f6;padding:1rem}figure{margin:1rem 0}</style></head>
<body><h1>Backtest: ${escapeHtml(title)}</h1>
${bars(
  'Calibration: observed accuracy by confidence bucket',
  r.calibration.map((c) => ({ label: `${c.bucket} (n=${c.n})`, value: c.accuracy })),
)}
${bars(
  'Missed-billable recall by business unit',
  Object.entries(r.by_business_unit).map(([k, m]) => ({ label: k, value: m.missed_recall })),
)}
${bars(
  'Exactly right totals by business unit',
  Object.entries(r.by_business_unit).map(([k, m]) => ({ label: k, value: m.total_exact_rate })),
)}
<h2>Full report</h2><pre>${escapeHtml(md)}</pre></body></html>`;
}

export function writeReport(dir: string, r: Report, outcomes: JobOutcome[], title: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'report.json'), `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(path.join(dir, 'report.md'), markdown(r, title));
  writeFileSync(path.join(dir, 'report.html'), html(r, title));
  const lines = outcomes.map((o) =>
    JSON.stringify({
      jobId: o.jobId,
      invoiceId: o.invoiceId,
      route: o.route,
      reasons: o.reasons,
      confidence: o.confidence,
      subTotal: o.draft?.subTotal ?? null,
      salesTax: o.draft?.salesTax ?? null,
      total: o.draft?.total ?? null,
      lines: (o.draft?.lines ?? []).map((l) => ({
        skuId: l.skuId,
        skuCode: l.skuCode,
        type: l.type,
        quantity: l.quantity,
        unitPrice: l.unitPrice,
        total: l.total,
        taxable: l.taxable,
        confidence: l.confidence,
        provenance: l.provenance,
      })),
    }),
  );
  writeFileSync(path.join(dir, 'drafts.jsonl'), `${lines.join('\n')}\n`);
}
