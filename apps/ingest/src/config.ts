import { BaseEnv } from '@invoicer/platform';
import { z } from 'zod';

const flag = z
  .enum(['true', 'false', '1', '0'])
  .default('false')
  .transform((v) => v === 'true' || v === '1');

export const IngestEnv = BaseEnv.extend({
  INGEST_PORT: z.coerce.number().int().min(0).max(65535).default(4020),
  INGEST_HOST: z.string().default('127.0.0.1'),
  /**
   * Prometheus /metrics (and /healthz, /readyz) on their own port, never the public webhook
   * port. Default 4021; when INGEST_PORT is 0 (an ephemeral port: tests, embedded clusters) an
   * ephemeral port too.
   */
  INGEST_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  INGEST_METRICS_HOST: z.string().default('127.0.0.1'),
  /** Behind a reverse proxy: take the source address from X-Forwarded-For (for rate limiting). */
  INGEST_TRUST_PROXY: flag,
  /** HMAC key shared with ServiceTitan's webhook settings. Unset: webhooks are refused (polling still works). */
  WEBHOOK_SECRET: z.string().min(16).optional(),
  /** ServiceTitan does not document these; see README "Webhooks". */
  WEBHOOK_SIGNATURE_HEADER: z.string().default('x-servicetitan-signature'),
  WEBHOOK_SIGNATURE_ALGORITHM: z.enum(['sha256', 'sha1', 'sha512']).default('sha256'),
  WEBHOOK_SIGNATURE_ENCODING: z.enum(['hex', 'base64']).default('hex'),
  /** Largest webhook body accepted (a job event is well under 10 KB); larger ones get 413. */
  WEBHOOK_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(10 * 1024 * 1024)
    .default(256 * 1024),
  /**
   * Deliveries that fail the signature, per source address per minute, that are recorded (a
   * small record, never the body); beyond it they are answered 429 and only counted.
   */
  WEBHOOK_UNSIGNED_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  /** Keep accepted and duplicate deliveries this many days. */
  WEBHOOK_RETENTION_DAYS: z.coerce.number().positive().default(30),
  /** Keep the records of refused deliveries this many days. */
  WEBHOOK_REJECTED_RETENTION_DAYS: z.coerce.number().positive().default(7),
  /** How often old deliveries are pruned (0 disables pruning). */
  WEBHOOK_PRUNE_INTERVAL_MS: z.coerce.number().int().min(0).default(3_600_000),
  /** HMAC key of the customer invoice links (/portal/...). Unset: the customer page is off. */
  PORTAL_LINK_SECRET: z.string().min(16).optional(),
  /** Assistant questions allowed per invoice link, and per source address, per hour. */
  PORTAL_ASKS_PER_LINK_PER_HOUR: z.coerce.number().int().min(1).default(30),
  PORTAL_ASKS_PER_IP_PER_HOUR: z.coerce.number().int().min(1).default(60),
  /** Customer page views per source address per minute. */
  PORTAL_VIEWS_PER_IP_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  /** Poll export feeds this often (0 disables polling). */
  POLL_INTERVAL_MS: z.coerce.number().int().min(0).default(60_000),
  /** Which feeds the poller follows: completed jobs, and payments for reconciliation. */
  INGEST_POLL_FEEDS: z
    .string()
    .default('jobs,payments')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(['jobs', 'payments'])).min(1)),
});
export type IngestEnv = z.infer<typeof IngestEnv>;
