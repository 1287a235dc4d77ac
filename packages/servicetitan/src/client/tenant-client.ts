// A client for one tenant from its stored record: credentials opened from their sealed form
// (never logged), calls limited per tenant through Redis so every process shares the budget.
import type { Redis } from 'ioredis';
import { StClient, type StClientConfig } from './client.ts';
import { openCredentials } from './credentials.ts';
import type { CallInfo } from './http.ts';
import { noRateLimit, RedisRateLimiter, rateLimitIsOff } from './rate-limiter.ts';

export interface TenantRecord {
  id: string;
  stTenantId: bigint | number;
  apiBaseUrl: string;
  authUrl: string;
  credentialsSealed: string | null;
}

export interface TenantClientOptions {
  credentialsKey: Buffer;
  redis: Redis;
  /** Redis key prefix (the queue prefix), so test runs and clusters do not share budgets. */
  prefix: string;
  /** Calls/s per ServiceTitan tenant across processes (default 55); 0 turns the limiter off. */
  rateLimitPerSecond?: number;
  onCall?: (tenantId: string, info: CallInfo) => void;
  overrides?: Partial<StClientConfig>;
}

export function clientForTenant(tenant: TenantRecord, options: TenantClientOptions): StClient {
  if (!tenant.credentialsSealed) throw new Error(`tenant ${tenant.id} has no ServiceTitan credentials`);
  let credentials: ReturnType<typeof openCredentials>;
  try {
    credentials = openCredentials(tenant.credentialsSealed, options.credentialsKey);
  } catch {
    // Retrying cannot help: the key is wrong or the sealed value was altered.
    throw Object.assign(
      new Error(
        `cannot open the ServiceTitan credentials of tenant ${tenant.id}: CREDENTIALS_KEY is not the key they were sealed with`,
      ),
      { permanent: true },
    );
  }
  const stTenantId = Number(tenant.stTenantId);
  return new StClient({
    tenantId: stTenantId,
    apiBaseUrl: tenant.apiBaseUrl,
    authUrl: tenant.authUrl,
    ...credentials,
    // Off: no limiter at all, so a call costs no Redis round trip.
    rateLimiter:
      options.rateLimitPerSecond !== undefined && rateLimitIsOff(options.rateLimitPerSecond)
        ? noRateLimit
        : new RedisRateLimiter(
            options.redis,
            `${options.prefix}:st-rate:${stTenantId}`,
            options.rateLimitPerSecond ?? 55,
          ),
    onCall: (info) => options.onCall?.(tenant.id, info),
    ...options.overrides,
  });
}
