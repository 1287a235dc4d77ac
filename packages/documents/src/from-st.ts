// The posted invoice's document, built from ServiceTitan's own records only: the invoice as read
// back (items, totals, balance), the payments applied to it and its business unit. Our draft is
// never an input here, so the PDF shows what ServiceTitan holds.
import { type DocumentSettings, fromAmountString, sum } from '@invoicer/core';
import { formatMoney, formatQuantity, type TaxRateInput, taxLines } from './amounts.ts';
import {
  addressLines,
  type BusinessUnitInfo,
  brandingFor,
  displayDate,
  type InvoiceDocumentModel,
  type StAddress,
  sellerFrom,
} from './model.ts';
import { htmlToText, plainText } from './text.ts';

/** The fields of a ServiceTitan invoice the document reads (structurally the client's Invoice). */
export interface StInvoiceInput {
  id: number;
  referenceNumber?: string | null;
  invoiceDate?: string | null;
  dueDate?: string | null;
  termName?: string | null;
  summary?: string | null;
  subTotal: string;
  salesTax: string;
  total: string;
  balance?: string | null;
  discountTotal?: string | null;
  salesTaxCode?: { name?: string | null; taxRate?: number | null } | null;
  customer?: { id?: number | null; name?: string | null } | null;
  customerAddress?: StAddress | null;
  location?: { id?: number | null; name?: string | null } | null;
  locationAddress?: StAddress | null;
  businessUnit?: { id?: number | null; name?: string | null } | null;
  job?: { id: number; number?: string | null; type?: string | null } | null;
  items?:
    | {
        id: number;
        description?: string | null;
        skuName?: string | null;
        displayName?: string | null;
        quantity: string;
        price: string;
        total: string;
        type: string;
        taxable?: boolean | null;
        active?: boolean | null;
        order?: number | null;
        technicianId?: number | null;
      }[]
    | null;
}

/** A ServiceTitan payment with what it applied to (the list endpoint's shape). */
export interface StPaymentInput {
  id: number;
  date?: string | null;
  type?: string | null;
  referenceNumber?: string | null;
  active?: boolean | null;
  appliedTo?: { appliedTo: number; appliedAmount: string; appliedOn?: string | null }[] | null;
}

export interface StDocumentInput {
  invoice: StInvoiceInput;
  businessUnit: BusinessUnitInfo | null;
  payments: StPaymentInput[];
  /** The invoice's tax zone rates, for tax per rate (null: one tax line). */
  taxRates: TaxRateInput[] | null;
  /** Technician names by id (the job's labor), for the technician line. */
  technicians: Map<number, string>;
  /** The plain-language summary of the posted draft (no figures); ServiceTitan's summary when absent. */
  summary?: string | null;
  settings: DocumentSettings;
  watermark?: string | null;
  /** The signed customer page of this invoice, printed under "Questions about this invoice?". */
  questionsUrl?: string | null;
}

export function documentFromStInvoice(input: StDocumentInput): InvoiceDocumentModel {
  const { invoice } = input;
  const items = (invoice.items ?? [])
    .filter((i) => i.active !== false)
    .sort((a, b) => (a.order ?? 0) - (b.order ?? 0) || a.id - b.id);
  const applied = input.payments
    .filter((p) => p.active !== false)
    .flatMap((p) =>
      (p.appliedTo ?? [])
        .filter((a) => a.appliedTo === invoice.id)
        .map((a) => ({ payment: p, amount: fromAmountString(a.appliedAmount), on: a.appliedOn ?? p.date })),
    )
    .filter((a) => !a.amount.isZero());
  const total = fromAmountString(invoice.total);
  const balance =
    invoice.balance !== null && invoice.balance !== undefined
      ? fromAmountString(invoice.balance)
      : total.minus(sum(applied.map((a) => a.amount)));
  const technicianNames = [
    ...new Set(
      items
        .map((i) => (i.technicianId ? input.technicians.get(i.technicianId) : undefined))
        .filter((n): n is string => Boolean(n)),
    ),
  ];
  if (!technicianNames.length) technicianNames.push(...new Set(input.technicians.values()));
  const businessUnitId = invoice.businessUnit?.id ?? input.businessUnit?.id ?? null;
  const rateLabel = invoice.salesTaxCode?.name
    ? `Sales tax (${plainText(invoice.salesTaxCode.name)})`
    : 'Sales tax';
  const discount = invoice.discountTotal ? fromAmountString(invoice.discountTotal) : null;
  return {
    invoiceNumber: plainText(invoice.referenceNumber) || String(invoice.id),
    invoiceDate: displayDate(invoice.invoiceDate),
    dueDate: displayDate(invoice.dueDate),
    termName: plainText(invoice.termName) || null,
    seller: sellerFrom(input.businessUnit, plainText(invoice.businessUnit?.name) || 'Invoice'),
    branding: brandingFor(input.settings, businessUnitId),
    billTo: { name: plainText(invoice.customer?.name), addressLines: addressLines(invoice.customerAddress) },
    serviceLocation: {
      name: plainText(invoice.location?.name),
      addressLines: addressLines(invoice.locationAddress),
    },
    jobNumber: plainText(invoice.job?.number) || (invoice.job ? String(invoice.job.id) : null),
    jobType: plainText(invoice.job?.type) || null,
    technician: technicianNames.join(', ') || null,
    lines: items.map((i) => ({
      description: htmlToText(i.description) || plainText(i.displayName) || plainText(i.skuName) || '—',
      quantity: formatQuantity(i.quantity),
      unitPrice: formatMoney(i.price),
      amount: formatMoney(i.total),
    })),
    subTotal: formatMoney(invoice.subTotal),
    discountTotal: discount && !discount.isZero() ? formatMoney(discount) : null,
    taxLines: taxLines(items, input.taxRates, invoice.salesTax, rateLabel),
    salesTax: formatMoney(invoice.salesTax),
    total: formatMoney(total),
    payments: applied.map((a) => ({
      label: ['Payment', a.payment.type ? plainText(a.payment.type) : '', displayDate(a.on) ?? '']
        .filter(Boolean)
        .join(' · '),
      amount: formatMoney(a.amount.negated()),
    })),
    balance: formatMoney(balance),
    summary: htmlToText(input.summary) || htmlToText(invoice.summary) || null,
    watermark: input.watermark ?? null,
    questionsUrl: input.questionsUrl ?? null,
    paperSize: input.settings.paperSize,
  };
}
