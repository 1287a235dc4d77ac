// The queue catalog: one BullMQ queue per pipeline stage, each with its zod payload schema.
// Payloads carry ids only; amounts and customer data stay in Postgres (never in Redis).
import { z } from 'zod';

const tenantId = z.string().min(1).max(64);
const runId = z.uuid();

export const RunPayload = z.object({ tenantId, runId }).strict();
export const PostPayload = z.object({ tenantId, runId, revision: z.number().int().min(1) }).strict();
export const ReconcilePayload = z
  .object({
    tenantId,
    /**
     * st_payment: a ServiceTitan payment; bank_line: an imported bank transaction;
     * review: a payment review item a person resolved in the console.
     */
    subject: z.enum(['st_payment', 'bank_line', 'review']),
    subjectId: z.string().min(1).max(64),
    /** Changes when the subject changes, so an updated payment is reconciled again. */
    version: z.string().min(1).max(64),
    /**
     * Why the same version is decided again (e.g. `posted-<runId>-r<revision>`: the draft that
     * explained the payment was posted since); part of the job id, so each reason runs once.
     */
    recheck: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,80}$/)
      .optional(),
  })
  .strict();

/** A message ledger row to send (reminders, resends); notBefore (epoch ms) names a deferral. */
export const MessagePayload = z
  .object({ tenantId, messageId: z.uuid(), notBefore: z.number().int().positive().optional() })
  .strict();

/** Collections (issue 16): one tenant's daily evaluation (dunning decisions, plan suggestions). */
export const CollectionsEvaluatePayload = z
  .object({ tenantId, day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'is not a date (YYYY-MM-DD)') })
  .strict();
/** One collections action: a dunning level for an invoice, or an accepted plan's ServiceTitan objects. */
export const CollectionsActPayload = z
  .object({
    tenantId,
    kind: z.enum(['dunning', 'plan']),
    subjectId: z.string().min(1).max(64),
    step: z.string().min(1).max(64),
  })
  .strict();
/** Suggest payment-plan options for one large open invoice (ServiceTitan invoice id). */
export const PlanSuggestPayload = z.object({ tenantId, invoiceId: z.string().regex(/^\d{1,18}$/) }).strict();

/** Accounting sync (issue 17): one cleared ServiceTitan invoice (and its payments) to the books. */
export const AccountingSyncPayload = z
  .object({
    tenantId,
    invoiceId: z.number().int().positive(),
    /** Changes when the invoice or its payments change (or a person fixed a mapping). */
    version: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_-]+$/),
  })
  .strict();
/** Journal mode: one day's summarised journal for one business unit ("none" when it has none). */
export const AccountingJournalPayload = z
  .object({
    tenantId,
    day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    businessUnit: z.string().regex(/^(\d{1,18}|none)$/),
    version: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_-]+$/),
  })
  .strict();
/** Accounting reconcile: compare ServiceTitan with the books (observe mode, differences). */
export const AccountingReconcilePayload = z
  .object({
    tenantId,
    version: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_-]+$/),
  })
  .strict();

export const PIPELINE_STAGES = ['extract', 'detect', 'price', 'draft', 'evidence', 'route'] as const;
export type PipelineStage = (typeof PIPELINE_STAGES)[number];

/**
 * Per-queue running options. `attempts` and `backoffMs` are BullMQ's retries; `concurrency` is
 * the default per worker process (WORKER_CONCURRENCY overrides it); `progressBoundMs` is how
 * long a run may sit at this step with no job moving before the sweeper re-drives it.
 */
export interface QueueOptions {
  attempts: number;
  backoffMs: number;
  concurrency: number;
  progressBoundMs: number;
}

const STAGE_OPTIONS: QueueOptions = {
  attempts: 5,
  backoffMs: 1000,
  concurrency: 4,
  progressBoundMs: 120_000,
};

export const QUEUE_CATALOG = {
  'invoice.extract': {
    payload: RunPayload,
    stage: 'extract',
    next: 'invoice.detect',
    options: STAGE_OPTIONS,
  },
  'invoice.detect': { payload: RunPayload, stage: 'detect', next: 'invoice.price', options: STAGE_OPTIONS },
  'invoice.price': { payload: RunPayload, stage: 'price', next: 'invoice.draft', options: STAGE_OPTIONS },
  'invoice.draft': { payload: RunPayload, stage: 'draft', next: 'invoice.evidence', options: STAGE_OPTIONS },
  // Evidence (issue 18): sold estimates and photos checked against the draft. After the draft, so
  // it never changes the draft's lines or totals; it adds suggestions and review reasons.
  'invoice.evidence': {
    payload: RunPayload,
    stage: 'evidence',
    next: 'invoice.route',
    options: STAGE_OPTIONS,
  },
  'invoice.route': { payload: RunPayload, stage: 'route', next: null, options: STAGE_OPTIONS },
  'invoice.post': {
    payload: PostPayload,
    stage: 'post',
    // After a verified post, when the tenant's documents are enabled (apps/workers documents/handover.ts).
    next: 'invoice.pdf',
    // Longer bound: posting holds a lease (2 min) another job may only take over after.
    options: { ...STAGE_OPTIONS, progressBoundMs: 300_000 },
  },
  // Render the posted invoice's PDF from ServiceTitan's read-back, store it, attach it to the job,
  // then deliver it (the delivery stage does nothing unless the tenant's delivery is enabled).
  'invoice.pdf': {
    payload: PostPayload,
    stage: 'pdf',
    next: 'invoice.deliver',
    options: { ...STAGE_OPTIONS, concurrency: 2 },
  },
  'payment.reconcile': {
    payload: ReconcilePayload,
    stage: 'reconcile',
    next: null,
    options: { ...STAGE_OPTIONS, concurrency: 2 },
  },
  // Delivery (issue 15): email/SMS a posted invoice with its PDF; then reminders and resends.
  'invoice.deliver': { payload: PostPayload, stage: 'deliver', next: null, options: STAGE_OPTIONS },
  'message.send': { payload: MessagePayload, stage: 'message', next: null, options: STAGE_OPTIONS },
  // Collections (issue 16): evaluate → act (dunning levels, plan representation); plan options.
  'collections.evaluate': {
    payload: CollectionsEvaluatePayload,
    stage: 'collections',
    next: 'collections.act',
    options: { ...STAGE_OPTIONS, concurrency: 1 },
  },
  'collections.act': {
    payload: CollectionsActPayload,
    stage: 'collections',
    next: null,
    options: STAGE_OPTIONS,
  },
  'plan.suggest': { payload: PlanSuggestPayload, stage: 'plan', next: null, options: STAGE_OPTIONS },
  // Accounting (issue 17): the books' own limits pace these (apps/workers/src/accounting).
  'accounting.sync': {
    payload: AccountingSyncPayload,
    stage: 'accounting',
    next: null,
    options: { ...STAGE_OPTIONS, concurrency: 2 },
  },
  'accounting.journal': {
    payload: AccountingJournalPayload,
    stage: 'accounting',
    next: null,
    options: { ...STAGE_OPTIONS, concurrency: 2 },
  },
  'accounting.reconcile': {
    payload: AccountingReconcilePayload,
    stage: 'accounting',
    next: null,
    options: { ...STAGE_OPTIONS, concurrency: 1, progressBoundMs: 600_000 },
  },
} as const satisfies Record<
  string,
  { payload: z.ZodType; stage: string; next: string | null; options: QueueOptions }
>;

export type QueueName = keyof typeof QUEUE_CATALOG;
export const QUEUE_NAMES = Object.keys(QUEUE_CATALOG) as QueueName[];
export type PayloadOf<Q extends QueueName> = z.infer<(typeof QUEUE_CATALOG)[Q]['payload']>;

export function isQueueName(value: string): value is QueueName {
  return Object.hasOwn(QUEUE_CATALOG, value);
}

export function queueForStage(stage: PipelineStage): QueueName {
  return `invoice.${stage}` as QueueName;
}

/**
 * Deterministic BullMQ job ids: the same business step always gets the same id, so a
 * duplicate enqueue is a no-op. BullMQ forbids ':' and all-digit ids.
 */
export function jobIdFor<Q extends QueueName>(queue: Q, payload: PayloadOf<Q>): string {
  const p = payload as Record<string, unknown>;
  if (queue === 'invoice.post') return `run-${p.runId}.post.r${p.revision}`;
  if (queue === 'invoice.pdf') return `run-${p.runId}.pdf.r${p.revision}`;
  if (queue === 'payment.reconcile')
    return `recon-${p.tenantId}.${p.subject}.${p.subjectId}.v${p.version}${p.recheck ? `.${p.recheck}` : ''}`;
  if (queue === 'invoice.deliver') return `run-${p.runId}.deliver.r${p.revision}`;
  if (queue === 'accounting.sync') return `acct-${p.tenantId}.inv${p.invoiceId}.${p.version}`;
  if (queue === 'accounting.journal') return `acct-${p.tenantId}.jrn${p.day}.${p.businessUnit}.${p.version}`;
  if (queue === 'accounting.reconcile') return `acct-${p.tenantId}.reconcile.${p.version}`;
  if (queue === 'message.send') return `msg-${p.messageId}${p.notBefore ? `.t${p.notBefore}` : ''}`;
  if (queue === 'collections.evaluate') return `coll-eval-${p.tenantId}.${p.day}`;
  if (queue === 'collections.act') return `coll-act-${p.tenantId}.${p.kind}.${p.subjectId}.${p.step}`;
  if (queue === 'plan.suggest') return `plan-suggest-${p.tenantId}.${p.invoiceId}`;
  return `run-${p.runId}.${QUEUE_CATALOG[queue].stage}`;
}
