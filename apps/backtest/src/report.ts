// The backtest report: terminal summary, report.md, report.html (inline SVG charts),
// report.json (stable keys other tools read) and drafts.jsonl (one line per job).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatUsd, type ThresholdRecommendation } from '@invoicer/core';
import { auc } from './eval-score.ts';
import type { CalibrationRun } from './run.ts';
import {
  autoShare,
  calibration,
  Decimal,
  type GroupMetrics,
  groupMetrics,
  type JobOutcome,
  type JobScore,
  type ReliabilityBucket,
  reliability,
  scoreJob,
} from './score.ts';

/** The auto-approval threshold recommended from the calibration window (before `from`). */
export interface ReportRecommendation {
  calibration_days: number;
  window_from: string;
  window_to: string;
  /** Jobs completed in the calibration window (drafted, not scored in this report). */
  calibration_jobs: number;
  target: number;
  /** Recommended threshold (put in force for the evaluated jobs); null: no auto-approval. */
  threshold: number | null;
  /** In the calibration window: share that would auto-post, their exactness and its Wilson low. */
  share: number;
  exactness: number | null;
  wilson_low: number | null;
  auto_posts: number;
  eligible: number;
  business_units: {
    business_unit_id: number;
    business_unit: string;
    jobs: number;
    threshold: number | null;
    share: number;
    exactness: number | null;
    wilson_low: number | null;
  }[];
  /**
   * As stored in the tenant's settings (policy.recommendation). For a shop's own export, give
   * this report to `npm run tenant:settings -- --tenant <id> --recommendation report.json`.
   */
  settings: ThresholdRecommendation;
}

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
  /** Invoice confidence for exactly right vs not (Mann-Whitney, ties half); drafted invoices. */
  invoice_confidence_auc: number | null;
  /** Invoice-level reliability curve: confidence bucket → share exactly right. */
  reliability: ReliabilityBucket[];
  /** Recommended from the calibration window and in force for these jobs; null without one. */
  recommendation: ReportRecommendation | null;
  /** These jobs routed auto_post under the settings in force (the recommendation, if any). */
  auto_post_share: number | null;
  auto_posts: number;
  wrong_auto_posts: number;
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
  /** Over every replayed job (the evaluated ones and the calibration window's). */
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

function recommendationOf(c: CalibrationRun): ReportRecommendation {
  const r = c.recommendation;
  const names = new Map(c.outcomes.map((o) => [o.businessUnitId, o.businessUnit]));
  return {
    calibration_days: c.days,
    window_from: c.from,
    window_to: c.to,
    calibration_jobs: c.outcomes.length,
    target: r.target,
    threshold: r.autoApproveConfidence,
    share: r.share,
    exactness: r.exactness,
    wilson_low: r.wilsonLow,
    auto_posts: r.autoPosts,
    eligible: r.eligible,
    business_units: r.businessUnits.map((b) => ({
      business_unit_id: b.businessUnitId,
      business_unit: names.get(b.businessUnitId) ?? String(b.businessUnitId),
      jobs: b.jobs,
      threshold: b.autoApproveConfidence,
      share: b.share,
      exactness: b.exactness,
      wilson_low: b.wilsonLow,
    })),
    settings: c.stored,
  };
}

export function buildReport(
  outcomes: JobOutcome[],
  run: { elapsedMs: number; stCalls: number; calibration?: CalibrationRun | null },
): Report {
  const scores = outcomes.map(scoreJob);
  const drafted = outcomes.flatMap((o, i) =>
    o.draft ? [{ confidence: o.confidence, exact: scores[i]!.correct }] : [],
  );
  const autoPosted = outcomes.flatMap((o, i) => (o.route === 'auto_post' ? [scores[i]!] : []));
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
  const replayed = outcomes.length + (run.calibration?.outcomes.length ?? 0);
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
    invoice_confidence_auc: auc(drafted.map((d) => ({ score: d.confidence, label: d.exact }))),
    reliability: reliability(drafted),
    recommendation: run.calibration ? recommendationOf(run.calibration) : null,
    auto_post_share: outcomes.length ? autoPosted.length / outcomes.length : null,
    auto_posts: autoPosted.length,
    wrong_auto_posts: autoPosted.filter((s) => !s.correct).length,
    revenue_recovered: sum((s) => s.recovered).toFixed(2),
    revenue_wrongly_added: sum((s) => s.wronglyAdded).toFixed(2),
    revenue_missed_total: sum((s) => s.missedValue).toFixed(2),
    calibration: calibration(scores),
    by_business_unit: groupBy(outcomes, scores, (o) => o.businessUnit),
    by_job_type: groupBy(outcomes, scores, (o) => o.jobType),
    worst,
    routes,
    elapsed_seconds: Math.round(seconds * 10) / 10,
    jobs_per_second: Math.round((replayed / Math.max(seconds, 0.001)) * 100) / 100,
    st_calls_per_job: Math.round((run.stCalls / Math.max(replayed, 1)) * 10) / 10,
  };
}

const pct = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(1)}%`);

export function terminalSummary(r: Report): string {
  const row = (k: string, v: string) => `  ${k.padEnd(42)} ${v}`;
  return [
    `Backtest: ${r.jobs} jobs${calibrationJobs(r)} in ${r.elapsed_seconds} s (${r.jobs_per_second} jobs/s, ${r.st_calls_per_job} ServiceTitan calls/job)`,
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
    row('invoice confidence AUC (exact vs wrong)', num(r.invoice_confidence_auc, 3)),
    ...(r.recommendation
      ? [
          row(
            `recommended threshold (${r.recommendation.calibration_days}-day calibration)`,
            recommendationText(r.recommendation),
          ),
          ...r.recommendation.business_units.map((b) =>
            row(
              `  business unit ${b.business_unit}`,
              thresholdText(b.threshold, b.share, b.wilson_low, b.jobs),
            ),
          ),
          row('auto-posted under it (evaluated jobs)', autoPostText(r)),
        ]
      : [row('auto-posted under the settings in force', autoPostText(r))]),
    row('failed runs', String(r.failed)),
    '  calibration (line confidence → accuracy):',
    ...r.calibration.map(
      (c) => `    ${c.bucket.padEnd(12)} n=${String(c.n).padStart(5)}  ${pct(c.accuracy)}`,
    ),
    '  reliability (invoice confidence → exactly right):',
    ...r.reliability.map(
      (b) =>
        `    ${b.bucket.padEnd(12)} n=${String(b.n).padStart(5)}  mean ${num(b.mean_confidence, 2)}  ${pct(b.exactness)}`,
    ),
  ].join('\n');
}

const calibrationJobs = (r: Report) =>
  r.recommendation
    ? ` (and ${r.recommendation.calibration_jobs} calibration jobs before them, not scored)`
    : '';

const num = (v: number | null, digits: number) => (v === null ? 'n/a' : v.toFixed(digits));

function thresholdText(
  threshold: number | null,
  share: number,
  wilsonLow: number | null,
  jobs: number,
): string {
  return threshold === null
    ? `none (no threshold kept 99.5% exact; ${jobs} jobs): no auto-approval`
    : `≥ ${threshold.toFixed(4)}: ${pct(share)} of ${jobs} jobs would auto-post, Wilson low ${pct(wilsonLow)}`;
}

function recommendationText(rec: ReportRecommendation): string {
  return rec.threshold === null
    ? `none: no threshold kept ${pct(rec.target)} exact on ${rec.calibration_jobs} calibration jobs (auto-post nothing)`
    : `≥ ${rec.threshold.toFixed(4)} on ${rec.calibration_jobs} calibration jobs: ${pct(rec.share)} would auto-post, ${pct(rec.exactness)} exact (Wilson low ${pct(rec.wilson_low)})`;
}

function autoPostText(r: Report): string {
  return `${pct(r.auto_post_share)} (${r.auto_posts} of ${r.jobs}), ${r.wrong_auto_posts} not exactly right`;
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

${r.jobs} jobs${calibrationJobs(r)}, ${r.elapsed_seconds} s (${r.jobs_per_second} jobs/s), ${r.st_calls_per_job} ServiceTitan calls per job.

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
| invoice confidence AUC, exactly right vs not | ${num(r.invoice_confidence_auc, 3)} |
| auto-posted under the settings in force${r.recommendation ? ' (the recommended threshold)' : ''} | ${autoPostText(r)} |
| failed runs | ${r.failed} |
${r.recommendation ? recommendationMarkdown(r.recommendation) : ''}
## Calibration (line confidence → observed accuracy)

| bucket | lines | accuracy |
|---|---|---|
${r.calibration.map((c) => `| ${c.bucket} | ${c.n} | ${pct(c.accuracy)} |`).join('\n')}

## Reliability (invoice confidence → exactly right)

| bucket | invoices | mean confidence | exactly right |
|---|---|---|---|
${r.reliability.map((b) => `| ${b.bucket} | ${b.n} | ${num(b.mean_confidence, 3)} | ${pct(b.exactness)} |`).join('\n')}

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

function recommendationMarkdown(rec: ReportRecommendation): string {
  return `
## Recommended auto-approval threshold

From the ${rec.calibration_days} days before the evaluated jobs (${rec.window_from.slice(0, 10)} to ${rec.window_to.slice(0, 10)}, ${rec.calibration_jobs} jobs, ${rec.eligible} held by nothing but their confidence): the lowest threshold at which the drafts that would have auto-posted were still ≥ ${pct(rec.target)} exactly right. It was stored as the tenant's recommendation and put in force for the evaluated jobs, as for a shop that accepted it.

| | threshold | would auto-post | exactly right | Wilson low (95%) | jobs |
|---|---|---|---|---|---|
| shop | ${rec.threshold === null ? 'none (no auto-approval)' : rec.threshold.toFixed(4)} | ${pct(rec.share)} (${rec.auto_posts}) | ${pct(rec.exactness)} | ${pct(rec.wilson_low)} | ${rec.calibration_jobs} |
${rec.business_units.map((b) => `| ${b.business_unit} | ${b.threshold === null ? 'none' : b.threshold.toFixed(4)} | ${pct(b.share)} | ${pct(b.exactness)} | ${pct(b.wilson_low)} | ${b.jobs} |`).join('\n')}
`;
}

/** The reliability curve: mean confidence (x) against the share exactly right (y), per bucket. */
function reliabilityChart(title: string, buckets: ReliabilityBucket[]): string {
  const size = 300;
  const left = 40;
  const top = 44;
  const x = (v: number) => left + Math.round(v * size);
  const y = (v: number) => top + Math.round((1 - v) * size);
  const points = buckets.filter((b) => b.n > 0 && b.mean_confidence !== null && b.exactness !== null);
  const path = points.map((b, i) => `${i ? 'L' : 'M'}${x(b.mean_confidence!)},${y(b.exactness!)}`).join(' ');
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map(
      (t) =>
        `<text x="${x(t)}" y="${top + size + 16}" font-size="11" text-anchor="middle">${t}</text><text x="${left - 6}" y="${y(t) + 4}" font-size="11" text-anchor="end">${t}</text>`,
    )
    .join('');
  const dots = points
    .map(
      (b) =>
        `<circle cx="${x(b.mean_confidence!)}" cy="${y(b.exactness!)}" r="${Math.min(9, 2.5 + Math.sqrt(b.n) / 2).toFixed(1)}" fill="#3b6ea5"><title>${escapeHtml(`${b.bucket}: ${pct(b.exactness)} of ${b.n} exactly right (mean confidence ${num(b.mean_confidence, 3)})`)}</title></circle><text x="${x(b.mean_confidence!) + 8}" y="${y(b.exactness!) + 4}" font-size="10">n=${b.n}</text>`,
    )
    .join('');
  return `<figure><svg role="img" aria-label="${escapeHtml(title)}" width="560" height="${top + size + 40}"><text x="0" y="16" font-weight="bold">${escapeHtml(title)}</text><rect x="${left}" y="${top}" width="${size}" height="${size}" fill="none" stroke="#ccc"/>${ticks}<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#aaa" stroke-dasharray="4 3"/>${path ? `<path d="${path}" fill="none" stroke="#3b6ea5" stroke-width="2"/>` : ''}${dots}</svg><figcaption>x: mean invoice confidence in the bucket; y: share exactly right (lines and total); dashed: perfect calibration.</figcaption></figure>`;
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
${reliabilityChart('Reliability: invoices exactly right by invoice confidence', r.reliability)}
${bars(
  'Invoices exactly right by invoice confidence bucket',
  r.reliability.map((b) => ({ label: `${b.bucket} (n=${b.n})`, value: b.exactness })),
)}
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

/**
 * report.json, report.md, report.html and drafts.jsonl (the evaluated jobs); with calibration
 * outcomes also calibration-drafts.jsonl (the jobs the recommended threshold was computed from).
 */
export function writeReport(
  dir: string,
  r: Report,
  outcomes: JobOutcome[],
  title: string,
  calibrationOutcomes: JobOutcome[] = [],
): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'report.json'), `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(path.join(dir, 'report.md'), markdown(r, title));
  writeFileSync(path.join(dir, 'report.html'), html(r, title));
  writeFileSync(path.join(dir, 'drafts.jsonl'), draftsJsonl(outcomes));
  if (calibrationOutcomes.length)
    writeFileSync(path.join(dir, 'calibration-drafts.jsonl'), draftsJsonl(calibrationOutcomes));
}

function draftsJsonl(outcomes: JobOutcome[]): string {
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
  return `${lines.join('\n')}\n`;
}
