// Request bodies we send. Strict: an unknown field is our bug (ServiceTitan would silently
// ignore it and report success).
import { z } from 'zod';

export const InvoiceItemUpdateRequest = z
  .object({
    id: z.number().int().optional(),
    description: z.string(),
    quantity: z.number(),
    skuId: z.number().int().optional(),
    skuName: z.string().optional(),
    unitPrice: z.number().optional(),
    cost: z.number().optional(),
    technicianId: z.number().int().optional(),
    isAddOn: z.boolean().optional(),
    skipUpdatingMembershipPrices: z.boolean().optional(),
  })
  .strict()
  .refine((v) => v.id !== undefined || v.skuId !== undefined || v.skuName !== undefined, {
    message: 'an appended item needs skuId or skuName',
  });
export type InvoiceItemUpdateRequest = z.infer<typeof InvoiceItemUpdateRequest>;

export const InvoiceUpdateRequest = z
  .object({
    summary: z.string().optional(),
    reviewStatus: z.enum(['NeedsReview', 'OnHold', 'Reviewed']).optional(),
    assignedToId: z.number().int().optional(),
    number: z.string().optional(),
    /** Items to update (with `id`) or append (without), in the one call. */
    items: z.array(InvoiceItemUpdateRequest).optional(),
    /** A calendar date; null clears it. In the 2026-02 API document only (not the 2025 one). */
    dueDate: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2027-01-31')
      .nullable()
      .optional(),
  })
  .strict();
export type InvoiceUpdateRequest = z.infer<typeof InvoiceUpdateRequest>;

export const InvoiceCustomFieldsRequest = z
  .object({
    operations: z.array(
      z
        .object({
          objectId: z.number().int(),
          customFields: z.array(z.object({ name: z.string(), value: z.string() }).strict()),
        })
        .strict(),
    ),
  })
  .strict();
export type InvoiceCustomFieldsRequest = z.infer<typeof InvoiceCustomFieldsRequest>;

export const PaymentCreateRequest = z
  .object({
    typeId: z.number().int(),
    splits: z.array(z.object({ invoiceId: z.number().int(), amount: z.number() }).strict()).min(1),
    memo: z.string().optional(),
    paidOn: z.string().optional(),
    authCode: z.string().optional(),
    checkNumber: z.string().optional(),
    exportId: z.string().optional(),
    status: z.enum(['Pending', 'Posted', 'Exported']).optional(),
  })
  .strict();
export type PaymentCreateRequest = z.infer<typeof PaymentCreateRequest>;

export const JobCompleteRequest = z.object({ completedOn: z.string() }).strict();
