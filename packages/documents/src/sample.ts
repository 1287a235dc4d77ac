// A synthetic ServiceTitan invoice for tests, the bench and manual looks: `lines` items with
// HTML descriptions, a multi-rate tax zone, and one payment.
import { DocumentSettings, fromAmountString, roundCents, sum, toMoneyString } from '@invoicer/core';
import type { StDocumentInput, StInvoiceInput } from './from-st.ts';

const WORDS = [
  'Replace',
  'capacitor',
  'condenser',
  'fan motor',
  'refrigerant R-410A',
  'flush',
  'drain line',
  'inspect',
  'breaker',
  'panel',
  'GFCI outlet',
  'thermostat',
];

export const SAMPLE_RATES = [
  { taxName: 'State Sales Tax', taxBaseType: ['Subtotal'], taxRate: 0.0625 },
  { taxName: 'City Tax', taxBaseType: ['Subtotal'], taxRate: 0.015 },
];

export function sampleInvoice(lines: number, seed = 1): StInvoiceInput {
  const items = Array.from({ length: lines }, (_, n) => {
    const k = (n * 7 + seed) % WORDS.length;
    const quantity = n % 5 === 0 ? '1.5' : String((n % 3) + 1);
    const price = `${(19 + ((n * 37 + seed * 11) % 400)).toString()}.${String((n * 13) % 100).padStart(2, '0')}`;
    const total = toMoneyString(roundCents(fromAmountString(quantity).times(fromAmountString(price))));
    const description =
      n % 4 === 0
        ? `<p>${WORDS[k]} &amp; test <b>${WORDS[(k + 3) % WORDS.length]}</b> — line ${n + 1}, a longer description that wraps inside its cell on the printed page</p>`
        : `${WORDS[k]} ${WORDS[(k + 5) % WORDS.length]} line ${n + 1}`;
    return {
      id: 9000 + n,
      description,
      quantity,
      price,
      total,
      type: n % 3 === 0 ? 'Service' : 'Material',
      taxable: true,
      active: true,
      order: n,
      skuName: `SKU-${n + 1}`,
    };
  });
  const subTotal = sum(items.map((i) => fromAmountString(i.total)));
  const tax = sum(SAMPLE_RATES.map((r) => roundCents(subTotal.times(String(r.taxRate)))));
  const total = subTotal.plus(tax);
  return {
    id: 70000 + seed,
    referenceNumber: `INV-${70000 + seed}`,
    invoiceDate: '2026-11-03T00:00:00Z',
    dueDate: '2026-12-03T00:00:00Z',
    termName: 'Net 30',
    summary: '<p>Replaced the failed run capacitor and tested the system.</p>',
    subTotal: toMoneyString(subTotal),
    salesTax: toMoneyString(tax),
    total: toMoneyString(total),
    balance: toMoneyString(total.minus('100.00')),
    customer: { id: 1, name: 'Pat O’Brien & Co <Ltd>' },
    customerAddress: {
      street: '12 Oak St',
      unit: 'Apt 4',
      city: 'Riverton',
      state: 'TX',
      zip: '78640',
      country: 'USA',
    },
    location: { id: 2, name: 'Home' },
    locationAddress: { street: '12 Oak St', city: 'Riverton', state: 'TX', zip: '78640' },
    businessUnit: { id: 10, name: 'HVAC Service' },
    job: { id: 555, number: '555', type: 'AC Repair' },
    items,
  };
}

export function sampleDocumentInput(lines: number, seed = 1): StDocumentInput {
  const invoice = sampleInvoice(lines, seed);
  return {
    invoice,
    businessUnit: {
      id: 10,
      name: 'HVAC Service',
      officialName: 'Brightwave Heating & Air LLC',
      phoneNumber: '512-555-0140',
      email: 'billing@brightwave.example.com',
      invoiceHeader: 'Brightwave Heating & Air LLC',
      invoiceMessage: 'Thank you for choosing Brightwave!',
      authorizationParagraph: 'I authorize the work described above.',
      acknowledgementParagraph: 'I acknowledge the work was completed to my satisfaction.',
      address: { street: '400 Industrial Blvd', city: 'Riverton', state: 'TX', zip: '78640' },
    },
    payments: [
      {
        id: 1,
        type: 'Credit Card',
        date: '2026-11-03T00:00:00Z',
        appliedTo: [{ appliedTo: invoice.id, appliedAmount: '100.00' }],
      },
    ],
    taxRates: SAMPLE_RATES,
    technicians: new Map([[0, 'Alex Rivera']]),
    settings: DocumentSettings.parse({
      licenceText:
        'TACLA00012345C · Regulated by the Texas Department of Licensing and Regulation, P.O. Box 12157, Austin, TX 78711, 1-800-803-9202',
    }),
  };
}
