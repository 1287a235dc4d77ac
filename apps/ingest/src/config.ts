import { BaseEnv } from '@invoicer/platform';
import { z } from 'zod';

export const IngestEnv = BaseEnv.extend({
  INGEST_PORT: z.coerce.number().int().min(0).max(65535).default(4020),
  INGEST_HOST: z.string().default('127.0.0.1'),
  /** HMAC key shared with ServiceTitan's webhook settings. Unset: webhooks are refused (polling still works). */
  WEBHOOK_SECRET: z.string().min(16).optional(),
  /** ServiceTitan does not document these; see README "Webhooks". */
  WEBHOOK_SIGNATURE_HEADER: z.string().default('x-servicetitan-signature'),
  WEBHOOK_SIGNATURE_ALGORITHM: z.enum(['sha256', 'sha1', 'sha512']).default('sha256'),
  WEBHOOK_SIGNATURE_ENCODING: z.enum(['hex', 'base64']).default('hex'),
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
