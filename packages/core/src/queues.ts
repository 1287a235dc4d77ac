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
  })
  .strict();

/** A message ledger row to send (reminders, resends); notBefore (epoch ms) names a deferral. */
export const MessagePayload = z
  .object({ tenantId, messageId: z.uuid(), notBefore: z.number().int().positive().optional() })
  .strict();

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

export const PIPELINE_STAGES = ['extract', 'detect', 'price', 'draft', 'route'] as const;
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
  'invoice.draft': { payload: RunPayload, stage: 'draft', next: 'invoice.route', options: STAGE_OPTIONS },
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
  // Accounting (issue 17): the books' own limits pace these (apps/workers/src/accounting).
  'accounting.sync': {
    payload: AccountingSyncPayload,
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
  if (queue === 'payment.reconcile') return `recon-${p.tenantId}.${p.subject}.${p.subjectId}.v${p.version}`;
  if (queue === 'invoice.deliver') return `run-${p.runId}.deliver.r${p.revision}`;
  if (queue === 'accounting.sync') return `acct-${p.tenantId}.inv${p.invoiceId}.${p.version}`;
  if (queue === 'accounting.reconcile') return `acct-${p.tenantId}.reconcile.${p.version}`;
  if (queue === 'message.send') return `msg-${p.messageId}${p.notBefore ? `.t${p.notBefore}` : ''}`;
  return `run-${p.runId}.${QUEUE_CATALOG[queue].stage}`;
}
