// Invoice PDFs rendered by headless Chromium, read back with poppler: every figure to the cent as
// ServiceTitan holds it, the column header and "Page x of y" on every page, totals never alone
// on a page, fonts embedded, a clean qpdf check, no network, and the same text on a re-render.
import { DocumentSettings, formatUsd, fromAmountString } from '@invoicer/core';
import {
  documentFromDraft,
  documentFromStInvoice,
  htmlToText,
  PdfRenderer,
  type RenderedPdf,
  type StDocumentInput,
} from '@invoicer/documents';
import { sampleDocumentInput } from '@invoicer/documents/sample';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdfFonts, pdfInfo, pdfText, pdfToolsMissing, qpdfCheck, squash } from './pdf-tools.ts';

const missing = pdfToolsMissing();
if (missing) console.warn(missing);

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const HEADER = /Description\s+Qty\s+Unit price\s+Amount/;

describe.skipIf(missing !== null)('invoice PDF', () => {
  const renderer = new PdfRenderer();
  let input: StDocumentInput;
  let pdf: RenderedPdf;

  beforeAll(async () => {
    input = sampleDocumentInput(60);
    pdf = await renderer.render(documentFromStInvoice(input));
  });
  afterAll(async () => {
    await renderer.close();
  });

  it('shows every line, to the cent, as ServiceTitan holds it', () => {
    const layout = pdfText(pdf.bytes).join('\n');
    const raw = squash(pdfText(pdf.bytes, 'raw').join('\n'));
    for (const item of input.invoice.items!) {
      const qty = fromAmountString(item.quantity).toFixed();
      const price = formatUsd(item.price);
      const amount = formatUsd(item.total);
      // The row, in reading order: description, quantity, unit price, amount.
      expect(raw).toContain(`${squash(htmlToText(item.description))} ${qty} ${price} ${amount}`);
      // And on one printed line, in columns.
      expect(layout).toMatch(
        new RegExp(`\\s${escapeRe(qty)}\\s+${escapeRe(price)}\\s+${escapeRe(amount)}\\n`),
      );
    }
  });

  it('shows subtotal, tax per rate, total, payments and balance due exactly', () => {
    const layout = pdfText(pdf.bytes).join('\n');
    const { invoice } = input;
    const subTotal = fromAmountString(invoice.subTotal);
    expect(layout).toMatch(new RegExp(`Subtotal\\s+${escapeRe(formatUsd(invoice.subTotal))}`));
    // Per rate, each rounded to cents, adding up to ServiceTitan's tax.
    const state = subTotal.times('0.0625').toDecimalPlaces(2);
    const city = subTotal.times('0.015').toDecimalPlaces(2);
    expect(state.plus(city).eq(fromAmountString(invoice.salesTax))).toBe(true);
    expect(layout).toMatch(new RegExp(`State Sales Tax \\(6\\.25%\\)\\s+${escapeRe(formatUsd(state))}`));
    expect(layout).toMatch(new RegExp(`City Tax \\(1\\.5%\\)\\s+${escapeRe(formatUsd(city))}`));
    expect(layout).toMatch(new RegExp(`Total tax\\s+${escapeRe(formatUsd(invoice.salesTax))}`));
    expect(layout).toMatch(new RegExp(`Total\\s+${escapeRe(formatUsd(invoice.total))}`));
    expect(layout).toMatch(/Payment · Credit Card · Nov 3, 2026\s+-\$100\.00/);
    expect(layout).toMatch(new RegExp(`Balance due\\s+${escapeRe(formatUsd(invoice.balance!))}`));
    expect(layout).toContain('Replaced the failed run capacitor and tested the system.');
    expect(layout).toMatch(/Invoice\s+INV-70001/);
    expect(layout).toMatch(/Due\s+Dec 3, 2026/);
  });

  it('runs a 60-line invoice over pages, each with the column header, licence and "Page x of y"', () => {
    const pages = pdfText(pdf.bytes);
    const count = Number(pdfInfo(pdf.bytes).Pages);
    expect(count).toBeGreaterThanOrEqual(2);
    expect(pages).toHaveLength(count);
    expect(pdf.pageCount).toBe(count);
    pages.forEach((page, n) => {
      expect(page, `page ${n + 1}`).toMatch(HEADER);
      expect(page, `page ${n + 1}`).toContain(`Page ${n + 1} of ${count}`);
      expect(page, `page ${n + 1}`).toContain('TACLA00012345C');
    });
  });

  it('embeds every font, passes qpdf --check, stays small and makes no network request', () => {
    const fonts = pdfFonts(pdf.bytes);
    expect(fonts.length).toBeGreaterThan(0);
    expect(fonts.filter((f) => !f.embedded)).toEqual([]);
    const check = qpdfCheck(pdf.bytes);
    expect(check.ok, check.output).toBe(true);
    expect(check.output).toContain('No syntax or stream encoding errors');
    expect(pdf.bytes.length).toBeLessThan(300 * 1024);
    expect(pdf.blockedRequests).toBe(0);
    expect(pdfInfo(pdf.bytes).Tagged).toBe('yes');
  });

  it('gives the same text when the same revision is rendered again', async () => {
    const again = await renderer.render(documentFromStInvoice(input));
    expect(pdfText(again.bytes)).toEqual(pdfText(pdf.bytes));
  });

  it('never leaves the totals alone on a page', async () => {
    // Around the first page break (about a dozen rows fit on page 1).
    for (let lines = 8; lines <= 16; lines++) {
      const doc = await renderer.render(documentFromStInvoice(sampleDocumentInput(lines, 3)));
      const pages = pdfText(doc.bytes);
      const last = pages.find((p) => p.includes('Balance due'));
      expect(last, `${lines} lines`).toBeDefined();
      expect(last, `${lines} lines: the last row is with the totals`).toContain(`line ${lines}`);
      expect(last).toMatch(HEADER);
    }
  });

  it('counts and blocks any request the page makes', async () => {
    const html = '<!doctype html><html><body><p>x</p><img src="http://127.0.0.1:9/logo.png"></body></html>';
    const doc = await renderer.renderHtml(html, '<span></span>');
    expect(doc.blockedRequests).toBe(1);
    expect(doc.pageCount).toBe(1);
  });

  it('launches a new browser when the one it had is gone', async () => {
    const held = (renderer as unknown as { browser: Promise<{ close(): Promise<void> }> | null }).browser;
    expect(held).not.toBeNull();
    await (await held!).close();
    const doc = await renderer.render(documentFromStInvoice(sampleDocumentInput(2)));
    expect(pdfText(doc.bytes).join('')).toContain('Balance due');
  });

  it('marks the console preview DRAFT on every page', async () => {
    const draft = documentFromDraft({
      context: {
        job: {
          id: 1,
          number: '1001',
          jobTypeName: 'AC Repair',
          businessUnitId: 10,
          businessUnitName: 'HVAC',
          completedOn: '2026-01-05T15:00:00Z',
        },
        invoice: { id: 6001, referenceNumber: 'INV-1001' },
        customer: { name: 'Pat' },
        location: { name: 'Home', address: '1 Main St' },
        labor: [],
      },
      draft: {
        lines: Array.from({ length: 40 }, (_, n) => ({
          description: `Part ${n + 1}`,
          skuName: 'P',
          quantity: '1',
          unitPrice: '10.00',
          total: '10.00',
        })),
        subTotal: '400.00',
        salesTax: '0.00',
        total: '400.00',
      },
      businessUnit: null,
      settings: DocumentSettings.parse({}),
    });
    const doc = await renderer.render(draft);
    const pages = pdfText(doc.bytes);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    // The watermark is drawn rotated: read in content order, spaces removed.
    const raw = pdfText(doc.bytes, 'raw');
    for (const [n, page] of raw.entries())
      expect(page.replace(/\s+/g, ''), `page ${n + 1}`).toContain('DRAFT');
    expect(pages[0]).toContain('DRAFT INVOICE');
    expect(pages.join('\n')).toMatch(/Balance due\s+\$400\.00/);
  });
});
