// The portal as ingest serves it: on only with PORTAL_LINK_SECRET, and answering with the model a
// tenant's `ai` settings choose (here the fake OpenAI-compatible server), falling back to the
// local provider when that model fails.
import { randomBytes } from 'node:crypto';
import { putTenantSettings, upsertTenant } from '@invoicer/db';
import { testQueuePrefix, testRedisUrl } from '@invoicer/db/testing';
import { type IngestApp, IngestEnv, startIngestApp } from '@invoicer/ingest';
import { createLogger, loadConfig } from '@invoicer/platform';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type FakeChatModel, startFakeChatModel } from './fake-chat-model.ts';
import { TENANT, usd } from './fixtures.ts';
import { type AssistantBench, SECRET, startAssistantBench } from './harness.ts';

let bench: AssistantBench;
let fake: FakeChatModel;
const apps: IngestApp[] = [];

const start = (extra: Record<string, string>) =>
  startIngestApp(
    loadConfig(IngestEnv, {
      DATABASE_URL: bench.database.url,
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: testQueuePrefix('ingest-portal'),
      CREDENTIALS_KEY: randomBytes(32).toString('base64'),
      INGEST_PORT: '0',
      POLL_INTERVAL_MS: '0',
      WEBHOOK_PRUNE_INTERVAL_MS: '0',
      ...extra,
    }),
    createLogger({ name: 'ingest', level: 'silent' }),
  ).then((app) => {
    apps.push(app);
    return app;
  });

beforeAll(async () => {
  bench = await startAssistantBench(3);
  fake = await startFakeChatModel();
  await upsertTenant(bench.database.db, {
    id: TENANT,
    stTenantId: 4242,
    name: 'Acme',
    apiBaseUrl: 'http://127.0.0.1:9',
    authUrl: 'http://127.0.0.1:9/connect/token',
  });
  await putTenantSettings(
    bench.database.db,
    TENANT,
    { ai: { provider: 'openai', baseUrl: fake.url, model: 'fake', timeoutMs: 2000 } },
    'test',
  );
});
afterAll(async () => {
  for (const app of apps) await app.close();
  await fake?.close();
  await bench?.close();
});

it('serves the page and the assistant only when a link secret is configured, with the tenant model', async () => {
  const customer = bench.customers[1]!;
  const inv = customer.invoices[0]!;
  const { token } = bench.linkFor(customer);
  const off = await start({});
  expect((await fetch(`${off.url}/portal/${token}`)).status).toBe(404);

  const on = await start({ PORTAL_LINK_SECRET: SECRET });
  const page = await fetch(`${on.url}/portal/${token}`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain(inv.number);
  const ask = (question: string) =>
    fetch(`${on.url}/portal/${token}/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ question }),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as { reply: string; action: string } }));

  fake.behaviour = 'honest';
  const before = fake.requests.length;
  const answered = await ask('What is my balance?');
  expect(answered, JSON.stringify(answered)).toMatchObject({ status: 200 });
  expect(answered.body.reply).toContain(`balance ${usd(inv.balance)}`);
  expect(fake.requests.length).toBeGreaterThan(before);

  fake.behaviour = 'invent-amount';
  const guarded = await ask('What is my balance?');
  expect(guarded.body.reply).not.toContain('1,234.57');
  expect(guarded.body.reply).toContain('Talk to a person');

  fake.behaviour = 'error';
  const fallback = await ask('What is the total?');
  expect(fallback.body.reply).toContain(usd(inv.total));
  const turns = await bench.database.db.assistantTurn.findMany({ orderBy: { id: 'asc' } });
  expect(turns.map((t) => t.provider)).toEqual(['openai', 'openai', 'local (fallback from openai)']);
});
