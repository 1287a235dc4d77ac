// Prisma 7 client over node-postgres (@prisma/adapter-pg): no native query engine needed.
import { ServiceUnavailableError } from '@invoicer/core';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { type Prisma, PrismaClient } from './generated/prisma/client.ts';

export { Prisma } from './generated/prisma/client.ts';
export type Db = PrismaClient;
export type Tx = Prisma.TransactionClient;

const pools = new WeakMap<Db, pg.Pool>();

export function createDb(databaseUrl: string, options: { poolSize?: number } = {}): Db {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: options.poolSize ?? 10 });
  // An idle client that loses its server (a Postgres restart) must not crash the process.
  pool.on('error', () => {});
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  // Writes that extend the audit chain queue on one lock per tenant; under a burst the default
  // 2 s wait / 5 s lifetime expires transactions that are merely waiting their turn.
  const db = new PrismaClient({ adapter, transactionOptions: { maxWait: 10_000, timeout: 30_000 } });
  pools.set(db, pool);
  return db;
}

/**
 * The node-postgres pool under a client, for the hot path's plain SQL (Prisma's per-query
 * client CPU is several times pg's). Null for a client this module did not create.
 */
export function poolOf(db: Db): pg.Pool | null {
  return pools.get(db) ?? null;
}

/**
 * One plain-SQL query on the client's pool (or through Prisma when it has none). Bulk writes use
 * this, not Prisma's raw queries: Prisma keeps each raw query with its parameters as the key of
 * its query-plan cache (1,000 entries), so every sync chunk's arrays stayed in the heap.
 */
export async function sql<T>(db: Db, text: string, values: unknown[] = []): Promise<T[]> {
  const pool = pools.get(db);
  if (pool) return (await pool.query(text, values)).rows as T[];
  return db.$queryRawUnsafe<T[]>(text, ...values);
}

/**
 * An open plain-SQL transaction (one pooled connection between BEGIN and COMMIT): the stage
 * runner's hot path, where Prisma's interactive transaction costs more CPU than the statements.
 */
export interface SqlTx {
  readonly plainSql: true;
  query<T>(text: string, values?: unknown[]): Promise<T[]>;
}

/** What a repository write can run on: the client, a Prisma transaction or a plain one. */
export type Writer = Db | Tx | SqlTx;

export function isSqlTx(writer: Writer): writer is SqlTx {
  return (writer as Partial<SqlTx>).plainSql === true;
}

/** One statement on any writer (plain SQL, numbered parameters). */
export async function rawQuery<T>(writer: Writer, text: string, values: unknown[] = []): Promise<T[]> {
  if (isSqlTx(writer)) return writer.query<T>(text, values);
  const pool = pools.get(writer as Db);
  if (pool) return (await pool.query(text, values)).rows as T[];
  return (writer as Tx).$queryRawUnsafe<T[]>(text, ...values);
}

/**
 * A write as CTEs to put in another statement (auditAppend, draftUpsert), so that it commits
 * with that statement in one round trip: `values` are its parameters, numbered from the offset
 * it was built with; `result` names the CTE returning its row.
 */
export interface StatementPart {
  ctes: string;
  result: string;
  values: unknown[];
}

/** A statement part run on its own, returning its result CTE's rows. */
export async function runPart<T>(writer: Writer, part: StatementPart, columns: string): Promise<T[]> {
  return rawQuery<T>(writer, `WITH ${part.ctes} SELECT ${columns} FROM ${part.result}`, part.values);
}

/**
 * Run `work` in one plain-SQL transaction: committed when it resolves, rolled back when it
 * throws. Falls back to a Prisma transaction for a client this module did not create.
 */
export async function sqlTransaction<T>(db: Db, work: (tx: SqlTx) => Promise<T>): Promise<T> {
  const pool = pools.get(db);
  if (!pool) {
    return db.$transaction((tx) =>
      work({
        plainSql: true,
        query: <R>(text: string, values: unknown[] = []) => tx.$queryRawUnsafe<R[]>(text, ...values),
      }),
    );
  }
  const client = await pool.connect();
  let broken = false;
  // A checked-out client's 'error' (its server went away mid-transaction) has no listener of the
  // pool's: without this one it would end the process. The pending query rejects on its own.
  const onError = () => {
    broken = true;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await work({
      plainSql: true,
      query: async <R>(text: string, values: unknown[] = []) =>
        (await client.query(text, values)).rows as R[],
    });
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // A connection that cannot even roll back is not returned to the pool.
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

const START_POSTGRES =
  'Start it with `docker compose up -d postgres`, or on this machine: ' +
  'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start';

/** Check that Postgres answers and the schema is migrated; explain how to fix it if not. */
export async function checkPostgres(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 3000 });
  const where = maskedTarget(databaseUrl);
  try {
    await client.connect();
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === '3D000') {
      throw new ServiceUnavailableError(
        'postgres',
        `Database ${where} does not exist. Create and migrate it with \`npm run db:migrate\`.`,
      );
    }
    throw new ServiceUnavailableError(
      'postgres',
      `Postgres is not reachable at ${where} (${(error as Error).message}). ${START_POSTGRES}`,
    );
  }
  try {
    const result = await client.query("SELECT to_regclass('public.pipeline_runs') AS t");
    if (!result.rows[0]?.t) {
      throw new ServiceUnavailableError(
        'postgres',
        `Database ${where} has no schema yet. Apply the migrations with \`npm run db:migrate\`.`,
      );
    }
  } finally {
    await client.end().catch(() => {});
  }
}

function maskedTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

export function toNumber(value: bigint | number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  return Number(value);
}
