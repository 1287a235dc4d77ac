import { describe, expect, it } from 'vitest';
import { generateTenant } from './generator/index.ts';
import { SimTenant } from './tenant.ts';

describe('SimTenant.recompute', () => {
  it("keeps the fixture's own tax while an invoice holds exactly its items, and recomputes after an edit", () => {
    const { fixture } = generateTenant({ jobs: 60, seed: 4, payments: false });
    const source = fixture['accounting/invoices'].find(
      (i) => (i.items ?? []).length >= 2 && Number(i.salesTax) > 0,
    )!;
    // A shop that rounds differently from the simulator: its tax is a cent off ours.
    const shopTax = (Number(source.salesTax) + 0.01).toFixed(2);
    const shopTotal = (Number(source.total) + 0.01).toFixed(2);
    const tenant = new SimTenant({
      ...fixture,
      'accounting/invoices': fixture['accounting/invoices'].map((i) =>
        i.id === source.id ? { ...i, salesTax: shopTax, total: shopTotal } : i,
      ),
    });
    const invoice = tenant.invoices.get(source.id)!;
    tenant.recompute(invoice);
    expect(invoice.salesTax).toBe(shopTax);
    expect(invoice.total).toBe(shopTotal);

    const [removed, ...rest] = invoice.items!;
    invoice.items = rest;
    tenant.recompute(invoice);
    expect(invoice.salesTax).not.toBe(shopTax);
    invoice.items = [removed!, ...rest];
    tenant.recompute(invoice);
    expect(invoice.salesTax).toBe(shopTax);
  });
});
