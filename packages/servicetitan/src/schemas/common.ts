// Lenient response schemas, following API-NOTES: unknown fields pass through (looseObject),
// nullability is loose (nullish), timestamps are strings with up to 7 fractional digits,
// accounting amounts are strings and price-book amounts are numbers. Request schemas (in
// requests.ts) are strict instead.
import { z } from 'zod';

export const Id = z.number().int();
export const OptId = Id.nullish();
export const Timestamp = z.string();
export const OptTimestamp = Timestamp.nullish();
/** Accounting money: a decimal string such as "12.50". */
export const AmountString = z.string();
/** Price-book money: a JSON number. */
export const AmountNumber = z.number();
export const NamedRef = z.looseObject({ id: Id, name: z.string().nullish() }).nullish();
export const Address = z
  .looseObject({
    street: z.string().nullish(),
    unit: z.string().nullish(),
    city: z.string().nullish(),
    state: z.string().nullish(),
    zip: z.string().nullish(),
    country: z.string().nullish(),
    latitude: z.number().nullish(),
    longitude: z.number().nullish(),
  })
  .nullish();
export const CustomFields = z
  .array(z.looseObject({ name: z.string().nullish(), value: z.unknown() }))
  .nullish();
export const ExternalData = z
  .array(z.looseObject({ key: z.string(), value: z.string().nullish() }))
  .nullish();

export const listEnvelope = <T extends z.ZodType>(item: T) =>
  z.looseObject({
    page: z.number().int(),
    pageSize: z.number().int(),
    hasMore: z.boolean(),
    totalCount: z.number().int().nullish(),
    data: z.array(item),
  });

export const exportEnvelope = <T extends z.ZodType>(item: T) =>
  z.looseObject({ hasMore: z.boolean(), continueFrom: z.string(), data: z.array(item) });

export const ApiErrorResponse = z.looseObject({
  type: z.string().nullish(),
  title: z.string().nullish(),
  status: z.number().int().nullish(),
  traceId: z.string().nullish(),
  errors: z.record(z.string(), z.array(z.string())).nullish(),
  data: z.record(z.string(), z.unknown()).nullish(),
});
export type ApiErrorResponse = z.infer<typeof ApiErrorResponse>;

/** Parse a ServiceTitan timestamp (7 fractional digits, 'Z' optional) into a Date. */
export function parseStDate(value: string | null | undefined): Date | null {
  if (!value) return null;
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(
    value.trim(),
  );
  if (!m) return null;
  const frac = m[3] ? m[3].slice(0, 4) : '';
  const time = m[2] ? (m[2].length === 5 ? `${m[2]}:00` : m[2]) : '00:00:00';
  const date = new Date(`${m[1]}T${time}${frac}${m[4] ?? 'Z'}`);
  return Number.isNaN(date.getTime()) ? null : date;
}
