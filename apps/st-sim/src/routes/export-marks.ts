// POST /accounting/v2/tenant/{t}/invoices/markasexported: an accounting integration marks the
// invoices it exported, so ServiceTitan's own export skips them. Body and answer as in the
// official document (MarkInvoiceAsExportedUpdateRequest[] → …Response[]); a per-invoice failure
// is reported in its row, not as an HTTP error. Marking an invoice again is harmless.

import type { FastifyInstance } from 'fastify';
import { SimHttpError } from '../http-helpers.ts';
import type { SimTenant } from '../tenant.ts';
import { moduleRoutes, type RouteContext } from './api.ts';

export interface ExportMark {
  invoiceId: number;
  externalId: string | null;
  externalMessage: string | null;
}

export function markInvoicesExported(
  tenant: SimTenant,
  body: unknown,
): { invoiceId: number; success: boolean; errorMessage: string | null }[] {
  if (!Array.isArray(body))
    throw new SimHttpError(400, 'One or more validation errors occurred.', {
      $: ['The JSON value could not be converted to MarkInvoiceAsExportedUpdateRequest[].'],
    });
  return body.map((row: unknown) => {
    const r = (row ?? {}) as Record<string, unknown>;
    const invoiceId = r.invoiceId;
    if (typeof invoiceId !== 'number' || !Number.isInteger(invoiceId))
      throw new SimHttpError(400, 'One or more validation errors occurred.', {
        invoiceId: ['The invoiceId field is required.'],
      });
    const invoice = tenant.invoices.get(invoiceId);
    if (!invoice) return { invoiceId, success: false, errorMessage: `Invoice ${invoiceId} not found` };
    if (invoice.syncStatus === 'Pending')
      return { invoiceId, success: false, errorMessage: 'Only posted invoices can be marked as exported' };
    const mark: ExportMark = {
      invoiceId,
      externalId: typeof r.externalId === 'string' ? r.externalId : null,
      externalMessage: typeof r.externalMessage === 'string' ? r.externalMessage : null,
    };
    Object.assign(invoice, { syncStatus: 'Exported', _exportMark: mark });
    invoice.modifiedOn = new Date().toISOString();
    tenant.invoices.touch(invoiceId);
    return { invoiceId, success: true, errorMessage: null };
  });
}

export function registerExportMarks(app: FastifyInstance, ctx: RouteContext): void {
  const api = moduleRoutes(app, 'accounting');
  api.post('/invoices/markasexported', ({ body }) => {
    const result = markInvoicesExported(ctx.tenant, body);
    ctx.onWrite('markAsExported', { body });
    return result;
  });
}
