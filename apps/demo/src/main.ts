// `npm run demo`: the whole product end to end on built-in defaults. A synthetic HVAC /
// plumbing / electrical tenant is generated and served by the ServiceTitan simulator; its past
// jobs are history, its most recent jobs are completed live. Each completion sends a webhook,
// ingest queues it, the workers draft, check and route it, and approved drafts are posted back
// to the simulator's invoice. The summary prints at the end; the console keeps running until
// Ctrl-C (or exits with --once). Running it again adds nothing: runs, review items and
// ServiceTitan writes are all idempotent, and the simulator keeps what was posted to it.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  ConfigError,
  DocumentSettings,
  errorMessage,
  PolicySettings,
  RulePackSettings,
  ServiceUnavailableError,
} from '@invoicer/core';
import { BaseEnv, checkRedis, createLogger, installShutdown, loadConfig } from '@invoicer/platform';
import { loadTenantFixture, resolveCredentialsKey, type TenantFixture } from '@invoicer/servicetitan';
import { generateTenant } from '@invoicer/st-sim/generator';
import { reconcileBankStatement } from './bank.ts';
import { startCluster } from './cluster.ts';
import { startDemoConsole } from './console.ts';
import { prepareDatabase } from './database.ts';
import { deliverPosted, demoDeliverySettings, printDelivery } from './delivery.ts';
import { startMailSink } from './mail-sink.ts';
import { resetDemoTenant } from './reset.ts';
import {
  demoShopKey,
  rememberShopKey,
  savedShopKey,
  simStateFile,
  stateIsForAnotherShop,
} from './shop-key.ts';
import { demoSummary, printSummary } from './summary.ts';
import { waitForIdle } from './wait.ts';

const USAGE = `Usage: npm run demo -- [options]
  --once            process the jobs, print the summary and exit (0 when every job was processed)
  --jobs <n>        jobs in the generated tenant (default 1500, about two months of history)
  --live <n>        how many of the most recent jobs complete live; the rest is history (default 36)
  --seed <n>        generator seed (default 42)
  --tenant <dir>    use a tenant fixture directory instead of generating one
  --reset           forget the demo tenant's runs and the simulator's saved state first

Saved state is kept per shop (--jobs, --seed, --live, --tenant): a run with other options than
the last one forgets the demo tenant's runs and the simulator's saved state first, as --reset.`;

const DEMO_TENANT = 'demo';
/** Signs the demo's customer invoice links (PORTAL_LINK_SECRET overrides it); never a production secret. */
const DEMO_PORTAL_SECRET = 'demo-portal-link-secret-0123456789';
const STATE_DIR = path.resolve('.data/demo');

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      once: { type: 'boolean', default: false },
      jobs: { type: 'string', default: '1500' },
      live: { type: 'string', default: '36' },
      seed: { type: 'string', default: '42' },
      tenant: { type: 'string' },
      reset: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const startedAt = Date.now();
  const env = loadConfig(BaseEnv);
  const log = createLogger({ name: 'demo', level: process.env.LOG_LEVEL ?? 'warn' });
  console.log('Preparing Postgres and Redis…');
  await prepareDatabase(env.DATABASE_URL);
  await checkRedis(env.REDIS_URL);
  const shopOptions = {
    jobs: Number(values.jobs),
    seed: Number(values.seed),
    live: Number(values.live),
    tenantDir: values.tenant,
  };
  const shopKey = demoShopKey(shopOptions);
  const saved = savedShopKey(STATE_DIR);
  const otherShop = stateIsForAnotherShop(saved, shopKey);
  if (values.reset || otherShop) {
    if (otherShop && !values.reset)
      console.log(`Saved demo state is for another shop (${saved}); starting ${shopKey} afresh…`);
    await resetDemoTenant(env.DATABASE_URL, DEMO_TENANT);
    rmSync(STATE_DIR, { recursive: true, force: true });
  }
  rememberShopKey(STATE_DIR, shopKey, shopOptions);

  let fixture: TenantFixture;
  let bankStatement: string | null = null;
  if (values.tenant) {
    fixture = loadTenantFixture(values.tenant);
  } else {
    const generated = generateTenant({
      jobs: shopOptions.jobs,
      seed: shopOptions.seed,
      payments: true,
    });
    fixture = generated.fixture;
    bankStatement = generated.bank?.bai2 ?? null;
  }
  const live = shopOptions.live;
  const { key } = resolveCredentialsKey(env.CREDENTIALS_KEY, path.resolve('.data/credentials.key'));
  // Posted invoices are emailed here (DEMO_SMTP_PORT to pick the port).
  const mailSink = await startMailSink({ port: Number(process.env.DEMO_SMTP_PORT ?? 0) });
  const ingestPort = Number(process.env.INGEST_PORT ?? 4020);
  // Each emailed invoice links to the customer's invoice page, which ingest serves. The demo's
  // workers run in this process and read these where they write a message, as a deployment's do.
  process.env.PORTAL_LINK_SECRET ??= DEMO_PORTAL_SECRET;
  if (ingestPort > 0) process.env.PORTAL_BASE_URL ??= `http://127.0.0.1:${ingestPort}`;
  const cluster = await startCluster({
    fixture,
    tenantId: DEMO_TENANT,
    env: {
      ...process.env,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      POLL_INTERVAL_MS: process.env.POLL_INTERVAL_MS ?? '30000',
    },
    credentialsKey: key,
    simPort: Number(process.env.SIM_PORT ?? 4010),
    ingestPort,
    replayLast: live,
    simStateFile: simStateFile(STATE_DIR, shopKey),
    settings: {
      // Auto-post what is safe; always review property-management accounts.
      policy: PolicySettings.parse({ mode: 'auto', alwaysReviewCustomerTagIds: [581] }),
      rules: RulePackSettings.parse({ afterHours: { timezone: fixture.meta.timezone } }),
      // Posted invoices get a PDF (attached to the job) and are emailed with it.
      documents: DocumentSettings.parse({
        enabled: true,
        licenceText: `${fixture.meta.name} · demo licence TACLA00000000C`,
      }),
      delivery: demoDeliverySettings(mailSink, fixture.meta.name),
    },
    log,
  });
  const consoleApp = await startDemoConsole(cluster, env, log);
  const shutdown = installShutdown(
    log,
    () => [
      { name: 'console', close: () => consoleApp.close() },
      { name: 'cluster', close: () => cluster.close() },
      { name: 'mail sink', close: () => mailSink.close() },
    ],
    env.SHUTDOWN_TIMEOUT_MS,
  );

  const runsBefore = await cluster.db.pipelineRun.count({ where: { tenantId: DEMO_TENANT } });
  const played = cluster.sim.play();
  console.log(
    `ServiceTitan simulator: tenant ${cluster.sim.tenantId} at ${cluster.sim.url}; ${played.length} job(s) completing now`,
  );
  // Polling catches anything a webhook missed (and, on a rerun, finds nothing new).
  await cluster.ingest.pollNow();
  const expected = runsBefore + played.length;
  const settled = await waitForIdle(cluster, DEMO_TENANT, expected, log);
  const summary = await demoSummary(cluster.db, DEMO_TENANT, startedAt);
  console.log(printSummary(summary, summary.jobs - runsBefore));
  console.log(await printDelivery(await deliverPosted(cluster, DEMO_TENANT, mailSink, STATE_DIR), mailSink));
  if (bankStatement) {
    console.log("\nImporting last month's bank statement (BAI2)…");
    console.log(await reconcileBankStatement(cluster, DEMO_TENANT, bankStatement, log));
  }
  const processedAll =
    settled && summary.jobs >= expected && !summary.byStatus.running && !summary.byStatus.queued;

  if (values.once) {
    await shutdown();
    if (!processedAll) console.error('Not every job was processed; see the log above.');
    return processedAll ? 0 : 1;
  }
  console.log(
    `\nReview console: ${consoleApp.url}  (log in as ${consoleApp.login.email} / ${consoleApp.login.password})`,
  );
  console.log(`Bull Board:     ${consoleApp.url}/admin/queues  ·  metrics: ${consoleApp.url}/metrics`);
  console.log('Press Ctrl-C to stop.');
  return -1;
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error) => {
    if (error instanceof ConfigError || error instanceof ServiceUnavailableError) {
      console.error(error.message);
      process.exit(2);
    }
    console.error(`demo failed: ${errorMessage(error)}`);
    if (process.env.LOG_LEVEL === 'debug') console.error(error);
    process.exit(1);
  },
);
