// The simulator's after-commit fault (apps/st-sim/src/after-commit.ts): the write is applied,
// then the answer is a 500 or a dropped connection; reads are never touched; `times` turns the
// knob off after that many failures; POST /_sim/faults sets it like any other knob.
import { afterEach, describe, expect, it } from 'vitest';
import { simWithClient } from '../support/sim-client.ts';

const INVOICE = 5001;

describe('simulator: failing after commit', () => {
  let close: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await close?.();
    close = null;
  });

  async function setUp() {
    const { sim, client } = await simWithClient({}, { maxRetries: 0 });
    close = () => sim.close();
    const items = () => sim.tenant.invoices.get(INVOICE)!.items ?? [];
    return { sim, client, items };
  }

  const append = { skuId: 501, description: 'Diagnostic', quantity: 1, unitPrice: 89 };

  it('applies the write, then answers 500 (error mode), and counts it', async () => {
    const { sim, client, items } = await setUp();
    sim.faults.update({ failAfterCommit: { rate: 1, mode: 'error' } });
    const before = items().length;
    await expect(client.patchInvoiceItem(INVOICE, append)).rejects.toMatchObject({ status: 500 });
    expect(items().length).toBe(before + 1);
    // Reads pass untouched.
    expect((await client.getInvoice(INVOICE))?.items?.length).toBe(before + 1);
    const counts = (await sim.app.inject({ method: 'GET', url: '/_sim/after-commit' })).json();
    expect(counts).toMatchObject({ writes: 1, errors: 1, drops: 0 });
  });

  it('applies the write, then drops the connection (drop mode)', async () => {
    const { sim, client, items } = await setUp();
    sim.faults.update({ failAfterCommit: { rate: 1, mode: 'drop' } });
    const before = items().length;
    await expect(client.patchInvoiceItem(INVOICE, append)).rejects.toThrow();
    expect(items().length).toBe(before + 1);
    const counts = (await sim.app.inject({ method: 'GET', url: '/_sim/after-commit' })).json();
    expect(counts).toMatchObject({ writes: 1, errors: 0, drops: 1 });
  });

  it('fails only matching writes, `times` times, set over POST /_sim/faults', async () => {
    const { sim, client, items } = await setUp();
    const set = await sim.app.inject({
      method: 'POST',
      url: '/_sim/faults',
      payload: { failAfterCommit: { rate: 1, mode: 'error', match: '/items', times: 1 } },
    });
    expect(set.json().failAfterCommit).toMatchObject({ match: '/items', times: 1 });
    await client.patchInvoice(INVOICE, { reviewStatus: 'Reviewed' }); // not matching: passes
    await expect(client.patchInvoiceItem(INVOICE, append)).rejects.toMatchObject({ status: 500 });
    await client.patchInvoiceItem(INVOICE, append); // the knob turned itself off
    expect(items().filter((i) => i.skuId === 501)).toHaveLength(2);
    expect(sim.faults.config.failAfterCommit).toBeNull();
  });
});
