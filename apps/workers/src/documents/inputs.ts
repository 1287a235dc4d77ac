// What the posted invoice's PDF is made of, read from ServiceTitan just before rendering: the
// invoice (items, totals, balance), the payments applied to it and its business unit's invoice
// settings. From our own records only what ServiceTitan's invoice does not carry: technician
// names, the tax zone's rates (shown per rate only when they add up to ServiceTitan's tax) and
// the plain-language summary of the draft that was posted.
import type { TenantSettings } from '@invoicer/core';
import { documentFromStInvoice, type InvoiceDocumentModel, type StDocumentInput } from '@invoicer/documents';
import type { ExtractOutput } from '@invoicer/pipeline';
import { getBusinessUnit, StApiError, type StClient } from '@invoicer/servicetitan';

export interface PostedInvoiceDocument {
  model: InvoiceDocumentModel;
  invoiceId: number;
  jobId: number;
  fileName: string;
}

/** A file name ServiceTitan and mail clients keep as is: "Invoice-INV-1042-r2.pdf". */
export function documentFileName(invoiceNumber: string, revision: number): string {
  const safe =
    invoiceNumber
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'invoice';
  return `Invoice-${safe}-r${revision}.pdf`;
}

export async function readPostedInvoice(
  client: StClient,
  extracted: ExtractOutput,
  settings: TenantSettings,
  revision: number,
  summary: string | null,
  /** The customer's signed invoice-questions link, for this invoice's customer (or none). */
  questionsUrl: (customerId: number, invoiceId: number) => string | null = () => null,
): Promise<PostedInvoiceDocument> {
  const context = extracted.context;
  const invoiceId = context.invoice.id;
  const invoice = await client.getInvoice(invoiceId);
  if (!invoice) throw new Error(`invoice ${invoiceId} is not in ServiceTitan`);
  const businessUnitId = invoice.businessUnit?.id ?? context.job.businessUnitId;
  const [businessUnit, payments] = await Promise.all([
    getBusinessUnit(client, businessUnitId).catch((error: unknown) => {
      // A unit ServiceTitan no longer has prints the invoice's unit name instead.
      if (error instanceof StApiError && error.status === 404) return null;
      throw error;
    }),
    client.listPayments({ appliedToInvoiceIds: [invoiceId] }),
  ]);
  const input: StDocumentInput = {
    invoice,
    businessUnit,
    payments,
    taxRates:
      context.taxZone?.rates.map((r) => ({
        taxName: r.taxName,
        taxBaseType: r.taxBaseType,
        taxRate: Number(r.taxRate),
      })) ?? null,
    technicians: new Map(context.labor.map((l) => [l.technicianId, l.technicianName])),
    summary,
    settings: settings.documents,
    questionsUrl: invoice.customer?.id ? questionsUrl(invoice.customer.id, invoiceId) : null,
  };
  const model = documentFromStInvoice(input);
  return {
    model,
    invoiceId,
    jobId: invoice.job?.id ?? context.job.id,
    fileName: documentFileName(model.invoiceNumber, revision),
  };
}
