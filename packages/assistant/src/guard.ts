// The guard: a reply may only state amounts, dates, invoice numbers and other figures that appear
// in the tool outputs of the same turn. Extraction is by pattern (money, dates in words or digits,
// "invoice #…"), and whatever figure is left over must match a figure in the outputs too. A reply
// that fails is replaced by a safe one that states no figure at all.

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH =
  '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const DATE_WORDS = new RegExp(`\\b${MONTH}\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?(?:,?\\s+(\\d{4}))?\\b`, 'gi');
const DATE_DAY_FIRST = new RegExp(
  `\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH}\\.?(?:,?\\s+(\\d{4}))?\\b`,
  'gi',
);
const DATE_ISO = /\b(\d{4})-(\d{1,2})-(\d{1,2})\b/g;
const DATE_SLASH = /\b(\d{1,2})\/(\d{1,2})(?:\/(\d{2,4}))?\b/g;
const MONEY =
  /(-?)\$\s?(\d[\d,]*(?:\.\d+)?)|\b(\d[\d,]*(?:\.\d+)?)\s*(?:dollars|usd|bucks)\b|\b(\d[\d,]*\.\d{2})\b/gi;
const INVOICE_REF =
  /(?:\binvoice|\binv\.?|#)\s*(?:number|no\.?|num\.?|#)?\s*:?\s*([A-Za-z0-9-]*\d[A-Za-z0-9-]*)/gi;
const FIGURE = /[A-Za-z0-9-]*\d[A-Za-z0-9.,-]*/g;
const SMALL =
  'zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety';
/** Amounts in words ("five hundred", "twenty dollars", "ten percent"): tools never write them so. */
const NUMBER_WORDS = new RegExp(
  `\\b(hundred|thousand|million|billion|(?:${SMALL})(?:[- ](?:${SMALL}))?\\s+(?:dollars?|bucks|cents?|percent))\\b`,
  'gi',
);

export interface Grounding {
  amounts: Set<string>;
  dates: Set<string>;
  figures: Set<string>;
}

const cents = (digits: string): string | null => {
  const clean = digits.replaceAll(',', '');
  if (!/^\d+(\.\d+)?$/.test(clean)) return null;
  const [whole, frac = ''] = clean.split('.');
  if (frac.length > 2 && /[1-9]/.test(frac.slice(2))) return `${BigInt(whole!)}.${frac}`;
  return String(BigInt(whole!) * 100n + BigInt((frac + '00').slice(0, 2)));
};
const monthOf = (word: string) => MONTHS.indexOf(word.slice(0, 3).toLowerCase()) + 1;
const dateKey = (month: number, day: number, year?: string) =>
  month >= 1 && month <= 12 && day >= 1 && day <= 31
    ? `${year ? (year.length === 2 ? `20${year}` : year) : '*'}-${month}-${day}`
    : null;
/** A figure as compared: lower case, trailing punctuation and thousands separators dropped. */
const figureKey = (token: string) =>
  token
    .toLowerCase()
    .replace(/[.,-]+$/, '')
    .replace(/(\d),(?=\d{3})/g, '$1');

interface Found {
  kind: 'amount' | 'date' | 'invoice' | 'figure' | 'number-word';
  text: string;
  key: string | null;
}

/** Every figure in a text, by kind; each span is consumed by the first pattern that takes it. */
export function extractFigures(text: string): Found[] {
  const found: Found[] = [];
  let rest = text;
  const take = (pattern: RegExp, kind: Found['kind'], key: (m: RegExpExecArray) => string | null) => {
    rest = rest.replace(pattern, (...args) => {
      const m = args.slice(0, -2) as unknown as RegExpExecArray;
      const k = key(m);
      // "45/5" is not a date: leave it to be checked as figures.
      if (kind === 'date' && k === null) return m[0];
      found.push({ kind, text: m[0], key: k });
      return ' ';
    });
  };
  take(DATE_WORDS, 'date', (m) => dateKey(monthOf(m[1]!), Number(m[2]), m[3]));
  take(DATE_DAY_FIRST, 'date', (m) => dateKey(monthOf(m[2]!), Number(m[1]), m[3]));
  take(DATE_ISO, 'date', (m) => dateKey(Number(m[2]), Number(m[3]), m[1]));
  take(DATE_SLASH, 'date', (m) => dateKey(Number(m[1]), Number(m[2]), m[3]));
  take(MONEY, 'amount', (m) => {
    const value = cents(m[2] ?? m[3] ?? m[4] ?? '');
    return value === null ? null : `${m[1] === '-' && value !== '0' ? '-' : ''}${value}`;
  });
  take(INVOICE_REF, 'invoice', (m) => figureKey(m[1]!));
  take(NUMBER_WORDS, 'number-word', (m) => m[0].toLowerCase());
  take(FIGURE, 'figure', (m) => figureKey(m[0]));
  return found;
}

/** Free text from ServiceTitan (line descriptions, the summary) is untrusted: its figures ground a reply, its amounts and dates do not. */
const UNTRUSTED_TEXT = new Set(['description', 'summary']);

function strings(value: unknown, out: { text: string; untrusted: boolean }[] = [], untrusted = false) {
  if (typeof value === 'string') out.push({ text: value, untrusted });
  else if (typeof value === 'number' || typeof value === 'bigint')
    out.push({ text: String(value), untrusted });
  else if (Array.isArray(value)) for (const v of value) strings(v, out, untrusted);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) strings(v, out, untrusted || UNTRUSTED_TEXT.has(k));
  return out;
}

/** What a reply may state: the figures of this turn's tool outputs. */
export function groundingOf(toolOutputs: unknown[]): Grounding {
  const g: Grounding = { amounts: new Set(), dates: new Set(), figures: new Set() };
  for (const { text, untrusted } of strings(toolOutputs)) {
    if (!untrusted)
      for (const f of extractFigures(text)) {
        if (f.key === null) continue;
        if (f.kind === 'amount') g.amounts.add(f.key.replace(/^-/, ''));
        else if (f.kind === 'date') {
          g.dates.add(f.key);
          g.dates.add(f.key.replace(/^\d{4}-/, '*-'));
        } else g.figures.add(f.key);
      }
    // Every raw figure counts as a figure (an invoice number written bare, a quantity, "45/5").
    for (const m of text.matchAll(FIGURE)) g.figures.add(figureKey(m[0]));
  }
  return g;
}

export interface GuardDecision {
  ok: boolean;
  /** The figures that were not grounded, as written in the reply. */
  ungrounded: string[];
  checked: number;
}

export function checkReply(reply: string, grounding: Grounding): GuardDecision {
  const found = extractFigures(reply);
  const ungrounded: string[] = [];
  for (const f of found) {
    const ok =
      f.key !== null &&
      (f.kind === 'amount'
        ? grounding.amounts.has(f.key.replace(/^-/, ''))
        : f.kind === 'date'
          ? grounding.dates.has(f.key)
          : f.kind === 'number-word'
            ? false
            : grounding.figures.has(f.key));
    if (!ok) ungrounded.push(f.text.trim());
  }
  return { ok: ungrounded.length === 0, ungrounded, checked: found.length };
}

export function safeReply(shopName: string | null): string {
  return `I'm sorry, I can't answer that reliably here. Everything on your invoice is shown on this page. If you'd like, choose "Talk to a person" and someone from ${shopName ?? 'our office'} will get back to you.`;
}
