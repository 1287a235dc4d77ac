// The queue workflow in headless Chromium against a real cluster (suggest mode, 21 review items):
// a billing clerk clears 20 items with the keyboard only (n to start, a to approve, landing on the
// next item each time), undoes the last approval with u while its countdown runs and approves it
// again, searches the queue from the keyboard (/) and escalates the last item with a note, which a
// manager reads on the escalations page before bulk approving it. Every page fits 1280 px without horizontal
// overflow, and nothing logs a script error, console error or CSP violation. Screenshots are
// attached to the test report (context.annotate) and kept in .data/screenshots/.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { ConsoleApp } from '@invoicer/console';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';
import { miniTenant } from '../support/mini-tenant.ts';
import { CHROMIUM, createRoleUsers, openBrowserPage, PASSWORD, startTestConsole } from './support.ts';

const missing = !existsSync(CHROMIUM);
if (missing) console.warn(`Skipping the queue workflow browser test: ${CHROMIUM} is missing.`);
const SCREENSHOTS = path.resolve(import.meta.dirname, '../../.data/screenshots');
const ITEMS = 21;

describe.skipIf(missing)('queue workflow in Chromium (needs /usr/bin/chromium)', () => {
  let cluster: TestCluster;
  let app: ConsoleApp;
  let browser: Browser;
  let page: Page;
  let clerkId: string;
  let managerEmail: string;
  const problems: string[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    cluster = await startTestCluster({
      fixture: miniTenant(50),
      replayLast: ITEMS,
      settings: { policy: { mode: 'suggest' } as never },
    });
    const key = cluster.workers.services.runtime.options.credentialsKey.toString('base64');
    app = await startTestConsole(
      { ...cluster.env, CREDENTIALS_KEY: key },
      { APPROVAL_UNDO_SECONDS: '10', CLAIM_TTL: '900' },
    );
    const emails = await createRoleUsers(cluster.db);
    const email = emails.billing_specialist;
    managerEmail = emails.billing_manager;
    clerkId = (await cluster.db.user.findUniqueOrThrow({ where: { email } })).id;
    cluster.sim.play();
    await cluster.settle(ITEMS, 240_000);
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
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await cluster?.stop();
  });

  async function shot(context: TestContext, name: string) {
    const file = path.join(SCREENSHOTS, `workflow-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    await context.annotate(`screenshot: ${name}`, { path: file, contentType: 'image/png' });
  }

  async function fits(what: string) {
    const { scrollWidth, clientWidth } = await page.evaluate<{ scrollWidth: number; clientWidth: number }>(
      '({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth })',
    );
    expect(scrollWidth, `${what} overflows horizontally`).toBeLessThanOrEqual(clientWidth);
  }

  const itemId = () => /\/items\/([0-9a-f-]{36})/.exec(page.url())?.[1] ?? null;

  /** Press a key and wait for the page it leads to. */
  async function pressAndLeave(keyName: string) {
    const before = page.url();
    await Promise.all([
      page.waitForURL((url) => url.toString() !== before, { timeout: 20_000 }),
      page.keyboard.press(keyName),
    ]);
    await page.waitForLoadState('load');
  }

  it('shows the queue with search, dollars waiting and bulk approve within 1280 px', async (context) => {
    expect(await cluster.db.reviewItem.count({ where: { status: 'open' } })).toBe(ITEMS);
    await page.goto(`${app.url}/queue`);
    await expect.poll(() => page.locator('#dollars-total').innerText()).toMatch(/^\$[\d,]+\.\d{2}$/);
    expect(await page.locator('input[form="bulk-approve"]').count()).toBe(ITEMS);
    await fits('the queue');
    await shot(context, 'queue-1280');
  });

  it('clears 20 items with the keyboard only: n, then a on each item', async (context) => {
    await page.goto(`${app.url}/queue`);
    await pressAndLeave('n');
    const cleared: string[] = [];
    for (let i = 0; i < 20; i++) {
      const id = itemId();
      expect(id, `item page ${i + 1}`).not.toBeNull();
      if (i === 0) {
        await fits('an item page');
        await shot(context, 'item-1280');
      }
      await pressAndLeave('a');
      cleared.push(id!);
    }
    expect(new Set(cleared).size).toBe(20);
    const approved = await cluster.db.reviewItem.findMany({
      where: { id: { in: cleared } },
      select: { status: true, resolvedBy: true },
    });
    expect(approved.every((r) => ['approved', 'posting', 'posted'].includes(r.status))).toBe(true);
    expect(approved.every((r) => r.resolvedBy === clerkId)).toBe(true);
    // The page after the last approval offers its undo, with a countdown.
    await expect.poll(() => page.locator('#pending-approvals [data-shortcut="undo"]').count()).toBe(1);
    expect(
      Number(await page.locator('#pending-approvals [data-countdown-until]').first().innerText()),
    ).toBeGreaterThan(0);
    await fits('an item page with the undo banner');
    await shot(context, 'undo-countdown');

    // u: the last approval is undone, nothing is posted, and the item is back to work on.
    const last = cleared.at(-1)!;
    await pressAndLeave('u');
    expect(itemId()).toBe(last);
    await expect.poll(() => page.locator('.flash').first().innerText()).toContain('Approval undone');
    const undone = await cluster.db.reviewItem.findUniqueOrThrow({ where: { id: last } });
    expect(undone.status).toBe('open');
    const run = await cluster.db.pipelineRun.findUniqueOrThrow({ where: { id: undone.runId! } });
    expect(run.status).toBe('awaiting_review');
    await shot(context, 'undone');
    // a: approved again; still 20 cleared.
    await pressAndLeave('a');
    expect(
      await cluster.db.reviewItem.count({
        where: { resolvedBy: clerkId, status: { in: ['approved', 'posting', 'posted'] } },
      }),
    ).toBe(20);
  });

  it('searches the queue from the keyboard: / then a customer’s name', async (context) => {
    const name = (await cluster.db.reviewItem.findFirstOrThrow({ where: { status: 'open' } })).customerName!;
    await page.goto(`${app.url}/queue`);
    await page.keyboard.press('/');
    expect(await page.evaluate<string>('document.activeElement ? document.activeElement.id : ""')).toBe(
      'f-q',
    );
    await page.keyboard.type(name);
    await pressAndLeave('Enter');
    expect(new URL(page.url()).searchParams.get('q')).toBe(name);
    await expect.poll(() => page.locator('table.queue tbody tr').count()).toBeGreaterThan(0);
    for (const text of await page.locator('table.queue a.item-link').allInnerTexts())
      expect(text).toContain(name);
    await fits('a searched queue');
    await shot(context, 'search');
  });

  it('escalates with a note; a manager sees it, with who and when, and bulk approves from the queue', async (context) => {
    // The clerk, on the one item left: the note, then m (Escape leaves the text field first).
    const left = await cluster.db.reviewItem.findFirstOrThrow({ where: { status: 'open' } });
    await page.goto(`${app.url}/items/${left.id}`);
    await page.locator('#escalate-note').fill('Customer says the capacitor was under warranty.');
    await page.keyboard.press('Escape');
    await pressAndLeave('m');
    expect((await cluster.db.reviewItem.findUniqueOrThrow({ where: { id: left.id } })).status).toBe(
      'escalated',
    );

    const managerContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const manager = await managerContext.newPage();
    manager.on('pageerror', (error) => problems.push(`manager pageerror: ${error.message}`));
    manager.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`manager console: ${msg.text()}`);
    });
    await manager.goto(`${app.url}/login`);
    await manager.getByLabel('Email').fill(managerEmail);
    await manager.getByLabel('Password').fill(PASSWORD);
    await Promise.all([
      manager.waitForURL(/\/queue/),
      manager.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    await manager.getByRole('link', { name: 'Escalations' }).click();
    await manager.waitForURL(/\/escalations/);
    await expect
      .poll(() => manager.locator('.escalation-note').first().innerText())
      .toBe('Customer says the capacitor was under warranty.');
    expect(await manager.locator('.escalation').first().innerText()).toMatch(
      /Escalated by Test billing_specialist on .+ C[SD]T/,
    );
    const widths =
      '({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth })';
    const fitsPage = async (what: string) => {
      const w = await manager.evaluate<{ scrollWidth: number; clientWidth: number }>(widths);
      expect(w.scrollWidth, `${what} overflows horizontally`).toBeLessThanOrEqual(w.clientWidth);
    };
    await fitsPage('the escalations page');
    const escalations = path.join(SCREENSHOTS, 'workflow-escalations.png');
    await manager.screenshot({ path: escalations, fullPage: true });
    await context.annotate('screenshot: escalations', { path: escalations, contentType: 'image/png' });

    // Bulk approve: "Select all on this page" ticks the escalated item; the result says so.
    await manager.goto(`${app.url}/queue`);
    await manager.getByLabel('Select all on this page').check();
    expect(await manager.locator('input[form="bulk-approve"]:checked').count()).toBe(1);
    await Promise.all([
      manager.waitForURL(/\/queue\/approve/),
      manager.getByRole('button', { name: 'Approve selected' }).click(),
    ]);
    await expect.poll(() => manager.locator('#bulk-summary').innerText()).toContain('1 approved, 0 refused');
    await fitsPage('the bulk approve result');
    const bulk = path.join(SCREENSHOTS, 'workflow-bulk-result.png');
    await manager.screenshot({ path: bulk, fullPage: true });
    await context.annotate('screenshot: bulk approve result', { path: bulk, contentType: 'image/png' });
    expect((await cluster.db.reviewItem.findUniqueOrThrow({ where: { id: left.id } })).status).toBe(
      'approved',
    );
    await managerContext.close();
  });

  it('logged no script errors, console errors or CSP violations', () => {
    expect(problems).toEqual([]);
  });
});
