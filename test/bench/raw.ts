// The baseline: the same number of jobs through a bare BullMQ chain with as many stages as the
// product has up to routing (extract, detect, price, draft, route) and no-op processors, on
// the same Redis (its own key prefix), the same connection settings, job options and
// per-queue concurrency, its workers likewise in a child process. It shows what the queueing
// alone costs on this machine, so the product's figures can be read against it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  createProducerConnection,
  createWorkerConnection,
  DEFAULT_JOB_OPTIONS,
  waitReady,
} from '@invoicer/platform';
import { Queue, QueueEvents } from 'bullmq';
import { startChild, tail } from './child.ts';
import { commandStats } from './meter.ts';
import { round, type Summary, summarize } from './stats.ts';

export const RAW_READY = 'raw workers ready';

export function rawQueueNames(stages: number): string[] {
  return Array.from({ length: stages }, (_, i) => `raw.stage${i + 1}`);
}

export interface RawOptions {
  redisUrl: string;
  prefix: string;
  jobs: number;
  stages: number;
  concurrency: number;
  warmup: number;
  outDir: string;
  /** The product's steady phase, repeated at the same rate (null skips it). */
  steady: { jobs: number; ratePerSecond: number } | null;
}

export interface RawResult {
  jobs: number;
  stages: number;
  concurrency: number;
  seconds: number;
  jobsPerSecond: number;
  latencyMs: Summary;
  steady: { jobs: number; ratePerSecond: number; latencyMs: Summary } | null;
  workerPeakRssMiB: number | null;
  /** The worker process's CPU (/proc, user + system) over the burst, per job. */
  workerCpuMsPerJob: number | null;
  /** Redis commands (INFO commandstats delta, INFO itself left out) over the burst, per job. */
  redisCommandsPerJob: number | null;
}

async function until(probe: () => boolean, what: string, timeoutMs: number, check?: () => void) {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    check?.();
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function runRaw(options: RawOptions): Promise<RawResult> {
  const { redisUrl, prefix, jobs, stages } = options;
  const names = rawQueueNames(stages);
  const last = names.at(-1)!;
  const logFile = path.join(options.outDir, 'raw-workers.log');
  const child = startChild(
    'test/bench/raw-worker.ts',
    {
      ...process.env,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      RAW_STAGES: String(stages),
      WORKER_CONCURRENCY: String(options.concurrency),
    },
    logFile,
  );
  const alive = () => {
    if (child.process.exitCode !== null)
      throw new Error(`the baseline worker exited (code ${child.process.exitCode}):\n${tail(logFile)}`);
  };
  const producer = createProducerConnection(redisUrl);
  const eventsConnection = createWorkerConnection(redisUrl);
  const first = new Queue(names[0]!, {
    connection: producer,
    prefix,
    defaultJobOptions: DEFAULT_JOB_OPTIONS,
  });
  const events = new QueueEvents(last, { connection: eventsConnection, prefix });
  try {
    await waitReady(producer);
    await events.waitUntilReady();
    // Completion time of the last stage: the event's stream id carries Redis's clock in ms.
    const done = new Map<string, number>();
    events.on('completed', ({ jobId }, id) => {
      done.set(jobId, Number(String(id).split('-')[0]));
    });
    await until(
      () => readFileSync(logFile, 'utf8').includes(RAW_READY),
      'the baseline worker',
      60_000,
      alive,
    );

    const push = async (ids: string[]) => {
      await Promise.all(ids.map((id) => first.add(names[0]!, { id }, { jobId: `${id}.1` })));
    };
    const lastId = (id: string) => `${id}.${stages}`;
    const warm = Array.from({ length: options.warmup }, (_, i) => `warm${i}`);
    await push(warm);
    await until(() => warm.every((id) => done.has(lastId(id))), 'the baseline warm-up', 60_000, alive);

    const ids = Array.from({ length: jobs }, (_, i) => `job${i}`);
    const commands = async () => {
      try {
        return [...(await commandStats(producer)).values()].reduce((s, n) => s + n, 0);
      } catch {
        return null;
      }
    };
    const commandsBefore = await commands();
    const cpuBefore = child.cpuMs();
    const t0 = Date.now();
    await push(ids);
    await until(() => ids.every((id) => done.has(lastId(id))), `${jobs} baseline jobs`, 5 * 60_000, alive);
    const cpuAfter = child.cpuMs();
    const commandsAfter = await commands();
    const finished = ids.map((id) => done.get(lastId(id))!);
    const seconds = Math.max(1, Math.max(...finished) - t0) / 1000;

    let steady: RawResult['steady'] = null;
    if (options.steady) {
      const { jobs: count, ratePerSecond } = options.steady;
      const added = new Map<string, number>();
      const start = Date.now();
      for (let i = 0; i < count; i++) {
        await new Promise((r) => setTimeout(r, start + (i * 1000) / ratePerSecond - Date.now()));
        const id = `steady${i}`;
        added.set(id, Date.now());
        await push([id]);
      }
      const steadyIds = [...added.keys()];
      await until(
        () => steadyIds.every((id) => done.has(lastId(id))),
        'the baseline steady phase',
        60_000,
        alive,
      );
      steady = {
        jobs: count,
        ratePerSecond,
        latencyMs: summarize(steadyIds.map((id) => Math.max(0, done.get(lastId(id))! - added.get(id)!))),
      };
    }
    const workerPeakRssMiB = child.peakRssMiB();
    return {
      jobs,
      stages,
      concurrency: options.concurrency,
      seconds: round(seconds, 3),
      jobsPerSecond: round(jobs / seconds),
      latencyMs: summarize(finished.map((t) => Math.max(0, t - t0))),
      steady,
      workerPeakRssMiB,
      workerCpuMsPerJob:
        cpuBefore !== null && cpuAfter !== null ? round((cpuAfter - cpuBefore) / jobs) : null,
      redisCommandsPerJob:
        commandsBefore !== null && commandsAfter !== null
          ? round((commandsAfter - commandsBefore) / jobs)
          : null,
    };
  } finally {
    await child.stop();
    await events.close().catch(() => {});
    await first.close().catch(() => {});
    eventsConnection.disconnect();
    producer.disconnect();
  }
}
