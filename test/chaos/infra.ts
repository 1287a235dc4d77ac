// The chaos suite's own Postgres cluster and Redis, never the shared defaults (5432 / 6379):
// a Debian cluster made with `pg_createcluster` (created when missing, reused when present,
// stopped and started with `pg_ctlcluster`) and a `redis-server` on its own port and pid file,
// with no persistence, so a restart loses every queue (what a Redis restart is meant to test).
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { prepareDatabase } from '@invoicer/demo';
import { Redis } from 'ioredis';
import pg from 'pg';

const run = promisify(execFile);

export const SHARED_POSTGRES_PORT = 5432;
export const SHARED_REDIS_PORT = 6379;

/** What the suite needs on this machine; null when everything is there, else what is missing. */
export function missingTools(): string | null {
  const missing = ['pg_createcluster', 'pg_ctlcluster', 'pg_lsclusters', 'redis-server', 'redis-cli'].filter(
    (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0,
  );
  if (missing.length)
    return `the chaos suite needs ${missing.join(', ')} (Debian: apt-get install postgresql-common postgresql redis-server)`;
  if (process.getuid && process.getuid() !== 0)
    return 'the chaos suite creates, stops and starts its own Postgres cluster (pg_createcluster, pg_ctlcluster): run it as root';
  return null;
}

function installedPostgresVersion(): string {
  const versions = existsSync('/etc/postgresql')
    ? readdirSync('/etc/postgresql').filter((v) => /^\d+$/.test(v))
    : [];
  if (!versions.length) throw new Error('no PostgreSQL version under /etc/postgresql');
  return versions.sort((a, b) => Number(b) - Number(a))[0]!;
}

interface ClusterRow {
  version: string;
  name: string;
  port: number;
  status: string;
}

async function listClusters(): Promise<ClusterRow[]> {
  const { stdout } = await run('pg_lsclusters', ['--no-header']);
  return stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols.length >= 4)
    .map(([version, name, port, status]) => ({
      version: version!,
      name: name!,
      port: Number(port),
      status: status!,
    }));
}

export class ChaosPostgres {
  readonly version: string;
  port: number;
  private downSince: number | null = null;

  constructor(
    readonly name: string,
    port: number,
    version?: string,
  ) {
    if (port === SHARED_POSTGRES_PORT)
      throw new Error('the chaos Postgres must not use the shared port 5432');
    this.version = version ?? installedPostgresVersion();
    this.port = port;
  }

  url(database: string): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** Create the cluster when it is missing (trust auth, its own port), start it when it is down. */
  async ensure(say: (line: string) => void): Promise<void> {
    let row = (await listClusters()).find((c) => c.version === this.version && c.name === this.name);
    if (!row) {
      say(
        `  creating Postgres cluster ${this.version}/${this.name} on port ${this.port} (pg_createcluster)…`,
      );
      await run('pg_createcluster', [
        this.version,
        this.name,
        '-p',
        String(this.port),
        '--start-conf',
        'manual',
        '-o',
        'max_connections=200',
        '--',
        '--auth=trust',
      ]);
      row = (await listClusters()).find((c) => c.version === this.version && c.name === this.name);
      if (!row) throw new Error(`pg_createcluster did not create ${this.version}/${this.name}`);
    }
    if (row.port === SHARED_POSTGRES_PORT)
      throw new Error(
        `cluster ${this.version}/${this.name} listens on the shared port 5432; refusing to use it`,
      );
    this.port = row.port;
    if (row.status !== 'online') await this.start();
    await this.waitReady(30_000);
  }

  private async ctl(action: 'start' | 'stop', extra: string[] = []): Promise<void> {
    await run('pg_ctlcluster', ['--skip-systemctl-redirect', this.version, this.name, action, ...extra]);
  }

  async start(): Promise<void> {
    await this.ctl('start');
    this.downSince = null;
  }

  /** Stop the chaos cluster (fast: clients are disconnected; immediate: like a crash). */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    this.downSince = Date.now();
    await this.ctl('stop', ['-m', mode]);
  }

  get isDown(): boolean {
    return this.downSince !== null;
  }

  async isOnline(): Promise<boolean> {
    const row = (await listClusters()).find((c) => c.version === this.version && c.name === this.name);
    return row?.status === 'online';
  }

  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const client = new pg.Client({ connectionString: this.url('postgres'), connectionTimeoutMillis: 2000 });
      client.on('error', () => {});
      try {
        await client.connect();
        await client.query('SELECT 1');
        await client.end();
        return;
      } catch (error) {
        await client.end().catch(() => {});
        if (Date.now() > deadline)
          throw new Error(
            `the chaos Postgres on port ${this.port} is not ready: ${(error as Error).message}`,
          );
        await new Promise((r) => setTimeout(r, 300));
      }
    }
  }

  /** A fresh, migrated database (`prisma migrate deploy`, as the demo and the bench prepare theirs). */
  async freshDatabase(name: string): Promise<string> {
    const client = new pg.Client({ connectionString: this.url('postgres') });
    await client.connect();
    try {
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    } finally {
      await client.end();
    }
    const url = this.url(name);
    await prepareDatabase(url);
    return url;
  }
}

export class ChaosRedis {
  private readonly pidFile: string;
  private readonly logFile: string;

  constructor(
    readonly port: number,
    readonly dir: string,
  ) {
    if (port === SHARED_REDIS_PORT) throw new Error('the chaos Redis must not use the shared port 6379');
    mkdirSync(dir, { recursive: true });
    this.pidFile = path.join(dir, 'redis.pid');
    this.logFile = path.join(dir, 'redis.log');
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  private async ping(): Promise<boolean> {
    const redis = new Redis(this.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectTimeout: 1000,
    });
    redis.on('error', () => {});
    try {
      await redis.connect();
      return (await redis.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      redis.disconnect();
    }
  }

  /** Start it (an old one left on this port is shut down first: the suite starts from empty queues). */
  async start(): Promise<void> {
    if (await this.ping()) await this.stop();
    await run('redis-server', [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'yes',
      '--pidfile',
      this.pidFile,
      '--logfile',
      this.logFile,
      '--dir',
      this.dir,
    ]);
    const deadline = Date.now() + 10_000;
    while (!(await this.ping())) {
      if (Date.now() > deadline) throw new Error(`redis-server on port ${this.port} did not start`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Shut it down without saving (its queues are lost). */
  async stop(): Promise<void> {
    await run('redis-cli', ['-p', String(this.port), 'shutdown', 'nosave']).catch(() => {});
    const deadline = Date.now() + 10_000;
    while (await this.ping()) {
      if (Date.now() > deadline) {
        const pid = Number(readFileSync(this.pidFile, 'utf8').trim());
        if (pid > 0) process.kill(pid, 'SIGKILL');
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
