// The baseline's worker process: a chain of BullMQ queues with no-op processors, each handing
// the job to the next stage, with the product's connection settings, job options and
// per-queue concurrency. Started by the benchmark (`node --import tsx test/bench/raw-worker.ts`).
import {
  createProducerConnection,
  createWorkerConnection,
  DEFAULT_JOB_OPTIONS,
  waitReady,
} from '@invoicer/platform';
import { Queue, Worker } from 'bullmq';
import { RAW_READY, rawQueueNames } from './raw.ts';

async function main(): Promise<void> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = process.env.QUEUE_PREFIX ?? 'bench-raw';
  const stages = Number(process.env.RAW_STAGES ?? 5);
  const concurrency = Number(process.env.WORKER_CONCURRENCY ?? 4);
  const names = rawQueueNames(stages);
  const workerConnection = createWorkerConnection(url);
  const producer = createProducerConnection(url);
  await waitReady(producer);
  const queues = names.map(
    (name) => new Queue(name, { connection: producer, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS }),
  );
  const workers = names.map(
    (name, i) =>
      new Worker(
        name,
        async (job) => {
          const next = queues[i + 1];
          if (next) await next.add(names[i + 1]!, job.data, { jobId: `${job.data.id}.${i + 2}` });
        },
        { connection: workerConnection, prefix, concurrency, autorun: true },
      ),
  );
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  console.log(RAW_READY);
  const stop = async () => {
    await Promise.allSettled(workers.map((w) => w.close()));
    await Promise.allSettled(queues.map((q) => q.close()));
    workerConnection.disconnect();
    producer.disconnect();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

await main();
