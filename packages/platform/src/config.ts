// Environment configuration. Every app validates its env with zod at boot and stops with one
// message naming each missing or wrong variable. Defaults run locally with no setup.
import { ConfigError } from '@invoicer/core';
import { z } from 'zod';

export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/invoicer';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    `must be a ${protocols.join(' or ')} URL`,
  );

export const BaseEnv = z.object({
  DATABASE_URL: url(['postgresql:', 'postgres:']).default(DEFAULT_DATABASE_URL),
  REDIS_URL: url(['redis:', 'rediss:']).default(DEFAULT_REDIS_URL),
  /** Redis key prefix for every queue, so several clusters (or test runs) can share a Redis. */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9_-]+$/)
    .default('invoicer'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Key for sealing tenant credentials (32 bytes, base64 or hex). */
  CREDENTIALS_KEY: z.string().optional(),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(15000),
  /**
   * Calls per second per ServiceTitan tenant, shared by every process through Redis.
   * ServiceTitan allows 60; only a local simulator (backtests, benchmarks) may go higher.
   */
  ST_RATE_LIMIT_PER_SECOND: z.coerce.number().int().min(1).max(10_000).default(55),
});
export type BaseEnv = z.infer<typeof BaseEnv>;

/** Parse `env` with `schema`; on failure throw one ConfigError listing every problem. */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(env)';
    const value = (env as Record<string, string | undefined>)[String(issue.path[0])];
    return value === undefined
      ? `${name} is missing: ${issue.message}`
      : `${name} is invalid: ${issue.message}`;
  });
  throw new ConfigError(problems);
}
