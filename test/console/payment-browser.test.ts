// The payment exception page in headless Chromium at 1280×800: no horizontal overflow with ten
// candidates and a long bank text, the Decision panel above the deposit and its candidates (side
// by side), no script or console errors or CSP violations, and the split form works as a browser
// sends it. Screenshots go to .data/screenshots/.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { ConsoleApp } from '@invoicer/console';
import { createTestDatabase, type TestDatabase, testQueuePrefix, testRedisUrl } from '@invoicer/db/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVOICE_ID, seedPaymentItems } from './payment-support.ts';
import { CHROMIUM, createRoleUsers, openBrowserPage, PASSWORD, startTestConsole } from './support.ts';

const missing = !existsSync(CHROMIUM);
if (missing) console.warn(`Skipping payment page browser tests: ${CHROMIUM} is missing.`);
const WIDTHS =
  '({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth })';
const SCREENSHOTS = path.resolve(import.meta.dirname, '../../.data/screenshots');

describe.skipIf(missing)('the payment page in Chromium (needs /usr/bin/chromium)', () => {
  let t: TestDatabase;
  let app: ConsoleApp;
  let browser: Browser;
  let page: Page;
  let ids: { invoiceItemId: string; paymentItemId: string };
  const problems: string[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    t = await createTestDatabase();
    app = await startTestConsole({
      DATABASE_URL: t.url,
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: testQueuePrefix('payment-browser'),
    });
    const email = (await createRoleUsers(t.db)).billing_specialist;
    ids = await seedPaymentItems(t.db);
    ({ browser, page } = await openBrowserPage(problems));
    await page.addInitScript({
      content: `document.addEventListener('securitypolicyviolation', (e) =>
        console.error('CSP violation: ' + e.violatedDirective + ' at ' + e.sourceFile + ':' + e.lineNumber));`,
    });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${app.url}/login`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await Promise.all([page.waitForURL(/\/queue/), page.getByRole('button', { name: 'Sign in' }).click()]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await t?.drop();
  });

  it('fits 1280 px, decision on top, deposit beside the candidates', async () => {
    await page.goto(`${app.url}/items/${ids.paymentItemId}`);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'payment-1280.png'), fullPage: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'payment-1280-first-screen.png') });
    const { scrollWidth, clientWidth } = await page.evaluate<{ scrollWidth: number; clientWidth: number }>(
      WIDTHS,
    );
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    const decision = (await page.locator('#decision-panel').boundingBox())!;
    const deposit = (await page.locator('#deposit-panel').boundingBox())!;
    const first = (await page.locator('#candidate-1').boundingBox())!;
    expect(decision.y + decision.height).toBeLessThanOrEqual(deposit.y);
    // Side by side: the first candidate starts right of the deposit, at about the same height.
    expect(first.x).toBeGreaterThanOrEqual(deposit.x + deposit.width);
    expect(Math.abs(first.y - deposit.y)).toBeLessThan(80);
    expect(first.x + first.width).toBeLessThanOrEqual(1280);
    // The suggested action is on screen without scrolling.
    const apply = (await page.getByRole('button', { name: /Apply the suggested match/ }).boundingBox())!;
    expect(apply.y + apply.height).toBeLessThanOrEqual(800);
  });

  it('applies a split typed into the form', async () => {
    await page.locator('#split summary').click();
    await page.locator(`#split-${INVOICE_ID}`).fill('154.06');
    await page.locator('#split-7003').fill('20');
    await Promise.all([
      page.waitForURL((url) => !url.pathname.endsWith(ids.paymentItemId)),
      page.getByRole('button', { name: 'Apply the split' }).click(),
    ]);
    const after = await t.db.reviewItem.findUniqueOrThrow({ where: { id: ids.paymentItemId } });
    expect(after.resolution).toMatchObject({
      action: 'split',
      splits: [
        { invoiceId: INVOICE_ID, amount: '154.06' },
        { invoiceId: 7003, amount: '20.00' },
      ],
    });
  });

  it('logged no script errors, console errors or CSP violations', () => {
    expect(problems).toEqual([]);
  });
});
