// The queue's filters as they arrive in a query string or form, validated, and turned into
// repository filters. Empty form fields mean "no filter".
import { ACCOUNTING_REASONS, INVOICE_REASONS, PAYMENT_REASONS } from '@invoicer/core';
import { QUEUE_SORTS, type QueueFilters, REVIEW_STATUSES, type ReviewStatus } from '@invoicer/db';
import { z } from 'zod';
import { isManager, type Role } from '../auth/roles.ts';

const blank = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' || v === null ? undefined : v), schema);
const id = blank(
  z.coerce.number({ message: 'must be a number' }).int('must be a whole number').positive().optional(),
);
const amount = blank(
  z
    .string()
    .trim()
    .regex(/^\d{1,10}(\.\d{1,2})?$/, 'must be a dollar amount like 125.00')
    .optional(),
);

export const AGE_FILTERS = { '1h': 1, '4h': 4, '24h': 24, '72h': 72 } as const;
export const ACTIVE = 'active';

export const QueueQuery = z
  .object({
    tenant: blank(z.string().max(64).optional()),
    status: blank(
      z.enum([ACTIVE, ...REVIEW_STATUSES], { message: 'is not a review status' }).default(ACTIVE),
    ),
    kind: blank(z.enum(['invoice', 'payment'], { message: 'must be invoice or payment' }).optional()),
    reason: blank(
      z
        .enum([...INVOICE_REASONS, ...PAYMENT_REASONS, ...ACCOUNTING_REASONS], {
          message: 'is not a review reason',
        })
        .optional(),
    ),
    bu: id,
    jobType: id,
    job: id,
    /** Search: customer name, service address, job number, invoice number (words, all must match). */
    q: blank(z.string().trim().max(200, 'must be at most 200 characters').optional()),
    min: amount,
    max: amount,
    age: blank(z.enum(['1h', '4h', '24h', '72h'], { message: 'must be 1h, 4h, 24h or 72h' }).optional()),
    assignee: blank(
      z.enum(['anyone', 'unclaimed', 'me'], { message: 'must be anyone, unclaimed or me' }).default('anyone'),
    ),
    sort: blank(
      z.enum(QUEUE_SORTS, { message: `must be one of ${QUEUE_SORTS.join(', ')}` }).default('oldest'),
    ),
    after: blank(z.string().max(500).optional()),
    limit: blank(z.coerce.number().int().min(1).max(200).default(50)),
  })
  .refine((q) => !q.min || !q.max || Number(q.min) <= Number(q.max), {
    message: 'minimum amount is above the maximum',
    path: ['min'],
  });
export type QueueQuery = z.infer<typeof QueueQuery>;

export function toFilters(query: QueueQuery, tenantId: string, userId: string): QueueFilters {
  return {
    tenantId,
    statuses: query.status === ACTIVE ? undefined : [query.status],
    kind: query.kind,
    reason: query.reason,
    businessUnitId: query.bu,
    jobTypeId: query.jobType,
    stJobId: query.job,
    minAmount: query.min,
    maxAmount: query.max,
    minAgeHours: query.age ? AGE_FILTERS[query.age] : undefined,
    assignee: query.assignee === 'me' ? userId : query.assignee === 'unclaimed' ? 'unclaimed' : undefined,
    search: searchWords(query.q),
  };
}

/**
 * The words of a search, each matched anywhere in an item's search text. "#" and punctuation
 * around a word are dropped ("#90255," finds invoice 90255); at most 6 words of 60 characters.
 */
export function searchWords(q: string | undefined): string[] | undefined {
  if (!q) return undefined;
  const words = q
    .split(/\s+/)
    .map((w) => w.replace(/^[#"'(,.;:]+|["'),.;:]+$/g, '').slice(0, 60))
    .filter((w) => w.length > 0)
    .slice(0, 6);
  return words.length ? words : undefined;
}

/** What "next item" pulls: managers take escalations first; specialists take open items. */
export function nextStatuses(query: QueueQuery, role: Role): ReviewStatus[] {
  if (query.status !== ACTIVE) return [query.status];
  return isManager(role) ? ['escalated', 'open'] : ['open'];
}

/** The query as plain strings, for links and hidden fields (cursor dropped). */
export function queryParams(query: QueueQuery, tenantId: string): Record<string, string> {
  const out: Record<string, string> = { tenant: tenantId };
  for (const [k, v] of Object.entries(query)) {
    if (k === 'after' || k === 'tenant' || v === undefined) continue;
    out[k] = String(v);
  }
  return out;
}
