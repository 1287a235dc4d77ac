// The request thread's side of bank imports: one worker thread (import-worker.ts), started on
// the first upload, given a bounded heap, and stopped after a quiet minute so the memory a large
// file took goes back to the system. A worker that dies (out of memory on a pathological file,
// a crash) fails only its own import, with a clear error; the next upload starts a new one.
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ImportOptions, ImportReport } from '@invoicer/pipeline';
import type { Logger } from '@invoicer/platform';
import { fromFailure, type ImportReply, type ImportRequest, UploadTooLargeError } from './import-protocol.ts';
import type { ImportWorkerData } from './import-worker.ts';

export interface BankImporterOptions extends ImportWorkerData {
  log: Logger;
  /** Old-generation heap of the import thread, in MB. */
  heapMb?: number;
  /** Stop the thread after this long without an import. */
  idleMs?: number;
}

const ENTRY = new URL('./import-worker.ts', import.meta.url);

/** The worker entry is TypeScript: load it through tsx's hooks, registered inside the thread. */
const BOOT = `
const { workerData } = require('node:worker_threads');
(async () => {
  (await import(workerData.tsx)).register();
  await import(workerData.entry);
})();
`;

/** tsx's ESM register API (its `import` export: `require.resolve` would give the CommonJS one). */
function tsxEsmApi(): string {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('tsx/package.json');
  const { exports } = require(manifest) as { exports: Record<string, { import: { default: string } }> };
  const entry = exports['./esm/api']?.import.default ?? './dist/esm/api/index.mjs';
  return new URL(entry, pathToFileURL(manifest)).href;
}

interface Pending {
  resolve: (report: ImportReport) => void;
  reject: (error: Error) => void;
  /** The thread doing it (an idle one may still be exiting when the next upload starts another). */
  worker: Worker;
}

export class BankImporter {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: BankImporterOptions) {}

  /** Import `data` for `tenantId` on the import thread. `data` is handed over, not copied. */
  run(tenantId: string, data: Buffer, options: ImportOptions): Promise<ImportReport> {
    clearTimeout(this.idleTimer);
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    // Hand the bytes over without a copy when the Buffer owns its whole ArrayBuffer.
    const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
    const bytes = whole ? (data.buffer as ArrayBuffer) : new Uint8Array(data).buffer;
    const request: ImportRequest = { id, tenantId, data: bytes, options };
    return new Promise<ImportReport>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker });
      worker.postMessage(request, [bytes]);
    });
  }

  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    const worker = this.worker;
    this.worker = undefined;
    if (!worker) return;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage('close');
    const timer = setTimeout(() => void worker.terminate(), 5_000);
    await exited;
    clearTimeout(timer);
  }

  private start(): Worker {
    const { databaseUrl, redisUrl, queuePrefix, heapMb = 512 } = this.options;
    const tsx = tsxEsmApi();
    const worker = new Worker(BOOT, {
      eval: true,
      workerData: {
        databaseUrl,
        redisUrl,
        queuePrefix,
        tsx,
        entry: pathToFileURL(fileURLToPath(ENTRY)).href,
      },
      resourceLimits: { maxOldGenerationSizeMb: heapMb },
    });
    worker.unref();
    worker.on('message', (reply: ImportReply) => this.settle(reply));
    worker.on('error', (error) => this.lost(worker, error));
    worker.on('exit', (code) => this.lost(worker, new Error(`the import thread stopped (exit ${code})`)));
    this.worker = worker;
    return worker;
  }

  private settle(reply: ImportReply) {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    if ('report' in reply) pending.resolve(reply.report);
    else pending.reject(fromFailure(reply.failure));
    if (this.pending.size === 0) {
      this.idleTimer = setTimeout(() => void this.close(), this.options.idleMs ?? 60_000);
      this.idleTimer.unref();
    }
  }

  /** The thread is gone: fail what it was doing, and start afresh on the next upload. */
  private lost(worker: Worker, error: Error) {
    if (this.worker === worker) this.worker = undefined;
    const failed = [...this.pending].filter(([, p]) => p.worker === worker);
    if (failed.length === 0) return;
    const outOfMemory = (error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
    this.options.log.error({ err: error.message, outOfMemory }, 'bank import thread failed');
    const reason = outOfMemory
      ? new UploadTooLargeError(
          'The file needs more memory to import than the console gives one upload. Split it, or import it with `npm run reconcile:import`.',
        )
      : new Error(`the import thread failed (${error.message})`);
    for (const [id, pending] of failed) {
      this.pending.delete(id);
      pending.reject(reason);
    }
  }
}
