import { QUEUE_NAMES, type QueueName } from '@invoicer/core';
import { BaseEnv } from '@invoicer/platform';
import { z } from 'zod';

export const WorkerEnv = BaseEnv.extend({
  /** Which stages this process runs (comma list), default all: split stages across processes. */
  WORKER_QUEUES: z
    .string()
    .default(QUEUE_NAMES.join(','))
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(QUEUE_NAMES as [QueueName, ...QueueName[]])).min(1)),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  WORKER_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(4030),
  /**
   * How far the heap may grow past what the last full garbage collection kept, in percent,
   * before the next one (0, the default: V8's own heuristic, up to 300%). Less memory for more
   * CPU; see heap.ts.
   */
  WORKER_HEAP_GROWTH_PERCENT: z.coerce.number().int().min(0).max(1000).default(0),
  /** How often a tenant's cached catalogue, mirror and history are refreshed. */
  SYNC_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(5 * 60_000),
  /** A job is judged by history up to the start of its period of this many hours (epoch-aligned). */
  HISTORY_PERIOD_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 31)
    .default(24),
  /**
   * History models kept in memory, counted in past jobs summed over the models (about 3 KB a
   * job): a burst spanning many days keeps one model per day up to this budget.
   */
  HISTORY_MODEL_BUDGET_JOBS: z.coerce.number().int().min(1000).default(20_000),
  /** How often the sweeper looks for runs that stopped moving (0 = never). */
  SWEEP_INTERVAL_MS: z.coerce.number().int().min(0).default(60_000),
  /** Scales every queue's progress bound (chaos tests use 0.1: re-drive after 12 s, not 120 s). */
  SWEEP_BOUND_SCALE: z.coerce.number().positive().max(10).default(1),
  /** Re-drives of a run that makes no progress before it fails with a review item. */
  SWEEP_MAX_REDRIVES: z.coerce.number().int().min(0).max(100).default(3),
  // Delivery bounds. The delivery code reads them where it sends (tests inject their own); they
  // are declared here so a bad value stops the workers at boot instead of becoming a NaN timeout.
  SMTP_TIMEOUT_MS: z.coerce.number().int().min(1).default(30_000),
  SMS_TIMEOUT_MS: z.coerce.number().int().min(1).default(15_000),
  DELIVERY_SEND_LEASE_MS: z.coerce.number().int().min(1).default(60_000),
  DELIVERY_PDF_WAIT_MS: z.coerce.number().int().min(0).default(600_000),
  // The customer invoice link put in emails, SMS and PDFs (read where they are made, like the
  // delivery bounds); declared so a short secret or a bad URL stops the workers at boot.
  PORTAL_LINK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  PORTAL_BASE_URL: z.url().optional(),
  PORTAL_LINK_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  // Nameplate OCR (evidence stage): read where OCR runs (ocrOptionsFromEnv); declared here so a bad
  // value stops the workers at boot.
  TESSERACT_BIN: z.string().min(1).default('tesseract'),
  OCR_TIMEOUT_MS: z.coerce.number().int().min(1).default(20_000),
  /** How often tenants with collections on get the day's evaluation queued (once a day each; 0 = never). */
  COLLECTIONS_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(60 * 60_000),
  /** How often connected tenants' books are compared and cleared invoices queued (0 = never). */
  ACCOUNTING_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(15 * 60_000),
});
export type WorkerEnv = z.infer<typeof WorkerEnv>;
