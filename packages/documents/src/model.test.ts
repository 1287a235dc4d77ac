import { DocumentSettings, formatUsd } from '@invoicer/core';
import { describe, expect, it } from 'vitest';
import { documentFromDraft } from './from-draft.ts';
import { documentFromStInvoice } from './from-st.ts';
import { addressLines, brandingFor, displayDate } from './model.ts';
import { sampleDocumentInput } from './sample.ts';
import { footerHtml, invoiceHtml, ROWS_WITH_TOTALS } from './template.ts';

describe('view model from the ServiceTitan invoice', () => {
  const input = sampleDocumentInput(5);
  const model = documentFromStInvoice(input);

  it('prints every active item with its own quantity, unit price and amount', () => {
    expect(model.lines).toHaveLength(5);
    const first = input.invoice.items![0]!;
    expect(model.lines[0]).toEqual({
      description: expect.stringContaining('capacitor & test refrigerant R-410A'),
      quantity: '1.5',
      unitPrice: formatUsd(first.price),
      amount: formatUsd(first.total),
    });
  });

  it('takes the totals and balance from ServiceTitan, and the payment applied to this invoice', () => {
    expect(model.subTotal).toBe(formatUsd(input.invoice.subTotal!));
    expect(model.total).toBe(formatUsd(input.invoice.total!));
    expect(model.payments).toEqual([{ label: 'Payment · Credit Card · Nov 3, 2026', amount: '-$100.00' }]);
    expect(model.balance).toBe(formatUsd(input.invoice.balance!));
    expect(model.taxLines.map((t) => t.label)).toEqual(['State Sales Tax (6.25%)', 'City Tax (1.5%)']);
  });

  it('ignores inactive items and payments applied to other invoices', () => {
    const items = input.invoice.items!.map((i, n) => (n === 0 ? { ...i, active: false } : i));
    const other = documentFromStInvoice({
      ...input,
      invoice: { ...input.invoice, items, balance: null },
      payments: [{ id: 2, appliedTo: [{ appliedTo: 1, appliedAmount: '5.00' }] }],
    });
    expect(other.lines).toHaveLength(4);
    expect(other.payments).toEqual([]);
    // No balance from ServiceTitan: total minus what was applied (nothing).
    expect(other.balance).toBe(formatUsd(input.invoice.total!));
  });

  it('uses the business unit’s official name and paragraphs, and the unit’s branding override', () => {
    expect(model.seller.name).toBe('Brightwave Heating & Air LLC');
    expect(model.seller.acknowledgementParagraph).toMatch(/acknowledge/);
    const settings = DocumentSettings.parse({
      accentColor: '#112233',
      businessUnits: [{ businessUnitId: 10, accentColor: '#abcdef', licenceText: 'TACLA 1' }],
    });
    expect(brandingFor(settings, 10)).toMatchObject({ accentColor: '#abcdef', licenceText: 'TACLA 1' });
    expect(brandingFor(settings, 11)).toMatchObject({ accentColor: '#112233', licenceText: null });
  });
});

describe('view model from the draft (console preview)', () => {
  it('is marked DRAFT and balances to the draft total', () => {
    const model = documentFromDraft({
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
        labor: [{ technicianName: 'Alex' }],
      },
      draft: {
        lines: [
          {
            description: '<p>Cap</p>',
            skuName: 'CAP',
            quantity: '1.00',
            unitPrice: '145.00',
            total: '145.00',
          },
        ],
        subTotal: '145.00',
        salesTax: '9.06',
        total: '154.06',
        taxBreakdown: [{ taxName: 'State', rate: '0.0625', amount: '9.06' }],
        summary: 'AC Repair at 1 Main St.',
      },
      businessUnit: null,
      settings: DocumentSettings.parse({}),
    });
    expect(model.watermark).toBe('DRAFT');
    expect(model.lines[0]).toEqual({
      description: 'Cap',
      quantity: '1',
      unitPrice: '$145.00',
      amount: '$145.00',
    });
    expect(model.taxLines).toEqual([{ label: 'State (6.25%)', amount: '$9.06' }]);
    expect(model.balance).toBe('$154.06');
    expect(model.invoiceDate).toBe('Jan 5, 2026');
  });
});

describe('template', () => {
  const input = sampleDocumentInput(6);
  it('escapes every value and references nothing outside the page', () => {
    const model = documentFromStInvoice({
      ...input,
      invoice: { ...input.invoice, customer: { name: '<img src=http://evil.example/x onerror=alert(1)>' } },
    });
    const html = invoiceHtml(model, '');
    expect(html).not.toContain('<img src=http');
    expect(html).toContain('&lt;img src=http://evil.example/x');
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(html).not.toMatch(/url\(\s*['"]?https?:/);
  });
  it('keeps the last rows with the totals, and repeats the column header', () => {
    const html = invoiceHtml(documentFromStInvoice(input), '');
    const tail = html.slice(html.indexOf('<tbody class="tail">'));
    expect(tail.match(/<tr class="line">/g)).toHaveLength(ROWS_WITH_TOTALS);
    expect(tail).toContain('Balance due');
    expect(html).toContain('thead{display:table-header-group}');
  });
  it('refuses a logo that is not an inline image and a colour that is not hex', () => {
    const model = documentFromStInvoice(input);
    const html = invoiceHtml(
      {
        ...model,
        branding: {
          ...model.branding,
          logoDataUrl: 'https://evil.example/logo.png',
          accentColor: 'red;}body{display:none',
        },
      },
      '',
    );
    expect(html).not.toContain('evil.example');
    expect(html).not.toContain('display:none');
  });
  it('puts the licence text and page numbers in the footer', () => {
    const footer = footerHtml(documentFromStInvoice(input));
    expect(footer).toContain('TACLA00012345C');
    expect(footer).toContain('<span class="pageNumber"></span> of <span class="totalPages"></span>');
    expect(footer).toContain('font-size:8pt');
  });
});

describe('addresses and dates', () => {
  it('writes postal lines and leaves the US out', () => {
    expect(
      addressLines({
        street: '1 Main',
        unit: '2B',
        city: 'Austin',
        state: 'TX',
        zip: '78701',
        country: 'USA',
      }),
    ).toEqual(['1 Main, 2B', 'Austin, TX 78701']);
    expect(addressLines({ city: 'Toronto', state: 'ON', country: 'Canada' })).toEqual([
      'Toronto, ON',
      'Canada',
    ]);
  });
  it('prints the calendar date ServiceTitan wrote, without a zone shift', () => {
    expect(displayDate('2026-12-31T23:30:00-08:00')).toBe('Dec 31, 2026');
    expect(displayDate('nope')).toBeNull();
  });
});
