// Graceful shutdown on SIGTERM/SIGINT: run closers in order within a bounded time, then exit.
// A second signal exits at once.
import type { Logger } from './logger.ts';

export type Closer = { name: string; close: () => Promise<void> };

export function installShutdown(
  log: Logger,
  closers: () => Closer[],
  timeoutMs: number,
): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  const shutdown = () => {
    stopping ??= (async () => {
      const deadline = setTimeout(() => {
        log.error({ timeoutMs }, 'shutdown timed out; exiting');
        process.exit(1);
      }, timeoutMs + 2000);
      deadline.unref();
      for (const closer of closers()) {
        try {
          await closer.close();
          log.debug({ closer: closer.name }, 'closed');
        } catch (error) {
          log.warn(
            { closer: closer.name, err: error instanceof Error ? error.message : String(error) },
            'close failed',
          );
        }
      }
      clearTimeout(deadline);
    })();
    return stopping;
  };
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      log.warn({ signal }, 'second signal; exiting now');
      process.exit(130);
    }
    log.info({ signal }, 'shutting down');
    void shutdown().then(() => process.exit(0));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return shutdown;
}
