import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateTenant } from './generator/index.ts';
import { Journal } from './journal.ts';
import { SimTenant } from './tenant.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'sim-journal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Journal', () => {
  it('replays, at start-up, writes to every custom field the delivery and payment-plan steps use', () => {
    // A first run's journal (`npm run demo` restarts from it): the sends and plans it recorded
    // must apply before any route has been registered.
    const { fixture } = generateTenant({ jobs: 30, seed: 4, payments: false });
    const invoiceId = fixture['accounting/invoices'][0]!.id;
    const journal = new Journal(path.join(dir, 'state.jsonl'));
    for (const [name, value] of [
      ['AI Draft Status', 'posted r1'],
      ['Sent by invoicer', 'email 2026-12-06 06:17 UTC'],
      ['Payment plan', '3 × 100.00'],
    ])
      journal.append({
        op: 'customFields',
        args: { body: { operations: [{ objectId: invoiceId, customFields: [{ name, value }] }] } },
      });
    const tenant = new SimTenant(fixture);
    expect(journal.replay(tenant, 'honor')).toBe(3);
    expect(tenant.invoices.get(invoiceId)!.customFields).toEqual([
      { name: 'AI Draft Status', value: 'posted r1' },
      { name: 'Sent by invoicer', value: 'email 2026-12-06 06:17 UTC' },
      { name: 'Payment plan', value: '3 × 100.00' },
    ]);
  });
});
