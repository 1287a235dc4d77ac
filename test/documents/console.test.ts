// The console's invoice PDFs: beside the draft, a "Preview PDF (draft)" link that renders the
// current draft as a PDF marked DRAFT with the draft's figures; after posting, a link to the
// stored PDF with its hash and attachment state, served as the stored bytes.

import type { ConsoleApp } from '@invoicer/console';
import { saveInvoiceDocument } from '@invoicer/db';
import { createTestDatabase, type TestDatabase, testQueuePrefix, testRedisUrl } from '@invoicer/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoleUsers, seedInvoiceItem, startTestConsole, TestClient } from '../console/support.ts';
import { pdfText, pdfToolsMissing } from './pdf-tools.ts';

const missing = pdfToolsMissing();
if (missing) console.warn(missing);

describe.skipIf(missing !== null)('console: invoice PDFs on the item page', () => {
  let t: TestDatabase;
  let app: ConsoleApp;
  let client: TestClient;
  let item: { itemId: string; runId: string };

  beforeAll(async () => {
    t = await createTestDatabase();
    app = await startTestConsole({
      DATABASE_URL: t.url,
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: testQueuePrefix('pdfcon'),
    });
    const emails = await createRoleUsers(t.db);
    item = await seedInvoiceItem(t.db, { stJobId: 2001, customerName: 'Pat <Customer>' });
    client = new TestClient(app.app);
    await client.signIn(emails.billing_specialist);
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  it('links the draft preview from the item page', async () => {
    const page = await client.get(`/items/${item.itemId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`href="/items/${item.itemId}/pdf/preview"`);
    expect(page.body).toContain('Preview PDF (draft)');
    const fragment = await client.get(`/items/${item.itemId}/documents`);
    expect(fragment.statusCode).toBe(200);
    expect(fragment.body).toContain('No posted PDF yet.');
  });

  it('renders the draft as a PDF marked DRAFT, with the draft’s figures', async () => {
    const res = await client.get(`/items/${item.itemId}/pdf/preview`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['cache-control']).toBe('no-store');
    const bytes = res.rawPayload;
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(bytes).join('\n');
    expect(text).toContain('DRAFT INVOICE');
    expect(text).toMatch(/Capacitor 45\/5 MFD\s+1\s+\$145\.00\s+\$145\.00/);
    expect(text).toMatch(/Subtotal\s+\$145\.00/);
    expect(text).toMatch(/Total\s+\$154\.06/);
    expect(text).toContain('Pat <Customer>');
  });

  it('after posting, links and serves the stored PDF byte for byte', async () => {
    const bytes = Buffer.from('%PDF-1.4\n% stored\n');
    await saveInvoiceDocument(t.db, {
      tenantId: 'acme',
      runId: item.runId,
      invoiceId: 7001,
      jobId: 2001,
      revision: 1,
      fileName: 'Invoice-INV-2001-r1.pdf',
      sha256: 'cd'.repeat(32),
      bytes,
      pageCount: 1,
      renderMs: 5,
    });
    const fragment = await client.get(`/items/${item.itemId}/documents`);
    expect(fragment.body).toContain(`href="/items/${item.itemId}/pdf"`);
    expect(fragment.body).toContain('Invoice-INV-2001-r1.pdf');
    expect(fragment.body).toContain('not attached to the job yet');
    const res = await client.get(`/items/${item.itemId}/pdf`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe('inline; filename="Invoice-INV-2001-r1.pdf"');
    expect(res.rawPayload.equals(bytes)).toBe(true);
  });

  it('answers 404 for an item that does not exist', async () => {
    const res = await client.get('/items/00000000-0000-4000-8000-000000000000/pdf/preview');
    expect(res.statusCode).toBe(404);
  });
});
