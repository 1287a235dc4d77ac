// Ingest entry point: `npm run ingest`.
import { ConfigError, ServiceUnavailableError } from '@invoicer/core';
import { createLogger, installShutdown, loadConfig } from '@invoicer/platform';
import { startIngestApp } from './app.ts';
import { IngestEnv } from './config.ts';

const log = createLogger({ name: 'ingest' });
try {
  const env = loadConfig(IngestEnv);
  const app = await startIngestApp(env, log);
  installShutdown(log, () => [{ name: 'ingest', close: () => app.close() }], env.SHUTDOWN_TIMEOUT_MS);
} catch (error) {
  if (error instanceof ConfigError || error instanceof ServiceUnavailableError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
