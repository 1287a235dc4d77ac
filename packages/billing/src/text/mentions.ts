// From technician notes to item mentions: split notes into clauses, decide each clause's
// polarity (done / declined / only quoted / negated), and pull out the item phrases with
// their quantities and units. Declined, quoted and negated mentions are kept (the console
// shows them) but are never billable.
import {
  ABBREVIATIONS,
  ACTION_WORDS,
  DECLINE_PATTERNS,
  NEGATION_PATTERNS,
  PROPOSAL_PATTERNS,
  USAGE_LABEL,
  USAGE_MARKERS,
  WAIVER_PATTERNS,
} from './lexicon.ts';
import { isNumberWord, numberValue, type Token, tokenize } from './tokens.ts';
import { editDistanceAtMost, isAbbreviationOf, resolveWord, stem, type Vocabulary } from './vocabulary.ts';

export type Polarity = 'done' | 'declined' | 'proposed' | 'negated' | 'neutral';

export interface Clause {
  noteIndex: number;
  start: number;
  end: number;
  text: string;
  polarity: Polarity;
}

export interface Mention {
  id: string;
  noteIndex: number;
  start: number;
  end: number;
  /** The note text of the item phrase (with its quantity). */
  text: string;
  /** Resolved vocabulary words, in order. */
  words: string[];
  /** Spec tokens that identify a variant: "45/5", "r410a", "3/4", "40". */
  specs: string[];
  quantity: number | null;
  unit: 'lb' | 'oz' | 'foot' | 'inch' | 'gallon' | 'quart' | 'hour' | 'each' | null;
  polarity: Polarity;
  billable: boolean;
  /**
   * What says the item was actually used: a work verb or usage notation in its clause, or a
   * measured quantity (nobody measures 16 ft of cable they did not run). Only used mentions
   * may add a line; other billable mentions can only confirm one.
   */
  use: 'action' | 'measured' | 'none';
  clauseText: string;
  /**
   * The item taken out, not the one put in: "the old tank", "the failed motor", or the first
   * item of "replaced X with Y". It may confirm a line; it never adds a part of its own.
   */
  removed?: boolean;
}

const APPROVAL = /\b(approved|ok'?d|okayed|go[-\s]?ahead|authori[sz]ed|agreed|accepted)\b/i;

/** Split on sentence ends, semicolons, newlines, dashes and commas; keep offsets. */
export function splitClauses(text: string, noteIndex: number): Omit<Clause, 'polarity'>[] {
  const clauses: Omit<Clause, 'polarity'>[] = [];
  // A period ends a clause unless a digit follows ("3.5 lbs"); "45/5. Customer…" still splits.
  const boundary = /[.](?!\d)|[;!?\n]|,|\s[-–—/]\s|\s\+\s(?=[a-z])/gi;
  let last = 0;
  const push = (end: number) => {
    const raw = text.slice(last, end);
    const trimmed = raw.trim();
    if (trimmed) {
      const start = last + raw.indexOf(trimmed);
      clauses.push({ noteIndex, start, end: start + trimmed.length, text: trimmed });
    }
  };
  const allCaps = !/[a-z]/.test(text);
  for (const m of text.matchAll(boundary)) {
    // "3/4 in. copper", "5 lbs. of 22": a unit's period, when the sentence goes on.
    if (
      m[0] === '.' &&
      unitPeriod(text.slice(Math.max(0, m.index! - 12), m.index!), text.slice(m.index! + 1), allCaps)
    )
      continue;
    push(m.index!);
    last = m.index! + m[0].length;
  }
  push(text.length);
  return clauses;
}

function unitPeriod(before: string, after: string, allCaps: boolean): boolean {
  const unit = /\d["]?\s*(in|lbs?|ft|oz|qts?|gals?)$/i.exec(before);
  if (!unit) return false;
  if (/^\s+of\b/i.test(after)) return true;
  if (allCaps) return /^in$/i.test(unit[1]!) && /^\s+[A-Z0-9]/.test(after);
  // "3/4 in. PVC": an acronym goes on with the item; a capitalised word starts a sentence.
  return /^\s+([a-z0-9]|[A-Z][A-Z0-9]+\b)/.test(after);
}

/**
 * Terse notes put the item first and what was done after a dash or colon: "Capacitor weak -
 * replaced", "coil: dirty - cleaned". A short clause with no item of its own that follows an
 * item across a dash or colon finishes that clause, so the two are read as one; so does a lone
 * work verb after a comma ("filter dirty, replaced").
 */
export function joinContinuations(
  clauses: Omit<Clause, 'polarity'>[],
  text: string,
  hasItem: (c: Omit<Clause, 'polarity'>) => boolean,
): Omit<Clause, 'polarity'>[] {
  const out: Omit<Clause, 'polarity'>[] = [];
  for (const clause of clauses) {
    const prev = out[out.length - 1];
    const between = prev ? text.slice(prev.end, clause.start) : '';
    const words = prev && !hasItem(clause) && hasItem(prev) ? tokenize(clause.text) : [];
    if (
      (/^\s*[-–—:]\s*$/.test(between) && words.length && words.length <= 4) ||
      // "V-belt was cracked, so I swapped it out": the work done to "it" is the item's.
      (/^\s*[,;.]?\s*$/.test(between) &&
        words.length &&
        words.length <= 6 &&
        words.some((t) => /^(it|them)$/.test(t.text)) &&
        hasAction(clause.text)) ||
      // "dirty/carboned flame sensor, cleaned": a lone work verb says what was done to the item.
      (/^\s*,\s*$/.test(between) && loneVerbs(clause.text))
    ) {
      out[out.length - 1] = { ...prev!, end: clause.end, text: text.slice(prev!.start, clause.end) };
      continue;
    }
    out.push(clause);
  }
  return out;
}

/** One or two words, each a work verb: "cleaned", "clnd", "r&r". */
function loneVerbs(text: string): boolean {
  const words = text.trim().split(/\s+/);
  return words.length <= 2 && words.every((w) => hasAction(w));
}

/**
 * Words whose misspelling would flip a clause ("qjoted", "advied", "recommeded", "appled",
 * "permit by the buider"); a note word within one edit of one (two for long words), same first
 * letter, is read as it.
 */
const MARKER_WORDS = [
  'quoted',
  'recommended',
  'recommend',
  'advised',
  'declined',
  'estimate',
  'estimated',
  'interested',
  'approved',
  'applied',
  'waived',
  'deferred',
  'builder',
  'contractor',
  'landlord',
  'homeowner',
  'customer',
  'warranty',
];

function correctMarkers(text: string): string {
  return text.replace(/[a-z]{6,}/gi, (word) => {
    const lower = word.toLowerCase();
    if (MARKER_WORDS.includes(lower) || ACTION_WORDS.has(lower)) return word;
    const marker = MARKER_WORDS.find(
      (m) =>
        m[0] === lower[0] &&
        (editDistanceAtMost(lower, m, lower.length >= 8 ? 2 : 1) || isTransposition(lower, m)),
    );
    return marker ?? word;
  });
}

/** "wiaved" for "waived": two neighbouring letters swapped. */
function isTransposition(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const diff = [...a].flatMap((ch, i) => (ch === b[i] ? [] : [i]));
  return (
    diff.length === 2 &&
    diff[1] === diff[0]! + 1 &&
    a[diff[0]!] === b[diff[1]!] &&
    a[diff[1]!] === b[diff[0]!]
  );
}

function basePolarity(text: string): Polarity {
  // Patterns see the note as written and as corrected ("quotes" must stay "quotes").
  const readings = [text, correctMarkers(text)];
  const any = (patterns: RegExp[]) => patterns.some((p) => readings.some((r) => p.test(r)));
  if (any(WAIVER_PATTERNS)) return 'negated';
  if (any(DECLINE_PATTERNS)) return 'declined';
  if (any([APPROVAL])) return 'done';
  if (any(PROPOSAL_PATTERNS)) return 'proposed';
  return hasAction(text) || USAGE_MARKERS.some((p) => p.test(text)) ? 'done' : 'neutral';
}

/** Polarity per clause, with a decline/approval carried back to the clause it answers. */
export function classifyClauses(
  clauses: Omit<Clause, 'polarity'>[],
  hasItem: (c: Omit<Clause, 'polarity'>) => boolean,
): Clause[] {
  const out: Clause[] = clauses.map((c) => ({ ...c, polarity: basePolarity(c.text) }));
  for (let i = 0; i < out.length; i++) {
    const clause = out[i]!;
    // "refrigerant charge good, none added": a bare "none added" answers the clause before it.
    if (i > 0 && !hasItem(clause) && BARE_NEGATION.test(clause.text)) {
      const prev = out[i - 1]!;
      if (prev.noteIndex === clause.noteIndex && prev.polarity === 'neutral' && hasItem(prev))
        prev.polarity = 'negated';
      continue;
    }
    // Only a decline or an explicit approval answers an earlier proposal; other work ("checked
    // the charge") does not turn "estimate sent for X" into X done.
    const answers =
      clause.polarity === 'declined' || (clause.polarity === 'done' && APPROVAL.test(clause.text));
    if (answers && !hasItem(clause)) {
      // "quoted new condenser, cust declined": the decline answers the earlier proposal(s).
      let pastProposal = false;
      for (let j = i - 1; j >= 0 && out[j]!.noteIndex === clause.noteIndex; j--) {
        const prev = out[j]!;
        // A proposal heads its list ("rec X, Y - declined"): an item written before it is not
        // in the list ("-> 2 belts / quoted coil cleaning, declined" replaced the belts).
        if (pastProposal && prev.polarity !== 'proposed') break;
        // A bare decline right after an item ("rec duct cleaning - declined", "coil clean - cust
        // to decide later") answers that clause even when it reads as work: nobody declines
        // what was done.
        const answered =
          clause.polarity === 'declined' && j === i - 1 && hasItem(prev) && prev.polarity === 'done';
        if (
          prev.polarity === 'proposed' ||
          answered ||
          (prev.polarity === 'neutral' &&
            clause.polarity === 'declined' &&
            hasItem(prev) &&
            !hasAction(prev.text))
        ) {
          if (prev.polarity === 'proposed') pastProposal = true;
          prev.polarity = clause.polarity === 'declined' ? 'declined' : 'done';
          continue;
        }
        break;
      }
    }
  }
  return out;
}

/** "none added", "not needed", "nothing required": a negation with no item of its own. */
const BARE_NEGATION =
  /^\s*(none|nothing|not|no|n\/a|did\s*n[o']?t\s+need(\s+any)?)\b(\s+\w+)?\s*(added|needed|required|necessary|used|installed|replaced)?\s*$/i;

/** Words after "charge" that make it a reading ("charge good"), not the act of charging. */
const STATE_WORDS =
  /^(good|ok|okay|fine|correct|normal|within|proper|full|low|high|looks|is|was|checked|verified|spec|level)$/;

function hasAction(text: string): boolean {
  const tokens = tokenize(text);
  return tokens.some((t, i) => {
    const canonical = ABBREVIATIONS[t.text] ?? t.text;
    // "charge good", "checked the charge": a reading of the charge, not charging.
    if (
      (canonical === 'charge' || t.text === 'chg') &&
      (STATE_WORDS.test(tokens[i + 1]?.text ?? '') ||
        /^(the|its|system|full)$/.test(tokens[i - 1]?.text ?? ''))
    )
      return false;
    // "line looked clean", "drain is clear": a state after a linking verb (but "was cleaned" is work).
    const before = tokens[i - 1]?.text ?? '';
    if (
      /^(looks?|looked|appears?|appeared|seems?|seemed)$/.test(before) ||
      (/^(is|was|are|were|be|been)$/.test(before) && !/ed$/.test(t.text))
    )
      return false;
    return (
      ACTION_WORDS.has(canonical) || /^(repl|rplc|inst|swap|chg|chng)/.test(t.text) || misspeltAction(t.text)
    );
  });
}

const verbBigramsOf = new WeakMap<Vocabulary, Map<string, string>>();
/**
 * The price book's word pairs keyed by the first word's verb root, to that word: "braz rod" to
 * "brazing" (of "Brazing Rod").
 */
function verbBigrams(vocabulary: Vocabulary): Map<string, string> {
  let pairs = verbBigramsOf.get(vocabulary);
  if (!pairs) {
    pairs = new Map();
    for (const pair of vocabulary.bigrams) {
      const [first, second] = pair.split(' ') as [string, string];
      const key = `${verbRoot(first)} ${second}`;
      if (!pairs.has(key)) pairs.set(key, first);
    }
    verbBigramsOf.set(vocabulary, pairs);
  }
  return pairs;
}

/** A work verb's root, so tenses and a price book's imperative meet: "cleaned" and "Clean". */
export function verbRoot(word: string): string {
  const w = word.toLowerCase();
  if (REPLACE_VERB.test(w) || w === 'r&r' || w === 'r/r') return 'replac';
  return w.replace(/(ing|ed|es|e|d|s)$/, '');
}

/** The work verbs a clause states, as roots ("dirty flame sensor, clnd" states "clean"). */
export function statedVerbs(text: string): Set<string> {
  const out = new Set<string>();
  for (const t of tokenize(text)) {
    const canonical = ABBREVIATIONS[t.text] ?? t.text;
    if (ACTION_WORDS.has(canonical) || REPLACE_VERB.test(t.text)) {
      out.add(verbRoot(canonical));
      continue;
    }
    const action = misspeltActionOf(t.text);
    if (action) out.add(verbRoot(action));
  }
  return out;
}

/**
 * "Replced", "instaled", "toppd": a work verb one edit away (same first letter, 5+ letters);
 * "clnd", "rmvd": one written without its vowels.
 */
function misspeltAction(word: string): boolean {
  return misspeltActionOf(word) !== null;
}

function misspeltActionOf(word: string): string | null {
  if (word.length < 4 || !/^[a-z]+$/.test(word)) return null;
  const skeleton = !/[aeiou]/.test(word.slice(1));
  for (const action of ACTION_WORDS) {
    if (action[0] !== word[0] || action.length < 5) continue;
    if (word.length >= 5 && (editDistanceAtMost(word, action, 1) || isTransposition(word, action)))
      return action;
    if (skeleton && isAbbreviationOf(word, action)) return action;
  }
  return null;
}

const SPEC_UNIT =
  /^(v|volt|volts|a|amp|amps|ton|tons|hp|mfd|uf|btu|btuh|seer|seer2|kw|w|watt|watts|gpm|psi|in|inch|awg|ga|gauge|mm|cfm|k|gal|gallon|gallons|pole|p|percent|afue|year|years|yr|yrs)$/;
const QTY_UNITS: Record<string, Mention['unit']> = {
  lb: 'lb',
  lbs: 'lb',
  '#': 'lb',
  pound: 'lb',
  pounds: 'lb',
  oz: 'oz',
  ounce: 'oz',
  ounces: 'oz',
  ft: 'foot',
  feet: 'foot',
  foot: 'foot',
  "'": 'foot',
  gal: 'gallon',
  gals: 'gallon',
  gallon: 'gallon',
  gallons: 'gallon',
  qt: 'quart',
  qts: 'quart',
  quart: 'quart',
  quarts: 'quart',
  hr: 'hour',
  hrs: 'hour',
  hour: 'hour',
  hours: 'hour',
  lf: 'foot',
  ea: 'each',
  each: 'each',
  pcs: 'each',
  pc: 'each',
  x: 'each',
};

/** Units of length, which "linear" may qualify. */
const LENGTHS: Record<string, Mention['unit']> = { ft: 'foot', feet: 'foot', foot: 'foot', "'": 'foot' };

interface Word {
  token: Token;
  resolved: string | null;
}

/** Find item mentions in one clause. */
function clauseMentions(clause: Clause, vocabulary: Vocabulary, note: string): Mention[] {
  const tokens = tokenize(clause.text, clause.start);
  // The label of a usage list ("mat: …") is not an item, whatever word it resembles ("mastic").
  const label = USAGE_LABEL.exec(clause.text);
  const labelEnd = label ? clause.start + label[0].length : -1;
  // "type 2", "type L": the designator qualifies the item after it and names nothing itself.
  const designates = (i: number) =>
    DESIGNATOR.test(tokens[i]!.text) && /^[a-z0-9]{1,3}$/.test(tokens[i + 1]?.text ?? '');
  // "dual run capacitor", "supply line": a work verb that a price-book name pairs with the next
  // word, in any tense ("braze rod" is the price book's "Brazing Rod").
  // The name's own word, when the note's differs: "brazing" for "braze".
  const nameWord = tokens.map((t, i) => {
    if (!ACTION_WORDS.has(t.text)) return null;
    const next = stem(tokens[i + 1]?.text ?? '');
    if (vocabulary.bigrams.has(`${stem(t.text)} ${next}`)) return stem(t.text);
    return verbBigrams(vocabulary).get(`${verbRoot(t.text)} ${next}`) ?? null;
  });
  const inName = nameWord.map((w) => w !== null);
  // "25ft 6/3 run from panel": a measured length of a size that names one price-book entry alone
  // is that entry, though the note names no item.
  const measuredSpec = (i: number) =>
    isSpec(tokens[i]!.text) &&
    vocabulary.docFreq.get(tokens[i]!.text) === 1 &&
    LENGTHS[tokens[i - 1]?.text ?? ''] !== undefined &&
    numberValue(tokens[i - 2]?.text ?? '') !== null;
  // "2.5# 22 added", "6 lbs of 22": a number weighed out is the refrigerant the shop sells by it.
  const weighedRefrigerant = (i: number) => {
    if (!/^\d{2,3}$/.test(tokens[i]!.text)) return null;
    const before = tokens[i - 1]?.text === 'of' ? tokens[i - 2] : tokens[i - 1];
    const unit = QTY_UNITS[before?.text ?? ''];
    return unit === 'lb' || unit === 'oz' ? refrigerantSold(tokens[i]!.text, vocabulary) : null;
  };
  // "2nd unit pm", "second system": the one after the first, which a price book that sells
  // additional work calls "additional" ("30 second" is a time, not an ordinal).
  const ordinal = (i: number) =>
    ORDINAL.test(tokens[i]!.text) &&
    numberValue(tokens[i - 1]?.text ?? '') === null &&
    vocabulary.docFreq.has('additional')
      ? 'additional'
      : null;
  const words: Word[] = tokens.map((t, i) => ({
    token: t,
    resolved:
      t.end <= labelEnd || designates(i)
        ? null
        : (ordinal(i) ??
          itemWord(t.text, vocabulary) ??
          (nameWord[i] !== null && vocabulary.docFreq.has(nameWord[i]!) ? nameWord[i] : null) ??
          (measuredSpec(i) ? t.text : null) ??
          weighedRefrigerant(i)),
  }));
  const negatedFrom = negationStart(clause, tokens);
  // Group consecutive item words (allowing short connectors, specs and a work verb inside a
  // price-book name: "dual run capacitor") into phrases.
  const groups: Word[][] = [];
  let current: Word[] = [];
  let gap = 0;
  for (const [i, w] of words.entries()) {
    const connector = /^(and|&|w\/|with|plus|\+)$/.test(w.token.text);
    if ((w.resolved || (!current.length && inName[i])) && !connector) {
      current.push(w);
      gap = 0;
    } else if (
      current.length &&
      (isSpec(w.token.text) || /^(of|for|on|in|to)$/.test(w.token.text) || inName[i]) &&
      gap < 2
    ) {
      current.push(w);
      gap += 1;
    } else if (current.length) {
      groups.push(current);
      current = [];
      gap = 0;
    }
  }
  if (current.length) groups.push(current);
  const firstOf = (group: Word[]) => tokens.indexOf(group[0]!.token);
  const lastOf = (group: Word[]) => tokens.indexOf(group[group.length - 1]!.token);
  // "replaced the failed motor with a 1/3 hp motor": the item before "with" came out.
  const replacedWith = (g: number) => {
    const from = firstOf(groups[g]!);
    const to = lastOf(groups[g]!);
    const verb = tokens.slice(0, from).some((t) => REPLACE_VERB.test(t.text));
    const withAt = tokens.findIndex((t, k) => k > to && t.text === 'with');
    return (
      verb && withAt > to && withAt - to <= 2 && groups.some((other, h) => h > g && firstOf(other) > withAt)
    );
  };
  // "Old tank hauled away": the old one went. "Replaced the defective 1/3 hp motor": like for
  // like, so one went in too, and the mention stands for it.
  const replacing = tokens.some((t) => REPLACE_VERB.test(t.text));
  const removedBy = (g: number) => {
    const from = firstOf(groups[g]!);
    const before = tokens.slice(Math.max(0, from - 2), from).map((t) => t.text);
    return replacedWith(g) || (!replacing && before.some((t) => REMOVED_MODIFIER.test(t)));
  };

  // "fixed the leak at the PEX fitting in the kitchen", "disconnect at condenser", "breakers in
  // the panel": an item right after another one and a preposition of place is where the work
  // was, not a second item worked on.
  // A count of its own after the preposition ("in 10 ft of conduit") makes it an item again.
  const placeOf = (g: number, countAt: number | null) => {
    // From the previous group's last item word: a group may end on the preposition ("breaker in").
    const item = groups[g - 1]?.findLast((w) => w.resolved && !ACTION_WORDS.has(w.resolved));
    if (!item || (countAt !== null && countAt > item.token.end)) return false;
    return PLACE_GAP.test(note.slice(item.token.end, groups[g]![0]!.token.start));
  };
  return groups
    .map((group, index) => {
      const itemWords = group.filter((w) => w.resolved);
      const first = group[0]!.token;
      const last = group[group.length - 1]!.token;
      const { quantity, unit, start } = quantityNear(tokens, first, last, note, vocabulary);
      // A measure, a count of two or more, or a count in tally notation ("1x wax ring", "(1)
      // disconnect", "qty 1") says the part was used.
      const measured =
        quantity !== null &&
        unit !== null &&
        (unit !== 'each' || quantity >= 2 || tallied(note, start, last.end));
      const spanStart = Math.min(start ?? first.start, first.start);
      const specs = [...group.map((w) => w.token.text).filter(isSpec), ...specsBefore(tokens, first)].map(
        (s) => s.replace(/['"]$/, ''),
      );
      // "0 lbs added" says nothing was used; "capacitor (tested good)" that it was only checked.
      // A bracketed check answers its item; a bare one only when the clause did no work.
      const after = note.slice(last.end, clause.end);
      const checkedOnly =
        CHECKED_OK.test(after) &&
        (/^\s*\(/.test(after) || clause.polarity !== 'done' || !REPLACED.test(clause.text));
      const polarity: Polarity =
        (negatedFrom !== null && first.start >= negatedFrom) || quantity === 0
          ? 'negated'
          : checkedOnly
            ? 'neutral'
            : clause.polarity;
      return {
        id: `${clause.noteIndex}:${spanStart}`,
        noteIndex: clause.noteIndex,
        start: spanStart,
        end: last.end,
        text: note.slice(spanStart, last.end),
        words: itemWords.flatMap((w) => w.resolved!.split(' ')),
        specs: [...new Set(specs)],
        quantity,
        unit,
        polarity,
        billable: polarity === 'done' || polarity === 'neutral',
        use: (placeOf(index, quantity === null ? null : (start ?? first.start))
          ? 'none'
          : polarity === 'done'
            ? 'action'
            : measured && polarity === 'neutral' && !checkedOnly
              ? 'measured'
              : 'none') as Mention['use'],
        clauseText: clause.text,
        ...(removedBy(index) ? { removed: true } : {}),
        index,
      };
    })
    .filter((m) => m.words.length > 0)
    .map(({ index: _i, ...m }) => m);
}

/** A count written as a tally: "1x", "(1)", "qty 1" before the item, "x1" or "qty 1" after it. */
function tallied(note: string, start: number | null, end: number): boolean {
  if (start === null) return /^\s*[(\-–]?\s*(x\s*\d|qty\b)/i.test(note.slice(end, end + 8));
  return (
    /^\d+x\b/i.test(note.slice(start)) ||
    /\(\s*$/.test(note.slice(Math.max(0, start - 2), start)) ||
    /\bqty\.?:?\s*$/i.test(note.slice(Math.max(0, start - 6), start))
  );
}

/** Right after an item: "(tested good)", "- checked ok", ": ok", "tested fine": inspected, not replaced. */
const CHECKED_OK =
  /^\s*[(\-–—:,]?\s*(\(\s*)?((tested|checked|inspected|verified|measured|reads?|read|looks?|looked)\s+)?(good|ok|okay|fine|normal|within\s+spec|in\s+spec|passed|pass)\b/i;

/** Work that puts a part in: a check after such a clause ("replaced cap - tested ok") tests the new part. */
const REPLACED = /\b(repl\w*|rplc\w*|inst\w*|swap\w*|chang\w*|new|add\w*|put|upgrad\w*)\b/i;

/** Before an item, it names the one taken out: "the old tank", "the failed motor". */
const REMOVED_MODIFIER = /^(old|failed|existing|original|defective|faulty)$/;
/** Work that takes one item out and puts another in. */
const REPLACE_VERB = /^(repl\w*|rplc\w*|swap\w*|chang\w*)$/;

/** Between two items, a preposition of place, then at most an article and one word: "X in the Y", "X @ Y". */
const PLACE_GAP = /^\s*(in|at|@|inside|under|behind|beside|near)\s+((the|a|an)\s+)?([a-z'-]+\s+)?$/i;
/** Ordinals, which name one more of something the job already had. */
const ORDINAL = /^(2nd|second|3rd|third)$/;
/** Words that name a designation by the token after them: "type 2", "class B", "model 45". */
const DESIGNATOR = /^(type|class|style|series|model|grade|schedule|sch|#)$/;

/** The refrigerant a designation ("404a", "22") names, when the shop sells it ("R-404A"). */
function refrigerantSold(designation: string, vocabulary: Vocabulary): string | null {
  return vocabulary.docFreq.has(`r${designation}`) ? `r${designation}` : null;
}

function itemWord(raw: string, vocabulary: Vocabulary): string | null {
  // "410a" is a refrigerant, not a number: known abbreviations win over the digit test.
  if (ABBREVIATIONS[raw] && !QTY_UNITS[raw]) return resolveWord(vocabulary, raw);
  // "404a" for the price book's "R-404A": a refrigerant when the shop sells one by that number
  // (an electrician's "200a" is amps: no "r200a" in its price book).
  if (/^\d{2,4}[a-z]{1,2}$/.test(raw)) {
    const refrigerant = refrigerantSold(raw, vocabulary);
    if (refrigerant) return refrigerant;
  }
  if (raw.length < 2 || /^\d/.test(raw) || isNumberWord(raw) || QTY_UNITS[raw]) return null;
  if (ACTION_WORDS.has(raw)) return null;
  return resolveWord(vocabulary, raw);
}

/** Dimensions name a size in every trade: "16x20x2" (a filter), "2x4", "24x36" (a pad). */
export const DIMENSIONS = /^\d+(\.\d+)?x\d+(\.\d+)?(x\d+(\.\d+)?)?$/;

/** Tokens that name a variant (size, rating, gauge, poles), never a count. */
export function isSpec(text: string): boolean {
  return (
    /^\d+\/\d+(-?(inch|in)|")?$/.test(text) ||
    /^\d+-\d+\/\d+(-?(inch|in)|")?$/.test(text) ||
    /^\d+-\d+$/.test(text) ||
    /^r-?\d{2,3}[a-z]?$/.test(text) ||
    /^\d+%$/.test(text) ||
    /^\d+(\.\d+)?(v|a|amp|t|ton|hp|mfd|uf|btu|seer|kw|k|p|gal|")$/.test(text) ||
    /^\d+\/\d+hp$/.test(text) ||
    DIMENSIONS.test(text)
  );
}

/** Numbers right before the phrase that are sizes, not counts: "40 gal", "3/4 copper", "2 ton". */
function specsBefore(tokens: Token[], first: Token): string[] {
  const i = tokens.indexOf(first);
  const out: string[] = [];
  for (let k = i - 1; k >= Math.max(0, i - 3); k--) {
    const t = tokens[k]!.text;
    const next = tokens[k + 1]?.text ?? '';
    if (/^\d+\/\d+$/.test(t)) out.push(t);
    else if (/^\d+(\.\d+)?$/.test(t) && SPEC_UNIT.test(next)) out.push(`${t}${next}`);
    else if (isSpec(t)) out.push(t);
  }
  return out;
}

/** The count or measured quantity that belongs to a phrase, looking just before and after it. */
function quantityNear(
  tokens: Token[],
  first: Token,
  last: Token,
  note: string,
  vocabulary: Vocabulary,
): { quantity: number | null; unit: Mention['unit']; start: number | null } {
  const i = tokens.indexOf(first);
  const j = tokens.indexOf(last);
  // A quantity never reaches across a bracket, a list separator or "and" to another item:
  // "oil (5 qts 5w30) & oil filter" has one filter.
  const separated = (k: number) => SEPARATOR.test(note.slice(tokens[k]!.end, first.start));
  // A measured amount wins over a nearer bare number: "added 5 pounds of 410 refrigerant".
  for (let k = i - 1; k >= Math.max(0, i - 6); k--) {
    if (separated(k)) break;
    const value = numberValue(tokens[k]!.text);
    // "46 linear feet": the unit may be qualified.
    const unit =
      QTY_UNITS[tokens[k + 1]?.text ?? ''] ??
      (/^(linear|lin)$/.test(tokens[k + 1]?.text ?? '') ? LENGTHS[tokens[k + 2]?.text ?? ''] : undefined);
    // "2 gal expansion tank", "50 gallon heater": a capacity right before the item is its size.
    const size = unit === 'gallon' && k + 2 === i;
    if (value !== null && unit && unit !== 'each' && !size && !/^(a|an)$/.test(tokens[k]!.text)) {
      const amount = withWhole(tokens, k, value);
      return { quantity: amount.value, unit, start: tokens[amount.from]!.start };
    }
    if (ACTION_WORDS.has(tokens[k]!.text)) break;
  }
  // Before: "2x", "2 x", "three lbs of", "10' of", "(2)", "qty 2".
  for (let k = i - 1; k >= Math.max(0, i - 4); k--) {
    if (separated(k)) break;
    const t = tokens[k]!.text;
    const next = tokens[k + 1]?.text ?? '';
    if (/^\d+x$/.test(t)) return { quantity: Number(t.slice(0, -1)), unit: 'each', start: tokens[k]!.start };
    const feet = /^(\d+(?:\.\d+)?)['’]$/.exec(t);
    if (feet) return { quantity: Number(feet[1]), unit: 'foot', start: tokens[k]!.start };
    const value = numberValue(t);
    // "type 2 SPD", "class 1 pipe": a designation, not a count; "a Moen 7594 pull-down": a model.
    if (DESIGNATOR.test(tokens[k - 1]?.text ?? '') || vocabulary.modelNumbers.has(t)) continue;
    if (value !== null && !/^\d+\/\d+['"]?$/.test(t)) {
      // "40 gal", "2 ton", "1 1/2": a size, not a count ("2 45/5 caps" is a count of 45/5s).
      if (SPEC_UNIT.test(next) || (properFraction(next) && !countOfSize(tokens, k, vocabulary))) continue;
      if (/^(a|an)$/.test(t) && k !== i - 1) continue;
      const unit = QTY_UNITS[next] ?? (next === 'x' ? 'each' : null);
      return { quantity: value, unit: unit ?? 'each', start: tokens[k]!.start };
    }
    if (ACTION_WORDS.has(t)) break;
  }
  // After: "x2", "qty 2", "(2)", "- 3 lbs".
  for (let k = j + 1; k <= Math.min(tokens.length - 1, j + 3); k++) {
    const t = tokens[k]!.text;
    if (/^x\d+$/.test(t)) return { quantity: Number(t.slice(1)), unit: 'each', start: null };
    // "pvc 14'", "pvc x18'": a length.
    const feet = /^x?(\d+(?:\.\d+)?)'$/.exec(t);
    if (feet) return { quantity: Number(feet[1]), unit: 'foot', start: null };
    if (t === 'x' || t === 'qty' || t === 'quantity') {
      const n = numberValue(tokens[k + 1]?.text ?? '');
      // "x 15 ft" is a length, "x 2" a count.
      if (n !== null)
        return { quantity: n, unit: QTY_UNITS[tokens[k + 2]?.text ?? ''] ?? 'each', start: null };
    }
    const n = numberValue(t);
    const unit = QTY_UNITS[tokens[k + 1]?.text ?? ''];
    if (n !== null && !/^(a|an)$/.test(t) && unit && !vocabulary.modelNumbers.has(t))
      return { quantity: n, unit, start: null };
  }
  return { quantity: null, unit: null, start: null };
}

const SEPARATOR = /[&]|\band\b|\bw\/|\bwith\b/i;

/**
 * A fraction with its whole number before it: "seven and a half lbs" is 7.5, "2 1/2 lb" 2.5
 * ("one half lb" stays a half: a whole in words needs its "and").
 */
function withWhole(tokens: Token[], k: number, value: number): { value: number; from: number } {
  if (value >= 1) return { value, from: k };
  const at = (n: number) => tokens[n]?.text ?? '';
  const whole = (n: number, words: boolean) => {
    const v = numberValue(at(n));
    const ok =
      v !== null && v >= 1 && Number.isInteger(v) && (words ? !/^(a|an)$/.test(at(n)) : /^\d+$/.test(at(n)));
    return ok ? v : null;
  };
  const digits = whole(k - 1, false);
  if (digits !== null) return { value: digits + value, from: k - 1 };
  const article = /^(a|an|one)$/.test(at(k - 1)) ? 1 : 0;
  if (at(k - 1 - article) === 'and') {
    const w = whole(k - 2 - article, true);
    if (w !== null) return { value: w + value, from: k - 2 - article };
  }
  return { value, from: k };
}

function properFraction(text: string): boolean {
  const m = /^(\d+)\/(\d+)["]?$/.exec(text);
  return m !== null && Number(m[1]) < Number(m[2]);
}

/**
 * "3 1/2\" couplings", "3 3/4 in. copper 90s", "4 1/2 cplg": a whole number before a size
 * fraction counts parts of that size, unless the shop sells the mixed size ("1-1/2\" PVC").
 */
function countOfSize(tokens: Token[], k: number, vocabulary: Vocabulary): boolean {
  const fraction = (tokens[k + 1]?.text ?? '').replace(/"$/, '');
  const sold = (size: string) => [size, `${size}"`, `${size}in`].some((w) => vocabulary.docFreq.has(w));
  const inches = /"$/.test(tokens[k + 1]?.text ?? '') || /^(in|inch|inches)$/.test(tokens[k + 2]?.text ?? '');
  return !sold(`${tokens[k]!.text}-${fraction}`) && (inches || sold(fraction));
}

/** A negation right after the item, before any work verb: "R-410A not added", "410a: none used". */
const POSTPOSED_NEGATION =
  /\b(not|none|never|no|did\s*n[o']?t|was\s*n[o']?t|wasnt|didnt)\s+(be\s+|been\s+)?(added|needed|required|necessary|used|installed|replaced|charged|put\s+in)\b/i;

/** Offset from which the clause is negated ("did not need refrigerant"), or null. */
function negationStart(clause: Clause, tokens: Token[]): number | null {
  const post = POSTPOSED_NEGATION.exec(clause.text);
  if (post && !hasAction(clause.text.slice(0, post.index))) return clause.start;
  for (const pattern of NEGATION_PATTERNS) {
    const m = pattern.exec(clause.text);
    if (!m) continue;
    // "no charge" and "no heat/no cool" describe the call, not the work.
    const after =
      clause.text
        .slice(m.index + m[0].length)
        .trim()
        .split(/\s+/)[0] ?? '';
    if (
      /^(charge|heat|cool|cooling|heating|power|water|hot|issue|issues|problem|problems|leaks?)$/i.test(
        after,
      ) &&
      m[0].toLowerCase() === 'no'
    ) {
      if (!/leak/i.test(after)) continue;
    }
    const start = clause.start + m.index;
    if (tokens.some((t) => t.start >= start)) return start;
  }
  return null;
}

/**
 * The note text that says something is not to be billed: clauses that are declined, only
 * quoted, negated or waived, and the negated tail of other clauses ("… no haul off"). Rules
 * check their concept against it even when the words are not in the price book.
 */
export function nonBillableTexts(notes: { index: number; text: string }[]): string[] {
  const out: string[] = [];
  for (const note of notes) {
    const clauses = classifyClauses(splitClauses(note.text, note.index), () => true);
    for (const clause of clauses) {
      if (clause.polarity === 'declined' || clause.polarity === 'proposed' || clause.polarity === 'negated') {
        out.push(clause.text);
        continue;
      }
      const from = negationStart(clause, tokenize(clause.text, clause.start));
      if (from !== null) out.push(note.text.slice(from, clause.end));
    }
  }
  return out;
}

/**
 * Whether a clause names an item. A work verb is not one, even where the price book names its
 * tasks "Replace …": "so I swapped it out" says what was done, to the item before it.
 */
function namesItem(vocabulary: Vocabulary): (c: Omit<Clause, 'polarity'>) => boolean {
  return (c) =>
    tokenize(c.text).some((t) => {
      const word = itemWord(t.text, vocabulary);
      return word !== null && !ACTION_WORDS.has(word) && !ACTION_WORDS.has(t.text);
    });
}

export function findMentions(
  notes: { index: number; text: string }[],
  vocabulary: Vocabulary,
): { clauses: Clause[]; mentions: Mention[] } {
  const allClauses: Clause[] = [];
  const mentions: Mention[] = [];
  for (const note of notes) {
    const hasItem = namesItem(vocabulary);
    const raw = joinContinuations(splitClauses(note.text, note.index), note.text, hasItem);
    const clauses = classifyClauses(raw, hasItem);
    allClauses.push(...clauses);
    for (const clause of clauses) mentions.push(...clauseMentions(clause, vocabulary, note.text));
  }
  return { clauses: allClauses, mentions };
}

/**
 * A mention of the note span [start, end) that another reader (a model) found and judged: its
 * words and specs come from this parser's tokenizer and the tenant's vocabulary, so retrieval
 * and scoring treat it exactly like a parsed mention; its polarity, billability, use, quantity
 * and unit are the reader's. The clause is the one (or ones) the span falls in. Null when the
 * span is outside the note or names no vocabulary word.
 */
export function mentionFromSpan(
  note: { index: number; text: string },
  span: { start: number; end: number },
  reading: Pick<Mention, 'polarity' | 'billable' | 'use' | 'quantity' | 'unit'>,
  vocabulary: Vocabulary,
): Mention | null {
  const { start, end } = span;
  if (
    !Number.isInteger(start) ||
    !Number.isInteger(end) ||
    start < 0 ||
    end > note.text.length ||
    start >= end
  )
    return null;
  const hasItem = namesItem(vocabulary);
  const clauses = joinContinuations(splitClauses(note.text, note.index), note.text, hasItem).filter(
    (c) => c.start < end && start < c.end,
  );
  const clauseStart = Math.min(start, ...clauses.map((c) => c.start));
  const clauseEnd = Math.max(end, ...clauses.map((c) => c.end));
  const clauseText = note.text.slice(clauseStart, clauseEnd);
  const tokens = tokenize(clauseText, clauseStart);
  const inSpan = tokens.filter((t) => t.start >= start && t.end <= end);
  const items = inSpan.filter(
    (t) => !/^(and|&|w\/|with|plus|\+)$/.test(t.text) && itemWord(t.text, vocabulary) !== null,
  );
  const first = items[0];
  if (!first) return null;
  const specs = [...inSpan.map((t) => t.text).filter(isSpec), ...specsBefore(tokens, first)].map((s) =>
    s.replace(/['"]$/, ''),
  );
  return {
    id: `${note.index}:${start}`,
    noteIndex: note.index,
    start,
    end,
    text: note.text.slice(start, end),
    words: items.flatMap((t) => itemWord(t.text, vocabulary)!.split(' ')),
    specs: [...new Set(specs)],
    quantity: reading.quantity,
    unit: reading.unit,
    polarity: reading.polarity,
    billable: reading.billable,
    use: reading.use,
    clauseText: clauseText.trim(),
  };
}
