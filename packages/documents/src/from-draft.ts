// The console's preview: our draft, before approval, laid out like the posted invoice and marked
// DRAFT on every page. Payments are not known before posting, so the balance is the draft total.
import type { DocumentSettings } from '@invoicer/core';
import { formatMoney, formatQuantity, formatRate } from './amounts.ts';
import {
  type BusinessUnitInfo,
  brandingFor,
  displayDate,
  type InvoiceDocumentModel,
  sellerFrom,
} from './model.ts';
import { htmlToText, plainText } from './text.ts';

/** What the preview reads from the pipeline's saved job context (structurally billing's JobContext). */
export interface DraftContextInput {
  job: {
    id: number;
    number: string | null;
    jobTypeName: string;
    businessUnitId: number;
    businessUnitName: string;
    completedOn: string;
  };
  invoice: { id: number; referenceNumber: string | null };
  customer: { name: string };
  location: { name: string; address: string };
  labor: { technicianName: string }[];
}

/** What the preview reads from a draft revision (structurally billing's DraftDocument). */
export interface DraftInput {
  lines: { description: string; skuName: string; quantity: string; unitPrice: string; total: string }[];
  subTotal: string;
  salesTax: string;
  total: string;
  taxBreakdown?: { taxName: string; rate: string; amount: string }[];
  summary?: string | null;
}

export function documentFromDraft(input: {
  context: DraftContextInput;
  draft: DraftInput;
  businessUnit: BusinessUnitInfo | null;
  settings: DocumentSettings;
  watermark?: string;
}): InvoiceDocumentModel {
  const { context, draft } = input;
  const breakdown = (draft.taxBreakdown ?? []).filter((t) => Number(t.amount) !== 0);
  const technicians = [...new Set(context.labor.map((l) => plainText(l.technicianName)).filter(Boolean))];
  const where = {
    name: plainText(context.location.name),
    addressLines: [plainText(context.location.address)].filter(Boolean),
  };
  return {
    invoiceNumber: plainText(context.invoice.referenceNumber) || String(context.invoice.id),
    invoiceDate: displayDate(context.job.completedOn),
    dueDate: null,
    termName: null,
    seller: sellerFrom(input.businessUnit, plainText(context.job.businessUnitName) || 'Invoice'),
    branding: brandingFor(input.settings, context.job.businessUnitId),
    billTo: { name: plainText(context.customer.name), addressLines: [] },
    serviceLocation: where,
    jobNumber: plainText(context.job.number) || String(context.job.id),
    jobType: plainText(context.job.jobTypeName) || null,
    technician: technicians.join(', ') || null,
    lines: draft.lines.map((l) => ({
      description: htmlToText(l.description) || plainText(l.skuName) || '—',
      quantity: formatQuantity(l.quantity),
      unitPrice: formatMoney(l.unitPrice),
      amount: formatMoney(l.total),
    })),
    subTotal: formatMoney(draft.subTotal),
    discountTotal: null,
    taxLines: breakdown.length
      ? breakdown.map((t) => ({
          label: `${plainText(t.taxName) || 'Tax'} (${formatRate(t.rate)})`,
          amount: formatMoney(t.amount),
        }))
      : [{ label: 'Sales tax', amount: formatMoney(draft.salesTax) }],
    salesTax: formatMoney(draft.salesTax),
    total: formatMoney(draft.total),
    payments: [],
    balance: formatMoney(draft.total),
    summary: htmlToText(draft.summary) || null,
    watermark: input.watermark ?? 'DRAFT',
    paperSize: input.settings.paperSize,
  };
}
