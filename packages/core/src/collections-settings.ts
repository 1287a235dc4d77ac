// Tenant settings for collections (issue 16). Payment plans default to at most 4 installments
// and never carry a finance charge: more than four installments, or any finance charge, makes a
// plan consumer credit under Reg Z (12 CFR 1026.2(a)(17)) with disclosure duties. A tenant may
// raise maxInstallments at its own legal risk; finance charges are not supported. Not legal advice.
import { z } from 'zod';

export const DunningLevelSetting = z.object({
  key: z.string().regex(/^[a-z0-9-]{1,32}$/, 'use lower-case letters, digits and dashes'),
  channel: z.enum(['email', 'sms', 'call_task', 'manager_review']),
  afterDaysPastDue: z.number().int().min(0).max(3650),
});

export const CollectionsSettings = z.object({
  /** Dunning messages go out only when this is on (the receivables page works regardless). */
  enabled: z.boolean().default(false),
  plans: z
    .object({
      /** Balances at or above this (cents) get plan options; default $2,000. */
      thresholdCents: z.number().int().min(1).default(200_000),
      /** More than 4 makes the plan consumer credit (Reg Z): raise only with legal advice. */
      maxInstallments: z.number().int().min(2).max(24).default(4),
      intervalDays: z.number().int().min(7).max(92).default(30),
      firstDueInDays: z.number().int().min(0).max(60).default(7),
      /** ServiceTitan invoice custom field and tag type (an admin creates both once). */
      customField: z.string().min(1).default('Payment plan'),
      tagType: z.string().min(1).default('Payment plan'),
      /** ServiceTitan employee ids for the plan's task (null: unassigned). */
      collectorId: z.number().int().positive().nullable().default(null),
      reportedById: z.number().int().positive().nullable().default(null),
      /** Days before each installment's due date its reminder goes (message ledger, contact policy); [] for none. */
      reminderDaysBefore: z.array(z.number().int().min(0).max(30)).max(3).default([3]),
      /**
       * Move the invoice's ServiceTitan dueDate to the final installment (PATCH invoices/{id}
       * `dueDate`, in the 2026-02 API document only, not the 2025 one): off until verified on the
       * shop's tenant. A broken plan puts the original due date back.
       */
      moveInvoiceDueDate: z.boolean().default(false),
    })
    .default({
      thresholdCents: 200_000,
      maxInstallments: 4,
      intervalDays: 30,
      firstDueInDays: 7,
      customField: 'Payment plan',
      tagType: 'Payment plan',
      collectorId: null,
      reportedById: null,
      reminderDaysBefore: [3],
      moveInvoiceDueDate: false,
    }),
  /** Ordered levels by days past due; each is done at most once per invoice. */
  dunning: z
    .array(DunningLevelSetting)
    .min(1)
    .default([
      { key: 'l1-email', channel: 'email', afterDaysPastDue: 7 },
      { key: 'l2-sms', channel: 'sms', afterDaysPastDue: 21 },
      { key: 'l3-call', channel: 'call_task', afterDaysPastDue: 35 },
      { key: 'l4-review', channel: 'manager_review', afterDaysPastDue: 60 },
    ]),
});
export type CollectionsSettings = z.infer<typeof CollectionsSettings>;
