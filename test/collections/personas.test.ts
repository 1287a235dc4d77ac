// Customer payment personas in the generator (opt-in): without them the output is unchanged;
// with them, customers' own history predicts lateness (slow and never-paying personas are late
// far more often than prompt ones), which is what gives the risk backtest something to measure.
import { buildLedger, DAY_MS, paidInFullAt } from '@invoicer/collections';
import { describe, expect, it } from 'vitest';
import { generateTenant } from '../../apps/st-sim/src/generator/index.ts';
import { personaOf } from '../../apps/st-sim/src/generator/personas.ts';

describe('payment personas', () => {
  it('leave the default output unchanged and make lateness a trait of the customer', () => {
    const base = generateTenant({ jobs: 600, seed: 3, payments: true });
    const off = generateTenant({ jobs: 600, seed: 3, payments: true, personas: false });
    expect(JSON.stringify(off.fixture['accounting/payments'])).toBe(
      JSON.stringify(base.fixture['accounting/payments']),
    );
    const on = generateTenant({ jobs: 600, seed: 3, payments: true, personas: true });
    expect(JSON.stringify(on.fixture['accounting/payments'])).not.toBe(
      JSON.stringify(base.fixture['accounting/payments']),
    );
    const { invoices } = buildLedger(on.fixture['accounting/invoices'], on.fixture['accounting/payments']);
    const end = Math.max(...invoices.map((i) => i.invoiceDate.getTime()));
    const lateShare: Record<string, [number, number]> = {};
    for (const inv of invoices) {
      if (!inv.dueDate || inv.dueDate.getTime() + 30 * DAY_MS > end) continue;
      const paid = paidInFullAt(inv);
      if (paid && paid.getTime() <= inv.invoiceDate.getTime() + DAY_MS) continue; // paid at the visit
      const p = personaOf(3, inv.customerId);
      const late = !paid || paid.getTime() > inv.dueDate.getTime() + 30 * DAY_MS;
      const [n, l] = lateShare[p] ?? [0, 0];
      lateShare[p] = [n + 1, l + (late ? 1 : 0)];
    }
    const share = (p: string) => lateShare[p]![1] / lateShare[p]![0];
    expect(lateShare.prompt![0]).toBeGreaterThan(20);
    expect(share('prompt')).toBeLessThan(0.2);
    expect(share('slow')).toBeGreaterThan(0.6);
    expect(share('never_after_90')).toBeGreaterThan(0.4);
  });
});
