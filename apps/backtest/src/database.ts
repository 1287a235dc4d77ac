// A backtest gets a database of its own, recreated on every run, so a shop's replay never
// mixes with live data.
import { prepareDatabase } from '@invoicer/demo';
import pg from 'pg';

export async function freshDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect().catch(() => {});
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name.replaceAll('"', '""')}" WITH (FORCE)`);
  } catch {
    // prepareDatabase explains an unreachable Postgres
  } finally {
    await client.end().catch(() => {});
  }
  await prepareDatabase(url);
}

export function backtestDatabaseUrl(databaseUrl: string): string {
  const u = new URL(databaseUrl);
  u.pathname = `${u.pathname.replace(/\/$/, '')}_backtest`;
  return u.toString();
}
