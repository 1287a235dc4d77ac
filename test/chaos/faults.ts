// The fault injector. Every `everyMs` (±40 %) it deals the next fault from a seeded, shuffled
// deck that holds every kind (so even a short run sees each one) and acts on the running
// cluster: SIGKILL / SIGSTOP of a worker or of ingest, a Redis restart (its queues are lost), a
// Postgres outage, and ServiceTitan 429 storms, 5xx, slow answers, token expiry and writes that
// fail after commit. Each fault undoes itself after the duration it drew; `stop()` ends them
// all at once and brings everything back (the start of the drain).
import type { RunningSim } from '@invoicer/st-sim';
import type { ChaosPostgres, ChaosRedis } from './infra.ts';
import type { Proc, Supervisor } from './procs.ts';
import type { Rng } from './rng.ts';

export const FAULT_KINDS = [
  'worker.kill',
  'worker.stop',
  'ingest.kill',
  'ingest.stop',
  'redis.restart',
  'postgres.stop',
  'st.429',
  'st.5xx',
  'st.slow',
  'st.token_expiry',
  'st.after_commit',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** How many cards of each kind one deck holds. */
const DECK: Record<FaultKind, number> = {
  'worker.kill': 2,
  'worker.stop': 2,
  'ingest.kill': 1,
  'ingest.stop': 1,
  'redis.restart': 1,
  'postgres.stop': 1,
  'st.429': 1,
  'st.5xx': 1,
  'st.slow': 1,
  'st.token_expiry': 1,
  'st.after_commit': 2,
};

export interface FaultEvent {
  /** Since the injector started. */
  atMs: number;
  /** Wall-clock time, to match the process logs. */
  at: string;
  kind: FaultKind;
  target?: string;
  params: Record<string, unknown>;
  /** How long it lasted (for the ones with a duration), once over. */
  lastedMs?: number;
  error?: string;
}

export interface FaultTargets {
  supervisor: Supervisor;
  workers: Proc[];
  ingest: Proc;
  redis: ChaosRedis;
  postgres: ChaosPostgres;
  sim: RunningSim;
}

export interface FaultOptions {
  everyMs: number;
  /** How long Postgres stays down. */
  pgOutageMs: number;
  /** At least this long between the end of one Postgres outage and the next. */
  pgMinGapMs: number;
  /** Longest SIGSTOP of a worker (above BullMQ's 30 s lock, a paused job stalls). */
  maxWorkerPauseMs: number;
  /**
   * Between `st.after_commit` faults, this share of writes still fails after commit (both
   * modes), so every run exercises the recovery of writes whose answer was lost.
   */
  afterCommitBackgroundRate: number;
  kinds?: readonly FaultKind[];
}

/** The simulator knobs the injector turns (and puts back). */
const SIM_DEFAULTS = {
  latencyMs: 0,
  latencyJitterMs: 0,
  errorRate5xx: 0,
  burst429: null,
  failAfterCommit: null,
} as const;
type SimKnob = keyof typeof SIM_DEFAULTS;

export class FaultInjector {
  readonly events: FaultEvent[] = [];
  private deck: FaultKind[] = [];
  private stopped = true;
  private loop: Promise<void> = Promise.resolve();
  private readonly wakers = new Set<() => void>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly knobOwner = new Map<SimKnob, FaultEvent>();
  private pgOp: Promise<void> = Promise.resolve();
  private redisOp: Promise<void> = Promise.resolve();
  private pgDown = false;
  private pgLastUp = Number.NEGATIVE_INFINITY;
  private redisDown = false;
  private t0 = Date.now();
  /** What each knob goes back to when its fault ends. */
  private readonly resting: Record<SimKnob, unknown>;

  constructor(
    private readonly targets: FaultTargets,
    private readonly rng: Rng,
    private readonly options: FaultOptions,
    private readonly say: (line: string) => void = () => {},
  ) {
    const rate = options.afterCommitBackgroundRate;
    this.resting = { ...SIM_DEFAULTS, failAfterCommit: rate > 0 ? { rate, mode: 'either' } : null };
  }

  get count(): number {
    return this.events.length;
  }

  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const e of this.events) out[e.kind] = (out[e.kind] ?? 0) + 1;
    return out;
  }

  start(): void {
    this.stopped = false;
    this.t0 = Date.now();
    this.targets.sim.faults.update(this.resting as never);
    this.loop = (async () => {
      while (!this.stopped) {
        await this.sleep(this.options.everyMs * this.rng.range(0.6, 1.4));
        if (this.stopped) break;
        await this.injectNext().catch((error: unknown) => this.say(`  fault failed: ${String(error)}`));
      }
    })();
  }

  /** Sleep that `stop()` cuts short. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }

  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private draw(): FaultKind {
    const allowed = this.options.kinds ?? FAULT_KINDS;
    for (let tries = 0; tries < 50; tries++) {
      if (!this.deck.length) {
        const cards = FAULT_KINDS.filter((k) => allowed.includes(k)).flatMap((k) =>
          Array.from({ length: DECK[k] }, () => k),
        );
        this.deck = this.rng.shuffle(cards);
      }
      const kind = this.deck.shift()!;
      if (kind === 'postgres.stop' && (this.pgDown || Date.now() - this.pgLastUp < this.options.pgMinGapMs))
        continue;
      if (kind === 'redis.restart' && this.redisDown) continue;
      return kind;
    }
    return 'st.token_expiry';
  }

  private record(kind: FaultKind, params: Record<string, unknown>, target?: string): FaultEvent {
    const event: FaultEvent = {
      atMs: Date.now() - this.t0,
      at: new Date().toISOString(),
      kind,
      target,
      params,
    };
    this.events.push(event);
    this.say(
      `  fault +${(event.atMs / 1000).toFixed(1)}s ${kind}${target ? ` ${target}` : ''} ${JSON.stringify(params)}`,
    );
    return event;
  }

  private setKnobs(event: FaultEvent, knobs: Partial<Record<SimKnob, unknown>>, durationMs: number): void {
    this.targets.sim.faults.update(knobs as never);
    for (const knob of Object.keys(knobs) as SimKnob[]) this.knobOwner.set(knob, event);
    this.later(durationMs, () => {
      const mine = (Object.keys(knobs) as SimKnob[]).filter((k) => this.knobOwner.get(k) === event);
      this.targets.sim.faults.update(Object.fromEntries(mine.map((k) => [k, this.resting[k]])) as never);
      for (const k of mine) this.knobOwner.delete(k);
      event.lastedMs = durationMs;
    });
  }

  private async injectNext(): Promise<void> {
    const kind = this.draw();
    const { workers, ingest, sim } = this.targets;
    const rng = this.rng;
    switch (kind) {
      case 'worker.kill': {
        const worker = rng.pick(workers);
        const restartAfterMs = rng.int(500, 3000);
        const event = this.record(kind, { restartAfterMs }, worker.name);
        if (!(await worker.kill(restartAfterMs))) event.error = 'not running';
        return;
      }
      case 'worker.stop': {
        const worker = rng.pick(workers);
        const ms = rng.int(2000, this.options.maxWorkerPauseMs);
        const event = this.record(kind, { pausedMs: ms }, worker.name);
        if (worker.pause(ms)) event.lastedMs = ms;
        else event.error = 'not running or already paused';
        return;
      }
      case 'ingest.kill': {
        const restartAfterMs = rng.int(500, 3000);
        const event = this.record(kind, { restartAfterMs }, ingest.name);
        if (!(await ingest.kill(restartAfterMs))) event.error = 'not running';
        return;
      }
      case 'ingest.stop': {
        const ms = rng.int(2000, 15_000);
        const event = this.record(kind, { pausedMs: ms }, ingest.name);
        if (ingest.pause(ms)) event.lastedMs = ms;
        else event.error = 'not running or already paused';
        return;
      }
      case 'redis.restart': {
        const downMs = rng.int(500, 4000);
        const event = this.record(kind, { downMs });
        this.redisDown = true;
        this.redisOp = this.redisOp
          .then(async () => {
            await this.targets.redis.stop();
            await this.sleep(downMs);
            await this.targets.redis.start();
            event.lastedMs = Date.now() - this.t0 - event.atMs;
          })
          .catch((error: unknown) => {
            event.error = String(error);
          })
          .finally(() => {
            this.redisDown = false;
          });
        return;
      }
      case 'postgres.stop': {
        const mode = rng.pick(['fast', 'immediate'] as const);
        const outageMs = this.options.pgOutageMs;
        const event = this.record(kind, { outageMs, mode });
        this.pgDown = true;
        this.pgOp = this.pgOp
          .then(async () => {
            await this.targets.postgres.stop(mode);
            await this.sleep(outageMs);
            await this.targets.postgres.start();
            event.lastedMs = Date.now() - this.t0 - event.atMs;
          })
          .catch((error: unknown) => {
            event.error = String(error);
          })
          .finally(() => {
            this.pgDown = false;
            this.pgLastUp = Date.now();
          });
        return;
      }
      case 'st.429': {
        const burst429 = { every: rng.int(3, 8), retryAfterSeconds: rng.int(1, 5) };
        const durationMs = rng.int(5000, 20_000);
        this.setKnobs(this.record(kind, { ...burst429, durationMs }), { burst429 }, durationMs);
        return;
      }
      case 'st.5xx': {
        const errorRate5xx = Math.round(rng.range(0.1, 0.4) * 100) / 100;
        const durationMs = rng.int(5000, 20_000);
        this.setKnobs(this.record(kind, { errorRate5xx, durationMs }), { errorRate5xx }, durationMs);
        return;
      }
      case 'st.slow': {
        const latencyMs = rng.int(300, 2500);
        const durationMs = rng.int(5000, 20_000);
        this.setKnobs(
          this.record(kind, { latencyMs, latencyJitterMs: 500, durationMs }),
          { latencyMs, latencyJitterMs: 500 },
          durationMs,
        );
        return;
      }
      case 'st.token_expiry': {
        this.record(kind, { expired: 'every issued token' });
        sim.tokens.expireAll();
        return;
      }
      case 'st.after_commit': {
        const failAfterCommit = {
          rate: Math.round(rng.range(0.3, 0.8) * 100) / 100,
          mode: rng.pick(['error', 'drop', 'either'] as const),
        };
        const durationMs = rng.int(5000, 20_000);
        this.setKnobs(this.record(kind, { ...failAfterCommit, durationMs }), { failAfterCommit }, durationMs);
        return;
      }
    }
  }

  /**
   * End every fault now: simulator knobs back to rest (the after-commit background stays),
   * Postgres and Redis up, every process running.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const wake of [...this.wakers]) wake();
    await this.loop;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    // Every knob back to rest, except the background after-commit rate: it stays on through the
    // drain, so every run (however slow the machine, however few writes fell inside the fault
    // window) recovers writes whose answer was lost.
    this.targets.sim.faults.update({
      ...SIM_DEFAULTS,
      failAfterCommit: this.resting.failAfterCommit,
    } as never);
    this.knobOwner.clear();
    await this.pgOp;
    await this.redisOp;
    if (!(await this.targets.postgres.isOnline())) await this.targets.postgres.start();
    await this.targets.postgres.waitReady(60_000);
    this.targets.supervisor.heal();
  }
}
