// Replay a tenant's completed jobs through the real pipeline in shadow mode, one day at a time
// and in completedOn order. Jobs completed before `from` are history. For each day: complete
// that day's jobs in the simulator (each invoice as it stood at completion), let the poller and
// the workers draft them, and only then reveal the office's later items up to the end of the
// day and refresh the tenant's mirror and history. A job is therefore judged only by what
// existed before its day began (the history model's cutoff) and never sees its own answer.
//
// With a calibration window (`calibrateDays`), the replay starts that many days before `from`.
// At `from` (once the calibration jobs are drafted and their office items up to `from`
// revealed) the auto-approval threshold is recommended from their outcomes, stored in the
// tenant's settings as the recommendation and put in force, as if the shop had accepted it;
// the jobs from `from` on are then routed under it (out of time). Only they are scored.
import { randomBytes } from 'node:crypto';
import { MIN_BUSINESS_UNIT_JOBS, type RecommendedThreshold, recommendThreshold } from '@invoicer/billing';
import {
  AiSettings,
  acceptThresholdRecommendation,
  errorMessage,
  PolicySettings,
  RulePackSettings,
  type ThresholdRecommendation,
} from '@invoicer/core';
import { appendAudit, getTenantSettings, putTenantSettings, setCursor, sql } from '@invoicer/db';
import { type Cluster, startCluster } from '@invoicer/demo';
import type { Logger } from '@invoicer/platform';
import type { TenantFixture } from '@invoicer/servicetitan';
import { syncTenant } from '@invoicer/workers';
import { engineTaxFor, type FinalItem, type JobOutcome, thresholdInvoice } from './score.ts';

export interface TruthJob {
  jobId: number;
  mentions?: { skuId: number | null }[];
}

export interface BacktestOptions {
  fixture: TenantFixture;
  truth: TruthJob[] | null;
  from: Date | null;
  to: Date | null;
  provider: 'local' | 'openai';
  env: NodeJS.ProcessEnv;
  concurrency: number;
  /**
   * Jobs are replayed a period at a time (days); each is judged by history before its period.
   * 1 is the most faithful; 7 runs a week of jobs in parallel and is several times faster.
   */
  periodDays: number;
  /**
   * Days before `from` replayed as the calibration window (0 or absent: none; needs `from`):
   * the threshold recommended from them is put in force for the jobs from `from` on.
   */
  calibrateDays?: number;
  /** Business units with at least this many calibration jobs may get a threshold of their own. */
  minBusinessUnitJobs?: number;
  log: Logger;
  onProgress?: (p: { day: number; days: number; done: number; total: number; elapsedMs: number }) => void;
}

export interface BacktestRun {
  /** The evaluated jobs (completed from `from` on); calibration jobs are in `calibration`. */
  outcomes: JobOutcome[];
  elapsedMs: number;
  stCalls: number;
  days: number;
  calibration: CalibrationRun | null;
}

export interface CalibrationRun {
  days: number;
  /** The calibration window: jobs completed in [from, to). */
  from: string;
  to: string;
  recommendation: RecommendedThreshold;
  /** As stored in the tenant's settings (policy.recommendation) and put in force. */
  stored: ThresholdRecommendation;
  outcomes: JobOutcome[];
}

const DAY_MS = 24 * 3600_000;
const TENANT = 'backtest';

function completedJobs(fixture: TenantFixture, from: Date | null, to: Date | null) {
  return fixture['jpm/jobs'].filter((j) => {
    if (j.jobStatus !== 'Completed' || !j.completedOn) return false;
    const t = Date.parse(j.completedOn);
    return (!from || t >= from.getTime()) && (!to || t < to.getTime());
  });
}

/** The settings form of a recommendation computed from the jobs completed in [from, to). */
export function storedRecommendation(
  r: RecommendedThreshold,
  window: { from: Date; to: Date },
  source: string,
  computedAt = new Date(),
): ThresholdRecommendation {
  const figures = (f: RecommendedThreshold | RecommendedThreshold['businessUnits'][number]) => ({
    autoApproveConfidence: f.autoApproveConfidence,
    share: f.share,
    exactness: f.exactness,
    wilsonLow: f.wilsonLow,
    jobs: f.jobs,
  });
  return {
    ...figures(r),
    target: r.target,
    window: { from: window.from.toISOString(), to: window.to.toISOString() },
    computedAt: computedAt.toISOString(),
    source,
    businessUnits: r.businessUnits.map((b) => ({ businessUnitId: b.businessUnitId, ...figures(b) })),
  };
}

export async function runBacktest(options: BacktestOptions): Promise<BacktestRun> {
  const started = Date.now();
  if (!completedJobs(options.fixture, options.from, options.to).length)
    throw new Error('no completed jobs in the chosen period');
  const calibrateDays = options.from ? Math.max(0, options.calibrateDays ?? 0) : 0;
  // The boundary between the calibration window and the evaluated jobs.
  const boundary = calibrateDays ? options.from!.getTime() : null;
  const calibrationFrom = boundary === null ? null : new Date(boundary - calibrateDays * DAY_MS);
  const replayed = completedJobs(options.fixture, calibrationFrom ?? options.from, options.to);
  const firstReplayed = replayed.map((j) => j.completedOn!).sort()[0]!;
  const cluster: Cluster = await startCluster({
    fixture: options.fixture,
    tenantId: TENANT,
    env: {
      ...options.env,
      WORKER_CONCURRENCY: String(options.concurrency),
      // History is refreshed by this driver at day boundaries, not by wall-clock time.
      SYNC_INTERVAL_MS: String(365 * DAY_MS),
      ST_RATE_LIMIT_PER_SECOND: '5000',
      POLL_INTERVAL_MS: '0',
      HISTORY_PERIOD_HOURS: String(24 * options.periodDays),
      INGEST_POLL_FEEDS: 'jobs',
    },
    credentialsKey: randomBytes(32),
    webhooks: false,
    sim: { replayFrom: firstReplayed, revealOfficeItems: true, faults: { rateLimitPerSecond: null } },
    settings: {
      policy: PolicySettings.parse({ mode: 'shadow' }),
      rules: RulePackSettings.parse({ afterHours: { timezone: options.fixture.meta.timezone } }),
      ai: AiSettings.parse({ provider: options.provider }),
    },
    log: options.log,
  });
  const { db } = cluster;
  const runtime = cluster.workers.services.runtime;
  try {
    await syncTenant(db, runtime, options.log, TENANT);
    await setCursor(db, TENANT, 'sync/last-run', new Date().toISOString());
    const toTime = options.to?.getTime() ?? Number.POSITIVE_INFINITY;
    // Periods are epoch-aligned exactly as the workers' history cutoff is (TenantRuntime).
    const period = DAY_MS * options.periodDays;
    const dayOf = (iso: string) => Math.floor(Date.parse(iso) / period);
    // A period straddling the boundary is played in two parts (before it and from it).
    const days = new Set(
      replayed.map(
        (j) => `${dayOf(j.completedOn!)}|${boundary !== null && Date.parse(j.completedOn!) >= boundary}`,
      ),
    ).size;
    let day = 0;
    let total = 0;
    let calibration: CalibrationRun | null = null;
    const phases: Record<string, number> = { play: 0, poll: 0, settle: 0, reveal: 0, sync: 0 };
    const timed = async <T>(phase: string, fn: () => T | Promise<T>): Promise<T> => {
      const t = performance.now();
      try {
        return await fn();
      } finally {
        phases[phase] = (phases[phase] ?? 0) + performance.now() - t;
      }
    };
    for (;;) {
      const next = cluster.sim.tenant.nextCompletion;
      if (boundary !== null && !calibration && (!next || Date.parse(next) >= boundary)) {
        calibration = await timed('calibrate', () =>
          calibrate(cluster, options, {
            from: calibrationFrom!,
            to: new Date(boundary),
            days: calibrateDays,
          }),
        );
      }
      if (!next || Date.parse(next) >= toTime) break;
      let endOfDay = new Date((dayOf(next) + 1) * period);
      // The calibration window ends at the boundary: reveal only up to it before recommending.
      if (boundary !== null && !calibration && endOfDay.getTime() > boundary) endOfDay = new Date(boundary);
      const played = await timed('play', () =>
        cluster.sim.playUntil(new Date(Math.min(endOfDay.getTime(), toTime))),
      );
      total += played.length;
      day += 1;
      await timed('poll', () => cluster.ingest.pollNow());
      await timed('settle', () => settled(cluster, total));
      await timed('reveal', () => cluster.sim.tenant.revealUntil(endOfDay));
      await timed('sync', () => syncTenant(db, runtime, options.log, TENANT));
      options.onProgress?.({
        day,
        days,
        done: total,
        total: replayed.length,
        elapsedMs: Date.now() - started,
      });
    }
    if (process.env.BACKTEST_PROFILE)
      console.error(
        '\nphases (ms):',
        Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, Math.round(v)])),
      );
    const outcomes = await collectOutcomes(cluster, options);
    const evaluated =
      boundary === null ? outcomes : outcomes.filter((o) => Date.parse(o.completedOn) >= boundary);
    return {
      outcomes: evaluated,
      elapsedMs: Date.now() - started,
      stCalls: cluster.sim.stats.total,
      days: day,
      calibration,
    };
  } finally {
    await cluster.close();
  }
}

/**
 * At the boundary: recommend the threshold from the calibration jobs' outcomes, store it as the
 * tenant's recommendation and accept it (the backtest tenant stands for a shop that did), audited
 * like any accepted recommendation; the route stage reads the settings afresh.
 */
async function calibrate(
  cluster: Cluster,
  options: BacktestOptions,
  window: { from: Date; to: Date; days: number },
): Promise<CalibrationRun> {
  const { db } = cluster;
  const outcomes = (await collectOutcomes(cluster, options)).filter(
    (o) => Date.parse(o.completedOn) < window.to.getTime(),
  );
  const recommendation = recommendThreshold(
    outcomes.map((o) => thresholdInvoice(o)),
    {
      minBusinessUnitJobs: options.minBusinessUnitJobs ?? MIN_BUSINESS_UNIT_JOBS,
    },
  );
  const stored = storedRecommendation(recommendation, window, 'backtest');
  const settings = await getTenantSettings(db, TENANT);
  const before = settings.policy;
  const policy = acceptThresholdRecommendation({ ...before, recommendation: stored });
  await putTenantSettings(db, TENANT, { ...settings, policy }, 'backtest');
  await appendAudit(db, {
    tenantId: TENANT,
    actorType: 'system',
    actor: 'backtest',
    action: 'settings.threshold_accepted',
    data: {
      recommendation: stored,
      before: { autoApproveConfidence: before.autoApproveConfidence, overrides: before.overrides },
      after: { autoApproveConfidence: policy.autoApproveConfidence, overrides: policy.overrides },
    },
  });
  cluster.workers.services.runtime.invalidateSettings(TENANT);
  return {
    days: window.days,
    from: window.from.toISOString(),
    to: window.to.toISOString(),
    recommendation,
    stored,
    outcomes,
  };
}

/** Run statuses of a run still on its way through the pipeline. */
const MOVING = ['queued', 'running', 'approved', 'posting'];

async function settled(cluster: Cluster, expected: number): Promise<void> {
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    // Polled every 25 ms while the workers run: one statement, and no count of every run while
    // any is still moving (the status index answers that).
    const [row] = await sql<{ moving: number; runs: number | null }>(
      cluster.db,
      `SELECT m.moving, CASE WHEN m.moving = 0 THEN (SELECT count(*)::int FROM pipeline_runs WHERE tenant_id = $1) END AS runs
         FROM (SELECT count(*)::int AS moving FROM pipeline_runs WHERE tenant_id = $1 AND status = ANY($2::text[])) m`,
      [TENANT, MOVING],
    );
    const moving = row!.moving;
    const runs = row!.runs ?? 0;
    if (runs >= expected && moving === 0) return;
    if (Date.now() > deadline)
      throw new Error(`pipeline did not settle: ${runs}/${expected} runs, ${moving} still moving`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

interface SavedDraft {
  value: {
    lines: {
      skuId: number;
      skuCode: string;
      type: string;
      quantity: string;
      unitPrice: string;
      total: string;
      taxable: boolean;
      confidence: number;
      origin: 'technician' | 'added' | 'changed';
      provenance: { kind: string; rule?: string };
    }[];
    subTotal: string;
    salesTax: string;
    total: string;
    confidence: number;
  };
}

async function collectOutcomes(cluster: Cluster, options: BacktestOptions): Promise<JobOutcome[]> {
  const { fixture } = options;
  const runs = await cluster.db.pipelineRun.findMany({
    where: { tenantId: TENANT },
    include: { outputs: true },
  });
  const jobs = new Map(fixture['jpm/jobs'].map((j) => [j.id, j]));
  const invoices = new Map(fixture['accounting/invoices'].map((i) => [i.id, i]));
  const invoiceByJob = new Map(fixture['accounting/invoices'].map((i) => [i.job?.id, i]));
  const locations = new Map(fixture['crm/locations'].map((l) => [l.id, l]));
  const zones = new Map(fixture['accounting/tax-zones'].map((z) => [z.id, z]));
  const jobTypes = new Map(fixture['jpm/job-types'].map((t) => [t.id, t.name]));
  const units = new Map(fixture['settings/business-units'].map((u) => [u.id, u.name]));
  const truth = new Map((options.truth ?? []).map((t) => [t.jobId, t]));
  // The tax convention the shop's history teaches (as the drafts use it), for the engine check.
  const taxSettings = (
    await cluster.workers.services.runtime.effectiveSettings(TENANT, options.from ?? new Date())
  ).tax;
  return runs.map((run) => {
    const jobId = Number(run.stJobId);
    const job = jobs.get(jobId)!;
    const invoice = (job.invoiceId ? invoices.get(job.invoiceId) : undefined) ?? invoiceByJob.get(jobId)!;
    const output = (stage: string) => run.outputs.find((o) => o.stage === stage)?.output as unknown;
    const draft = (output('draft') as SavedDraft | undefined)?.value;
    const route = (output('route') as { value?: { reasons?: string[] } } | undefined)?.value;
    const completed = Date.parse(job.completedOn!);
    const items: FinalItem[] = (invoice.items ?? [])
      .filter((i) => i.active !== false)
      .map((i) => ({
        skuId: i.skuId ?? null,
        skuCode: i.skuName ?? null,
        type: i.type,
        quantity: i.quantity,
        total: i.total,
        taxable: i.taxable === true,
        officeAdded: Date.parse(i.createdOn ?? '') > completed,
      }));
    const location = locations.get(job.locationId);
    const zone = zones.get(location?.taxZoneId ?? invoice.taxZoneId ?? -1) ?? null;
    let engineTax: string | null = null;
    try {
      engineTax = engineTaxFor(items, zone as never, taxSettings, location?.taxExempt === true);
    } catch (error) {
      options.log.warn({ jobId, err: errorMessage(error) }, 'tax engine could not compute the final invoice');
    }
    return {
      jobId,
      invoiceId: invoice.id,
      businessUnit: units.get(job.businessUnitId) ?? String(job.businessUnitId),
      businessUnitId: job.businessUnitId,
      jobType: jobTypes.get(job.jobTypeId) ?? String(job.jobTypeId),
      completedOn: job.completedOn!,
      route: run.status === 'failed' ? 'failed' : route?.reasons?.length ? 'review' : 'auto_post',
      reasons: route?.reasons ?? (run.status === 'failed' ? ['stage_failed'] : []),
      confidence: draft?.confidence ?? 0,
      draft: draft
        ? {
            lines: draft.lines.map((l) => ({
              skuId: l.skuId,
              skuCode: l.skuCode,
              type: l.type,
              quantity: l.quantity,
              unitPrice: l.unitPrice,
              total: l.total,
              taxable: l.taxable,
              confidence: l.confidence,
              origin: l.origin,
              provenance: l.provenance.kind === 'rule' ? `rule:${l.provenance.rule}` : l.provenance.kind,
            })),
            subTotal: draft.subTotal,
            salesTax: draft.salesTax,
            total: draft.total,
          }
        : null,
      final: { items, subTotal: invoice.subTotal, salesTax: invoice.salesTax, total: invoice.total },
      engineTax,
      declinedSkuIds: (truth.get(jobId)?.mentions ?? []).flatMap((m) => (m.skuId !== null ? [m.skuId] : [])),
    };
  });
}
