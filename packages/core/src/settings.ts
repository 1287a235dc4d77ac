// Per-tenant settings: rollout policy, thresholds, the missed-billable rule pack, tax and AI.
// Stored as JSON in Postgres and always read through this schema, so defaults fill gaps and a
// bad edit is refused with field-level errors. Writers go through validateTenantSettings, which
// also names unknown (misspelt) fields; values are checked for meaning, not only type: a time
// zone must be one Intl knows, business hours must end after they start, thresholds and
// multipliers stay in range.

import { z } from 'zod';
import { CollectionsSettings } from './collections-settings.ts';
import { InvalidInputError } from './errors.ts';

/** Decimal(14, 2) in Postgres: at most 12 digits before the point. */
const money = z.string().regex(/^\d{1,12}(\.\d{1,2})?$/, 'a dollar amount like 5000.00');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time like 08:00');

/** Whether Intl (the runtime every stage formats local times with) knows the time zone. */
export function isKnownTimeZone(value: string): boolean {
  if (!value.trim()) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const timeZone = z.string().refine(isKnownTimeZone, {
  error: (issue) =>
    `${JSON.stringify(issue.input)} is not a time zone this runtime knows: use an IANA name like America/Chicago`,
});

const minutesOf = (value: string) => {
  const [h, m] = value.split(':').map(Number) as [number, number];
  return h * 60 + m;
};

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

const fractionOrNull = z.number().min(0).max(1).nullable();

/** What a threshold recommendation found, for the shop or one business unit. */
const RecommendedFigures = {
  /** Recommended auto-approval threshold; null: no threshold kept the target (auto-post nothing). */
  autoApproveConfidence: fractionOrNull,
  /** Invoices that would have auto-posted (nothing else held them, confidence ≥ threshold) / all. */
  share: z.number().min(0).max(1),
  /** Exactly right (lines and total) among those; and the one-sided 95% Wilson lower bound. */
  exactness: fractionOrNull,
  wilsonLow: fractionOrNull,
  /** Invoices the recommendation was computed from. */
  jobs: z.number().int().min(0),
};

/**
 * A recommended auto-approval threshold (e.g. from a backtest's calibration window). Shown
 * beside the threshold in force; it changes nothing until someone accepts it
 * (`npm run tenant:settings -- --accept-threshold`, or the console's settings page).
 */
export const ThresholdRecommendation = z.object({
  ...RecommendedFigures,
  /** The exactness the auto-posted invoices had to keep. */
  target: z.number().min(0).max(1).default(0.995),
  /** The completion window of the invoices it was computed from. */
  window: z.object({ from: z.iso.datetime(), to: z.iso.datetime() }),
  computedAt: z.iso.datetime(),
  /** Where it came from, e.g. 'backtest'. */
  source: z.string().min(1),
  /** Business units whose own record supports a different threshold than the shop's. */
  businessUnits: z.array(z.object({ businessUnitId: z.number().int(), ...RecommendedFigures })).default([]),
});
export type ThresholdRecommendation = z.infer<typeof ThresholdRecommendation>;

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
  reviewSlaHours: z
    .number()
    .positive()
    .max(24 * 365)
    .default(24),
  /** Most specific match wins: BU + job type, then job type, then BU. */
  overrides: z.array(PolicyOverride).default([]),
  /** A recommended threshold, shown beside the one in force; never applied by itself. */
  recommendation: ThresholdRecommendation.optional(),
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
      timezone: timeZone.default('America/Chicago'),
      businessHoursStart: hhmm.default('08:00'),
      businessHoursEnd: hhmm.default('17:00'),
      weekends: z.boolean().default(true),
    })
    // Appointments before the start or from the end on are after hours: an end at or before the
    // start would make every appointment after hours.
    .refine((h) => minutesOf(h.businessHoursEnd) > minutesOf(h.businessHoursStart), {
      path: ['businessHoursEnd'],
      error: 'must be after businessHoursStart (business hours within one day)',
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

/**
 * How tax is rounded to cents: 'line' rounds each line's tax per rate, then sums; 'rate' sums
 * each rate's base, rounds per rate, then sums ('document' is its old name, still accepted);
 * 'invoice' sums base × rate over all rates and rounds once per invoice.
 */
export const TaxRounding = z.enum(['line', 'rate', 'invoice', 'document']);
export type TaxRounding = z.infer<typeof TaxRounding>;

export const TaxSettings = z.object({
  /**
   * 'learned' (default): the rounding, modifier base and item-type bases below are only the
   * fallback; the convention that reproduces the shop's past invoices to the cent is used when
   * its history decides it. 'pinned': the values below are always used.
   */
  convention: z.enum(['learned', 'pinned']).default('learned'),
  rounding: TaxRounding.default('rate'),
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

const fraction = z.string().regex(/^(0(\.\d+)?|1(\.0+)?)$/, 'a fraction like 0.15');

/**
 * What a percentage fee or discount is a percentage of. Lines of the invoice (other percentage
 * modifiers excluded) are in the base when their item type is listed (every type when omitted:
 * the subtotal), their SKU is a labor SKU if laborOnly, and their SKU is in none of the excluded
 * price-book categories. amount = round-half-up(max(0, base) × rate), at most the limit.
 */
export const PercentageBaseRule = z.object({
  skuId: z.number().int(),
  itemTypes: z.array(z.enum(['Service', 'Material', 'Equipment', 'PriceModifier'])).optional(),
  laborOnly: z.boolean().default(false),
  excludeCategoryIds: z.array(z.number().int()).default([]),
  /** A fraction (0.1 = 10 %); omitted = the price book's amount. */
  rate: fraction.optional(),
  /** Cap in dollars; omitted = the price book's limit; null = no cap. */
  limit: money.nullable().optional(),
  /** 'learned' rules are filled in from past invoices when the knowledge is built. */
  source: z.enum(['pinned', 'learned']).default('pinned'),
  /** For learned rules: share of past invoices with this SKU whose amount it reproduces, and how many. */
  agreement: z.number().min(0).max(1).optional(),
  support: z.number().int().min(0).optional(),
});
export type PercentageBaseRule = z.infer<typeof PercentageBaseRule>;

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

export const PricingSettings = z
  .object({
    /** Bill customers with an active membership the price book's member price. */
    memberPricing: z.boolean().default(true),
    /**
     * A flat-rate task the draft adds beside a dearer one already on the invoice: at its add-on
     * price ('yes'), its regular price ('no'), or as the shop's past invoices show ('learned';
     * regular while they do not decide).
     */
    addOnLaterTasks: z.enum(['learned', 'yes', 'no']).default('learned'),
    /**
     * Which task of an invoice keeps its regular price when later ones are add-ons: the first
     * entered ('order'), the dearest ('price'), or as the past invoices show ('learned'; the
     * dearest while they do not decide).
     */
    addOnLaterBy: z.enum(['learned', 'order', 'price']).default('learned'),
    overtimeMultiplier: z.number().min(1).max(10).default(1.5),
    doubleOvertimeMultiplier: z.number().min(1).max(10).default(2),
    /** Time-and-materials labor: the labor SKU's price, or the technician's own rate. */
    laborRateSource: z.enum(['sku', 'technician']).default('sku'),
    /** Customer-specific pricing (rate sheets): most specific match wins. */
    agreements: z.array(CustomerAgreement).default([]),
    /** Time-and-materials labor is billed in this increment, rounded up (0.25 = quarter hours). */
    laborIncrementHours: z.number().positive().max(8).default(0.25),
    /** Minimum billed hours per technician on a time-and-materials job. */
    laborMinimumHours: z.number().min(0).max(8).default(1),
    /**
     * Time-and-materials hours and labor SKU. 'learned' (default): the convention the tenant's past
     * invoices reproduce best (time source, grouping, increment, minimum, what picks the rate SKU),
     * or, while history is thin or nothing reproduces it well, laborIncrementHours and
     * laborMinimumHours on the paid hours. 'settings': always the latter. 'pinned': laborPinned with
     * laborIncrementHours and laborMinimumHours; the rate SKU is learned unless laborPinned.rateBy
     * is given.
     */
    laborConvention: z.enum(['learned', 'settings', 'pinned']).default('learned'),
    laborPinned: z
      .object({
        /** On site (timesheets arrived → done; 'onsite-hourly' cut at each clock hour, each piece on the rate of its own hour), paid (payroll) or scheduled (appointment windows). */
        source: z.enum(['onsite', 'onsite-hourly', 'paid', 'scheduled']).default('onsite'),
        /** What one rounded amount covers: a technician's visit, a technician's job, or the job. */
        grouping: z.enum(['visit-technician', 'job-technician', 'job']).default('visit-technician'),
        /** Every technician's time, or only the lead's (first on site). */
        technicians: z.enum(['all', 'lead']).default('all'),
        rounding: z.enum(['up', 'nearest']).default('up'),
        /** The minimum applies to each rounded amount, or to the job's total. */
        minimumPer: z.enum(['group', 'job']).default('group'),
        /** What picks the labor SKU: visit start (tier), pay type, technician, job type, membership. */
        rateBy: z.array(z.enum(['start', 'pay', 'technician', 'jobType', 'member'])).optional(),
      })
      .optional(),
    /**
     * Percentage fees and discounts: 'learned' (default) prices each on the base its past invoices
     * reproduce; 'pinned' uses only percentageBases (others are a percentage of the subtotal).
     */
    percentageConvention: z.enum(['learned', 'pinned']).default('learned'),
    /** Bases per percentage SKU; a pinned rule always wins over a learned one. */
    percentageBases: z.array(PercentageBaseRule).default([]),
  })
  .refine((p) => p.doubleOvertimeMultiplier >= p.overtimeMultiplier, {
    path: ['doubleOvertimeMultiplier'],
    error: 'must be at least overtimeMultiplier',
  });

export const AiSettings = z.object({
  provider: z.enum(['local', 'openai']).default('local'),
  model: z.string().min(1).default('gpt-4o-mini'),
  baseUrl: z.url({ protocol: /^https?$/, error: 'an http(s) URL' }).optional(),
  timeoutMs: z.number().int().positive().max(600_000).default(20000),
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
  dateWindowDays: z.number().int().positive().max(3660).default(90),
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

// ---- documents (invoice PDFs, issue 15) -------------------------------------------------------
const hexColour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour like #1f4e79');
/** A small logo inlined in the PDF: PNG, JPEG or SVG as a base64 data URL, at most ~200 KB. */
const logoDataUrl = z
  .string()
  .max(280_000, 'the logo must be at most about 200 KB (a data URL of at most 280,000 characters)')
  .regex(
    /^data:image\/(png|jpeg|svg\+xml);base64,[A-Za-z0-9+/]+={0,2}$/,
    'a data URL like data:image/png;base64,… (PNG, JPEG or SVG)',
  );
const brandFields = {
  logoDataUrl: logoDataUrl.optional(),
  accentColor: hexColour.optional(),
  /** Licence numbers and regulator statement, printed in every page footer (≥ 8 pt). */
  licenceText: z.string().max(600).optional(),
  /** Payment terms and conditions, printed after the totals. */
  terms: z.string().max(4000).optional(),
};
export const DocumentSettings = z.object({
  /** Render a PDF of every posted invoice and attach it to the ServiceTitan job. Off by default. */
  enabled: z.boolean().default(false),
  /** Attach the PDF to the ServiceTitan job (when false it is only stored). */
  attachToJob: z.boolean().default(true),
  paperSize: z.enum(['Letter', 'A4']).default('Letter'),
  ...brandFields,
  accentColor: hexColour.default('#1f4e79'),
  /** Per business unit: any brand field here replaces the tenant-wide one for that unit. */
  businessUnits: z.array(z.object({ businessUnitId: z.number().int(), ...brandFields })).default([]),
});
export type DocumentSettings = z.infer<typeof DocumentSettings>;

// ---- delivery (email, SMS, reminders; issue 15) ----------------------------------------------
// Secrets are never stored here: SMTP passwords and Twilio auth tokens are named by the
// environment variable that holds them. The contact-policy defaults are conservative settings,
// not legal advice: check the rules that apply to the shop (TCPA, state collection laws).
const windowHours = z
  .object({ start: hhmm, end: hhmm })
  .refine((w) => minutesOf(w.end) > minutesOf(w.start), { path: ['end'], error: 'must be after start' });
const envName = z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'an environment variable name like SMTP_PASSWORD_ACME');
const messageTemplates = z
  .object({
    emailSubject: z.string().max(300).optional(),
    emailText: z.string().max(10_000).optional(),
    emailHtml: z.string().max(20_000).optional(),
    sms: z.string().max(600).optional(),
  })
  .default({});
export const DeliverySettings = z.object({
  /** Email/text posted invoices and send reminders. Off by default. */
  enabled: z.boolean().default(false),
  /** Business name at the start of every message; ServiceTitan's business unit name when absent. */
  businessName: z.string().min(1).max(80).optional(),
  defaultChannel: z.enum(['email', 'sms']).default('email'),
  /** The customer custom field holding a preference ("Email", "Text"). */
  preferenceField: z.string().min(1).default('Preferred Contact Method'),
  /** Where a customer pays; {{invoiceNumber}}, {{invoiceId}} and {{customerId}} are filled in. */
  payUrlTemplate: z.string().max(500).optional(),
  portalUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Zone of customers whose location has no usable state. */
  defaultTimeZone: timeZone.default('America/Chicago'),
  email: z
    .object({
      host: z.string().min(1),
      port: z.number().int().min(1).max(65535).default(587),
      secure: z.boolean().default(false),
      user: z.string().optional(),
      passwordEnv: envName.optional(),
      from: z.string().min(3),
      replyTo: z.string().optional(),
      /** Where a reminder's List-Unsubscribe points (mailto: or https:). */
      unsubscribeUrl: z.string().optional(),
      /** After a connection failure once the message may have been handed over: resend with the
       * same Message-ID (receivers can collapse it), or stop and open a review item. */
      onUnknownOutcome: z.enum(['resend', 'review']).default('resend'),
      rejectUnauthorized: z.boolean().default(true),
    })
    .optional(),
  sms: z
    .object({
      baseUrl: z.url({ protocol: /^https?$/ }).default('https://api.twilio.com'),
      accountSid: z.string().min(1),
      authTokenEnv: envName,
      from: z.string().min(3),
      /** Public URL of apps/ingest's /sms/status/<tenant> (Twilio signs it). */
      statusCallbackUrl: z.url({ protocol: /^https?$/ }).optional(),
    })
    .optional(),
  reminders: z
    .object({
      enabled: z.boolean().default(true),
      /** Days from the due date. */
      offsetsDays: z.array(z.number().int().min(-30).max(365)).max(12).default([-3, 0, 7, 14, 30]),
    })
    .default({ enabled: true, offsetsDays: [-3, 0, 7, 14, 30] }),
  contactPolicy: z
    .object({
      quietHours: windowHours.default({ start: '08:00', end: '21:00' }),
      reminderHours: windowHours.default({ start: '09:00', end: '18:00' }),
      maxPerSubject: z.number().int().min(1).max(50).default(2),
      capWindowDays: z.number().int().min(1).max(90).default(7),
      minHoursBetweenReminders: z
        .number()
        .min(0)
        .max(24 * 30)
        .default(48),
    })
    .default({
      quietHours: { start: '08:00', end: '21:00' },
      reminderHours: { start: '09:00', end: '18:00' },
      maxPerSubject: 2,
      capWindowDays: 7,
      minHoursBetweenReminders: 48,
    }),
  templates: z
    .object({ invoice: messageTemplates, reminder: messageTemplates })
    .default({ invoice: {}, reminder: {} }),
  /** ServiceTitan invoice custom field our sends are recorded in. */
  sentField: z.string().min(1).default('Sent by invoicer'),
  /** Also record each send in a customer note. */
  customerNote: z.boolean().default(true),
});
export type DeliverySettings = z.infer<typeof DeliverySettings>;

// ---- evidence (sold estimates and job photos; issue 18) ----------------------------------------
export const EvidenceSettings = z.object({
  /** Compare the job's sold estimates with the draft (adds suggestions and review reasons only). */
  estimates: z.boolean().default(true),
  /**
   * Check the job's photos: EXIF time and place, reuse across jobs, nameplates. Off by default:
   * it reads the job's attachments from ServiceTitan on every run (the rest of the pipeline reads
   * them only when a reviewer opens the item).
   */
  photos: z.boolean().default(false),
  /** A photo taken this many hours before the first visit or after the last is "another day". */
  photoWindowHours: z.number().min(0).max(72).default(2),
  /** A photo taken farther than this from the job location is "far away". */
  photoMaxDistanceMeters: z.number().int().min(10).default(500),
  /** Read nameplates in the photos with Tesseract (model, serial) and match them to equipment (with `photos`). */
  nameplates: z.boolean().default(true),
  /**
   * Describe photos with the shop's OpenAI-compatible model (ai.provider "openai"): findings that
   * support or question draft lines; evidence and review reasons only, never money.
   */
  vision: z.boolean().default(false),
  /** A vision-capable model when the notes model is not one (default: ai.model). */
  visionModel: z.string().min(1).optional(),
  /** dHash Hamming distance at or under which two photos are the same picture. */
  reuseMaxDistance: z.number().int().min(0).max(32).default(8),
});
export type EvidenceSettings = z.infer<typeof EvidenceSettings>;

export const TenantSettings = z.object({
  policy: PolicySettings.default(PolicySettings.parse({})),
  rules: RulePackSettings.default(RulePackSettings.parse({})),
  tax: TaxSettings.default(TaxSettings.parse({})),
  pricing: PricingSettings.default(PricingSettings.parse({})),
  ai: AiSettings.default(AiSettings.parse({})),
  reconcile: ReconcileSettings.default(ReconcileSettings.parse({})),
  documents: DocumentSettings.default(DocumentSettings.parse({})),
  delivery: DeliverySettings.default(DeliverySettings.parse({})),
  collections: CollectionsSettings.default(CollectionsSettings.parse({})),
  evidence: EvidenceSettings.default(EvidenceSettings.parse({})),
});
export type TenantSettings = z.infer<typeof TenantSettings>;

export function parseTenantSettings(raw: unknown): TenantSettings {
  return TenantSettings.parse(raw ?? {});
}

/** Read-only sections `tenant:settings` prints beside the settings; a settings file may keep them. */
const PRINTED_SECTIONS = new Set(['autoApproval', 'learned']);

/** Each problem of `raw` as settings, as "path: message" (empty when it is valid). */
export function tenantSettingsIssues(raw: unknown): string[] {
  const parsed = TenantSettings.safeParse(raw ?? {});
  if (!parsed.success)
    return parsed.error.issues.map((i) => `${i.path.join('.') || '(settings)'}: ${i.message}`);
  const issues: string[] = [];
  const walk = (input: unknown, output: unknown, path: string[]) => {
    if (Array.isArray(input) && Array.isArray(output)) {
      for (const [n, item] of input.entries()) walk(item, output[n], [...path, String(n)]);
      return;
    }
    if (!isPlainObject(input) || !isPlainObject(output)) return;
    for (const [key, value] of Object.entries(input)) {
      if (value === undefined || (path.length === 0 && PRINTED_SECTIONS.has(key))) continue;
      if (!(key in output)) issues.push(`${[...path, key].join('.')}: unknown setting (misspelt?)`);
      else walk(value, output[key], [...path, key]);
    }
  };
  walk(raw ?? {}, parsed.data, []);
  return issues;
}

/**
 * Settings as a writer gives them (a file, the console, a command): validated with every
 * problem named by its field, unknown fields included. Throws InvalidInputError.
 */
export function validateTenantSettings(raw: unknown): TenantSettings {
  const issues = tenantSettingsIssues(raw);
  if (issues.length) throw new InvalidInputError('invalid tenant settings', issues);
  return parseTenantSettings(raw);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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

/**
 * The policy with its recommendation accepted: the recommended threshold becomes
 * `autoApproveConfidence` (1, i.e. nothing auto-posts, when none was recommended), and each
 * business unit with a threshold of its own gets it in its business-unit override (added when
 * there is none). Mode, amounts and every other override stay as they are. Only called when a
 * person accepts (or a backtest stands for a shop that did); never on its own.
 */
export function acceptThresholdRecommendation(
  policy: z.infer<typeof PolicySettings>,
): z.infer<typeof PolicySettings> {
  const r = policy.recommendation;
  if (!r) throw new Error('there is no recommended threshold to accept');
  const threshold = (v: number | null) => v ?? 1;
  const overrides = policy.overrides.map((o) => ({ ...o }));
  for (const bu of r.businessUnits) {
    const own = overrides.find((o) => o.businessUnitId === bu.businessUnitId && o.jobTypeId === undefined);
    if (own) own.autoApproveConfidence = threshold(bu.autoApproveConfidence);
    else
      overrides.push({
        businessUnitId: bu.businessUnitId,
        autoApproveConfidence: threshold(bu.autoApproveConfidence),
      });
  }
  return { ...policy, autoApproveConfidence: threshold(r.autoApproveConfidence), overrides };
}
