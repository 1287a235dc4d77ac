// Console entry point: `npm run console`.
import { ConfigError, ServiceUnavailableError } from '@invoicer/core';
import { createLogger, installShutdown, loadConfig } from '@invoicer/platform';
import { startConsoleApp } from './app.ts';
import { ConsoleEnv } from './config.ts';

const log = createLogger({ name: 'console' });
try {
  const env = loadConfig(ConsoleEnv);
  const app = await startConsoleApp(env, log);
  installShutdown(log, () => [{ name: 'console', close: () => app.close() }], env.SHUTDOWN_TIMEOUT_MS);
} catch (error) {
  if (error instanceof ConfigError || error instanceof ServiceUnavailableError) {
    console.error(error.message);
    process.exit(2);
  }
  if ((error as { code?: string }).code === 'EADDRINUSE') {
    console.error(
      `The console port is already in use (${(error as Error).message}). Set CONSOLE_PORT to a free port.`,
    );
    process.exit(2);
  }
  throw error;
}
