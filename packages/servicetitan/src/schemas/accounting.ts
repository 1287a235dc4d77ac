// Accounting resources. Every amount is a decimal string; convert with @invoicer/core money.
import { z } from 'zod';
import { Address, AmountString, CustomFields, Id, NamedRef, OptId, OptTimestamp } from './common.ts';

export const TaxRate = z.looseObject({
  id: OptId,
  taxName: z.string().nullish(),
  taxBaseType: z.array(z.string()).nullish(),
  /** A fraction, e.g. 0.0825. */
  taxRate: z.number(),
  salesTaxItem: z.string().nullish(),
});
export type TaxRate = z.infer<typeof TaxRate>;

export const TaxZone = z.looseObject({
  id: Id,
  name: z.string(),
  color: z.number().nullish(),
  isTaxRateSeparated: z.boolean().nullish(),
  isMultipleTaxZone: z.boolean().nullish(),
  rates: z.array(TaxRate).nullish(),
  createdOn: OptTimestamp,
  modifiedOn: OptTimestamp,
  active: z.boolean().nullish(),
});
export type TaxZone = z.infer<typeof TaxZone>;

export const InvoiceItem = z.looseObject({
  id: Id,
  description: z.string().nullish(),
  quantity: AmountString,
  cost: AmountString.nullish(),
  totalCost: AmountString.nullish(),
  price: AmountString,
  type: z.string(),
  skuName: z.string().nullish(),
  skuId: OptId,
  total: AmountString,
  inventory: z.boolean().nullish(),
  taxable: z.boolean().nullish(),
  membershipTypeId: OptId,
  displayName: z.string().nullish(),
  soldHours: z.number().nullish(),
  createdOn: OptTimestamp,
  modifiedOn: OptTimestamp,
  serviceDate: OptTimestamp,
  order: z.number().int().nullish(),
  businessUnit: NamedRef,
  createdById: OptId,
  addOn: z.boolean().nullish(),
  memberPrice: AmountString.nullish(),
  technicianId: OptId,
  /** Export shape only. */
  invoiceId: OptId,
  active: z.boolean().nullish(),
});
export type InvoiceItem = z.infer<typeof InvoiceItem>;

export const Invoice = z.looseObject({
  id: Id,
  syncStatus: z.string().nullish(),
  summary: z.string().nullish(),
  referenceNumber: z.string().nullish(),
  invoiceDate: OptTimestamp,
  dueDate: OptTimestamp,
  subTotal: AmountString,
  salesTax: AmountString,
  salesTaxCode: z
    .looseObject({ id: OptId, name: z.string().nullish(), taxRate: z.number().nullish() })
    .nullish(),
  total: AmountString,
  balance: AmountString.nullish(),
  discountTotal: AmountString.nullish(),
  invoiceType: NamedRef,
  customer: NamedRef,
  customerAddress: Address,
  location: NamedRef,
  locationAddress: Address,
  businessUnit: NamedRef,
  termName: z.string().nullish(),
  createdBy: z.string().nullish(),
  createdOn: OptTimestamp,
  modifiedOn: OptTimestamp,
  adjustmentToId: OptId,
  job: z.looseObject({ id: Id, number: z.string().nullish(), type: z.string().nullish() }).nullish(),
  sentStatus: z.string().nullish(),
  reviewStatus: z.string().nullish(),
  assignedTo: NamedRef,
  /** Live invoices have carried items: null. */
  items: z.array(InvoiceItem).nullish(),
  customFields: CustomFields,
  active: z.boolean().nullish(),
  membershipId: OptId,
  paidOn: OptTimestamp,
  /** Live extra. */
  taxZoneId: OptId,
});
export type Invoice = z.infer<typeof Invoice>;

export const PaymentApplication = z.looseObject({
  appliedId: OptId,
  appliedTo: Id,
  appliedAmount: AmountString,
  appliedOn: OptTimestamp,
  appliedBy: z.string().nullish(),
  appliedToReferenceNumber: z.string().nullish(),
});

export const Payment = z.looseObject({
  id: Id,
  syncStatus: z.string().nullish(),
  referenceNumber: z.string().nullish(),
  date: OptTimestamp,
  type: z.string().nullish(),
  /** A string on the list endpoint (an int on create). */
  typeId: z.union([z.string(), z.number()]).nullish(),
  total: AmountString,
  unappliedAmount: AmountString.nullish(),
  memo: z.string().nullish(),
  customer: NamedRef,
  businessUnit: NamedRef,
  batch: z.looseObject({ id: OptId, number: z.string().nullish(), name: z.string().nullish() }).nullish(),
  createdBy: z.string().nullish(),
  customFields: CustomFields,
  authCode: z.string().nullish(),
  checkNumber: z.string().nullish(),
  appliedTo: z.array(PaymentApplication).nullish(),
  modifiedOn: OptTimestamp,
  createdOn: OptTimestamp,
  active: z.boolean().nullish(),
});
export type Payment = z.infer<typeof Payment>;

export const PaymentCreateResponse = z.looseObject({
  id: Id,
  typeId: z.union([z.number(), z.string()]).nullish(),
  active: z.boolean().nullish(),
  memo: z.string().nullish(),
  paidOn: OptTimestamp,
  authCode: z.string().nullish(),
  checkNumber: z.string().nullish(),
  exportId: z.string().nullish(),
  transactionStatus: z.unknown().nullish(),
  status: z.unknown().nullish(),
  splits: z.array(z.looseObject({ invoiceId: Id, amount: z.union([z.string(), z.number()]) })).nullish(),
});
export type PaymentCreateResponse = z.infer<typeof PaymentCreateResponse>;

export const PaymentType = z.looseObject({
  id: Id,
  name: z.string(),
  createdOn: OptTimestamp,
  modifiedOn: OptTimestamp,
});
export type PaymentType = z.infer<typeof PaymentType>;

export const InvoiceCustomFieldType = z.looseObject({
  id: Id,
  name: z.string(),
  dataType: z.string().nullish(),
  dataTypeOptions: z.array(z.string()).nullish(),
});

/** The spec gives no schema for job attachments; this is what the simulator serves. */
export const JobAttachment = z.looseObject({
  id: Id,
  jobId: Id,
  fileName: z.string(),
  contentType: z.string().nullish(),
  size: z.number().int().nullish(),
  createdOn: OptTimestamp,
  createdById: OptId,
  active: z.boolean().nullish(),
});
export type JobAttachment = z.infer<typeof JobAttachment>;
