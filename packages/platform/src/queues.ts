// Typed producers over the queue catalog. Every enqueue validates its payload and uses the
// deterministic job id, so enqueueing the same step twice is a no-op.
import { jobIdFor, type PayloadOf, QUEUE_CATALOG, QUEUE_NAMES, type QueueName } from '@invoicer/core';
import { type JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';

export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
  // Few completed jobs (Postgres has the record), more failed ones for inspection.
  removeOnComplete: { count: 1000, age: 24 * 3600 },
  removeOnFail: { count: 5000, age: 7 * 24 * 3600 },
};

/** A queue's job options: the defaults with the catalogue's retries. */
export function jobOptionsFor(name: QueueName): JobsOptions {
  const { attempts, backoffMs } = QUEUE_CATALOG[name].options;
  return {
    ...DEFAULT_JOB_OPTIONS,
    attempts,
    backoff: { type: 'exponential', delay: backoffMs, jitter: 0.5 },
  };
}

export class QueueSet {
  readonly queues: Map<QueueName, Queue>;

  constructor(
    connection: Redis,
    readonly prefix: string,
    names: readonly QueueName[] = QUEUE_NAMES,
  ) {
    this.queues = new Map(
      names.map((name) => [
        name,
        new Queue(name, { connection, prefix, defaultJobOptions: jobOptionsFor(name) }),
      ]),
    );
  }

  get(name: QueueName): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`queue ${name} is not open in this process`);
    return queue;
  }

  /** Validate and enqueue. Returns the deterministic job id. */
  async enqueue<Q extends QueueName>(
    name: Q,
    payload: PayloadOf<Q>,
    options: JobsOptions = {},
  ): Promise<string> {
    const parsed = QUEUE_CATALOG[name].payload.parse(payload) as PayloadOf<Q>;
    const jobId = jobIdFor(name, parsed);
    await this.get(name).add(name, parsed, { ...options, jobId });
    return jobId;
  }

  /**
   * Enqueue again a step that must move (resume, the sweeper): a job under the same id that
   * already failed for good or completed would make `add` a no-op, so it is removed first. A job
   * that is waiting, delayed or active is left alone: it is already moving. Returns what it did.
   */
  async enqueueAgain<Q extends QueueName>(
    name: Q,
    payload: PayloadOf<Q>,
  ): Promise<'added' | 'replaced' | 'in_flight'> {
    const parsed = QUEUE_CATALOG[name].payload.parse(payload) as PayloadOf<Q>;
    const jobId = jobIdFor(name, parsed);
    const queue = this.get(name);
    const existing = await queue.getJob(jobId);
    let replaced = false;
    if (existing) {
      const state = await existing.getState();
      if (state !== 'failed' && state !== 'completed' && state !== 'unknown') return 'in_flight';
      await existing.remove();
      replaced = true;
    }
    await queue.add(name, parsed, { jobId });
    return replaced ? 'replaced' : 'added';
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
  }
}
