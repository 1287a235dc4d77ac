// SQL statements and Redis commands counted at the client, without touching the product's code.
// - Every statement a process sends to Postgres goes through node-postgres's
//   `Client.prototype.query` (Prisma's @prisma/adapter-pg included: `pool.query`, transactions'
//   BEGIN/COMMIT and savepoints all end there).
// - Every command a process sends to Redis goes through ioredis's `Redis.prototype.sendCommand`
//   (BullMQ's connections, pipelines and MULTI included); a command queued offline and sent
//   later is counted once. Commands that Lua scripts run inside Redis are not sent, so not here.
// Wrapping those two methods counts them. Used in the worker processes (loaded by probe.ts) and
// in the bench process, where ingest runs; the bench's own connections are left out
// (`excludeFromCounts`, or an ioredis connection named BENCH_CONNECTION, which its duplicates
// inherit).
import { appendFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import pg from 'pg';

export interface Counts {
  total: number;
  /** SQL: by the statement's first keyword (SELECT, INSERT, …, BEGIN, COMMIT). Redis: by command. */
  byKind: Record<string, number>;
}

export interface ClientCounts {
  sql: Counts;
  redis: Counts;
}

const SQL_KINDS = new Set([
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'WITH',
  'BEGIN',
  'COMMIT',
  'ROLLBACK',
  'SAVEPOINT',
  'RELEASE',
  'SET',
]);

/** ioredis `connectionName` of the bench's own connections (never counted). */
export const BENCH_CONNECTION = 'invoicer-bench';

const excluded = new WeakSet<object>();
const isBench = (self: object) =>
  excluded.has(self) ||
  (self as { options?: { connectionName?: unknown } }).options?.connectionName === BENCH_CONNECTION;
let live: ClientCounts | null = null;

function sqlKind(config: unknown): string {
  const text = typeof config === 'string' ? config : (config as { text?: unknown } | null)?.text;
  if (typeof text !== 'string') return 'OTHER';
  const word = /^\s*(?:(?:--[^\n]*\n|\/\*[\s\S]*?\*\/)\s*)*([A-Za-z]+)/.exec(text)?.[1]?.toUpperCase();
  return word && SQL_KINDS.has(word) ? word : 'OTHER';
}

function add(counts: Counts, kind: string): void {
  counts.total += 1;
  counts.byKind[kind] = (counts.byKind[kind] ?? 0) + 1;
}

/** BENCH_SQL_LOG=<file>: each counted statement's text (whitespace folded), one per line. */
const SQL_LOG = process.env.BENCH_SQL_LOG;
function logStatement(config: unknown): void {
  const text = typeof config === 'string' ? config : (config as { text?: unknown } | null)?.text;
  appendFileSync(SQL_LOG!, `${String(text).replace(/\s+/g, ' ').slice(0, 2000)}\n`);
}

function install(): ClientCounts {
  const c: ClientCounts = { sql: { total: 0, byKind: {} }, redis: { total: 0, byKind: {} } };
  const pgProto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const query = pgProto.query;
  pgProto.query = function (this: object, ...args: unknown[]) {
    if (!excluded.has(this)) {
      add(c.sql, sqlKind(args[0]));
      if (SQL_LOG) logStatement(args[0]);
    }
    return query.apply(this, args);
  };
  const redisProto = Redis.prototype as unknown as { sendCommand: (...args: unknown[]) => unknown };
  const sendCommand = redisProto.sendCommand;
  const sent = new WeakSet<object>();
  redisProto.sendCommand = function (this: object, ...args: unknown[]) {
    const command = args[0] as { name?: unknown } | undefined;
    if (command && typeof command === 'object' && !sent.has(command) && !isBench(this)) {
      sent.add(command);
      add(c.redis, typeof command.name === 'string' ? command.name.toLowerCase() : 'other');
    }
    return sendCommand.apply(this, args);
  };
  return c;
}

/** Start counting (once per process); returns a function that reads the counts so far. */
export function countClients(): () => ClientCounts {
  live ??= install();
  const c = live;
  return () => ({
    sql: { total: c.sql.total, byKind: { ...c.sql.byKind } },
    redis: { total: c.redis.total, byKind: { ...c.redis.byKind } },
  });
}

/** Leave this pg Client's or ioredis connection's traffic out of the counts (the bench's own). */
export function excludeFromCounts(client: object): void {
  excluded.add(client);
}

/** b − a, per kind. */
export function countsDelta(a: Counts, b: Counts): Counts {
  const byKind: Record<string, number> = {};
  for (const [kind, n] of Object.entries(b.byKind)) {
    const d = n - (a.byKind[kind] ?? 0);
    if (d) byKind[kind] = d;
  }
  return { total: b.total - a.total, byKind };
}

/** The sum of several processes' counts (null if any is unknown). */
export function sumCounts(list: (Counts | null)[]): Counts | null {
  if (list.some((c) => c === null)) return null;
  const out: Counts = { total: 0, byKind: {} };
  for (const c of list as Counts[]) {
    out.total += c.total;
    for (const [k, n] of Object.entries(c.byKind)) out.byKind[k] = (out.byKind[k] ?? 0) + n;
  }
  return out;
}
