// A model's reading of the notes, and how it is made safe to use. The model lists the items the
// notes mention with a status; every mention must be grounded in its note (its text is found
// there, case-insensitively) and is then rebuilt by the billing parser's own tokenizer and the
// tenant's vocabulary, so retrieval treats it exactly like a parsed mention. Only "done" may add
// a line, and the guard rail keeps anything the local parser reads as declined, quoted or
// negated from being billed: if either reader says not done, it is not done.
import {
  type Clause,
  type Mention,
  mentionFromSpan,
  numberValue,
  type Polarity,
  tokenize,
  type Vocabulary,
} from '@invoicer/billing';
import { z } from 'zod';

export const READ_STATUSES = [
  'done',
  'declined',
  'quoted',
  'tested_ok',
  'customer_supplied',
  'not_needed',
] as const;
export const ReadStatus = z.enum(READ_STATUSES);
export type ReadStatus = z.infer<typeof ReadStatus>;

export const ReadUnit = z.enum(['each', 'lb', 'oz', 'foot', 'gallon', 'quart', 'hour']);
export type ReadUnit = z.infer<typeof ReadUnit>;

/** One item the model found in the notes (the structured output, validated by zod). */
export const ReadMention = z.object({
  noteIndex: z.number().int().describe('the index of the note the item is in'),
  text: z.string().describe('the words of that note naming the item, copied exactly as written'),
  itemText: z.string().describe('the item in plain words'),
  quantity: z.number().nullable().describe('the count or measure the note gives, else null'),
  unit: ReadUnit.nullable(),
  status: ReadStatus,
});
export type ReadMention = z.infer<typeof ReadMention>;

export const NoteReading = z.object({ mentions: z.array(ReadMention) });
export type NoteReading = z.infer<typeof NoteReading>;

export interface NoteText {
  index: number;
  text: string;
}

/**
 * What a status means for billing. Only "done" is billable and may add a line (use 'action');
 * a declined or customer-supplied item is declined, a quoted one proposed, and one tested fine
 * or not needed negated: none of them is ever billable.
 */
export function statusReading(status: ReadStatus): Pick<Mention, 'polarity' | 'billable' | 'use'> {
  switch (status) {
    case 'done':
      return { polarity: 'done', billable: true, use: 'action' };
    case 'declined':
    case 'customer_supplied':
      return { polarity: 'declined', billable: false, use: 'none' };
    case 'quoted':
      return { polarity: 'proposed', billable: false, use: 'none' };
    case 'tested_ok':
    case 'not_needed':
      return { polarity: 'negated', billable: false, use: 'none' };
  }
}

export type DropReason = 'unknown_note' | 'not_in_note' | 'too_long' | 'duplicate' | 'no_item_word';

export interface GroundedReading {
  mentions: Mention[];
  /** Model mentions that could not be grounded, and why. */
  dropped: { noteIndex: number; text: string; reason: DropReason }[];
  /** Model quantities the note does not state (replaced by null). */
  ungroundedQuantities: string[];
}

/** A span longer than this is not an item phrase. */
const MAX_SPAN = 120;
const MAX_QUANTITY = 1000;

/**
 * Ground each model mention in its note: find its text there (case-insensitive, any run of
 * whitespace for a space, whole words; a second mention of the same text takes the next
 * occurrence), and rebuild it with the billing parser's tokenizer and vocabulary. A mention we
 * cannot find, that names nothing the shop's vocabulary knows, or whose only occurrences overlap
 * a mention already grounded (the same item twice: "45/5 cap" and "cap") is dropped and counted.
 * A quantity must be written in the mention's clause.
 */
export function groundReading(
  notes: NoteText[],
  read: ReadMention[],
  vocabulary: Vocabulary,
): GroundedReading {
  const byIndex = new Map(notes.map((n) => [n.index, n]));
  const taken = new Map<number, { start: number; end: number }[]>();
  const mentions: Mention[] = [];
  const dropped: GroundedReading['dropped'] = [];
  const ungroundedQuantities: string[] = [];
  for (const r of read) {
    const drop = (reason: DropReason) =>
      dropped.push({ noteIndex: r.noteIndex, text: r.text.slice(0, MAX_SPAN), reason });
    const note = byIndex.get(r.noteIndex);
    if (!note) {
      drop('unknown_note');
      continue;
    }
    if (r.text.trim().length > MAX_SPAN) {
      drop('too_long');
      continue;
    }
    const used = taken.get(note.index) ?? [];
    taken.set(note.index, used);
    const spans = locate(note.text, r.text);
    if (!spans.length) {
      drop('not_in_note');
      continue;
    }
    const span = spans.find((s) => !used.some((u) => s.start < u.end && u.start < s.end));
    if (!span) {
      drop('duplicate');
      continue;
    }
    const reading = statusReading(r.status);
    const mention = mentionFromSpan(note, span, { ...reading, quantity: null, unit: null }, vocabulary);
    if (!mention) {
      drop('no_item_word');
      continue;
    }
    used.push(span);
    let quantity = r.quantity;
    if (quantity !== null && !quantityIsWritten(quantity, mention.clauseText)) {
      ungroundedQuantities.push(`${mention.id}: ${quantity}`);
      quantity = null;
    }
    mentions.push({
      ...mention,
      quantity,
      unit: quantity === null ? null : (r.unit ?? 'each'),
    });
  }
  mentions.sort((a, b) => a.noteIndex - b.noteIndex || a.start - b.start);
  return { mentions, dropped, ungroundedQuantities };
}

/**
 * Where `text` occurs in `note`, best first: case-insensitive, any whitespace for a space; a
 * match that starts or ends inside a word is widened to the whole word, and matches on word
 * boundaries come first.
 */
export function locate(note: string, text: string): { start: number; end: number }[] {
  const needle = text.trim();
  if (!needle) return [];
  const pattern = new RegExp(needle.split(/\s+/).map(escapeRegExp).join('\\s+'), 'gi');
  const word = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}]/u.test(ch);
  const exact: { start: number; end: number }[] = [];
  const widened: { start: number; end: number }[] = [];
  for (const m of note.matchAll(pattern)) {
    let start = m.index;
    let end = start + m[0].length;
    const clean = !(word(note[start - 1]) && word(note[start])) && !(word(note[end - 1]) && word(note[end]));
    while (start > 0 && word(note[start - 1]) && word(note[start])) start -= 1;
    while (end < note.length && word(note[end - 1]) && word(note[end])) end += 1;
    (clean ? exact : widened).push({ start, end });
  }
  const seen = new Set<number>();
  return [...exact, ...widened].filter((s) => !seen.has(s.start) && seen.add(s.start));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** True when the clause writes this quantity: a number, a number word, or a mixed fraction. */
export function quantityIsWritten(quantity: number, clause: string): boolean {
  if (!Number.isFinite(quantity) || quantity <= 0 || quantity > MAX_QUANTITY) return false;
  const values: number[] = [];
  const tokens = tokenize(clause);
  tokens.forEach((t, i) => {
    const value = numberValue(t.text);
    if (value === null) return;
    values.push(value);
    // "1 1/2 lbs"
    const next = tokens[i + 1]?.text ?? '';
    const fraction = /^\d+\/\d+$/.test(next) ? numberValue(next) : null;
    if (/^\d+$/.test(t.text) && fraction !== null && fraction < 1) values.push(value + fraction);
  });
  // "x2", "2x", "(2)"
  for (const m of clause.matchAll(/\bx(\d+)\b|\b(\d+)x\b/gi)) values.push(Number(m[1] ?? m[2]));
  return values.some((v) => Math.abs(v - quantity) < 1e-9);
}

const NOT_DONE: ReadonlySet<Polarity> = new Set(['declined', 'proposed', 'negated']);

export interface GuardedReading {
  mentions: Mention[];
  /** Model mentions read as done that the local parser reads as not done: kept unbillable. */
  overruled: string[];
  /** Local not-done mentions the model left out, kept so nothing downstream bills them. */
  keptLocal: string[];
}

/**
 * The merge, conservatively. The model's mentions replace the local parser's, except:
 * - a mention the model reads as done, whose span the local parser reads as declined, quoted
 *   or negated (a mention or the clause that overlaps it), takes the local polarity and is not
 *   billable: if either reader says not done, it is not done;
 * - local not-done mentions no model mention overlaps are kept, so the rules still see what
 *   the notes say not to bill;
 * - mentions in notes that describe the request, not the work, never add a line.
 */
export function guardReading(
  model: Mention[],
  local: { mentions: Mention[]; clauses: Clause[] },
  requestNotes: ReadonlySet<number> = new Set(),
): GuardedReading {
  const overlaps = (a: { noteIndex: number; start: number; end: number }, b: typeof a) =>
    a.noteIndex === b.noteIndex && a.start < b.end && b.start < a.end;
  const overruled: string[] = [];
  const mentions = model.map((m) => {
    let out = m;
    if (m.billable || m.use !== 'none') {
      const notDone =
        local.mentions.find((l) => NOT_DONE.has(l.polarity) && overlaps(l, m)) ??
        local.clauses.find((c) => NOT_DONE.has(c.polarity) && overlaps(c, m));
      if (notDone) {
        out = { ...m, polarity: notDone.polarity, billable: false, use: 'none' };
        if (m.billable) overruled.push(m.id);
      }
    }
    if (requestNotes.has(out.noteIndex) && out.use !== 'none') out = { ...out, use: 'none' };
    return out;
  });
  const kept = local.mentions.filter((l) => NOT_DONE.has(l.polarity) && !model.some((m) => overlaps(l, m)));
  return {
    mentions: [...mentions, ...kept].sort((a, b) => a.noteIndex - b.noteIndex || a.start - b.start),
    overruled,
    keptLocal: kept.map((l) => l.id),
  };
}
