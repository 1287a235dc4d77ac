// The console in real headless Chromium against a real cluster (suggest mode: every job is a
// review item): sign in, open an item, approve it and see it posted in the simulator, edit a
// line and see the recomputed total, then clear the queue from the keyboard. Screenshots go
// to test-artifacts/console/.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { ConsoleApp } from '@invoicer/console';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';
import { miniTenant } from '../support/mini-tenant.ts';
import { waitFor } from '../support/wait.ts';
import { CHROMIUM, createRoleUsers, openBrowserPage, PASSWORD, startTestConsole } from './support.ts';

const missing = !existsSync(CHROMIUM);
if (missing)
  console.warn(`Skipping console browser tests: ${CHROMIUM} is missing (apt-get install -y chromium).`);
const ARTIFACTS = path.resolve(import.meta.dirname, '../../test-artifacts/console');

describe.skipIf(missing)('console in Chromium (needs /usr/bin/chromium)', () => {
  let cluster: TestCluster;
  let app: ConsoleApp;
  let browser: Browser;
  let page: Page;
  let email: string;
  const problems: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    cluster = await startTestCluster({
      fixture: miniTenant(30),
      replayLast: 5,
      settings: { policy: { mode: 'suggest' } as never },
    });
    const key = cluster.workers.services.runtime.options.credentialsKey.toString('base64');
    app = await startTestConsole({ ...cluster.env, CREDENTIALS_KEY: key });
    email = (await createRoleUsers(cluster.db)).billing_specialist;
    cluster.sim.play();
    await cluster.settle(5);
    // Script errors and CSP violations fail the run.
    ({ browser, page } = await openBrowserPage(problems));
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await cluster?.stop();
  });

  const shot = (name: string) =>
    page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  const runOfItem = async (itemId: string) => {
    const item = await cluster.db.reviewItem.findUniqueOrThrow({ where: { id: itemId } });
    return cluster.db.pipelineRun.findUniqueOrThrow({ where: { id: item.runId! } });
  };
  const itemIdInUrl = () => /\/items\/([0-9a-f-]{36})/.exec(page.url())?.[1] ?? '';
  const waitPosted = (itemId: string) =>
    waitFor(
      () => runOfItem(itemId),
      (r) => r.status === 'posted',
      { timeoutMs: 30_000, what: `item ${itemId} posted` },
    );

  it('signs in and shows the queue with counts per reason', async () => {
    await page.goto(`${app.url}/queue`);
    expect(page.url()).toContain('/login?next=%2Fqueue');
    await shot('01-login');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await Promise.all([page.waitForURL(/\/queue$/), page.getByRole('button', { name: 'Sign in' }).click()]);
    await expect.poll(() => page.locator('table.queue tbody tr').count()).toBe(5);
    expect(await page.locator('.counts').innerText()).toContain('Suggest mode (always review)');
    // The help opens with "?" and closes with Escape.
    await page.keyboard.press('?');
    await expect.poll(() => page.locator('#shortcuts').isVisible()).toBe(true);
    await shot('02-queue-help');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('#shortcuts').isVisible()).toBe(false);
  });

  it('opens an item, approves it, and it is posted and verified in ServiceTitan', async () => {
    await page.locator('a.item-link').first().click();
    await page.waitForURL(/\/items\//);
    const first = itemIdInUrl();
    expect(await page.locator('.claim').innerText()).toContain('You are working this item');
    expect(await page.locator('#notes-title').count()).toBe(1);
    expect(await page.locator('.note-text mark').count()).toBeGreaterThan(0);
    await shot('03-item');
    await Promise.all([
      page.waitForURL((u) => /\/items\//.test(u.pathname) && !u.pathname.includes(first)),
      page.getByRole('button', { name: /Approve revision 1 and post/ }).click(),
    ]);
    expect(await page.locator('.flash').first().innerText()).toContain('Approved');
    const run = await waitPosted(first);
    const invoice = cluster.sim.tenant.invoices.get(Number(run.stInvoiceId))!;
    expect(invoice.reviewStatus).toBe('Reviewed');
    expect(invoice.items?.map((i) => i.skuId)).toEqual([601]);
    // The page of the approved item now says so.
    const current = page.url();
    await page.goto(`${app.url}/items/${first}`);
    expect(await page.locator('.summary .badge').innerText()).toBe('Posted');
    await shot('04-posted');
    await page.goto(current);
  });

  it('edits lines in place and shows the recomputed total, then posts the edit', async () => {
    const id = itemIdInUrl();
    expect(id).not.toBe('');
    expect(await page.locator('#draft-total').getAttribute('data-total')).toBe('154.06');
    await page.getByLabel('SKU (code or id)').fill('TRIP');
    await page.getByRole('button', { name: 'Add line' }).click();
    await expect.poll(() => page.locator('#draft-total').getAttribute('data-total')).toBe('213.06');
    expect(await page.locator('#draft-title').innerText()).toBe('Draft, revision 2');
    // "e" jumps to the first quantity.
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('e');
    expect(await page.locator(':focus').getAttribute('id')).toBe('qty-0');
    await page.locator('#qty-0').fill('2');
    await page.locator('#qty-0').press('Enter');
    await expect.poll(() => page.locator('#draft-total').getAttribute('data-total')).toBe('367.13');
    expect(await page.locator('#draft-total').innerText()).toBe('$367.13');
    await shot('05-edited');
    await page.locator('#draft-title').click();
    await Promise.all([page.waitForURL((u) => !u.pathname.includes(id)), page.keyboard.press('a')]);
    const run = await waitPosted(id);
    const invoice = cluster.sim.tenant.invoices.get(Number(run.stInvoiceId))!;
    const active = (invoice.items ?? []).filter((i) => i.active !== false);
    expect(active.map((i) => [i.skuId, Number(i.quantity)]).sort()).toEqual([
      [601, 2],
      [701, 1],
    ]);
    expect(invoice.total).toBe('367.13');
  });

  it('clears the rest of the queue from the keyboard', async () => {
    for (let n = 0; n < 10 && /\/items\//.test(page.url()); n++) {
      const id = itemIdInUrl();
      await Promise.all([page.waitForURL((u) => !u.pathname.includes(id)), page.keyboard.press('a')]);
    }
    expect(page.url()).toContain('/queue');
    expect(await page.locator('.flash').first().innerText()).toContain('The queue is clear');
    expect(await page.locator('table.queue').count()).toBe(0);
    await shot('06-queue-clear');
    await cluster.settle(5);
    await waitFor(
      () => cluster.db.pipelineRun.count({ where: { status: 'posted' } }),
      (n) => n === 5,
      { timeoutMs: 30_000, what: 'all five runs posted' },
    );
    expect(
      await cluster.db.reviewItem.count({ where: { status: { in: ['open', 'on_hold', 'escalated'] } } }),
    ).toBe(0);
    expect(problems).toEqual([]);
  });
});
