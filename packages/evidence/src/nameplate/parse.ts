// Model and serial numbers in OCR text of a nameplate: the token after a MODEL / M/N / SERIAL /
// S/N label, on the same line. Matching is tolerant of what OCR confuses (O/0, I/1/L, S/5, B/8,
// Z/2) and of one more edit, as research G.3 suggests for serial compares.

export interface NameplateRead {
  model: string | null;
  serial: string | null;
}

// The value may be split by a space OCR inserted ("167 50KD8R"): groups are joined.
const VALUE = '([A-Z0-9][A-Z0-9-]*(?: [A-Z0-9-]{1,8}(?=\\s|$))*)';
const MODEL = new RegExp(
  `\\b(?:MODEL\\s*(?:NO|NUMBER|#)?|MOD\\.?\\s*(?:NO|#)|M/?N\\b|M\\.N\\.)\\s*[:#.]?\\s*${VALUE}`,
  'i',
);
const SERIAL = new RegExp(
  `\\b(?:SERIAL\\s*(?:NO|NUMBER|#)?|SER\\.?\\s*(?:NO|#)|S/?N\\b|S\\.N\\.)\\s*[:#.]?\\s*${VALUE}`,
  'i',
);

export function parseNameplate(text: string): NameplateRead {
  let model: string | null = null;
  let serial: string | null = null;
  for (const line of text.split(/\r?\n/)) {
    const upper = line.toUpperCase();
    serial ??= SERIAL.exec(upper)?.[1] ?? null;
    // "MODEL NO" and "SERIAL NO" may share a line: look for the model before the serial label.
    model ??= MODEL.exec(upper.replace(SERIAL, ' '))?.[1] ?? null;
  }
  return { model: clean(model), serial: clean(serial) };
}

function clean(token: string | null): string | null {
  if (!token) return null;
  const t = token.replace(/\s+/g, '').replace(/-+$/, '');
  return t.length >= 4 ? t : null;
}

/** Canonical form for comparing: upper case, no spaces or dashes, OCR look-alikes folded. */
export function canonical(code: string): string {
  return code
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1')
    .replace(/S/g, '5')
    .replace(/B/g, '8')
    .replace(/Z/g, '2');
}

export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** Same code, allowing OCR look-alikes and one edit (a dropped or extra character). */
export function sameCode(read: string, recorded: string): boolean {
  const a = canonical(read);
  const b = canonical(recorded);
  return a === b || (Math.min(a.length, b.length) >= 6 && editDistance(a, b) <= 1);
}
