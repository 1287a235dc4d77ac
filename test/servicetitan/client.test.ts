// The client against the simulator over real HTTP: auth, paging, export continuation, ids
// batching, 429/5xx handling and typed errors.

import type { StClient } from '@invoicer/servicetitan';
import { StApiError, StRateLimitedError } from '@invoicer/servicetitan';
import type { RunningSim } from '@invoicer/st-sim';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { simWithClient } from '../support/sim-client.ts';

let sim: RunningSim;
let client: StClient;

beforeAll(async () => {
  ({ sim, client } = await simWithClient({ faults: { rateLimitPerSecond: null } }));
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.stats.reset();
  sim.faults.update({ burst429: null, errorRate5xx: 0 });
});

describe('authentication', () => {
  it('sends the app key and a cached bearer token', async () => {
    const before = client.tokens.requests;
    await client.getJob(1001);
    await client.getJob(1002);
    expect(client.tokens.requests - before).toBeLessThanOrEqual(1);
    expect(sim.stats.byStatus.get(200)).toBe(2);
  });

  it('gets a new token when the old one expired', async () => {
    await client.getJob(1001);
    const before = client.tokens.requests;
    sim.tokens.expireAll();
    const job = await client.getJob(1003);
    expect(job.id).toBe(1003);
    expect(client.tokens.requests).toBe(before + 1);
    expect(sim.stats.byStatus.get(401)).toBe(1);
  });

  it('refreshes before expiry when the token is about to lapse', async () => {
    const { sim: shortSim, client: shortClient } = await simWithClient({ tokenLifetimeSeconds: 30 });
    try {
      await shortClient.getJob(1001);
      await shortClient.getJob(1002);
      // A 30 s token is inside the 60 s refresh margin, so each call fetches a fresh one.
      expect(shortClient.tokens.requests).toBe(2);
      expect(shortSim.stats.byStatus.get(401) ?? 0).toBe(0);
    } finally {
      await shortSim.close();
    }
  });

  it('fails with a typed error on bad credentials', async () => {
    const { sim: other, client: bad } = await simWithClient({}, { clientSecret: 'wrong' });
    try {
      await expect(bad.getJob(1001)).rejects.toMatchObject({ name: 'StApiError', status: 400 });
    } finally {
      await other.close();
    }
  });
});

describe('paging and batching', () => {
  it('walks every page of a list', async () => {
    const jobs = await client.listAll('jpm', '/jobs', (await import('@invoicer/servicetitan')).Job, {}, 50);
    expect(jobs).toHaveLength(120);
    expect(sim.stats.byEndpoint.get('GET /jpm/v2/tenant/:tenant/jobs')).toBe(3);
  });

  it('batches ids at most 50 per call', async () => {
    const ids = Array.from({ length: 120 }, (_, i) => 5001 + i);
    const invoices = await client.byIds(
      'accounting',
      '/invoices',
      (await import('@invoicer/servicetitan')).Invoice,
      ids,
    );
    expect(invoices.map((i) => i.id).sort()).toEqual(ids);
    expect(sim.stats.byEndpoint.get('GET /accounting/v2/tenant/:tenant/invoices')).toBe(3);
  });
});

describe('export feeds', () => {
  it('continues from the saved token and returns only what changed', async () => {
    const { Job } = await import('@invoicer/servicetitan');
    let token: string | null = null;
    let seen = 0;
    for await (const page of client.exportFeed('jpm', 'jobs', Job, null)) {
      seen += page.data.length;
      token = page.continueFrom;
    }
    expect(seen).toBe(120);
    const idle = await client.exportPage('jpm', 'jobs', Job, token);
    expect(idle.data).toHaveLength(0);
    expect(idle.hasMore).toBe(false);

    await client.http.request('PUT', 'jpm', '/jobs/1050/complete', {
      body: { completedOn: '2026-03-01T10:00:00Z' },
    });
    const next = await client.exportPage('jpm', 'jobs', Job, idle.continueFrom);
    expect(next.data.map((j) => j.id)).toEqual([1050]);
    expect(next.data[0]?.active).toBe(true);
  });

  it('accepts a date as the starting point', async () => {
    const { Job } = await import('@invoicer/servicetitan');
    const page = await client.exportPage('jpm', 'jobs', Job, '2026-04-20');
    expect(page.data.every((j) => (j.modifiedOn ?? '') >= '2026-04-20')).toBe(true);
    expect(page.data.length).toBeGreaterThan(0);
  });
});

describe('resilience', () => {
  it('honours a short Retry-After inline', async () => {
    sim.faults.script({ status: 429, retryAfterSeconds: 1, match: '/jobs/:id' });
    const started = Date.now();
    const job = await client.getJob(1004);
    expect(job.id).toBe(1004);
    expect(sim.stats.byStatus.get(429)).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('surfaces a long Retry-After to the caller (the worker rate limiter)', async () => {
    sim.faults.script({ status: 429, retryAfterSeconds: 31, match: '/jobs/:id' });
    const error = await client.getJob(1004).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StRateLimitedError);
    expect((error as StRateLimitedError).retryAfterMs).toBe(31_000);
  });

  it('makes progress through a 429 on every seventh call with a 3 s Retry-After (no livelock)', async () => {
    sim.faults.update({ burst429: { every: 7, retryAfterSeconds: 3 } });
    try {
      // A stage's worth of calls: each completes, waiting out its 429 instead of failing.
      const jobs = [];
      for (const id of [1001, 1002, 1003, 1004, 1005, 1001, 1002, 1003]) jobs.push(await client.getJob(id));
      expect(jobs.map((j) => j.id)).toEqual([1001, 1002, 1003, 1004, 1005, 1001, 1002, 1003]);
      expect(sim.stats.byStatus.get(429)).toBeGreaterThanOrEqual(1);
    } finally {
      sim.faults.update({ burst429: null });
    }
  }, 30_000);

  it('retries a 200 whose body is an HTML page, instead of failing the run for good', async () => {
    let served = 0;
    const page = '<html><body>Down for maintenance</body></html>';
    const real = await client.getJob(1004);
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      if (req.url?.startsWith('/connect/token')) {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ access_token: 't', expires_in: 900, token_type: 'Bearer' }));
        return;
      }
      served += 1;
      if (served === 1) {
        res.setHeader('content-type', 'text/html');
        res.end(page);
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(real));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const { StClient } = await import('@invoicer/servicetitan');
      const html = new StClient({
        tenantId: 1,
        apiBaseUrl: url,
        authUrl: `${url}/connect/token`,
        clientId: 'id',
        clientSecret: 'secret',
        appKey: 'key',
        baseBackoffMs: 5,
      });
      const job = await html.getJob(1004);
      expect(job.id).toBe(1004);
      expect(served).toBe(2);
    } finally {
      server.close();
    }
  });

  it('retries 5xx on reads', async () => {
    sim.faults.script({ status: 500, match: '/jobs/:id' }, { status: 503, match: '/jobs/:id' });
    const job = await client.getJob(1005);
    expect(job.id).toBe(1005);
    expect(sim.stats.byStatus.get(500)).toBe(1);
    expect(sim.stats.byStatus.get(503)).toBe(1);
  });

  it('does not blindly retry a non-idempotent write after a 5xx', async () => {
    sim.faults.script({ status: 500, match: 'POST' });
    const error = await client
      .createPayment({ typeId: 1, splits: [{ invoiceId: 5001, amount: 10 }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StApiError);
    expect((error as StApiError).status).toBe(500);
    expect(sim.stats.byEndpoint.get('POST /accounting/v2/tenant/:tenant/payments')).toBe(1);
  });

  it('raises typed 4xx errors carrying the ApiErrorResponse fields', async () => {
    const error = (await client.getJob(999_999).catch((e: unknown) => e)) as StApiError;
    expect(error).toBeInstanceOf(StApiError);
    expect(error.status).toBe(404);
    expect(error.permanent).toBe(true);
    expect(error.title).toMatch(/not found/);
    expect(error.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('refuses to send an item append without a SKU', () => {
    expect(() => client.patchInvoiceItem(5001, { description: 'x', quantity: 1 })).toThrow(
      /needs skuId or skuName/,
    );
  });
});

describe('writes and read-back', () => {
  it('appends one item per call and the invoice totals follow', async () => {
    await client.patchInvoiceItem(5010, {
      description: 'Trip Charge',
      quantity: 1,
      skuId: 701,
      unitPrice: 59,
    });
    const invoice = await client.getInvoice(5010);
    expect(invoice?.items?.map((i) => i.skuId)).toEqual([601, 701]);
    expect(invoice?.subTotal).toBe('204.00');
    expect(invoice?.salesTax).toBe('9.06');
    expect(invoice?.total).toBe('213.06');
  });

  it('creates a payment with splits that reads back as appliedTo', async () => {
    const created = await client.createPayment({
      typeId: 1,
      splits: [{ invoiceId: 5011, amount: 154.06 }],
      memo: 'check 1001',
    });
    const [payment] = await client.listPayments({ ids: [created.id] });
    expect(payment?.appliedTo?.[0]).toMatchObject({ appliedTo: 5011, appliedAmount: '154.06' });
    const invoice = await client.getInvoice(5011);
    expect(invoice?.balance).toBe('0.00');
  });

  it('keeps reviewStatus through PATCH', async () => {
    await client.patchInvoice(5012, { reviewStatus: 'Reviewed' });
    expect((await client.getInvoice(5012))?.reviewStatus).toBe('Reviewed');
  });

  it('takes items and the status in one invoice PATCH, all or none', async () => {
    const before = (await client.getInvoice(5013))!;
    const count = before.items?.length ?? 0;
    const unknownSku = await client
      .patchInvoice(5013, {
        items: [
          { description: 'Trip Charge', quantity: 1, skuId: 601 },
          { description: 'No such thing', quantity: 1, skuId: 999_999 },
        ],
        reviewStatus: 'Reviewed',
      })
      .catch((e: unknown) => e);
    expect(unknownSku).toBeInstanceOf(StApiError);
    expect((await client.getInvoice(5013))?.items).toHaveLength(count);
    expect((await client.getInvoice(5013))?.reviewStatus).toBe(before.reviewStatus);

    await client.patchInvoice(5013, {
      items: [
        { description: 'Trip Charge', quantity: 1, skuId: 601, unitPrice: 95 },
        { description: 'Trip Charge', quantity: 2, skuId: 701, unitPrice: 59 },
      ],
      reviewStatus: 'Reviewed',
    });
    const after = (await client.getInvoice(5013))!;
    expect(after.items?.slice(count).map((i) => [i.skuId, i.quantity])).toEqual([
      [601, '1.00'],
      [701, '2.00'],
    ]);
    expect(after.reviewStatus).toBe('Reviewed');
  });
});
