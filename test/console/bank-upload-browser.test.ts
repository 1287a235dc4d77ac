// The bank-file upload through the real form in headless Chromium: sign in, open "Bank files"
// from the navigation, preview a generated BAI2 (nothing stored), then import it and see the
// report and the recent-imports row. The console runs on a test database and Redis prefix
// (no workers: the queued credits simply wait). Screenshots go to test-artifacts/console/.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { ConsoleApp } from '@invoicer/console';
import { upsertTenant } from '@invoicer/db';
import { createTestDatabase, type TestDatabase, testQueuePrefix, testRedisUrl } from '@invoicer/db/testing';
import { generateTenant } from '@invoicer/st-sim/generator';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, createRoleUsers, openBrowserPage, PASSWORD, startTestConsole } from './support.ts';

const missing = !existsSync(CHROMIUM);
if (missing)
  console.warn(
    `Skipping the bank upload browser test: ${CHROMIUM} is missing (apt-get install -y chromium).`,
  );
const ARTIFACTS = path.resolve(import.meta.dirname, '../../test-artifacts/console');

describe.skipIf(missing)('bank file upload in Chromium (needs /usr/bin/chromium)', () => {
  let t: TestDatabase;
  let app: ConsoleApp;
  let browser: Browser;
  let page: Page;
  let email: string;
  const bai2 = Buffer.from(generateTenant({ jobs: 80, seed: 5, payments: true }).bank!.bai2);
  const problems: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await createTestDatabase();
    await upsertTenant(t.db, {
      id: 'acme',
      stTenantId: 4242,
      name: 'Acme HVAC',
      apiBaseUrl: 'http://127.0.0.1:1',
      authUrl: 'http://127.0.0.1:1/connect/token',
    });
    app = await startTestConsole({
      DATABASE_URL: t.url,
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: testQueuePrefix('bank-ui'),
    });
    email = (await createRoleUsers(t.db)).billing_manager;
    ({ browser, page } = await openBrowserPage(problems));
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await t?.drop();
  });

  const shot = (name: string) =>
    page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  // Submit the form; done when the answer's page shows the expected report heading.
  const submit = async (heading: string) => {
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/bank-statements') && r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Upload and import' }).click(),
    ]);
    await page.getByRole('heading', { name: heading }).waitFor();
    return response;
  };

  it('previews, then imports a BAI2 file through the form and shows the report', async () => {
    await page.goto(`${app.url}/login`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await Promise.all([page.waitForURL(/\/queue$/), page.getByRole('button', { name: 'Sign in' }).click()]);
    await Promise.all([
      page.waitForURL(/\/bank-statements$/),
      page.getByRole('link', { name: 'Bank files' }).click(),
    ]);
    expect(await page.locator('h1').innerText()).toBe('Bank files');

    await page.getByLabel('Bank file', { exact: true }).setInputFiles({
      name: 'october.bai2',
      mimeType: 'application/octet-stream',
      buffer: bai2,
    });
    await page.getByLabel(/Preview only/).check();
    const preview = await submit('Preview of october.bai2 (nothing stored)');
    expect(preview.status()).toBe(200);
    expect(await page.locator('.report-lines').innerText()).toMatch(/would add \d+ transaction\(s\)/);
    expect(await t.db.bankTransaction.count()).toBe(0);
    await shot('10-bank-preview');

    // The checkbox stays as it was posted; untick it and send the file again for real.
    expect(await page.getByLabel(/Preview only/).isChecked()).toBe(true);
    await page.getByLabel(/Preview only/).uncheck();
    await page.getByLabel('Bank file', { exact: true }).setInputFiles({
      name: 'october.bai2',
      mimeType: 'application/octet-stream',
      buffer: bai2,
    });
    const imported = await submit('Import report: october.bai2');
    expect(imported.status()).toBe(200);
    const stored = await t.db.bankTransaction.count();
    expect(stored).toBeGreaterThan(0);
    expect(await page.locator('.report-lines').innerText()).toContain(`added ${stored} transaction(s)`);
    expect(await page.locator('.flash-ok').innerText()).toContain('Imported:');
    const recent = page.locator('table.imports tbody tr');
    expect(await recent.count()).toBe(1);
    expect(await recent.first().innerText()).toContain('october.bai2');
    expect(await recent.first().innerText()).toContain(email);
    await shot('11-bank-imported');
    expect(problems).toEqual([]);
  });
});
