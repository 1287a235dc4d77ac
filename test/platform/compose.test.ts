// docker-compose.yml and the defaults in packages/platform/src/config.ts describe the same
// Postgres and Redis: `docker compose up -d postgres redis` must give what the default
// DATABASE_URL / REDIS_URL connect to, and the apps inside compose must use the same user,
// password and database.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL } from '@invoicer/platform';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = path.resolve(import.meta.dirname, '../..');

interface Service {
  image?: string;
  command?: string | string[];
  environment?: Record<string, string> | string[];
  ports?: (string | { published?: string | number; target?: number; host_ip?: string })[];
}
const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};

function envOf(service: Service): Record<string, string> {
  const env = service.environment ?? {};
  if (!Array.isArray(env)) return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]));
  return Object.fromEntries(
    env.map((entry) => {
      const i = entry.indexOf('=');
      return i === -1 ? [entry, ''] : [entry.slice(0, i), entry.slice(i + 1)];
    }),
  );
}

/** The published host address and port for a container port. */
function published(service: Service, containerPort: number): { host: string; port: number } {
  for (const entry of service.ports ?? []) {
    if (typeof entry === 'string') {
      const parts = entry.split(':');
      const target = Number(parts.at(-1));
      if (target !== containerPort) continue;
      if (parts.length === 3) return { host: parts[0]!, port: Number(parts[1]) };
      if (parts.length === 2) return { host: '0.0.0.0', port: Number(parts[0]) };
    } else if (entry.target === containerPort) {
      return { host: entry.host_ip ?? '0.0.0.0', port: Number(entry.published ?? containerPort) };
    }
  }
  throw new Error(`container port ${containerPort} is not published`);
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const pgPort = (u: URL) => Number(u.port || 5432);
const redisPort = (u: URL) => Number(u.port || 6379);

describe('docker-compose.yml agrees with the default URLs', () => {
  const defaults = { db: new URL(DEFAULT_DATABASE_URL), redis: new URL(DEFAULT_REDIS_URL) };

  it('Postgres: user, password, database and port', () => {
    const postgres = compose.services.postgres!;
    const container = envOf(postgres);
    const user = container.POSTGRES_USER ?? 'postgres';
    // The image needs a password unless authentication is trust.
    const password =
      container.POSTGRES_HOST_AUTH_METHOD === 'trust' ? '' : (container.POSTGRES_PASSWORD ?? '');
    expect(decodeURIComponent(defaults.db.username)).toBe(user);
    expect(decodeURIComponent(defaults.db.password)).toBe(password);
    if (!password) expect(container.POSTGRES_HOST_AUTH_METHOD, 'no password needs trust auth').toBe('trust');
    expect(defaults.db.pathname.slice(1)).toBe(container.POSTGRES_DB ?? user);
    const port = published(postgres, 5432);
    expect(port.port).toBe(pgPort(defaults.db));
    expect(LOOPBACK.has(defaults.db.hostname)).toBe(true);
    expect(LOOPBACK.has(port.host), 'published on loopback only').toBe(true);
  });

  it('Redis: no password, and the port', () => {
    const redis = compose.services.redis!;
    const command = [redis.command ?? []].flat().join(' ');
    expect(command).not.toMatch(/requirepass/);
    expect(defaults.redis.password).toBe('');
    expect(published(redis, 6379).port).toBe(redisPort(defaults.redis));
    expect(LOOPBACK.has(defaults.redis.hostname)).toBe(true);
  });

  it('every service in compose uses the same credentials, database and ports', () => {
    const withDb = Object.entries(compose.services).filter(([, s]) => envOf(s).DATABASE_URL);
    expect(withDb.map(([name]) => name)).toEqual(
      expect.arrayContaining(['setup', 'ingest', 'workers', 'console']),
    );
    for (const [name, service] of withDb) {
      const url = new URL(envOf(service).DATABASE_URL!);
      expect(url.hostname, name).toBe('postgres');
      expect([url.username, url.password, url.pathname, pgPort(url)], name).toEqual([
        defaults.db.username,
        defaults.db.password,
        defaults.db.pathname,
        pgPort(defaults.db),
      ]);
    }
    for (const [name, service] of Object.entries(compose.services)) {
      const value = envOf(service).REDIS_URL;
      if (!value) continue;
      const url = new URL(value);
      expect([url.hostname, url.password, redisPort(url)], name).toEqual([
        'redis',
        defaults.redis.password,
        redisPort(defaults.redis),
      ]);
    }
  });
});
