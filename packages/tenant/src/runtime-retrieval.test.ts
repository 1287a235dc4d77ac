// The runtime's in-memory retrieval indexes (issue 12): the history's vote index is shared while
// its version stands, reloaded once a history write moves the version (at once after a sync in
// this process, within HISTORY_CHECK_MS otherwise), and the price-book index is loaded once per
// catalogue version.
import { type CatalogRow, type HistoryLineRow, replaceHistoryLines, upsertCatalog } from '@invoicer/db';
import { createTestDatabase, type TestDatabase } from '@invoicer/db/testing';
import { createLogger } from '@invoicer/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantRuntime } from './runtime.ts';

const TENANT = 'retrieval-runtime';
let database: TestDatabase;

function line(id: number, description: string, skuId: number): HistoryLineRow {
  return {
    stItemId: id,
    stJobId: id,
    stInvoiceId: id,
    skuId,
    itemType: 'Material',
    description,
    quantity: '1',
    unitPrice: '10',
    createdOn: '2026-03-01T00:00:00.000Z',
    officeAdded: false,
  };
}

const material = (stId: number, name: string): CatalogRow => ({
  kind: 'material',
  stId,
  code: `M-${stId}`,
  name,
  searchText: name,
  active: true,
  data: {},
  modifiedOn: null,
});

function runtime(): TenantRuntime {
  return new TenantRuntime({
    db: database.db,
    redis: null as never,
    prefix: 'retrieval-runtime-test',
    credentialsKey: Buffer.alloc(32),
    log: createLogger({ name: 'retrieval-runtime-test', level: 'silent' }),
  });
}

beforeAll(async () => {
  database = await createTestDatabase();
  await upsertCatalog(database.db, TENANT, [
    material(1, 'Run Capacitor 45/5'),
    material(2, 'Contactor 2 pole'),
  ]);
  await replaceHistoryLines(database.db, TENANT, [1], [line(1, 'Run capacitor 45/5 MFD', 1)]);
});

afterAll(async () => {
  await database?.drop();
});

describe('TenantRuntime retrieval indexes', () => {
  it('shares the history index while its version stands and reloads it when a write moves it', async () => {
    const rt = runtime();
    const later = new Date('2026-04-01');
    const first = await rt.historyIndex(TENANT);
    expect(await rt.historyIndex(TENANT)).toBe(first);
    expect([...first!.votes('capacitor', later)!]).toEqual([[1, 1]]);

    await replaceHistoryLines(database.db, TENANT, [2], [line(2, 'Contactor replaced', 2)]);
    // Within the check interval the index in hand is kept; a sync in this process says so at once.
    expect(await rt.historyIndex(TENANT)).toBe(first);
    rt.invalidateHistory(TENANT);
    const second = await rt.historyIndex(TENANT);
    expect(second).not.toBe(first);
    expect([...second!.votes('contactor', later)!]).toEqual([[2, 1]]);
    expect(first!.votes('contactor', later)!.size).toBe(0);

    // No write since: checking again keeps the same index.
    rt.invalidateHistory(TENANT);
    expect(await rt.historyIndex(TENANT)).toBe(second);
  });

  it('loads the price-book index once per catalogue version', async () => {
    const rt = runtime();
    const catalog = await rt.catalog(TENANT);
    const index = await catalog.searchIndex();
    expect(index?.size).toBe(2);
    expect(await catalog.searchIndex()).toBe(index);
    await upsertCatalog(database.db, TENANT, [material(3, 'Hard start kit')]);
    rt.invalidateCatalog(TENANT);
    const next = await rt.catalog(TENANT);
    expect(next).not.toBe(catalog);
    expect((await next.searchIndex())?.size).toBe(3);
  });
});
