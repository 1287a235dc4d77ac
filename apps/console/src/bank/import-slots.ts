// How many bank imports a console process runs at once, and how many may wait for a turn. An
// upload takes its slot before its body is read, so a waiting upload holds no file in memory
// (its bytes wait in the socket); past the queue, or after waiting too long, it is told to come
// back later (503 + Retry-After) instead of piling more work on the process.

export type Release = () => void;

export interface SlotLimits {
  /** Imports running at once. */
  running: number;
  /** Uploads waiting for a turn; one more is refused. */
  waiting: number;
  /** The longest an upload waits for a turn before it is refused. */
  waitMs: number;
}

export const DEFAULT_SLOT_LIMITS: SlotLimits = { running: 1, waiting: 3, waitMs: 5 * 60_000 };

export class ImportBusyError extends Error {
  override name = 'ImportBusyError';
  constructor(
    message: string,
    /** Seconds after which trying again makes sense. */
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

interface Waiter {
  grant: (release: Release) => void;
  timer: NodeJS.Timeout;
}

export class ImportSlots {
  private active = 0;
  private readonly queue: Waiter[] = [];

  constructor(readonly limits: SlotLimits = DEFAULT_SLOT_LIMITS) {}

  get running(): number {
    return this.active;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** A turn: at once when a slot is free, after the uploads ahead otherwise. */
  acquire(): Promise<Release> {
    if (this.active < this.limits.running) {
      this.active += 1;
      return Promise.resolve(this.releaser());
    }
    if (this.queue.length >= this.limits.waiting)
      return Promise.reject(
        new ImportBusyError(
          `The console is already importing ${this.active} bank file(s) with ${this.queue.length} more waiting. Please upload this file again in a minute.`,
          30,
        ),
      );
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = {
        grant: resolve,
        timer: setTimeout(() => {
          this.queue.splice(this.queue.indexOf(waiter), 1);
          reject(
            new ImportBusyError(
              `The file waited ${Math.round(this.limits.waitMs / 1000)} s for the imports ahead of it to finish. Please upload it again in a few minutes.`,
              60,
            ),
          );
        }, this.limits.waitMs),
      };
      this.queue.push(waiter);
    });
  }

  /** Releasing twice is harmless: a request may end by response and by abort. */
  private releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.queue.shift();
      if (next) {
        clearTimeout(next.timer);
        next.grant(this.releaser());
      } else this.active -= 1;
    };
  }
}
