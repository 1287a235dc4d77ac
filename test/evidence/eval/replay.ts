// Replays a generated shop's completed jobs through the real pipeline (shadow mode, evidence
// stage on with photos), a period at a time like the backtest: complete the period's jobs in the
// simulator, let ingest and the workers draft them, then reveal the office's later items and
// refresh history. Returns each job's draft lines and evidence output for scoring.
import {
  AiSettings,
  EvidenceSettings,
  PolicySettings,
  RulePackSettings,
  type TenantSettings,
} from '@invoicer/core';
import { setCursor } from '@invoicer/db';
import type { Cluster } from '@invoicer/demo';
import type { EvidenceOutput } from '@invoicer/evidence';
import type { Logger } from '@invoicer/platform';
import type { SimEvidence, SimOptions } from '@invoicer/st-sim';
import type { EvidenceScenario, GeneratedTenant } from '@invoicer/st-sim/generator';
import { syncTenant } from '@invoicer/workers';
import type { JobRun } from './score.ts';

const DAY_MS = 24 * 3600_000;

/** The tenant's settings for the replay: shadow mode, evidence with photos and nameplates. */
export function evidenceSettings(timezone: string): Partial<TenantSettings> {
  return {
    policy: PolicySettings.parse({ mode: 'shadow' }),
    rules: RulePackSettings.parse({ afterHours: { timezone } }),
    ai: AiSettings.parse({ provider: 'local' }),
    evidence: EvidenceSettings.parse({ estimates: true, photos: true, nameplates: true }),
  };
}

/** Worker and ingest settings of a replay: history by period, polling only, no rate limit. */
export function replayEnv(periodDays: number): NodeJS.ProcessEnv {
  return {
    SYNC_INTERVAL_MS: String(365 * DAY_MS),
    ST_RATE_LIMIT_PER_SECOND: '5000',
    POLL_INTERVAL_MS: '0',
    HISTORY_PERIOD_HOURS: String(24 * periodDays),
    INGEST_POLL_FEEDS: 'jobs',
  };
}

export function simEvidenceOf(scenario: EvidenceScenario): SimEvidence {
  return {
    estimates: scenario.estimates,
    installedEquipment: scenario.installedEquipment,
    photoFiles: scenario.photoFiles,
  };
}

/** Simulator options: every completed job held back and replayed, the office's items revealed. */
export function replaySimOptions(
  shop: Pick<GeneratedTenant, 'fixture'>,
  evidence: SimEvidence,
): Partial<SimOptions> {
  const first = shop.fixture['jpm/jobs']
    .filter((j) => j.jobStatus === 'Completed' && j.completedOn)
    .map((j) => j.completedOn!)
    .sort()[0];
  if (!first) throw new Error('the shop has no completed jobs');
  return { replayFrom: first, revealOfficeItems: true, evidence, faults: { rateLimitPerSecond: null } };
}

async function settled(cluster: Cluster, expected: number): Promise<void> {
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    const where = { tenantId: cluster.tenantId };
    const [runs, moving] = await Promise.all([
      cluster.db.pipelineRun.count({ where }),
      cluster.db.pipelineRun.count({
        where: { ...where, status: { in: ['queued', 'running', 'approved', 'posting'] } },
      }),
    ]);
    if (runs >= expected && moving === 0) return;
    if (Date.now() > deadline)
      throw new Error(`pipeline did not settle: ${runs}/${expected} runs, ${moving} still moving`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function replayEvidence(
  cluster: Cluster,
  options: { periodDays: number; log: Logger; onProgress?: (done: number, elapsedMs: number) => void },
): Promise<JobRun[]> {
  const { db, tenantId } = cluster;
  const runtime = cluster.workers.services.runtime;
  const started = Date.now();
  await syncTenant(db, runtime, options.log, tenantId);
  await setCursor(db, tenantId, 'sync/last-run', new Date().toISOString());
  // Periods are epoch-aligned as the workers' history cutoff is (HISTORY_PERIOD_HOURS).
  const period = options.periodDays * DAY_MS;
  let total = 0;
  for (let next = cluster.sim.tenant.nextCompletion; next; next = cluster.sim.tenant.nextCompletion) {
    const end = new Date((Math.floor(Date.parse(next) / period) + 1) * period);
    total += cluster.sim.playUntil(end).length;
    await cluster.ingest.pollNow();
    await settled(cluster, total);
    cluster.sim.tenant.revealUntil(end);
    await syncTenant(db, runtime, options.log, tenantId);
    options.onProgress?.(total, Date.now() - started);
  }
  const runs = await db.pipelineRun.findMany({ where: { tenantId }, include: { outputs: true } });
  return runs.map((run) => {
    const value = (stage: string) =>
      (run.outputs.find((o) => o.stage === stage)?.output as { value?: unknown } | undefined)?.value;
    const draft = value('draft') as { lines: { skuId: number; quantity: string }[] } | undefined;
    return {
      jobId: Number(run.stJobId),
      draft: draft?.lines.map((l) => ({ skuId: l.skuId, quantity: l.quantity })) ?? [],
      evidence: (value('evidence') as EvidenceOutput | undefined) ?? null,
    };
  });
}
