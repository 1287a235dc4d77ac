import type { Invoice } from '@invoicer/servicetitan';
import type { FastifyInstance } from 'fastify';
import {
  all,
  commonFilter,
  dateWindow,
  exportResponse,
  first,
  idsParam,
  intParam,
  listResponse,
} from '../http-helpers.ts';
import {
  createPayment,
  deleteInvoiceItem,
  patchInvoice,
  patchInvoiceCustomFields,
  patchInvoiceItem,
  updatePayment,
} from '../writes.ts';
import { exported, found, idParam, moduleRoutes, publicRecord, type RouteContext } from './api.ts';

export function registerAccounting(app: FastifyInstance, ctx: RouteContext): void {
  const api = moduleRoutes(app, 'accounting');
  const { tenant } = ctx;

  api.get('/tax-zones', ({ query }) => {
    const ids = idsParam(query);
    const common = commonFilter(query);
    return listResponse(
      [...tenant.taxZones.values()].filter((z) => common(z) && (!ids || ids.includes(z.id))),
      query,
      publicRecord,
    );
  });

  api.get('/invoices', ({ query }) => {
    const ids = idsParam(query);
    const jobId = intParam(query, 'jobId');
    const customerId = intParam(query, 'customerId');
    let rows: Invoice[] = ids
      ? ids.map((id) => tenant.invoices.get(id)).filter((i) => i !== undefined)
      : jobId !== undefined
        ? tenant.invoices.by('_jobId', jobId)
        : customerId !== undefined
          ? tenant.invoices.by('_customerId', customerId)
          : [...tenant.invoices.values()];
    const statuses = all(query, 'statuses');
    const reviewStatuses = all(query, 'reviewStatuses');
    const invoiced = dateWindow(query, 'invoicedOnOrAfter', 'invoicedOnBefore');
    const number = first(query, 'number');
    const common = commonFilter(query);
    rows = rows.filter(
      (i) =>
        common(i) &&
        (jobId === undefined || i.job?.id === jobId) &&
        (customerId === undefined || i.customer?.id === customerId) &&
        (!statuses.length || statuses.includes(String(i.syncStatus))) &&
        (!reviewStatuses.length || reviewStatuses.includes(String(i.reviewStatus))) &&
        (!number || i.referenceNumber === number) &&
        invoiced(i.invoiceDate),
    );
    return listResponse(rows as (Invoice & { id: number })[], query, publicRecord);
  });
  api.patch('/invoices/custom-fields', ({ body }) => {
    patchInvoiceCustomFields(tenant, body);
    ctx.onWrite('customFields', { body });
    return undefined;
  });
  api.get('/invoices/custom-fields', ({ query }) => listResponse(tenant.invoiceCustomFieldTypes, query));
  api.patch('/invoices/:id', ({ params, body }) => {
    const id = idParam(params);
    patchInvoice(tenant, id, body, ctx.unitPricePolicy);
    ctx.onWrite('patchInvoice', { invoiceId: id, body });
    return undefined;
  });
  api.patch('/invoices/:invoiceId/items', ({ params, body }) => {
    const invoiceId = idParam(params, 'invoiceId');
    patchInvoiceItem(tenant, invoiceId, body, ctx.unitPricePolicy);
    ctx.onWrite('patchItem', { invoiceId, body });
    return undefined;
  });
  api.delete('/invoices/:invoiceId/items/:itemId', ({ params }) => {
    const invoiceId = idParam(params, 'invoiceId');
    const itemId = idParam(params, 'itemId');
    deleteInvoiceItem(tenant, invoiceId, itemId);
    ctx.onWrite('deleteItem', { invoiceId, itemId });
    return undefined;
  });
  api.get('/export/invoices', ({ query }) => exportResponse(tenant.invoices, query, exported));
  api.get('/export/invoice-items', ({ query }) => {
    // Items change with their invoice: the feed follows the invoice change log.
    const page = exportResponse(tenant.invoices, query, (i) => i);
    return {
      ...page,
      data: (page.data as Invoice[]).flatMap((i) =>
        (i.items ?? []).map((item) => ({ ...item, invoiceId: i.id, active: true })),
      ),
    };
  });

  api.get('/payments', ({ query }) => {
    const ids = idsParam(query);
    const customerId = intParam(query, 'customerId');
    const invoiceIds = all(query, 'appliedToInvoiceIds').map(Number);
    const paid = dateWindow(query, 'paidOnAfter', 'paidOnBefore');
    const common = commonFilter(query);
    const base = ids
      ? ids.map((id) => tenant.payments.get(id)).filter((p) => p !== undefined)
      : customerId !== undefined
        ? tenant.payments.by('_customerId', customerId)
        : [...tenant.payments.values()];
    const rows = base.filter(
      (p) =>
        common(p) &&
        paid(p.date) &&
        (!invoiceIds.length || (p.appliedTo ?? []).some((a) => invoiceIds.includes(a.appliedTo))),
    );
    return listResponse(rows, query, publicRecord);
  });
  api.post('/payments', ({ body }) => {
    const created = createPayment(tenant, body);
    ctx.onWrite('createPayment', { body });
    return created;
  });
  api.patch('/payments/:id', ({ params, body }) => {
    const id = idParam(params);
    const updated = updatePayment(tenant, id, body);
    ctx.onWrite('updatePayment', { paymentId: id, body });
    return updated;
  });
  api.get('/export/payments', ({ query }) => exportResponse(tenant.payments, query, exported));
  api.get('/payment-types', ({ query }) =>
    listResponse([...tenant.paymentTypes.values()], query, publicRecord),
  );
  api.get('/payment-types/:id', ({ params }) =>
    publicRecord(found(tenant.paymentTypes.get(idParam(params)), 'Payment type', idParam(params))),
  );
}
