// The whole cluster in one process: the ServiceTitan simulator, ingest, the workers and the
// console, wired to one Postgres database and one Redis key prefix. The demo runs it; the
// end-to-end tests run exactly the same thing.
import type { TenantSettings } from '@invoicer/core';
import type { Db } from '@invoicer/db';
import { type IngestApp, IngestEnv, startIngestApp } from '@invoicer/ingest';
import { createLogger, type Logger, loadConfig } from '@invoicer/platform';
import type { TenantFixture } from '@invoicer/servicetitan';
import { type RunningSim, type SimOptions, startSim } from '@invoicer/st-sim';
import { registerTenant } from '@invoicer/tenant';
import { startWorkerApp, type WorkerApp, WorkerEnv } from '@invoicer/workers';

export interface ClusterOptions {
  fixture: TenantFixture;
  tenantId: string;
  env: NodeJS.ProcessEnv;
  credentialsKey: Buffer;
  settings?: Partial<TenantSettings>;
  simPort?: number;
  ingestPort?: number;
  /** Hold back this many of the fixture's most recent completed jobs and complete them live. */
  replayLast?: number;
  simStateFile?: string;
  webhookSecret?: string;
  /** Extra simulator options (backtests: replayFrom, revealOfficeItems, faults). */
  sim?: Partial<SimOptions>;
  /** Deliver "job completed" webhooks (default true; backtests rely on polling only). */
  webhooks?: boolean;
  log?: Logger;
}

export interface Cluster {
  sim: RunningSim;
  ingest: IngestApp;
  workers: WorkerApp;
  db: Db;
  tenantId: string;
  log: Logger;
  /** The environment every app of the cluster was started with (including CREDENTIALS_KEY). */
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

export const DEMO_WEBHOOK_SECRET = 'demo-webhook-secret-0123456789abcdef';

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const log = options.log ?? createLogger({ name: 'cluster', level: options.env.LOG_LEVEL ?? 'warn' });
  const secret = options.webhookSecret ?? DEMO_WEBHOOK_SECRET;
  // Every app in the cluster opens the sealed credentials with the same key.
  options = {
    ...options,
    env: { ...options.env, CREDENTIALS_KEY: options.credentialsKey.toString('base64') },
  };
  const ingestEnv = loadConfig(IngestEnv, {
    ...options.env,
    INGEST_PORT: String(options.ingestPort ?? 0),
    WEBHOOK_SECRET: secret,
    POLL_INTERVAL_MS: options.env.POLL_INTERVAL_MS ?? '0',
  });
  const ingest = await startIngestApp(ingestEnv, log.child({ app: 'ingest' }));
  const sim = await startSim({
    fixture: options.fixture,
    port: options.simPort ?? 0,
    replay: options.replayLast !== undefined || options.sim?.replayFrom !== undefined,
    replayLast: options.replayLast,
    stateFile: options.simStateFile,
    webhook:
      options.webhooks === false
        ? undefined
        : { url: `${ingest.url}/webhooks/servicetitan`, secret, retryDelaysMs: [500, 1000, 2000, 5000] },
    ...options.sim,
  });

  await registerTenant(ingest.db, {
    id: options.tenantId,
    stTenantId: sim.tenantId,
    name: sim.tenant.meta.name,
    apiBaseUrl: sim.url,
    authUrl: `${sim.url}/connect/token`,
    credentials: sim.credentials,
    credentialsKey: options.credentialsKey,
    settings: options.settings,
  });
  await ingest.startFeedsAtNow(options.tenantId);
  const workerEnv = loadConfig(WorkerEnv, {
    ...options.env,
    WORKER_HTTP_PORT: options.env.WORKER_HTTP_PORT ?? '0',
  });
  const workers = await startWorkerApp(workerEnv, log.child({ app: 'workers' }), { http: true });
  return {
    sim,
    ingest,
    workers,
    db: ingest.db,
    tenantId: options.tenantId,
    log,
    env: options.env,
    async close() {
      await ingest.close();
      await workers.close();
      await sim.close();
    },
  };
}
