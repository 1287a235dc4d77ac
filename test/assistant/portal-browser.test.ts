// The customer page in real headless Chromium: the invoice renders with no CSP violation or
// script error, a question typed into the form is answered on the page, and "Talk to a person"
// turns into the notice that someone will get in touch.
import { existsSync } from 'node:fs';
import { LocalAssistantProvider } from '@invoicer/assistant';
import { testQueuePrefix, testRedisUrl } from '@invoicer/db/testing';
import { createLogger } from '@invoicer/platform';
import Fastify, { type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerPortalRoutes } from '../../apps/ingest/src/portal/routes.ts';
import { CHROMIUM, openBrowserPage } from '../console/support.ts';
import { usd } from './fixtures.ts';
import { type AssistantBench, SECRET, startAssistantBench } from './harness.ts';

const missing = !existsSync(CHROMIUM);
if (missing)
  console.warn(
    `Skipping the customer page browser test: ${CHROMIUM} is missing (apt-get install -y chromium).`,
  );

describe.skipIf(missing)('customer page in Chromium', () => {
  let bench: AssistantBench;
  let http: FastifyInstance;
  let redis: Redis;
  let base: string;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    bench = await startAssistantBench(3);
    redis = new Redis(testRedisUrl());
    http = Fastify({ logger: false, routerOptions: { maxParamLength: 300 } });
    registerPortalRoutes(http, {
      db: bench.database.db,
      redis,
      prefix: testQueuePrefix('portal-browser'),
      log: createLogger({ name: 'portal-browser', level: 'silent' }),
      config: { secret: SECRET, asksPerLinkPerHour: 20, asksPerIpPerHour: 20, viewsPerIpPerMinute: 100 },
      providerFor: async () => new LocalAssistantProvider(),
      now: () => new Date('2026-11-02T00:00:00Z'),
    });
    base = await http.listen({ port: 0, host: '127.0.0.1' });
    ({ browser, page } = await openBrowserPage(problems));
  });
  afterAll(async () => {
    await browser?.close();
    await http?.close();
    redis?.disconnect();
    await bench?.close();
  });

  it('shows the invoice, answers a typed question and hands over to a person', async () => {
    const customer = bench.customers[0]!;
    const inv = customer.invoices[0]!;
    const { token } = bench.linkFor(customer);
    await page.goto(`${base}/portal/${token}`);
    await expect.poll(() => page.locator('h1').textContent()).toBe(`Invoice ${inv.number}`);
    // The nonce'd stylesheet applied: the totals column is right-aligned.
    expect(
      await page
        .locator('td.n')
        .first()
        .evaluate(
          (el) =>
            (
              globalThis as unknown as { getComputedStyle(e: unknown): { textAlign: string } }
            ).getComputedStyle(el).textAlign,
        ),
    ).toBe('right');

    await page.fill('#question', 'What is my balance?');
    await page.click('button:has-text("Ask")');
    await page.waitForURL(/#chat$/);
    const answer = page.locator('.a').last();
    await expect
      .poll(() => answer.textContent())
      .toContain(inv.balance.isZero() ? 'paid in full' : usd(inv.balance));

    await page.click('button:has-text("Talk to a person")');
    await page.waitForURL(/#chat$/);
    await expect
      .poll(() => page.locator('#chat').textContent())
      .toContain('A person from the office has your question');
    expect(await page.locator('button:has-text("Talk to a person")').count()).toBe(0);
    expect(problems).toEqual([]);
  });
});
