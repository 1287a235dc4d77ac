// The layers under the sync, each on its own: tokens sealed at rest and refreshed (once, even by
// two processes at a time) when they expire; the Idempotency-Key when the lookup by number
// cannot see a fresh invoice yet; Xero's limits kept (≤ 5 concurrent, the minute budget) and a
// 429 storm waited out with Retry-After, costing no failure and no duplicate.
import { openBooks, openTokens } from '@invoicer/accounting';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncInvoice } from '../../apps/workers/src/accounting/sync.ts';
import { type FakeXero, startFakeXero } from '../support/fake-xero.ts';
import { waitFor } from '../support/wait.ts';
import {
  booksOpts,
  connectThroughOAuth,
  postedTenant,
  readyForInvoices,
  startWorld,
  TENANT,
  type World,
} from './harness.ts';

const INVOICES = 40;
let world: World;
let xero: FakeXero;
let ids: number[] = [];
const sync = (invoiceId: number) =>
  syncInvoice(world.services, { tenantId: TENANT, invoiceId, version: 'v1' }, world.overrides);

beforeAll(async () => {
  xero = await startFakeXero({ limits: { windowMs: 2000, perMinute: 40, concurrent: 5, retryAfterS: 1 } });
  world = await startWorld(postedTenant(INVOICES), {
    timeoutMs: 2000,
    maxInlineWaitMs: 5000,
    // Xero's shape (a window budget and 5 concurrent), the window shortened from a minute to 2 s.
    limits: { xero: { windows: [{ ms: 2000, limit: 40 }], concurrent: 5 } },
  });
  ids = [...world.sim.tenant.invoices.values()].map((i) => i.id).sort((a, b) => a - b);
  await connectThroughOAuth(world, 'xero', xero);
  await world.syncMirror();
  await readyForInvoices(world, xero, sync, ids.slice(0, 2));
}, 60_000);
afterAll(async () => {
  await world?.close();
  await xero?.close();
});

describe('OAuth tokens', () => {
  it('keeps them sealed at rest', async () => {
    const row = await world.database.db.accountingConnection.findUniqueOrThrow({
      where: { tenantId: TENANT },
    });
    const tokens = openTokens(row.tokensSealed, world.credentialsKey);
    expect(row.tokensSealed).not.toContain(tokens.accessToken);
    expect(row.tokensSealed).not.toContain(tokens.refreshToken);
    expect(row.tokensSealed).not.toContain(xero.state.clientSecret);
    expect(() => openTokens(row.tokensSealed, Buffer.alloc(32, 7))).toThrow();
    expect(xero.state.refreshTokens.has(tokens.refreshToken)).toBe(true);
  });

  it('refreshes a rejected or expired token once, even with two processes at it', async () => {
    const before = openTokens(
      (await world.database.db.accountingConnection.findUniqueOrThrow({ where: { tenantId: TENANT } }))
        .tokensSealed,
      world.credentialsKey,
    );
    xero.state.expireAccessTokens();
    await world.database.db.accountingConnection.update({
      where: { tenantId: TENANT },
      data: { accessExpiresAt: new Date(Date.now() - 1000) },
    });
    const [a, b] = await Promise.all([
      openBooks(booksOpts(world), TENANT),
      openBooks(booksOpts(world), TENANT),
    ]);
    const [x, y] = await Promise.all([a!.books.mappingCandidates('tax'), b!.books.mappingCandidates('tax')]);
    expect(x.length).toBeGreaterThan(0);
    expect(y).toEqual(x);
    const after = openTokens(
      (await world.database.db.accountingConnection.findUniqueOrThrow({ where: { tenantId: TENANT } }))
        .tokensSealed,
      world.credentialsKey,
    );
    expect(after.refreshToken).not.toBe(before.refreshToken);
    // Rotation: exactly one refresh happened (the old refresh token is spent, one new one lives).
    expect(xero.state.refreshTokens.has(before.refreshToken)).toBe(false);
    expect(xero.state.refreshTokens.size).toBe(1);
    expect(xero.state.refreshTokens.has(after.refreshToken)).toBe(true);
  });
});

describe('exactly once when the lookup is blind', () => {
  it('re-sends with the same Idempotency-Key and Xero replays instead of creating', async () => {
    const id = ids[2]!;
    xero.searchLagMs = 1500;
    xero.state.afterCommit = { rate: 1, mode: 'error', match: 'PUT /Invoices', times: 1 };
    let failed = 0;
    await waitFor(
      () =>
        sync(id).then(
          (r) => r.outcome,
          () => {
            failed += 1;
            return 'failed';
          },
        ),
      (outcome) => outcome === 'synced',
      { timeoutMs: 20_000, intervalMs: 300, what: 'the invoice to be confirmed in Xero' },
    );
    xero.searchLagMs = 0;
    expect(failed).toBeGreaterThan(0);
    expect(xero.state.stats.idempotentReplays).toBeGreaterThan(0);
    expect([...xero.invoices.values()].filter((i) => i.InvoiceNumber === `INV-${id}`)).toHaveLength(1);
  });
});

describe('rate limits', () => {
  it('never exceeds 5 concurrent or the window budget; a 429 storm is waited out', async () => {
    const rest = ids.filter((_, i) => i !== 2);
    // Our budget is Xero's; Xero now allows less (a storm of 429s with Retry-After: 1).
    xero.state.limits.perMinute = 25;
    const from = xero.calls.length;
    const started = Date.now();
    const results = await Promise.all(rest.map((id) => sync(id)));
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `xero rate: ${rest.length} invoices in ${seconds.toFixed(1)} s, ${xero.state.stats.throttled} × 429, max concurrent ${xero.state.stats.maxConcurrent}`,
    );
    expect(results.filter((r) => r.outcome !== 'synced')).toEqual([]);
    expect(xero.state.stats.maxConcurrent).toBeLessThanOrEqual(5);
    expect(xero.state.stats.throttled).toBeGreaterThan(0);
    expect(xero.duplicates()).toEqual([]);
    expect(xero.invoices.size).toBe(INVOICES);
    // Calls sent in any 2 s window (429s included: each took a slot) never above our budget of 40.
    const times = xero.calls.slice(from).map((c) => c.at);
    const busiest = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 2000).length));
    const answered = times.length - xero.state.stats.throttled;
    console.log(
      `xero: busiest 2 s window ${busiest} calls; ${(answered / rest.length).toFixed(1)} answered calls per invoice`,
    );
    expect(busiest).toBeLessThanOrEqual(40);
  }, 180_000);
});
