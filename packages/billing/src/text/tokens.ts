// Tokenisation that keeps trade notation intact ("45/5", "r-410a", "3/4", "10'", "w/h") and
// records offsets, so every extracted line can point back at its span in the note.

export interface Token {
  /** Lower-cased surface form. */
  text: string;
  start: number;
  end: number;
}

// "r&r" (remove and replace) and "t&p" are one word each; other ampersands join two items.
const TOKEN =
  /(?<![a-z0-9])[a-z]&[a-z](?![a-z0-9])|\d*[¼½¾⅛⅜⅝⅞](?:[a-z]+|['’"])?|[a-z0-9]+(?:[/.\-'’][a-z0-9]+)*['’"%]?|[#+]/gi;

/** Fractions written as one character ("¾ pvc", "1½lb"). */
const VULGAR: Record<string, [number, number]> = {
  '¼': [1, 4],
  '½': [1, 2],
  '¾': [3, 4],
  '⅛': [1, 8],
  '⅜': [3, 8],
  '⅝': [5, 8],
  '⅞': [7, 8],
};
const VULGAR_TOKEN = /^(\d*)([¼½¾⅛⅜⅝⅞])(.*)$/;

/**
 * A count glued to its unit ("3lbs", "2.5lb", "16oz", "10ft", "2pcs", the "1/2lbs" of "6
 * 1/2lbs"), perhaps after a tally "x" ("lineset x25ft"): read as separate tokens.
 */
const GLUED_UNIT = /^(x?)(\d+(?:\.\d+)?|\d+\/\d+)(lbs?|oz|ft|gals?|hrs?|ea|pcs?)$/;

export function tokenize(text: string, offset = 0): Token[] {
  const tokens: Token[] = [];
  const pattern = new RegExp(TOKEN.source, 'gi');
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    const surface = m[0].toLowerCase().replace(/’/g, "'");
    const start = offset + m.index!;
    // "1) Arrived … 2) Charged 4 lbs": a step number opening a line or sentence is not a quantity
    // ("(2) caps" and "(qty 2)" still are).
    if (
      /^\d{1,2}$/.test(surface) &&
      text[m.index! + m[0].length] === ')' &&
      /(^|[\n.;:!?])\s*$/.test(text.slice(Math.max(0, m.index! - 40), m.index!))
    )
      continue;
    // "45+5 MFD" is how a dual capacitor's rating is also written: the same spec as "45/5".
    const plus = /^\d+$/.test(surface) ? /^\+(\d+)\b/.exec(text.slice(pattern.lastIndex)) : null;
    if (plus) {
      tokens.push({ text: `${surface}/${plus[1]}`, start, end: start + m[0].length + plus[0].length });
      pattern.lastIndex += plus[0].length;
      continue;
    }
    // "¾" is 3/4 and '1½"' 1-1/2" (sizes, as written with a slash); "1½" is 1.5, its unit kept
    // apart ("1½lb").
    const vulgar = VULGAR_TOKEN.exec(surface);
    if (vulgar) {
      const [, whole, fraction, rest] = vulgar as unknown as [string, string, string, string];
      const [n, d] = VULGAR[fraction]!;
      const value = !whole
        ? `${n}/${d}`
        : rest === '"'
          ? `${whole}-${n}/${d}`
          : String(Number(whole) + n / d);
      const end = start + m[0].length;
      if (whole && GLUED_UNIT.test(`1${rest}`)) {
        tokens.push({ text: value, start, end: end - rest.length });
        tokens.push({ text: rest, start: end - rest.length, end });
      } else tokens.push({ text: `${value}${rest}`, start, end });
      continue;
    }
    const glued = GLUED_UNIT.exec(surface);
    if (glued) {
      const [, tally, count, unit] = glued as unknown as [string, string, string, string];
      if (tally) tokens.push({ text: tally, start, end: start + 1 });
      const at = start + tally.length;
      tokens.push({ text: count, start: at, end: at + count.length });
      tokens.push({ text: unit, start: at + count.length, end: start + surface.length });
      continue;
    }
    tokens.push({ text: surface, start, end: start + m[0].length });
  }
  return tokens;
}

const NUMBER_WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  single: 1,
  two: 2,
  couple: 2,
  pair: 2,
  both: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  dozen: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
  half: 0.5,
};

/** A number written as digits, a fraction, or a word ("three", "a couple"). */
export function numberValue(token: string): number | null {
  const t = token.replace(/['"]$/, '');
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  if (/^\d+\/\d+$/.test(t)) {
    const [a, b] = t.split('/').map(Number) as [number, number];
    return b ? a / b : null;
  }
  return NUMBER_WORDS[t] ?? null;
}

export function isNumberWord(token: string): boolean {
  return Object.hasOwn(NUMBER_WORDS, token);
}

/** Strip HTML tags and decode the common entities, keeping text positions readable. */
export function htmlToText(html: string): string {
  return html
    .replace(/<\s*br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h\d)>/gi, '\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/[ \t]+/g, ' ')
    .replace(/\n\s*\n+/g, '\n')
    .trim();
}
