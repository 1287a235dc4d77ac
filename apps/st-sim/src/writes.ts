// Invoice and payment writes with the live quirks recorded in API-NOTES §8–9: one item per
// PATCH /invoices/{id}/items call (PATCH /invoices/{id} takes items[], per the spec); an append needs skuId or skuName (else a 500 "Sku … is not
// found"); a field named `price` is ignored (the field is `unitPrice`); unknown fields are
// ignored; only Pending invoices are editable. Totals are recomputed after each write.
import { fromAmountString, fromNumber, roundCents, toMoneyString } from '@invoicer/core';
import type { Invoice, InvoiceItem, Payment } from '@invoicer/servicetitan';
import { SimHttpError } from './http-helpers.ts';
import { itemTotal } from './invoice-math.ts';
import type { SimTenant } from './tenant.ts';

/** Whether an item write honours `unitPrice` (unverified live), uses the price book, or lands at $0. */
export type UnitPricePolicy = 'honor' | 'pricebook' | 'zero';

const validation = (field: string, message: string) =>
  new SimHttpError(400, 'One or more validation errors occurred.', { [field]: [message] });

function editableInvoice(tenant: SimTenant, invoiceId: number): Invoice {
  const invoice = tenant.invoices.get(invoiceId);
  if (!invoice) throw new SimHttpError(404, `Invoice with id ${invoiceId} not found`);
  if (invoice.syncStatus && invoice.syncStatus !== 'Pending') {
    throw new SimHttpError(
      409,
      `Invoice ${invoiceId} is ${invoice.syncStatus}; only Pending invoices can be edited`,
    );
  }
  return invoice;
}

function numberField(body: Record<string, unknown>, field: string, required: boolean): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) {
    if (required) throw validation(field, `The ${field} field is required.`);
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw validation(field, `The JSON value could not be converted to System.Decimal.`);
  return value;
}

/** One InvoiceItemUpdateRequest, checked: the item it updates, or the SKU it appends. */
interface ItemRequest {
  body: Record<string, unknown>;
  description: string;
  quantity: number;
  unitPrice: number | undefined;
  target: { item: InvoiceItem } | { sku: NonNullable<ReturnType<SimTenant['sku']>> };
}

function itemBody(body: unknown, at = ''): Record<string, unknown> {
  if (Array.isArray(body))
    throw validation(at || '$', 'The JSON value could not be converted to InvoiceItemUpdateRequest.');
  if (!body || typeof body !== 'object') throw validation(at || '$', 'A non-empty request body is required.');
  return body as Record<string, unknown>;
}

/** The live API's errors for a bad item, raised before anything changes (`at` names the field). */
function checkItem(tenant: SimTenant, invoice: Invoice, body: unknown, at = ''): ItemRequest {
  const b = itemBody(body, at);
  const field = (name: string) => (at ? `${at}.${name}` : name);
  if (typeof b.description !== 'string')
    throw validation(field('description'), 'The Description field is required.');
  const quantity = numberField(b, 'quantity', true)!;
  const unitPrice = numberField(b, 'unitPrice', false);
  const request = { body: b, description: b.description, quantity, unitPrice };
  if (b.id !== undefined && b.id !== null) {
    const item = (invoice.items ?? []).find((i) => i.id === b.id);
    if (!item) throw new SimHttpError(404, `Invoice item with id ${String(b.id)} not found`);
    return { ...request, target: { item } };
  }
  const sku =
    typeof b.skuId === 'number'
      ? tenant.sku(b.skuId)
      : typeof b.skuName === 'string'
        ? tenant.skuByCode(b.skuName)
        : null;
  // Live behaviour: the append is resolved by SKU and fails with a 500.
  if (!sku) throw new SimHttpError(500, `Sku ${String(b.skuId ?? b.skuName ?? '')} is not found`);
  return { ...request, target: { sku } };
}

export function patchInvoiceItem(
  tenant: SimTenant,
  invoiceId: number,
  body: unknown,
  policy: UnitPricePolicy,
): { itemId: number } {
  // The body's shape is checked before the invoice, its fields after (the live order).
  itemBody(body);
  const invoice = editableInvoice(tenant, invoiceId);
  return applyItem(tenant, invoice, checkItem(tenant, invoice, body), policy);
}

function applyItem(
  tenant: SimTenant,
  invoice: Invoice,
  request: ItemRequest,
  policy: UnitPricePolicy,
): { itemId: number } {
  const { body: b, description, quantity, unitPrice, target } = request;
  if (!invoice.items) invoice.items = [];
  const items = invoice.items;
  const now = new Date().toISOString();

  if ('item' in target) {
    const item = target.item;
    item.description = description;
    item.quantity = toMoneyString(fromNumber(quantity));
    if (unitPrice !== undefined && policy === 'honor') item.price = toMoneyString(fromNumber(unitPrice));
    item.total = toMoneyString(itemTotal(fromNumber(quantity), fromNumber(Number(item.price))));
    item.modifiedOn = now;
    finish(tenant, invoice);
    return { itemId: item.id };
  }

  const sku = target.sku;
  const record = sku.record as {
    id: number;
    code: string;
    displayName?: string | null;
    price?: number;
    amount?: number;
    type?: string;
    amountType?: string;
    taxable?: boolean | null;
    memberPrice?: number | null;
  };
  let price: number;
  if (policy === 'zero') price = 0;
  else if (policy === 'honor' && unitPrice !== undefined) price = unitPrice;
  else if (sku.kind === 'discount-fee') {
    const magnitude = record.amountType === 'Percentage' ? 0 : (record.amount ?? 0);
    price = record.type === 'Discount' ? -Math.abs(magnitude) : magnitude;
  } else price = record.price ?? 0;
  const type = {
    service: 'Service',
    material: 'Material',
    equipment: 'Equipment',
    'discount-fee': 'PriceModifier',
  }[sku.kind];
  const priceDecimal = fromNumber(price);
  const item: InvoiceItem = {
    id: tenant.newId(),
    description,
    quantity: toMoneyString(fromNumber(quantity)),
    cost: '0.00',
    totalCost: '0.00',
    price: toMoneyString(priceDecimal),
    type,
    skuName: record.code,
    skuId: record.id,
    total: toMoneyString(roundCents(itemTotal(fromNumber(quantity), priceDecimal))),
    inventory: false,
    taxable: record.taxable ?? false,
    displayName: record.displayName ?? record.code,
    soldHours: 0,
    createdOn: now,
    modifiedOn: now,
    order: items.length + 1,
    addOn: b.isAddOn === true,
    memberPrice:
      record.memberPrice !== undefined && record.memberPrice !== null
        ? toMoneyString(fromNumber(record.memberPrice))
        : null,
    technicianId: typeof b.technicianId === 'number' ? b.technicianId : null,
  };
  items.push(item);
  finish(tenant, invoice);
  return { itemId: item.id };
}

export function deleteInvoiceItem(tenant: SimTenant, invoiceId: number, itemId: number): void {
  const invoice = editableInvoice(tenant, invoiceId);
  const before = invoice.items?.length ?? 0;
  invoice.items = (invoice.items ?? []).filter((i) => i.id !== itemId);
  if (invoice.items.length === before)
    throw new SimHttpError(404, `Invoice item with id ${itemId} not found`);
  finish(tenant, invoice);
}

export function patchInvoice(
  tenant: SimTenant,
  invoiceId: number,
  body: unknown,
  policy: UnitPricePolicy = 'honor',
): void {
  const invoice = tenant.invoices.get(invoiceId);
  if (!invoice) throw new SimHttpError(404, `Invoice with id ${invoiceId} not found`);
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw validation('$', 'A non-empty request body is required.');
  const b = body as Record<string, unknown>;
  if (b.reviewStatus !== undefined) {
    if (!['NeedsReview', 'OnHold', 'Reviewed'].includes(String(b.reviewStatus))) {
      throw validation('reviewStatus', `The JSON value could not be converted to ReviewStatus.`);
    }
  }
  if (b.items !== undefined && b.items !== null) {
    // InvoiceUpdateRequest.items[]: each as PATCH /invoices/{id}/items would take it. Whether the
    // live call is all-or-nothing is undocumented; the simulator applies all or none.
    if (!Array.isArray(b.items)) throw validation('items', 'The JSON value could not be converted to List.');
    editableInvoice(tenant, invoiceId);
    const requests = b.items.map((item, index) => checkItem(tenant, invoice, item, `items[${index}]`));
    for (const request of requests) applyItem(tenant, invoice, request, policy);
  }
  if (b.reviewStatus !== undefined) invoice.reviewStatus = String(b.reviewStatus);
  if (typeof b.summary === 'string') invoice.summary = b.summary;
  if (typeof b.number === 'string') invoice.referenceNumber = b.number;
  if (b.dueDate !== undefined) {
    // 2026-02 document: `dueDate` (date, nullable); stored like the export's midnight-UTC dates.
    const day = typeof b.dueDate === 'string' ? /^(\d{4}-\d{2}-\d{2})(T.*)?$/.exec(b.dueDate)?.[1] : null;
    if (b.dueDate !== null && !day)
      throw validation('dueDate', 'The JSON value could not be converted to DateOnly.');
    invoice.dueDate = day ? `${day}T00:00:00Z` : null;
  }
  if (typeof b.assignedToId === 'number') {
    const tech = tenant.technicians.get(b.assignedToId);
    invoice.assignedTo = { id: b.assignedToId, name: tech?.name ?? null };
  }
  // Unknown fields are silently ignored, like the live API.
  invoice.modifiedOn = new Date().toISOString();
  tenant.invoices.touch(invoiceId);
}

export function patchInvoiceCustomFields(tenant: SimTenant, body: unknown): void {
  const operations = (body as { operations?: unknown })?.operations;
  if (!Array.isArray(operations)) throw validation('operations', 'The Operations field is required.');
  for (const op of operations as { objectId?: number; customFields?: { name: string; value: string }[] }[]) {
    const invoice = tenant.invoices.get(op.objectId ?? -1);
    if (!invoice) throw new SimHttpError(404, `Invoice with id ${String(op.objectId)} not found`);
    if (!invoice.customFields) invoice.customFields = [];
    const fields = invoice.customFields;
    for (const cf of op.customFields ?? []) {
      if (!tenant.invoiceCustomFieldTypes.some((t) => t.name === cf.name)) {
        throw validation('customFields', `Custom field '${cf.name}' does not exist.`);
      }
      const existing = fields.find((f) => f.name === cf.name);
      if (existing) existing.value = cf.value;
      else fields.push({ name: cf.name, value: cf.value });
    }
    invoice.modifiedOn = new Date().toISOString();
    tenant.invoices.touch(invoice.id);
  }
}

export function createPayment(tenant: SimTenant, body: unknown): Record<string, unknown> {
  const b = (body ?? {}) as Record<string, unknown>;
  const type = paymentType(tenant, b);
  if (!Array.isArray(b.splits) || b.splits.length === 0)
    throw validation('splits', 'The Splits field is required.');
  const now = new Date().toISOString();
  const splits = parseSplits(tenant, b.splits, false);
  const total = splits.reduce((acc, s) => acc.plus(s.amount), fromNumber(0));
  const customer = splits[0]!.invoice.customer ?? null;
  const payment: Payment & { id: number; _customerId?: number } = {
    id: tenant.newId(),
    syncStatus: typeof b.status === 'string' ? b.status : 'Pending',
    referenceNumber: String(tenant.payments.size + 10001),
    date: typeof b.paidOn === 'string' ? b.paidOn : now,
    type: type.name,
    typeId: String(type.id),
    total: toMoneyString(total),
    unappliedAmount: '0.00',
    memo: typeof b.memo === 'string' ? b.memo : null,
    customer,
    businessUnit: splits[0]!.invoice.businessUnit ?? null,
    batch: null,
    createdBy: 'api',
    customFields: [],
    authCode: typeof b.authCode === 'string' ? b.authCode : null,
    checkNumber: typeof b.checkNumber === 'string' ? b.checkNumber : null,
    appliedTo: applications(tenant, splits, now),
    modifiedOn: now,
    createdOn: now,
    active: true,
    _customerId: customer?.id,
  };
  tenant.payments.put(payment);
  for (const s of splits) finish(tenant, s.invoice);
  return paymentResponse(payment, type.id, b, splits);
}

/**
 * `PATCH /payments/{id}` ("patch mode", though the schema requires `typeId` and `splits`): the
 * splits given replace the payment's applications, what is not applied stays unapplied, and
 * every invoice that gained or lost an application is recomputed.
 */
export function updatePayment(tenant: SimTenant, id: number, body: unknown): Record<string, unknown> {
  const payment = tenant.payments.get(id) as (Payment & { id: number }) | undefined;
  if (!payment) throw new SimHttpError(404, `Payment with id ${id} not found`);
  const b = (body ?? {}) as Record<string, unknown>;
  const type = paymentType(tenant, b);
  if (!Array.isArray(b.splits)) throw validation('splits', 'The Splits field is required.');
  const splits = parseSplits(tenant, b.splits, true);
  const applied = splits.reduce((acc, s) => acc.plus(s.amount), fromNumber(0));
  const total = fromAmountString(payment.total ?? '0');
  if (applied.gt(total))
    throw validation(
      'splits',
      `The splits (${toMoneyString(applied)}) exceed the payment total (${payment.total}).`,
    );
  const now = new Date().toISOString();
  const before = (payment.appliedTo ?? []).map((a) => a.appliedTo);
  payment.typeId = String(type.id);
  payment.type = type.name;
  if (typeof b.memo === 'string') payment.memo = b.memo;
  if (typeof b.paidOn === 'string') payment.date = b.paidOn;
  if (typeof b.authCode === 'string') payment.authCode = b.authCode;
  if (typeof b.checkNumber === 'string') payment.checkNumber = b.checkNumber;
  if (typeof b.status === 'string') payment.syncStatus = b.status;
  if (typeof b.active === 'boolean') payment.active = b.active;
  payment.appliedTo = applications(tenant, splits, now);
  payment.unappliedAmount = toMoneyString(total.minus(applied));
  payment.modifiedOn = now;
  tenant.payments.touch(id);
  for (const invoiceId of new Set([...before, ...splits.map((s) => s.invoice.id)])) {
    const invoice = tenant.invoices.get(invoiceId);
    if (invoice) finish(tenant, invoice);
  }
  return paymentResponse(payment, type.id, b, splits);
}

interface Split {
  invoice: Invoice;
  amount: ReturnType<typeof fromNumber>;
}

function paymentType(tenant: SimTenant, b: Record<string, unknown>) {
  if (typeof b.typeId !== 'number') throw validation('typeId', 'The TypeId field is required.');
  const type = tenant.paymentTypes.get(b.typeId);
  if (!type) throw validation('typeId', `Payment type ${b.typeId} does not exist.`);
  return type;
}

function parseSplits(tenant: SimTenant, raw: unknown[], nonNegative: boolean): Split[] {
  return (raw as { invoiceId?: unknown; amount?: unknown }[]).map((s, i) => {
    if (typeof s.invoiceId !== 'number' || typeof s.amount !== 'number' || (nonNegative && s.amount < 0))
      throw validation(
        `splits[${i}]`,
        nonNegative
          ? 'invoiceId and a non-negative amount are required.'
          : 'invoiceId and amount are required.',
      );
    const invoice = tenant.invoices.get(s.invoiceId);
    if (!invoice) throw new SimHttpError(404, `Invoice with id ${s.invoiceId} not found`);
    return { invoice, amount: fromNumber(s.amount) };
  });
}

function applications(tenant: SimTenant, splits: Split[], now: string) {
  return splits.map((s) => ({
    appliedId: tenant.newId(),
    appliedTo: s.invoice.id,
    appliedAmount: toMoneyString(s.amount),
    appliedOn: now,
    appliedBy: 'api',
    appliedToReferenceNumber: s.invoice.referenceNumber ?? null,
  }));
}

/** What ServiceTitan answers to a payment write (the request's shape, with ids). */
function paymentResponse(
  payment: Payment & { id: number },
  typeId: number,
  b: Record<string, unknown>,
  splits: Split[],
) {
  return {
    id: payment.id,
    typeId,
    active: payment.active ?? true,
    memo: payment.memo,
    paidOn: payment.date,
    authCode: payment.authCode,
    checkNumber: payment.checkNumber,
    exportId: typeof b.exportId === 'string' ? b.exportId : null,
    transactionStatus: 'Success',
    status: payment.syncStatus,
    splits: splits.map((s) => ({ invoiceId: s.invoice.id, amount: Number(toMoneyString(s.amount)) })),
  };
}

function finish(tenant: SimTenant, invoice: Invoice): void {
  tenant.recompute(invoice);
  invoice.modifiedOn = new Date().toISOString();
  tenant.invoices.touch(invoice.id);
}
