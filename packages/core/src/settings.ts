// Per-tenant settings: rollout policy, thresholds, the missed-billable rule pack, tax and AI.
// Stored as JSON in Postgres and always read through this schema, so defaults fill gaps and a
// bad edit is refused with field-level errors.
import { z } from 'zod';

const money = z.string().regex(/^\d+(\.\d{1,2})?$/, 'a dollar amount like 5000.00');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time like 08:00');

export const RolloutMode = z.enum(['shadow', 'suggest', 'auto']);
export type RolloutMode = z.infer<typeof RolloutMode>;

export const PolicyOverride = z.object({
  businessUnitId: z.number().int().optional(),
  jobTypeId: z.number().int().optional(),
  mode: RolloutMode.optional(),
  autoApproveConfidence: z.number().min(0).max(1).optional(),
  amountThreshold: money.optional(),
});
export type PolicyOverride = z.infer<typeof PolicyOverride>;

export const PolicySettings = z.object({
  mode: RolloutMode.default('suggest'),
  /** Invoice confidence at or above which a draft may be posted without review. */
  autoApproveConfidence: z.number().min(0).max(1).default(0.9),
  /** Totals above this always go to review. */
  amountThreshold: money.default('5000.00'),
  /** Totals above this need a billing manager's approval in the console. */
  managerThreshold: money.default('2500.00'),
  alwaysReviewCustomerTagIds: z.array(z.number().int()).default([]),
  alwaysReviewJobTypeIds: z.array(z.number().int()).default([]),
  alwaysReviewCustomerIds: z.array(z.number().int()).default([]),
  reviewSlaHours: z.number().positive().default(24),
  /** Most specific match wins: BU + job type, then job type, then BU. */
  overrides: z.array(PolicyOverride).default([]),
});

const ruleBase = {
  enabled: z.boolean().default(true),
  /** Price-book SKU to bill; when absent it is found in the tenant's own price book. */
  skuId: z.number().int().optional(),
};

export const RulePackSettings = z.object({
  tripCharge: z
    .object({ ...ruleBase, jobTypeIds: z.array(z.number().int()).optional() })
    .default({ enabled: true }),
  diagnosticFee: z.object({ ...ruleBase }).default({ enabled: true }),
  afterHours: z
    .object({
      ...ruleBase,
      timezone: z.string().default('America/Chicago'),
      businessHoursStart: hhmm.default('08:00'),
      businessHoursEnd: hhmm.default('17:00'),
      weekends: z.boolean().default(true),
    })
    .default({
      enabled: true,
      timezone: 'America/Chicago',
      businessHoursStart: '08:00',
      businessHoursEnd: '17:00',
      weekends: true,
    }),
  disposal: z.object({ ...ruleBase }).default({ enabled: true }),
  refrigerant: z.object({ ...ruleBase }).default({ enabled: true }),
  consumables: z.object({ ...ruleBase }).default({ enabled: true }),
  permits: z.object({ ...ruleBase }).default({ enabled: true }),
  /** Learned patterns must have at least this much support before they suggest a line. */
  learnedMinSupport: z.number().int().min(1).default(5),
  learnedMinConfidence: z.number().min(0).max(1).default(0.6),
});

export const TaxSettings = z.object({
  /** Round tax per line then sum, or sum then round once per document. */
  rounding: z.enum(['line', 'document']).default('document'),
  roundingMode: z.enum(['half_up', 'half_even']).default('half_up'),
  /** Invoice item types that form each tax base (ServiceTitan does not document this). */
  laborItemTypes: z.array(z.enum(['Service', 'Material', 'Equipment', 'PriceModifier'])).default(['Service']),
  materialItemTypes: z
    .array(z.enum(['Service', 'Material', 'Equipment', 'PriceModifier']))
    .default(['Material', 'Equipment']),
  /**
   * How a taxable price modifier (discount or fee) enters the tax: 'subtotal' changes only rates
   * on the Subtotal base (as the simulator does); 'spread' shares it over the taxable lines, so
   * Labor and Material bases move by their part. A rate's base never goes below zero.
   */
  modifierBase: z.enum(['subtotal', 'spread']).default('subtotal'),
});

export const CustomerAgreement = z
  .object({
    customerId: z.number().int(),
    /** One SKU, or every SKU of a kind, or (neither) everything. */
    skuId: z.number().int().optional(),
    kind: z.enum(['service', 'material', 'equipment', 'fee']).optional(),
    percentOff: z.number().min(0).max(100).optional(),
    price: money.optional(),
    note: z.string().optional(),
  })
  .refine(
    (a) => a.percentOff !== undefined || a.price !== undefined,
    'an agreement needs percentOff or price',
  );
export type CustomerAgreement = z.infer<typeof CustomerAgreement>;

export const PricingSettings = z.object({
  /** Bill customers with an active membership the price book's member price. */
  memberPricing: z.boolean().default(true),
  overtimeMultiplier: z.number().positive().default(1.5),
  doubleOvertimeMultiplier: z.number().positive().default(2),
  /** Time-and-materials labor: the labor SKU's price, or the technician's own rate. */
  laborRateSource: z.enum(['sku', 'technician']).default('sku'),
  /** Customer-specific pricing (rate sheets): most specific match wins. */
  agreements: z.array(CustomerAgreement).default([]),
  /** Time-and-materials labor is billed in this increment, rounded up (0.25 = quarter hours). */
  laborIncrementHours: z.number().positive().max(8).default(0.25),
  /** Minimum billed hours per technician on a time-and-materials job. */
  laborMinimumHours: z.number().min(0).max(8).default(1),
});

export const AiSettings = z.object({
  provider: z.enum(['local', 'openai']).default('local'),
  model: z.string().default('gpt-4o-mini'),
  baseUrl: z.url().optional(),
  timeoutMs: z.number().int().positive().default(20000),
});

export const ReconcileRule = z.object({
  name: z.string().min(1),
  /** Evidence the candidate must have for this rule to fire. */
  requires: z.array(z.enum(['reference', 'exact_amount', 'customer', 'date_window'])).min(1),
  action: z.enum(['auto_apply', 'suggest']),
  minConfidence: z.number().min(0).max(1).default(0.9),
});

export const ReconcileSettings = z.object({
  shortPayTolerancePercent: z.number().min(0).max(100).default(1),
  shortPayToleranceFixed: money.default('5.00'),
  autoApplyConfidence: z.number().min(0).max(1).default(0.95),
  dateWindowDays: z.number().int().positive().default(90),
  rules: z.array(ReconcileRule).default([
    {
      name: 'reference and amount',
      requires: ['reference', 'exact_amount'],
      action: 'auto_apply',
      minConfidence: 0.95,
    },
    { name: 'reference only', requires: ['reference'], action: 'auto_apply', minConfidence: 0.95 },
    {
      name: 'customer and amount',
      requires: ['customer', 'exact_amount'],
      action: 'auto_apply',
      minConfidence: 0.95,
    },
    {
      name: 'amount in window',
      requires: ['exact_amount', 'date_window'],
      action: 'suggest',
      minConfidence: 0.5,
    },
  ]),
});

export const TenantSettings = z.object({
  policy: PolicySettings.default(PolicySettings.parse({})),
  rules: RulePackSettings.default(RulePackSettings.parse({})),
  tax: TaxSettings.default(TaxSettings.parse({})),
  pricing: PricingSettings.default(PricingSettings.parse({})),
  ai: AiSettings.default(AiSettings.parse({})),
  reconcile: ReconcileSettings.default(ReconcileSettings.parse({})),
});
export type TenantSettings = z.infer<typeof TenantSettings>;

export function parseTenantSettings(raw: unknown): TenantSettings {
  return TenantSettings.parse(raw ?? {});
}

/** The policy that applies to one invoice: the most specific override wins. */
export function effectivePolicy(
  policy: z.infer<typeof PolicySettings>,
  businessUnitId: number | null,
  jobTypeId: number | null,
): { mode: RolloutMode; autoApproveConfidence: number; amountThreshold: string } {
  const score = (o: PolicyOverride) =>
    (o.businessUnitId !== undefined ? 1 : 0) + (o.jobTypeId !== undefined ? 2 : 0);
  const matches = policy.overrides
    .filter(
      (o) =>
        (o.businessUnitId === undefined || o.businessUnitId === businessUnitId) &&
        (o.jobTypeId === undefined || o.jobTypeId === jobTypeId),
    )
    .sort((a, b) => score(a) - score(b));
  const result = {
    mode: policy.mode,
    autoApproveConfidence: policy.autoApproveConfidence,
    amountThreshold: policy.amountThreshold,
  };
  for (const o of matches) {
    if (o.mode) result.mode = o.mode;
    if (o.autoApproveConfidence !== undefined) result.autoApproveConfidence = o.autoApproveConfidence;
    if (o.amountThreshold) result.amountThreshold = o.amountThreshold;
  }
  return result;
}
