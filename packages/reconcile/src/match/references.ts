// Finding invoice numbers in memo and remittance text, tolerating "INV", "#", "No." prefixes,
// leading zeros and one typo (a transposed, missing, extra or wrong digit).
import { type Decimal, fromAmountString } from '@invoicer/core';
import { editDistance } from './text.ts';
import type { EntityId, OpenInvoice } from './types.ts';

export interface ReferenceHit {
  kind: 'exact' | 'fuzzy';
  /** The text as written ("INV-10243"). */
  token: string;
  /** Offset in the joined texts: named invoices are paid in the order they are named. */
  position: number;
  /** An amount written right after the number ("INV 1001 $150.00"). */
  requestedAmount?: Decimal;
}

const PREFIX = /^(?:INVOICE|INVOIC|INVC|INV|IN|NO|NR|NUM|REF|RE)(?=\d)/;
const TOKEN = /[A-Z0-9]+(?:[-/][A-Z0-9]+)*/g;
// Money in the text is not a reference: "$150.00" must not match invoice 150.
const MONEY = /\$?\d{1,3}(?:,\d{3})+(?:\.\d{2})?\b|\$?\d+\.\d{2}\b/g;
const AMOUNT_AFTER =
  /^[\s:=,;–-]*(?:(?:AMT|AMOUNT|PAID|PAYMENT|PMT|PARTIAL)[\s:=]*)?\$?\s*(\d{1,3}(?:,\d{3})+(?:\.\d{2})?|\d+\.\d{2})\b/;
/** Shorter numbers collide too easily (amounts, dates, quantities). */
const MIN_LENGTH = 3;
/** Typos are only forgiven on invoice numbers this long: a one-digit slip on 1234 is another invoice. */
const MIN_FUZZY_DIGITS = 5;

export function referenceKey(value: string): string {
  const compact = value.toUpperCase().replace(/[^A-Z0-9]/g, '');
  const stripped = compact.replace(PREFIX, '');
  return /^\d+$/.test(stripped) ? stripped.replace(/^0+(?=\d)/, '') : stripped;
}

interface Token {
  key: string;
  text: string;
  position: number;
  end: number;
}

function tokensOf(text: string): Token[] {
  const masked = text.toUpperCase().replace(MONEY, (m) => ' '.repeat(m.length));
  return [...masked.matchAll(TOKEN)]
    .map((m) => ({ key: referenceKey(m[0]), text: m[0], position: m.index, end: m.index + m[0].length }))
    .filter((t) => t.key.length >= MIN_LENGTH);
}

function amountAfter(text: string, end: number): Decimal | undefined {
  const m = AMOUNT_AFTER.exec(text.slice(end, end + 30).toUpperCase());
  return m?.[1] ? fromAmountString(m[1]) : undefined;
}

/** Invoice id (as string) → the best hit for that invoice. */
export function findReferences(texts: string[], invoices: OpenInvoice[]): Map<string, ReferenceHit> {
  const text = texts.join('\n');
  const tokens = tokensOf(text);
  const byKey = new Map<string, EntityId[]>();
  for (const invoice of invoices) {
    const key = referenceKey(invoice.referenceNumber);
    if (key.length >= MIN_LENGTH) byKey.set(key, [...(byKey.get(key) ?? []), invoice.id]);
  }
  const hits = new Map<string, ReferenceHit>();
  const record = (id: EntityId, hit: ReferenceHit) => {
    const current = hits.get(String(id));
    if (!current || (current.kind === 'fuzzy' && hit.kind === 'exact')) hits.set(String(id), hit);
  };
  for (const token of tokens) {
    const hit = (kind: ReferenceHit['kind']): ReferenceHit => ({
      kind,
      token: token.text,
      position: token.position,
      requestedAmount: amountAfter(text, token.end),
    });
    const exact = byKey.get(token.key);
    if (exact) {
      for (const id of exact) record(id, hit('exact'));
      continue; // a token that is some invoice's number is not a typo of another's
    }
    // A typo may drop a digit, so the token may be one digit shorter than the invoice number.
    if ((token.key.match(/\d/g)?.length ?? 0) < MIN_FUZZY_DIGITS - 1) continue;
    for (const [key, ids] of byKey) {
      if (
        Math.abs(key.length - token.key.length) <= 1 &&
        key.length >= MIN_FUZZY_DIGITS &&
        editDistance(key, token.key) === 1
      ) {
        for (const id of ids) record(id, hit('fuzzy'));
      }
    }
  }
  return hits;
}
