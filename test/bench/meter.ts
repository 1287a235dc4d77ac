// What a burst costs: the counters read at its start and at its end, and the difference per
// invoice.
//
// - Worker CPU: user + system time of each worker process (all threads) from /proc/<pid>/stat;
//   the process's own process.cpuUsage() (reported by probe.ts) is kept as a cross-check.
// - Postgres CPU: utime + stime of every process named `postgres` on the machine plus the
//   postmaster's cutime + cstime (backends that exited in between are reaped into it), minus
//   the bench's own monitoring connections. The bench uses its own database but the server is
//   shared, so anything else running against it is counted too; the CPU of the backends
//   connected to the bench's database alone (sampled every 250 ms, so a backend that exits loses
//   at most its last 250 ms) is reported next to it as a cross-check.
// - SQL statements and Redis commands sent: counted at the client (counters.ts) in the worker
//   processes and in the bench process, where ingest runs; the bench's own connections are left
//   out.
// - Redis commands executed: INFO commandstats on the server, which also counts the commands
//   BullMQ's Lua scripts run inside Redis (INFO itself left out; the server is shared, so
//   anything else using it counts too). The Redis server's CPU from /proc, not in the total.
// - The bench process's CPU (ingest, the ServiceTitan simulator, the bench's own polling), for
//   information: it is not part of the total.
import { Redis } from 'ioredis';
import type { Child } from './child.ts';
import {
  BENCH_CONNECTION,
  type ClientCounts,
  type Counts,
  countClients,
  countsDelta,
  sumCounts,
} from './counters.ts';
import { procAvailable, processesNamed, procTitle } from './procfs.ts';
import { round } from './stats.ts';

export interface CostPerInvoice {
  cpuMs: {
    /** The worker processes (all stages), from /proc. */
    worker: number | null;
    /** Every postgres process on the server (shared), from /proc. */
    postgres: number | null;
    /** worker + postgres. */
    total: number | null;
    /** Only the backends connected to the bench's database (cross-check of `postgres`). */
    postgresBenchDatabase: number | null;
    /** The Redis server process (not in the total). */
    redisServer: number | null;
    /** The bench process: ingest, the simulator, the bench's polling (not in the total). */
    benchProcess: number;
  };
  /** Statements sent by the worker processes and by ingest. */
  sqlStatements: number | null;
  sqlStatementsWorker: number | null;
  sqlStatementsIngest: number;
  /** Transactions begun (BEGIN statements), workers and ingest. */
  sqlTransactions: number | null;
  /** Commands sent by the worker processes and by ingest (round trips; pipelined ones count each). */
  redisCommandsSent: number | null;
  /** Commands Redis executed (INFO commandstats), including those run inside Lua scripts. */
  redisCommands: number | null;
}

export interface BurstCost {
  invoices: number;
  workerProcesses: number;
  windowSeconds: number;
  perInvoice: CostPerInvoice;
  totals: {
    cpuMs: CostPerInvoice['cpuMs'] & {
      /** The worker processes' own process.cpuUsage() (cross-check of the /proc figure). */
      workerSelfReported: number | null;
    };
    sql: { worker: Counts | null; ingest: Counts };
    redisSent: { worker: Counts | null; ingest: Counts };
    redisCommands: number | null;
    /** Redis commands executed by name, most frequent first (INFO commandstats delta). */
    redisByCommand: Record<string, number>;
  };
}

/** Tracks the CPU of Postgres as a whole and of the backends of one database. */
class PostgresCpu {
  private baseline = new Map<number, number>();
  private last = new Map<number, number>();
  private benchPids = new Set<number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly databaseName: string,
    private readonly excluded: () => ReadonlySet<number>,
  ) {}

  /** Sum over postgres processes (self + reaped children), monitoring backends excluded, in ms. */
  private scan(): number {
    const skip = this.excluded();
    let allMs = 0;
    for (const [pid, cpu] of processesNamed('postgres')) {
      if (skip.has(pid)) continue;
      allMs += cpu.selfMs + cpu.childrenMs;
      if (!this.benchPids.has(pid)) {
        // "postgres: 15/main: <user> <database> <host>(<port>) <state>"
        if (!procTitle(pid)?.includes(` ${this.databaseName} `)) continue;
        this.benchPids.add(pid);
        if (this.timer !== null) this.baseline.set(pid, 0); // connected during the burst
      }
      this.last.set(pid, cpu.selfMs);
    }
    return allMs;
  }

  start(): number {
    this.baseline.clear();
    this.last.clear();
    this.benchPids.clear();
    const allMs = this.scan();
    for (const [pid, ms] of this.last) this.baseline.set(pid, ms);
    this.timer = setInterval(() => this.scan(), 250);
    this.timer.unref();
    return allMs;
  }

  stop(): { allMs: number; benchDatabaseMs: number } {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const allMs = this.scan();
    let benchDatabaseMs = 0;
    for (const [pid, ms] of this.last) benchDatabaseMs += ms - (this.baseline.get(pid) ?? 0);
    return { allMs, benchDatabaseMs };
  }
}

/** INFO commandstats: calls per command (INFO itself left out). */
export async function commandStats(redis: Redis): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const line of (await redis.info('commandstats')).split('\n')) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim());
    if (match && match[1] !== 'info') out.set(match[1]!, Number(match[2]));
  }
  return out;
}

/** A connection for INFO whose own commands are not counted. */
export async function statsConnection(redisUrl: string): Promise<Redis> {
  const redis = new Redis(redisUrl, {
    maxRetriesPerRequest: 1,
    lazyConnect: true,
    connectionName: BENCH_CONNECTION,
  });
  redis.on('error', () => {});
  await redis.connect();
  return redis;
}

function redisServerMs(): number | null {
  const servers = processesNamed('redis-server');
  if (servers.size === 0) return null;
  return [...servers.values()].reduce((s, p) => s + p.selfMs, 0);
}

const cpuNowMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

export interface BurstMeterOptions {
  redisUrl: string;
  databaseName: string;
  /** Backend pids of the bench's own monitoring connections (left out of the Postgres CPU). */
  monitorBackends: () => ReadonlySet<number>;
}

interface WorkerStart {
  child: Child;
  cpuMs: number | null;
  self: number | null;
  counts: ClientCounts | null;
}

/** Counters of one measured window; `start` then `stop`. */
export class BurstMeter {
  private readonly proc = procAvailable();
  private readonly pg: PostgresCpu;
  private readonly counts = countClients();
  private redis: Redis | null = null;
  private begin: {
    at: number;
    workers: WorkerStart[];
    pgAllMs: number | null;
    redisMs: number | null;
    redisCommands: Map<string, number> | null;
    bench: ClientCounts;
    benchMs: number;
  } | null = null;

  constructor(private readonly options: BurstMeterOptions) {
    this.pg = new PostgresCpu(options.databaseName, options.monitorBackends);
  }

  private async redisStats(): Promise<Map<string, number> | null> {
    try {
      this.redis ??= await statsConnection(this.options.redisUrl);
      return await commandStats(this.redis);
    } catch {
      return null;
    }
  }

  async start(workers: Child[]): Promise<void> {
    const probes = await Promise.all(workers.map((w) => w.probe()));
    const redisCommands = await this.redisStats();
    this.begin = {
      at: Date.now(),
      workers: workers.map((child, i) => ({
        child,
        cpuMs: child.cpuMs(),
        self: probes[i]?.cpuMs ?? null,
        counts: probes[i]?.counts ?? null,
      })),
      pgAllMs: this.proc ? this.pg.start() : null,
      redisMs: this.proc ? redisServerMs() : null,
      redisCommands,
      bench: this.counts(),
      benchMs: cpuNowMs(),
    };
  }

  async stop(invoices: number): Promise<BurstCost> {
    const b = this.begin;
    if (!b) throw new Error('BurstMeter.stop without start');
    this.begin = null;
    const benchMs = cpuNowMs() - b.benchMs;
    const bench = this.counts();
    const ingestSql = countsDelta(b.bench.sql, bench.sql);
    const ingestRedis = countsDelta(b.bench.redis, bench.redis);
    const pg = this.proc ? this.pg.stop() : null;
    const redisMs = this.proc ? redisServerMs() : null;
    const workerCpu: (number | null)[] = [];
    const workerSelf: (number | null)[] = [];
    const workerSql: (Counts | null)[] = [];
    const workerRedis: (Counts | null)[] = [];
    for (const w of b.workers) {
      const now = w.child.cpuMs();
      workerCpu.push(now !== null && w.cpuMs !== null ? now - w.cpuMs : null);
      const probe = await w.child.probe();
      workerSelf.push(probe && w.self !== null ? probe.cpuMs - w.self : null);
      workerSql.push(probe && w.counts ? countsDelta(w.counts.sql, probe.counts.sql) : null);
      workerRedis.push(probe && w.counts ? countsDelta(w.counts.redis, probe.counts.redis) : null);
    }
    const redisCommands = await this.redisStats();
    const sum = (xs: (number | null)[]) =>
      xs.length && xs.every((x) => x !== null) ? xs.reduce<number>((s, x) => s + x!, 0) : null;
    const worker = sum(workerCpu);
    const self = sum(workerSelf);
    const postgres = pg && b.pgAllMs !== null ? pg.allMs - b.pgAllMs : null;
    const total = worker !== null && postgres !== null ? worker + postgres : null;
    const redisServer = redisMs !== null && b.redisMs !== null ? redisMs - b.redisMs : null;
    const sqlWorker = sumCounts(workerSql);
    const redisWorker = sumCounts(workerRedis);
    let redisByCommand: Record<string, number> = {};
    let redisTotal: number | null = null;
    if (b.redisCommands && redisCommands) {
      const delta = [...redisCommands]
        .map(([cmd, n]) => [cmd, n - (b.redisCommands!.get(cmd) ?? 0)] as const)
        .filter(([, n]) => n > 0)
        .sort((x, y) => y[1] - x[1]);
      redisTotal = delta.reduce((s, [, n]) => s + n, 0);
      redisByCommand = Object.fromEntries(delta);
    }
    const per = (v: number | null, digits = 1) => (v === null ? null : round(v / invoices, digits));
    const ms = (v: number | null) => (v === null ? null : round(v));
    return {
      invoices,
      workerProcesses: b.workers.length,
      windowSeconds: round((Date.now() - b.at) / 1000, 2),
      perInvoice: {
        cpuMs: {
          worker: per(worker),
          postgres: per(postgres),
          total: per(total),
          postgresBenchDatabase: per(pg ? pg.benchDatabaseMs : null),
          redisServer: per(redisServer),
          benchProcess: per(benchMs)!,
        },
        sqlStatements: per(sqlWorker ? sqlWorker.total + ingestSql.total : null),
        sqlStatementsWorker: per(sqlWorker?.total ?? null),
        sqlStatementsIngest: per(ingestSql.total)!,
        sqlTransactions: per(
          sqlWorker ? (sqlWorker.byKind.BEGIN ?? 0) + (ingestSql.byKind.BEGIN ?? 0) : null,
        ),
        redisCommandsSent: per(redisWorker ? redisWorker.total + ingestRedis.total : null),
        redisCommands: per(redisTotal),
      },
      totals: {
        cpuMs: {
          worker: ms(worker),
          workerSelfReported: ms(self),
          postgres: ms(postgres),
          total: ms(total),
          postgresBenchDatabase: pg ? round(pg.benchDatabaseMs) : null,
          redisServer: ms(redisServer),
          benchProcess: round(benchMs),
        },
        sql: { worker: sqlWorker, ingest: ingestSql },
        redisSent: { worker: redisWorker, ingest: ingestRedis },
        redisCommands: redisTotal,
        redisByCommand,
      },
    };
  }

  close(): void {
    this.redis?.disconnect();
    this.redis = null;
  }
}
