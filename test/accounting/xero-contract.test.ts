// Contract: every request our Xero client sent and every answer the fake gave, during a real sync
// (contacts, invoices, payments, lookups, reference data), validated against the official Xero
// OpenAPI document (../shared/accounting/xero/xero_accounting.yaml, XeroAPI/Xero-OpenAPI, MIT).
// Skips with a message when the shared document is absent.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { syncInvoice } from '../../apps/workers/src/accounting/sync.ts';
import { type FakeXero, startFakeXero } from '../support/fake-xero.ts';
import {
  connectThroughOAuth,
  postedTenant,
  readyForInvoices,
  startWorld,
  TENANT,
  type World,
} from './harness.ts';

const SPEC = path.resolve(import.meta.dirname, '../../../shared/accounting/xero/xero_accounting.yaml');
const missing = existsSync(SPEC)
  ? null
  : `the Xero OpenAPI document is not at ${SPEC}; contract test skipped`;
if (missing) console.warn(missing);

/** Which schema a call's request body and answer must satisfy ("METHOD path-pattern"). */
const SHAPES: [RegExp, string | null, string][] = [
  [/^GET \/Invoices(\/[0-9a-f-]+)?$/, null, 'Invoices'],
  [/^PUT \/Invoices$/, 'Invoices', 'Invoices'],
  [/^POST \/Invoices\/[0-9a-f-]+$/, 'Invoices', 'Invoices'],
  [/^PUT \/Payments$/, 'Payments', 'Payments'],
  [/^GET \/Contacts$/, null, 'Contacts'],
  [/^PUT \/Contacts$/, 'Contacts', 'Contacts'],
  [/^GET \/Accounts$/, null, 'Accounts'],
  [/^GET \/TaxRates$/, null, 'TaxRates'],
];

describe.skipIf(missing !== null)('Xero contract', () => {
  let world: World;
  let xero: FakeXero;
  let schema: (name: string) => ValidateFunction;

  beforeAll(async () => {
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    ajv.addSchema(parse(readFileSync(SPEC, 'utf8')), 'xero');
    schema = (name) => ajv.getSchema(`xero#/components/schemas/${name}`)!;
    xero = await startFakeXero();
    world = await startWorld(postedTenant(6));
    await connectThroughOAuth(world, 'xero', xero);
    await world.syncMirror();
    const sync = (invoiceId: number) =>
      syncInvoice(world.services, { tenantId: TENANT, invoiceId, version: 'v1' }, world.overrides);
    const ids = [...world.sim.tenant.invoices.values()].map((i) => i.id).sort((a, b) => a - b);
    await readyForInvoices(world, xero, sync, ids.slice(0, 2));
    for (const id of ids) expect((await sync(id)).outcome).toBe('synced');
  }, 120_000);
  afterAll(async () => {
    await world?.close();
    await xero?.close();
  });

  it('sends and receives only what the document describes', () => {
    const seen = new Set<string>();
    const problems: string[] = [];
    for (const call of xero.calls) {
      const what = `${call.method} ${call.path}`;
      const shape = SHAPES.find(([re]) => re.test(what));
      expect(shape, `a contract for ${what}`).toBeDefined();
      seen.add(shape![0].source);
      // Every call names the organisation (the document's required xero-tenant-id header).
      if (!call.headers['xero-tenant-id']) problems.push(`${what}: no xero-tenant-id`);
      if (call.method !== 'GET') {
        const key = call.headers['idempotency-key'] ?? '';
        if (!key || key.length > 128) problems.push(`${what}: Idempotency-Key "${key}"`);
        const check = schema(shape![1]!);
        if (!check(call.body))
          problems.push(`${what} request: ${JSON.stringify(check.errors).slice(0, 300)}`);
      }
      if (call.status === 200) {
        const check = schema(shape![2]);
        if (!check(call.response))
          problems.push(`${what} answer: ${JSON.stringify(check.errors).slice(0, 300)}`);
      }
    }
    expect(problems).toEqual([]);
    // The sync used every shape but the update (not part of a first sync).
    expect(seen.size).toBe(SHAPES.length - 1);
  });

  it('would notice a wrong shape', () => {
    const check = schema('Invoices');
    expect(check({ Invoices: [{ Type: 'ACCREC', Status: 'POSTED', Total: '1.00' }] })).toBe(false);
    expect(JSON.stringify(check.errors)).toContain('allowedValues');
  });
});
