// Console configuration: the shared base env plus the web server, sessions, claims, login
// rate limit and the /metrics token. Durations are seconds so they read plainly in an env file.
import { BaseEnv } from '@invoicer/platform';
import { z } from 'zod';

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => ['true', '1', 'yes'].includes(v));
const seconds = (fallback: number) =>
  z.coerce.number({ message: 'must be a number of seconds' }).int().positive().default(fallback);

export const ConsoleEnv = BaseEnv.extend({
  CONSOLE_PORT: z.coerce
    .number({ message: 'must be a port number' })
    .int('must be a port number')
    .min(0)
    .max(65535)
    .default(4000),
  CONSOLE_HOST: z.string().min(1).default('127.0.0.1'),
  /** Absolute lifetime of a sign-in, in seconds (default 12 h). */
  SESSION_TTL: seconds(12 * 3600),
  /** A session unused for this long (seconds) is signed out (default 2 h). */
  SESSION_IDLE_TIMEOUT: seconds(2 * 3600),
  /**
   * Mark cookies Secure (sent over HTTPS only). Leave on in production; set false only to use
   * the console over plain http on a machine where the browser refuses Secure cookies.
   */
  COOKIE_SECURE: flag.default(true),
  /** Trust X-Forwarded-* from a reverse proxy (needed for per-client login limits behind one). */
  TRUST_PROXY: flag.default(false),
  /** How long a review item stays claimed without activity, in seconds (default 15 min). */
  CLAIM_TTL: seconds(15 * 60),
  /**
   * After an approval, how long posting waits so the approver can undo it, in seconds (default
   * 10; 0 posts at once and offers no undo).
   */
  APPROVAL_UNDO_SECONDS: z.coerce
    .number({ message: 'must be a number of seconds' })
    .int()
    .min(0)
    .max(300)
    .default(10),
  /** Sign-in attempts allowed per client address per window. */
  LOGIN_RATE_LIMIT: z.coerce.number().int().positive().default(10),
  LOGIN_RATE_WINDOW: seconds(60),
  /**
   * Bearer token for /metrics. Unset: /metrics answers only requests from this machine
   * (loopback), so a scraper on the same host works with no setup and nothing leaks outside.
   */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
});
export type ConsoleEnv = z.infer<typeof ConsoleEnv>;
