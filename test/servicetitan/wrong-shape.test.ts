// ServiceTitan replies of the wrong shape (issue 13), injected over HTTP by the simulator's
// `wrongShape` fault, for every client call the pipeline makes: each ends in a clear error the
// worker runtime classifies (errorClass) — permanent for a well-formed reply of the wrong shape
// (retrying gets the same answer: the run fails into review at once), transient for a reply that
// is not JSON at all (HTML, cut short, empty: retried) — or, for what the schemas allow (extra
// fields, a JSON body labelled text/plain), the right data.
import { errorClass } from '@invoicer/platform';
import {
  BusinessUnit,
  Invoice,
  Job,
  Payment,
  PricebookService,
  type StClient,
  StNetworkError,
  StSchemaError,
  TaxZone,
  Technician,
} from '@invoicer/servicetitan';
import type { FaultConfig, RunningSim } from '@invoicer/st-sim';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateTenant } from '../../apps/st-sim/src/generator/index.ts';
import { simWithClient } from '../support/sim-client.ts';

let sim: RunningSim;
let client: StClient;
const MAX_RETRIES = 2;
// A generated shop with payments (the mini tenant has none); its first job and invoice.
const { fixture } = generateTenant({ jobs: 30, seed: 5, payments: true });
const JOB = fixture['jpm/jobs'][0]!.id as number;
const INVOICE = fixture['accounting/invoices'].find((i) => i.job?.id === JOB)!;

beforeAll(async () => {
  ({ sim, client } = await simWithClient(
    { fixture, faults: { rateLimitPerSecond: null } },
    { maxRetries: MAX_RETRIES, baseBackoffMs: 1 },
  ));
});
afterAll(async () => {
  await sim?.close();
});
beforeEach(() => {
  sim.faults.update({ wrongShape: null });
  sim.stats.reset();
});

/** The calls the pipeline makes, each returning the ids it read (to compare with a clean read). */
const CALLS: Record<string, { match: string; read: () => Promise<number[]> }> = {
  'job (GET /jobs/{id})': { match: '/jobs/:id', read: async () => [(await client.getJob(JOB)).id] },
  'invoice by id': {
    match: '/invoices',
    read: async () => [(await client.getInvoice(INVOICE.id))?.id ?? -1],
  },
  'invoice for a job': {
    match: '/invoices',
    read: async () => [(await client.getInvoiceForJob(JOB))?.id ?? -1],
  },
  'payments for an invoice': {
    match: '/payments',
    read: async () => (await client.listPayments({ pageSize: 5 })).map((p) => p.id),
  },
  'jobs export feed': {
    match: '/export/jobs',
    read: async () => (await client.exportPage('jpm', 'jobs', Job)).data.map((j) => j.id),
  },
  'invoices export feed': {
    match: '/export/invoices',
    read: async () => (await client.exportPage('accounting', 'invoices', Invoice)).data.map((i) => i.id),
  },
  'payments export feed': {
    match: '/export/payments',
    read: async () => (await client.exportPage('accounting', 'payments', Payment)).data.map((p) => p.id),
  },
  'price-book services export feed': {
    match: '/export/services',
    read: async () =>
      (await client.exportPage('pricebook', 'services', PricebookService)).data.map((s) => s.id),
  },
  'technicians (tenant list)': {
    match: '/technicians',
    read: async () => (await client.listAll('settings', '/technicians', Technician)).map((t) => t.id),
  },
  'business units (tenant list)': {
    match: '/business-units',
    read: async () => (await client.listAll('settings', '/business-units', BusinessUnit)).map((b) => b.id),
  },
  'tax zones (tenant list)': {
    match: '/tax-zones',
    read: async () => (await client.listAll('accounting', '/tax-zones', TaxZone)).map((z) => z.id),
  },
};

type Expected = 'permanent' | 'transient' | 'same data';
type WrongShape = NonNullable<FaultConfig['wrongShape']>;
const SHAPES: { name: string; fault: Omit<WrongShape, 'match'>; expected: Expected }[] = [
  { name: 'an array instead of an object', fault: { mode: 'array' }, expected: 'permanent' },
  { name: 'null', fault: { mode: 'null' }, expected: 'permanent' },
  { name: 'a required field missing', fault: { mode: 'drop-field', field: 'id' }, expected: 'permanent' },
  { name: 'a required field null', fault: { mode: 'null-field', field: 'id' }, expected: 'permanent' },
  { name: 'numbers as strings', fault: { mode: 'stringify-numbers' }, expected: 'permanent' },
  { name: 'an id that is not a number', fault: { mode: 'garble-field', field: 'id' }, expected: 'permanent' },
  { name: 'a 2 MB string', fault: { mode: 'huge-string', field: 'summary' }, expected: 'permanent' },
  { name: 'unexpected extra fields', fault: { mode: 'extra-fields' }, expected: 'same data' },
  { name: 'JSON labelled text/plain', fault: { mode: 'content-type' }, expected: 'same data' },
  { name: 'truncated JSON', fault: { mode: 'truncate' }, expected: 'transient' },
  { name: 'an HTML page', fault: { mode: 'html' }, expected: 'transient' },
  { name: 'an empty body', fault: { mode: 'empty' }, expected: 'transient' },
];

async function outcome(read: () => Promise<number[]>) {
  try {
    return { ids: await read() };
  } catch (error) {
    return { error: error as Error };
  }
}

describe.each(Object.entries(CALLS))('%s', (_name, call) => {
  it.each(SHAPES)('answered with $name: $expected', async ({ fault, expected }) => {
    const clean = await call.read();
    expect(clean.length).toBeGreaterThan(0);
    sim.stats.reset();
    sim.faults.update({ wrongShape: { ...fault, match: call.match } });
    const result = await outcome(call.read);
    const calls = sim.stats.total;
    sim.faults.update({ wrongShape: null });

    if (expected === 'same data') {
      expect(result.error).toBeUndefined();
      expect(result.ids).toEqual(clean);
      return;
    }
    expect(result.error, 'the call must fail, not return a wrong record').toBeDefined();
    const error = result.error!;
    expect(errorClass(error)).toBe(expected);
    if (expected === 'permanent') {
      expect(error).toBeInstanceOf(StSchemaError);
      expect(error.message).toMatch(/^Unexpected ServiceTitan response from GET \//);
      expect(calls).toBe(1); // not retried: the same answer would come back
    } else {
      expect(error).toBeInstanceOf(StNetworkError);
      expect(error.message).toMatch(/not JSON|an empty body/);
      expect(calls).toBe(MAX_RETRIES + 1); // retried like a 5xx before giving up
    }
    // The reason is short enough to show on a review item, whatever the reply held.
    expect(error.message.length).toBeLessThan(1_000);
  });
});
