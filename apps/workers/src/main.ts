// Worker process entry point: `WORKER_QUEUES=invoice.extract,invoice.detect npm run workers`.
import { ConfigError, ServiceUnavailableError } from '@invoicer/core';
import { createLogger, installShutdown, loadConfig } from '@invoicer/platform';
import { startWorkerApp } from './app.ts';
import { WorkerEnv } from './config.ts';
import { applyHeapPolicy } from './heap.ts';

const log = createLogger({ name: 'workers' });
try {
  const env = loadConfig(WorkerEnv);
  applyHeapPolicy(env.WORKER_HEAP_GROWTH_PERCENT);
  const app = await startWorkerApp(env, log);
  installShutdown(log, () => [{ name: 'workers', close: () => app.close() }], env.SHUTDOWN_TIMEOUT_MS);
} catch (error) {
  if (error instanceof ConfigError || error instanceof ServiceUnavailableError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
process.on('unhandledRejection', (reason) => log.error({ err: String(reason) }, 'unhandled rejection'));
