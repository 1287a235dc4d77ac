// Refresh the queue and backlog gauges just before a scrape (or the /ops page): depth by state
// and the oldest waiting job per queue from BullMQ, the review backlog by reason and age from
// Postgres. A source that fails is counted and skipped; the rest still report.
import { BACKLOG_AGE_BUCKETS, reviewBacklogByAge } from '@invoicer/db';
import { withTimeout } from '@invoicer/platform';
import type { Queue } from 'bullmq';
import type { ConsoleServices } from '../services.ts';

const STATES = [
  'waiting',
  'active',
  'delayed',
  'failed',
  'completed',
  'prioritized',
  'waiting-children',
] as const;

export interface QueueSnapshot {
  queue: string;
  counts: Record<string, number>;
  oldestWaitingSeconds: number;
}

async function oldestWaiting(queue: Queue): Promise<number | null> {
  // The wait list is ordered by arrival; read both ends so the answer does not depend on which.
  const [head, tail] = await Promise.all([queue.getWaiting(0, 0), queue.getWaiting(-1, -1)]);
  const stamps = [...head, ...tail]
    .map((j) => j?.timestamp)
    .filter((t): t is number => typeof t === 'number');
  return stamps.length ? Math.min(...stamps) : null;
}

export async function snapshotQueues(services: ConsoleServices): Promise<QueueSnapshot[]> {
  const now = Date.now();
  return Promise.all(
    [...services.queues.queues].map(async ([name, queue]) => {
      const [counts, oldest] = await Promise.all([queue.getJobCounts(...STATES), oldestWaiting(queue)]);
      return { queue: name, counts, oldestWaitingSeconds: oldest ? Math.max(0, (now - oldest) / 1000) : 0 };
    }),
  );
}

export async function collectMetrics(services: ConsoleServices): Promise<void> {
  const { metrics } = services;
  const base = metrics.base;
  try {
    const queues = await withTimeout(snapshotQueues(services), 3000, 'queue metrics timed out');
    for (const q of queues) {
      for (const [state, n] of Object.entries(q.counts)) base.queueDepth.set({ queue: q.queue, state }, n);
      base.queueOldest.set({ queue: q.queue }, q.oldestWaitingSeconds);
    }
  } catch (error) {
    metrics.scrapeErrors.inc({ source: 'redis' });
    services.log.warn({ err: (error as Error).message }, 'queue metrics unavailable');
  }
  try {
    const rows = await withTimeout(reviewBacklogByAge(services.db), 3000, 'backlog metrics timed out');
    base.reviewBacklog.reset();
    const seen = new Set(rows.map((r) => r.reason));
    // Every bucket of every reason present, so a drained bucket reports 0 rather than vanishing.
    for (const reason of seen)
      for (const age of BACKLOG_AGE_BUCKETS) base.reviewBacklog.set({ reason, age }, 0);
    for (const r of rows) base.reviewBacklog.set({ reason: r.reason, age: r.age }, r.n);
  } catch (error) {
    metrics.scrapeErrors.inc({ source: 'postgres' });
    services.log.warn({ err: (error as Error).message }, 'backlog metrics unavailable');
  }
  await metrics.collectReviewAge(services.db);
}
