// A periodic task that survives its failures: every timer in ingest runs through this. A run
// that throws (Postgres or Redis away, ServiceTitan down) is logged, the next one is put off
// with exponential backoff (up to 8× the interval, at most 5 minutes beyond it), and the
// interval is back to normal after the first success. A run never overlaps the previous one,
// and nothing it throws can reach the process as an unhandled rejection.
import type { Logger } from '@invoicer/platform';

export interface Loop {
  /** Run now (after any run under way), outside the schedule; its error is thrown to the caller. */
  runNow(): Promise<void>;
  stop(): Promise<void>;
  /** Consecutive failed runs of the schedule. */
  readonly failures: number;
}

export function backoffDelay(intervalMs: number, failures: number): number {
  if (failures <= 0) return intervalMs;
  const cap = Math.max(intervalMs, Math.min(intervalMs * 8, intervalMs + 300_000));
  return Math.min(cap, intervalMs * 2 ** Math.min(failures - 1, 20));
}

export function startLoop(options: {
  name: string;
  intervalMs: number;
  /** One run; `scheduled` is false for runNow(). */
  run: (scheduled: boolean) => Promise<void>;
  log: Logger;
  /** Delay before the first run (default: one interval). */
  firstDelayMs?: number;
}): Loop {
  const { name, intervalMs, log } = options;
  let running: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let failures = 0;

  // One run at a time; callers wait for the one under way first.
  const exclusive = async (scheduled: boolean): Promise<void> => {
    while (running) await running.catch(() => {});
    const current = options.run(scheduled);
    running = current;
    try {
      await current;
    } finally {
      if (running === current) running = null;
    }
  };

  const schedule = (delayMs: number) => {
    if (stopped || intervalMs <= 0) return;
    timer = setTimeout(tick, delayMs);
    timer.unref();
  };

  const tick = () => {
    timer = null;
    exclusive(true).then(
      () => {
        if (failures > 0) log.info({ loop: name, after: failures }, `${name} recovered`);
        failures = 0;
        schedule(intervalMs);
      },
      (error: unknown) => {
        failures += 1;
        const retryInMs = backoffDelay(intervalMs, failures);
        log.error(
          { loop: name, err: error instanceof Error ? error.message : String(error), failures, retryInMs },
          `${name} failed; retrying with backoff`,
        );
        schedule(retryInMs);
      },
    );
  };

  schedule(options.firstDelayMs ?? intervalMs);
  return {
    runNow: () => exclusive(false),
    get failures() {
      return failures;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      while (running) await running.catch(() => {});
    },
  };
}
