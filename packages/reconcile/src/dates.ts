// Calendar dates as YYYY-MM-DD strings. Banks post on local business days, so time zones are
// dropped rather than converted: shifting 2011-03-31T23:00-05:00 to UTC would move the day.

export function isoDate(year: number, month: number, day: number): string | undefined {
  if (!Number.isInteger(year) || year < 1900 || year > 2199) return undefined;
  if (!Number.isInteger(month) || month < 1 || month > 12) return undefined;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (!Number.isInteger(day) || day < 1 || day > daysInMonth) return undefined;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** OFX datetimes: "20110331", "20110331120000.000[-5:EST]". */
export function fromCompactDate(value: string): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(?:\d{0,6}(?:\.\d+)?(?:\[[^\]]*\])?|[\d:.]*)?$/.exec(value.trim());
  return m ? isoDate(Number(m[1]), Number(m[2]), Number(m[3])) : undefined;
}

/** BAI2 and NACHA dates: YYMMDD, years 70–99 in the 1900s. */
export function fromYymmdd(value: string): string | undefined {
  const m = /^(\d{2})(\d{2})(\d{2})$/.exec(value.trim());
  if (!m) return undefined;
  const yy = Number(m[1]);
  return isoDate(yy >= 70 ? 1900 + yy : 2000 + yy, Number(m[2]), Number(m[3]));
}

/** ISO 8601 date or datetime ("2014-12-31", "2025-07-23T00:00:00.000000000"). */
export function fromIsoDateTime(value: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/.exec(value.trim());
  return m ? isoDate(Number(m[1]), Number(m[2]), Number(m[3])) : undefined;
}

/**
 * Parse with a pattern such as "YYYY-MM-DD", "MM/DD/YYYY", "D.M.YY". A time after the date
 * ("2020-01-23 08:26:29") is ignored.
 */
export function fromPattern(value: string, pattern: string): string | undefined {
  const order: ('Y' | 'M' | 'D')[] = [];
  const source = pattern.replace(/YYYY|YY|MM|M|DD|D|[^YMD]/g, (token) => {
    const part = DATE_TOKENS[token];
    if (!part) return token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    order.push(part.key);
    return part.regex;
  });
  const m = new RegExp(`^${source}(?:$|[ T])`).exec(value.trim());
  if (!m) return undefined;
  const parts: Record<'Y' | 'M' | 'D', number> = { Y: 0, M: 0, D: 0 };
  order.forEach((key, i) => {
    parts[key] = Number(m[i + 1]);
  });
  if (parts.Y < 100) parts.Y += parts.Y >= 70 ? 1900 : 2000;
  return isoDate(parts.Y, parts.M, parts.D);
}

const DATE_TOKENS: Record<string, { key: 'Y' | 'M' | 'D'; regex: string }> = {
  YYYY: { key: 'Y', regex: '(\\d{4})' },
  YY: { key: 'Y', regex: '(\\d{2})' },
  MM: { key: 'M', regex: '(\\d{2})' },
  M: { key: 'M', regex: '(\\d{1,2})' },
  DD: { key: 'D', regex: '(\\d{2})' },
  D: { key: 'D', regex: '(\\d{1,2})' },
};

const DAY_MS = 86_400_000;

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}
