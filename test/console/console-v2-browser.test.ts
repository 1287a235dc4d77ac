// Console v2 in headless Chromium against a real cluster (suggest mode): the SKU search in the
// line editor shows price-book options and choosing one fills the add-line form; the item page
// fits 1280×800 without horizontal overflow; editing a line logs no console errors or
// content-security-policy violations. Screenshots go to .data/screenshots/.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { ConsoleApp } from '@invoicer/console';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';
import { miniTenant } from '../support/mini-tenant.ts';
import { CHROMIUM, createRoleUsers, openBrowserPage, PASSWORD, startTestConsole } from './support.ts';

const missing = !existsSync(CHROMIUM);
if (missing) console.warn(`Skipping console v2 browser tests: ${CHROMIUM} is missing.`);
const WIDTHS =
  '({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth })';
const SCREENSHOTS = path.resolve(import.meta.dirname, '../../.data/screenshots');

describe.skipIf(missing)('console v2 in Chromium (needs /usr/bin/chromium)', () => {
  let cluster: TestCluster;
  let app: ConsoleApp;
  let browser: Browser;
  let page: Page;
  let email: string;
  const problems: string[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    cluster = await startTestCluster({
      fixture: miniTenant(30),
      replayLast: 3,
      settings: { policy: { mode: 'suggest' } as never },
    });
    const key = cluster.workers.services.runtime.options.credentialsKey.toString('base64');
    app = await startTestConsole({ ...cluster.env, CREDENTIALS_KEY: key });
    email = (await createRoleUsers(cluster.db)).billing_specialist;
    cluster.sim.play();
    await cluster.settle(3);
    ({ browser, page } = await openBrowserPage(problems));
    // CSP violations, also those Chromium does not log as console errors.
    await page.addInitScript({
      content: `document.addEventListener('securitypolicyviolation', (e) =>
        console.error('CSP violation: ' + e.violatedDirective + ' at ' + e.sourceFile + ':' + e.lineNumber +
          ' on ' + String(e.target && e.target.outerHTML).slice(0, 80)));`,
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
    await cluster?.stop();
  });

  const shot = (name: string) =>
    page.screenshot({ path: path.join(SCREENSHOTS, `console-v2-${name}.png`), fullPage: true });

  it('fits the item page in 1280×800 without horizontal overflow', async () => {
    await page.locator('a.item-link').first().click();
    await page.waitForURL(/\/items\//);
    await shot('item-1280');
    const { scrollWidth, clientWidth } = await page.evaluate<{ scrollWidth: number; clientWidth: number }>(
      WIDTHS,
    );
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    // The Total column is on screen.
    const total = await page.locator('#draft-total').boundingBox();
    expect(total!.x + total!.width).toBeLessThanOrEqual(1280);
    const height = await page.evaluate<number>('document.documentElement.scrollHeight');
    expect(height).toBeLessThan(4000);
  });

  it('shows price-book options while typing a SKU, and choosing one fills the add-line form', async () => {
    const before = await page.locator('#draft-total').getAttribute('data-total');
    await page.locator('#add-sku').pressSequentially('tri', { delay: 50 });
    await expect.poll(() => page.locator('#add-sku-results [data-sku]').count()).toBeGreaterThan(0);
    await shot('sku-search');
    const first = page.locator('#add-sku-results [data-sku]').first();
    const code = await first.getAttribute('data-sku');
    await first.click();
    expect(await page.locator('#add-sku').inputValue()).toBe(code);
    await page.getByRole('button', { name: 'Add line' }).click();
    await expect.poll(() => page.locator('#draft-title').innerText()).toBe('Draft, revision 2');
    expect(await page.locator('#draft-total').getAttribute('data-total')).not.toBe(before);
    expect(await page.locator(`[data-line] strong:text-is("${code}")`).count()).toBeGreaterThan(0);
    // The other pickers (change a line's SKU) search too.
    await page.locator('details.more summary').first().click();
    await page.locator('#sku-0').pressSequentially('cap', { delay: 50 });
    await expect.poll(() => page.locator('#sku-0-results [data-sku]').count()).toBeGreaterThan(0);
    await page.locator('#qty-0').fill('2');
    await page.locator('#qty-0').press('Enter');
    await expect.poll(() => page.locator('#draft-title').innerText()).toBe('Draft, revision 3');
    await shot('edited');
    const { scrollWidth, clientWidth } = await page.evaluate<{ scrollWidth: number; clientWidth: number }>(
      WIDTHS,
    );
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
  });

  it('logged no script errors, console errors or CSP violations', () => {
    expect(problems).toEqual([]);
  });
});
