// A full cluster (simulator, ingest, workers) on an isolated database and Redis prefix.
import { randomBytes } from 'node:crypto';
import type { TenantSettings } from '@invoicer/core';
import { createTestDatabase, type TestDatabase, testQueuePrefix, testRedisUrl } from '@invoicer/db/testing';
import { type Cluster, startCluster } from '@invoicer/demo';
import type { TenantFixture } from '@invoicer/servicetitan';
import type { SimOptions } from '@invoicer/st-sim';
import { waitFor } from './wait.ts';

export interface TestCluster extends Cluster {
  database: TestDatabase;
  prefix: string;
  env: NodeJS.ProcessEnv;
  /** Wait until `count` runs exist and none is still moving through the pipeline. */
  settle(count: number, timeoutMs?: number): Promise<{ status: string; n: number }[]>;
  stop(): Promise<void>;
}

export async function startTestCluster(options: {
  fixture: TenantFixture;
  replayLast: number;
  settings?: Partial<TenantSettings>;
  env?: NodeJS.ProcessEnv;
  /** Extra simulator options (replays: replayFrom, revealOfficeItems, evidence). */
  sim?: Partial<SimOptions>;
  /** Deliver "job completed" webhooks (default true). */
  webhooks?: boolean;
}): Promise<TestCluster> {
  const database = await createTestDatabase();
  const prefix = testQueuePrefix('e2e');
  const env: NodeJS.ProcessEnv = {
    DATABASE_URL: database.url,
    REDIS_URL: testRedisUrl(),
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    WORKER_CONCURRENCY: '4',
    SHUTDOWN_TIMEOUT_MS: '5000',
    ...options.env,
  };
  const cluster = await startCluster({
    fixture: options.fixture,
    tenantId: 'acme',
    env,
    credentialsKey: randomBytes(32),
    settings: options.settings,
    replayLast: options.replayLast,
    sim: options.sim,
    webhooks: options.webhooks,
  });
  const db = database.db;
  return {
    ...cluster,
    database,
    prefix,
    env,
    async settle(count, timeoutMs = 120_000) {
      return waitFor(
        async () => {
          const rows = await db.pipelineRun.groupBy({ by: ['status'], _count: { _all: true } });
          return rows.map((r) => ({ status: r.status, n: r._count._all }));
        },
        (rows) => {
          const total = rows.reduce((s, r) => s + r.n, 0);
          return (
            total >= count &&
            rows.every((r) =>
              ['posted', 'awaiting_review', 'shadow', 'failed', 'rejected'].includes(r.status),
            )
          );
        },
        { timeoutMs, intervalMs: 200, what: `${count} runs to settle` },
      );
    },
    async stop() {
      await cluster.close();
      await database.drop();
    },
  };
}
