// The bank-import thread: runs `importBankStatement` (parse, check, store, queue) away from the
// console's request thread, which would otherwise stop answering (/healthz included) for the
// seconds a large file takes to parse. It keeps its own small database pool and Redis
// connection; the request thread sends one file at a time.
import { parentPort, workerData } from 'node:worker_threads';
import { createDb } from '@invoicer/db';
import { importBankStatement } from '@invoicer/pipeline';
import { createProducerConnection, QueueSet } from '@invoicer/platform';
import { detectFormat, estimateTransactions } from '@invoicer/reconcile';
import {
  type ImportReply,
  type ImportRequest,
  MAX_UPLOAD_TRANSACTIONS,
  toFailure,
  tooManyTransactions,
  UploadTooLargeError,
} from './import-protocol.ts';

export interface ImportWorkerData {
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
}

const config = workerData as ImportWorkerData;
const port = parentPort;
if (!port) throw new Error('import-worker.ts runs as a worker thread');

const db = createDb(config.databaseUrl, { poolSize: 2 });
const redis = createProducerConnection(config.redisUrl);
redis.on('error', () => {}); // an enqueue that fails is reported with its import
const queues = new QueueSet(redis, config.queuePrefix, ['payment.reconcile']);

async function handle({ tenantId, data, options }: ImportRequest) {
  const buffer = Buffer.from(data);
  const format = options.format ?? detectFormat(buffer, options.fileName);
  const estimate = format ? estimateTransactions(buffer, format) : 0;
  if (estimate > MAX_UPLOAD_TRANSACTIONS)
    throw new UploadTooLargeError(tooManyTransactions(estimate, options.fileName));
  return importBankStatement(db, queues, tenantId, buffer, options);
}

port.on('message', (request: ImportRequest | 'close') => {
  if (request === 'close') {
    void Promise.allSettled([db.$disconnect(), redis.quit()]).then(() => port.close());
    return;
  }
  handle(request).then(
    (report) => port.postMessage({ id: request.id, report } satisfies ImportReply),
    (error: unknown) => port.postMessage({ id: request.id, failure: toFailure(error) } satisfies ImportReply),
  );
});
