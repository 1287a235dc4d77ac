// The sweeper: every run reaches a final state or an open review item. Each interval it looks at
// active runs idle past their step's bound (the queue catalogue's progressBoundMs) and re-drives
// those whose job is not moving: missing (Redis lost it), or failed for good without the failure
// being recorded (a stall BullMQ failed itself, a Postgres outage during the failure hook). After
// maxRedrives re-drives with no progress the run fails with a stage_failed review item.
import { errorMessage, QUEUE_CATALOG, QUEUE_NAMES } from '@invoicer/core';
import { listActiveRuns, pendingStep, redriveRun } from '@invoicer/pipeline';
import type { Logger, WorkerHooks } from '@invoicer/platform';
import type { WorkerServices } from './services.ts';

export interface SweepResult {
  checked: number;
  redriven: number;
  failed: number;
  /** Runs whose re-drive failed this time (retried at the next sweep). */
  errors: number;
}

const MIN_BOUND_MS = Math.min(...QUEUE_NAMES.map((q) => QUEUE_CATALOG[q].options.progressBoundMs));

export async function sweepRuns(
  services: Pick<WorkerServices, 'db' | 'queues'>,
  hooks: Pick<WorkerHooks, 'onFinalFailure'>,
  options: { maxRedrives: number; boundScale?: number },
): Promise<SweepResult> {
  const scale = options.boundScale ?? 1;
  const runs = await listActiveRuns(services.db, { idleMs: Math.round(MIN_BOUND_MS * scale), limit: 500 });
  const result: SweepResult = { checked: 0, redriven: 0, failed: 0, errors: 0 };
  for (const run of runs) {
    const step = pendingStep(run);
    const bound = QUEUE_CATALOG[step.queue].options.progressBoundMs * scale;
    if (Date.now() - run.updatedAt.getTime() < bound) continue;
    result.checked += 1;
    // One run's trouble (a Redis hiccup) must not stop the sweep of the others.
    const outcome = await redriveRun(services.db, services.queues, run, {
      maxRedrives: options.maxRedrives,
      count: true,
    }).catch(() => null);
    if (outcome === null) {
      result.errors += 1;
      continue;
    }
    if (outcome === 'redriven' || outcome === 'replaced') result.redriven += 1;
    if (outcome === 'exhausted') {
      await hooks.onFinalFailure(
        step.queue,
        step.payload,
        new Error(`no progress at ${step.queue} after ${run.redrives} re-drive(s)`),
      );
      result.failed += 1;
    }
  }
  return result;
}

/** Sweep every `intervalMs` (0: never); errors are logged and the next sweep tries again. */
export function startSweeper(
  services: Pick<WorkerServices, 'db' | 'queues'>,
  hooks: Pick<WorkerHooks, 'onFinalFailure'>,
  log: Logger,
  options: { intervalMs: number; maxRedrives: number; boundScale?: number },
): () => void {
  if (options.intervalMs <= 0) return () => {};
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepRuns(services, hooks, { maxRedrives: options.maxRedrives, boundScale: options.boundScale })
      .then((r) => {
        if (r.redriven || r.failed || r.errors) log.warn(r, 'sweeper re-drove stuck runs');
      })
      .catch((error: unknown) =>
        log.error({ err: errorMessage(error) }, 'sweep failed; retrying next interval'),
      )
      .finally(() => {
        running = false;
      });
  }, options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
