// Technician note grammar. Each piece of work becomes a clause rendered in a register (long
// sentences or shorthand), with synonyms, quantity spellings, units, typos and casing drawn
// per technician habit; clauses are then assembled into one or several notes in the
// technician's style (terse, sentences, ALL CAPS, bullets, narrative).
import { formatUsd, fromNumber } from '@invoicer/core';
import {
  CHATTER,
  DECLINE,
  FAILURES,
  GAS_NAMES,
  MISSPELLINGS,
  NOUNS,
  NUMBER_WORDS,
  plural,
  TENS,
  UNIT_WORDS,
  VERBS,
} from './lexicon.ts';
import type { Tech } from './people.ts';
import type { Pricebook } from './pricebook.ts';
import type { Rng } from './rng.ts';
import { type Fact, type Finding, type Line, type Mention, NOT_NEEDED, type Work } from './scenarios.ts';
import { MINUTE, toLocal } from './time.ts';
import type { NoteStyle } from './types.ts';

type Reg = 'long' | 'short';
type Target = Line | Fact | null;

interface Clause {
  make: (reg: Reg) => string;
  target: Target;
  kind: 'work' | 'material' | 'fact' | 'finding' | 'chatter' | 'meta';
}

export interface NoteDraft {
  text: string;
  at: number;
  author: 'technician' | 'dispatcher' | 'office';
  style: string;
  userId: number;
}

export interface NoteRef {
  target: Line | Fact;
  noteIndex: number;
  text: string;
}

const cap = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

function noun(key: string): { long: readonly string[]; short: readonly string[] } {
  return NOUNS[key] ?? { long: [key.replaceAll('_', ' ')], short: [key.replaceAll('_', ' ')] };
}

/** Number as a technician might write it: digits, words, fractions. */
function num(rng: Rng, n: number, words: number): string {
  const whole = Math.floor(n);
  const frac = n - whole;
  const useWords = rng.chance(words);
  const word = (k: number) =>
    k <= 20 ? NUMBER_WORDS[k]! : k < 100 && k % 10 === 0 ? TENS[k / 10]! : String(k);
  if (frac === 0)
    return useWords && whole <= 20 ? word(whole) : rng.chance(0.04) ? `${whole}.0` : String(whole);
  if (frac === 0.5) {
    if (whole === 0) return rng.pick(['1/2', '.5', '0.5', 'half a']);
    if (useWords && whole <= 10) return `${word(whole)} and a half`;
    return rng.pick([`${whole}.5`, `${whole} 1/2`, `${whole}.5`, `${whole}½`]);
  }
  return String(n);
}

function qtyUnit(rng: Rng, n: number, unit: 'lb' | 'ft', reg: Reg, words: number): string {
  const q = num(rng, n, words);
  const wordy = /[a-z]/.test(q);
  let u = rng.pick(UNIT_WORDS[unit][reg]) as string;
  if (wordy && (u === "'" || u === '#' || !u.startsWith(' '))) u = unit === 'lb' ? ' lbs' : ' feet';
  if (q === 'half a') return `${q}${unit === 'lb' ? ' pound' : ' foot'}`;
  // One pound / one foot, not "1 lbs".
  if (n === 1)
    u = u
      .replace(/lbs\.?$/, 'lb')
      .replace(/pounds$/, 'pound')
      .replace(/feet$/, 'foot');
  return `${q}${u}`;
}

function count(rng: Rng, n: number, reg: Reg, words: number): string {
  const q = num(rng, n, words);
  if (reg === 'long' || /[a-z]/.test(q)) return q;
  return rng.pick([q, q, `(${q})`, `${q}x`, `qty ${q}`]);
}

function sizeText(rng: Rng, size: string | undefined, kind: string | undefined, reg: Reg): string {
  if (!size) return '';
  if (kind === 'pipe')
    return `${rng.pick(reg === 'long' ? [`${size}"`, `${size}-inch`, `${size} in.`] : [size, `${size}"`, size === '3/4' ? '¾' : size])} `;
  if (kind === 'wire')
    return `${rng.pick(reg === 'long' ? [size, size.replace('/', '-')] : [size, size.replace('/', '-'), `#${size}`])} `;
  return `${size} `;
}

function specText(rng: Rng, spec: string | undefined, nounKey: string, reg: Reg): string {
  if (!spec) return '';
  let s = spec;
  if (/cap/.test(nounKey) && /^\d/.test(spec))
    s = rng.pick([spec, `${spec} mfd`, `${spec}uf`, spec.replace('/', '+'), `${spec} µF`]);
  if (/ ton/.test(s) && reg === 'short') s = s.replace(' ton', rng.pick(['T', ' ton', 'ton', ' tn']));
  return reg === 'long' ? rng.pick([` (${s})`, ` ${s}`]) : rng.pick([` ${s}`, ` ${s}`, ` (${s})`]);
}

function singular(word: string): string {
  if (/xes$/.test(word)) return word.slice(0, -2);
  if (/[^s]s$/.test(word)) return word.slice(0, -1);
  return word;
}

function plainVerb(rng: Rng, verb: string): string {
  const v = VERBS[verb] ?? { long: [verb], short: [verb] };
  const plain = v.long.filter((x) => !/ (a|the) new$|^put in a new|new$/.test(x));
  return rng.pick(plain.length ? plain : v.long);
}

/** "changed out" + it → "changed it out". */
function withIt(verb: string): string {
  return / out$/.test(verb) ? verb.replace(/ out$/, ' it out') : `${verb} it`;
}

function whereText(rng: Rng, where: string | undefined, reg: Reg): { pre: string; post: string } {
  if (!where) return { pre: '', post: '' };
  if (/^(RTU|AHU|unit|rear|split)/i.test(where)) {
    return rng.chance(0.5)
      ? { pre: `${where}: `, post: '' }
      : { pre: '', post: reg === 'long' ? ` on ${where}` : ` @ ${where}` };
  }
  return {
    pre: '',
    post:
      reg === 'long'
        ? rng.pick([` in the ${where}`, ` at the ${where}`])
        : rng.pick([` @ ${where}`, ` - ${where}`, ` in ${where}`, ` (${where})`]),
  };
}

function workClause(
  rng: Rng,
  m: Extract<Mention, { kind: 'task' }>,
  qty: number,
  words: number,
): (reg: Reg) => string {
  return (reg) => {
    const n = noun(m.noun);
    const nl = rng.pick(n.long);
    const ns = rng.pick(n.short);
    const spec = specText(rng, m.spec, m.noun, reg);
    const where = whereText(rng, m.where, reg);
    const fail = m.failure ? FAILURES[m.failure] : undefined;
    if (reg === 'long') {
      const v = plainVerb(rng, m.verb);
      if (qty > 1) {
        return `${where.pre}${cap(rng.pick([`${v} ${count(rng, qty, reg, words)} ${plural(nl)}`, `${v} ${count(rng, qty, reg, words)} ${plural(nl)}`]))}${where.post}.`;
      }
      const options = [`${cap(v)} the ${nl}${spec}${where.post}.`];
      const full = rng.pick((VERBS[m.verb] ?? { long: [v] }).long);
      if (/new$/.test(full)) options.push(`${cap(full)} ${nl}${spec}${where.post}.`);
      if (fail) {
        const f = rng.pick(fail.long);
        options.push(
          `Found the ${nl}${where.post} ${f} and ${withIt(v)}.`,
          `${cap(nl)}${spec} was ${f}, so I ${withIt(v)}.`,
          `${cap(nl)}${spec}${where.post} ${f} – ${v}.`,
        );
      }
      return `${where.pre}${rng.pick(options)}`;
    }
    const vs = rng.pick((VERBS[m.verb] ?? { short: [m.verb] }).short);
    if (qty > 1) {
      const c = count(rng, qty, reg, words);
      return `${where.pre}${rng.pick([`${vs} ${c} ${plural(ns)}`, `${c} ${plural(ns)} ${vs}`, `${vs} ${plural(ns)} x${num(rng, qty, 0)}`])}${where.post}`;
    }
    const options = [`${vs} ${ns}${spec}`, `${ns}${spec} ${vs}`];
    if (fail) {
      const f = rng.pick(fail.short);
      options.push(`${ns}${spec} ${f} - ${vs}`, `${f} ${ns}, ${vs}`, `${ns} ${f}, ${vs}${spec}`);
    }
    return `${where.pre}${rng.pick(options)}${where.post}`;
  };
}

function materialPhrase(
  rng: Rng,
  m: Extract<Mention, { kind: 'material' }>,
  qty: number,
  reg: Reg,
  words: number,
): string {
  const n = noun(m.noun);
  const sz = sizeText(rng, m.size, m.sizeKind, reg);
  let name = rng.pick(reg === 'long' ? n.long : n.short);
  if (m.unit === 'ea' && qty === 1) name = singular(name);
  if (m.unit === 'ft') {
    const q = qtyUnit(rng, qty, 'ft', reg, words);
    const times = /^\d/.test(q) ? [`${sz}${name} x${q.replace(/^([\d.]+) /, '$1')}`] : [];
    return reg === 'long'
      ? rng.pick([`${q} of ${sz}${name}`, `${q} of new ${sz}${name}`])
      : rng.pick([`${q} ${sz}${name}`, ...times, `${q} ${sz}${name}`, `${sz}${name} ${q}`]);
  }
  const c = count(rng, qty, reg, words);
  return `${c} ${sz}${name}`;
}

function materialClause(
  rng: Rng,
  m: Extract<Mention, { kind: 'material' }>,
  qty: number,
  words: number,
): (reg: Reg) => string {
  return (reg) => {
    const p = materialPhrase(rng, m, qty, reg, words);
    const where = whereText(rng, m.where, reg);
    if (reg === 'long') {
      const verb =
        m.unit === 'ft' ? rng.pick(['Used', 'Ran', 'Installed']) : rng.pick(['Used', 'Installed', 'Put in']);
      return `${where.pre}${verb} ${p}${where.post}.`;
    }
    return `${where.pre}${rng.pick([p, p, `used ${p}`, `+ ${p}`, `mat: ${p}`])}${where.post}`;
  };
}

function refrigerantClause(
  rng: Rng,
  m: Extract<Mention, { kind: 'refrigerant' }>,
  lbs: number,
  words: number,
): (reg: Reg) => string {
  return (reg) => {
    const g = rng.pick(GAS_NAMES[m.gas]!);
    const q = qtyUnit(rng, lbs, 'lb', reg, words);
    const where = whereText(rng, m.where, reg);
    const approx = rng.chance(0.12)
      ? rng.pick(reg === 'long' ? ['approximately ', 'about '] : ['approx ', '~', 'abt '])
      : '';
    if (reg === 'long') {
      return `${where.pre}${rng.pick([
        `Added ${approx}${q} of ${g}.`,
        `System was low on charge; added ${approx}${q} of ${g} refrigerant.`,
        `Charged the system with ${approx}${q} ${g}.`,
        `Weighed in ${q} of ${g}.`,
        `Topped off the charge with ${approx}${q} of ${g}.`,
      ])}${where.post}`;
    }
    return `${where.pre}${rng.pick([`added ${approx}${q} ${g}`, `+${approx}${q} ${g}`, `${g} ${approx}${q}`, `chgd ${approx}${q} ${g}`, `${approx}${q} ${g} added`, `top off ${q} ${g}`, `low chg, added ${q} ${g}`])}${where.post}`;
  };
}

function equipmentClause(rng: Rng, m: Extract<Mention, { kind: 'equipment' }>): (reg: Reg) => string {
  return (reg) => {
    const n = noun(m.noun);
    const spec = m.spec.replace(' ton', reg === 'short' ? rng.pick(['T', ' ton', 'ton']) : ' ton');
    if (reg === 'long') {
      const nl = rng.pick(n.long);
      return rng.pick([
        `Installed a new ${m.brand} ${spec} ${nl}.`,
        `Set the new ${spec} ${nl} (${m.brand}).`,
        `New ${m.brand} ${spec} ${nl} installed.`,
      ]);
    }
    const ns = rng.pick(n.short);
    return rng.pick([
      `new ${spec} ${ns} set`,
      `set ${m.brand.toLowerCase()} ${spec} ${ns}`,
      `installed new ${spec} ${ns}`,
      `${spec} ${ns} in`,
    ]);
  };
}

function thing(rng: Rng, f: Fact, reg: Reg): string {
  const n = noun(f.noun);
  const name = rng.pick(reg === 'long' ? n.long : n.short);
  const isEquipment = f.code?.startsWith('EQ-') ?? false;
  const spec = f.spec ? (/^(RTU|AHU|unit|rear|split)/i.test(f.spec) ? ` on ${f.spec}` : '') : '';
  const pre = f.spec && !spec ? `${f.spec} ` : '';
  return `${isEquipment || /^new /.test(name) ? (/^new /.test(name) ? '' : 'new ') : reg === 'long' && rng.chance(0.3) ? 'a ' : ''}${pre}${name}${spec}`.replace(
    /^a (a|e|i|o|u)/i,
    'an $1',
  );
}

function factClause(rng: Rng, pb: Pricebook, f: Fact): (reg: Reg) => string {
  return (reg) => {
    if (f.kind === 'not_needed') {
      const p = rng.pick(
        NOT_NEEDED[f.phrase ?? ''] ?? [{ long: `${cap(f.noun)} not needed.`, short: `no ${f.noun} needed` }],
      );
      return p[reg];
    }
    const templates = (DECLINE[f.kind][reg] as readonly string[]).filter(
      (t) => f.code || !t.includes('{price}'),
    );
    const price = f.code ? formatUsd(fromNumber(Math.abs(pb.get(f.code).price))) : '';
    return rng
      .pick(templates)
      .replace('{thing}', thing(rng, f, reg))
      .replace('{price}', price);
  };
}

function findingClause(rng: Rng, f: Finding): (reg: Reg) => string {
  return (reg) => (reg === 'long' ? f.long : rng.chance(0.8) ? f.short : f.long);
}

function chatterClause(rng: Rng): (reg: Reg) => string {
  return (reg) => rng.pick(CHATTER[reg]).replace('{n}', String(rng.int(1000, 9999)));
}

const KEYS = 'qwertyuiopasdfghjklzxcvbnm';

function typo(rng: Rng, word: string): string {
  const known = MISSPELLINGS[word.toLowerCase()];
  if (known) {
    const t = rng.pick(known);
    return word[0] === word[0]!.toUpperCase() ? cap(t) : t;
  }
  const i = rng.int(1, word.length - 2);
  switch (rng.int(0, 3)) {
    case 0:
      return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
    case 1:
      return word.slice(0, i) + word.slice(i + 1);
    case 2:
      return word.slice(0, i) + word[i] + word.slice(i);
    default:
      return word.slice(0, i) + rng.pick(KEYS.split('')) + word.slice(i + 1);
  }
}

function applyTypos(rng: Rng, text: string, rate: number): string {
  if (rate <= 0) return text;
  return text.replace(/[A-Za-z]{4,}/g, (w) => (rng.chance(rate) ? typo(rng, w) : w));
}

function registerFor(rng: Rng, style: NoteStyle): Reg {
  if (style === 'terse') return 'short';
  if (style === 'caps') return rng.chance(0.6) ? 'short' : 'long';
  if (style === 'bullets') return rng.chance(0.5) ? 'short' : 'long';
  return 'long';
}

export interface NoteContext {
  work: Work;
  tech: Tech;
  pb: Pricebook;
  /** On-site windows of the lead technician, one per visit. */
  visits: { arrive: number; done: number }[];
  booked: number;
  completedOn: number;
  officeUserId: number;
  dispatcherUserId: number;
  extraDispatch: string | null;
  officeNote: { at: number; text: string } | null;
  /** Repair/diagnostic/emergency calls open with the customer's complaint. */
  serviceCall: boolean;
}

/** Write the job's notes. Returns the notes and, for truth, which note mentions which line or fact. */
export function writeNotes(rng: Rng, ctx: NoteContext): { notes: NoteDraft[]; refs: NoteRef[] } {
  const { work, tech, pb } = ctx;
  const words = tech.numberWords;
  const notes: NoteDraft[] = [];
  const refs: NoteRef[] = [];

  // Dispatcher's booking note: the customer's complaint, in office voice.
  notes.push({
    text: `${rng.pick(ctx.serviceCall ? ['Cust called: ', 'Customer reports: ', 'CSR: ', ''] : ['', 'Scheduled: ', 'Booked: ', 'Job: '])}${work.complaint}.${ctx.extraDispatch ? ` ${ctx.extraDispatch}` : ''}`,
    at: ctx.booked,
    author: 'dispatcher',
    style: 'office',
    userId: ctx.dispatcherUserId,
  });

  const clauses: Clause[] = [];
  const workClauses: Clause[] = [];
  for (const line of [...work.tasks, ...work.equipment]) {
    if (!line.mention) continue;
    const make =
      line.mention.kind === 'equipment'
        ? equipmentClause(rng, line.mention)
        : line.mention.kind === 'task'
          ? workClause(rng, line.mention, line.qty, words)
          : null;
    if (make) workClauses.push({ make, target: line, kind: 'work' });
  }
  for (const m of work.narration)
    if (m.kind === 'task')
      workClauses.push({ make: workClause(rng, m, 1, words), target: null, kind: 'work' });
  const materialClauses: Clause[] = [];
  for (const line of work.materials) {
    if (!line.mention) continue;
    if (line.mention.kind === 'task')
      workClauses.push({ make: workClause(rng, line.mention, line.qty, words), target: line, kind: 'work' });
    else if (line.mention.kind === 'material')
      materialClauses.push({
        make: materialClause(rng, line.mention, line.qty, words),
        target: line,
        kind: 'material',
      });
  }
  if (work.refrigerant?.mention?.kind === 'refrigerant') {
    materialClauses.push({
      make: refrigerantClause(rng, work.refrigerant.mention, work.refrigerant.qty, words),
      target: work.refrigerant,
      kind: 'material',
    });
  }
  const removal: Clause | null = work.removed
    ? {
        make: (reg) => {
          const r = work.removed!;
          const n = r.noun;
          if (reg === 'long')
            return rng.pick(
              work.keepsOld
                ? [`Removed the old ${n}.`, `Disconnected the existing ${n}.`]
                : [
                    `Removed the old ${n}.`,
                    `Pulled out the old ${n} and hauled it off.`,
                    `Old ${n} removed.`,
                    `Disconnected and removed the existing ${n}.`,
                  ],
            );
          return rng.pick(
            work.keepsOld
              ? [`removed old ${n}`, `old ${n} out`]
              : [`removed old ${n}`, `old ${n} out`, `pulled old ${n}`, `haul off old ${n}`, `demo old ${n}`],
          );
        },
        target: null,
        kind: 'work',
      }
    : null;
  const findings = work.findings.map<Clause>((f) => ({
    make: findingClause(rng, f),
    target: null,
    kind: 'finding',
  }));
  const facts = work.facts.map<Clause>((f) => ({ make: factClause(rng, pb, f), target: f, kind: 'fact' }));

  // Order: removal, findings (often first), work, materials, then recommendations.
  if (removal) clauses.push(removal);
  const findingsFirst = rng.chance(0.5);
  if (findingsFirst) clauses.push(...findings);
  const body = rng.chance(0.25)
    ? rng.shuffle([...workClauses, ...materialClauses])
    : [...workClauses, ...materialClauses];
  clauses.push(...body);
  if (!findingsFirst) clauses.push(...findings);
  clauses.push(...(rng.chance(0.8) ? facts : rng.shuffle(facts)));
  if (rng.chance(0.35))
    clauses.splice(rng.int(0, clauses.length), 0, {
      make: chatterClause(rng),
      target: null,
      kind: 'chatter',
    });

  // Split across notes: a revisit gets its own first-visit note; some techs write as they go.
  const groups: Clause[][] = [];
  if (ctx.visits.length > 1) {
    const first: Clause = {
      make: (reg) =>
        work.revisitReason === 'compressor'
          ? reg === 'long'
            ? 'Diagnosed failed compressor. Ordered replacement; will return to install.'
            : rng.pick(['comp bad - ordered, return visit', 'dx comp shorted to ground. on order'])
          : work.revisitReason === 'part'
            ? reg === 'long'
              ? 'Part not on truck – ordered, returning tomorrow.'
              : rng.pick(['part ordered, return tmrw', 'need part, RTN visit'])
            : reg === 'long'
              ? 'Day 1 complete; will finish tomorrow.'
              : rng.pick(['day 1 done', 'continuing tmrw']),
      target: null,
      kind: 'meta',
    };
    const split = removal ? 1 : 0;
    groups.push([first, ...clauses.slice(0, split)]);
    groups.push(clauses.slice(split));
  } else if (clauses.length >= 3 && rng.chance(tech.splitNotes)) {
    const cut = rng.int(1, clauses.length - 1);
    groups.push(clauses.slice(0, cut), clauses.slice(cut));
  } else groups.push(clauses);

  groups.forEach((group, gi) => {
    if (!group.length) return;
    const style = rng.chance(0.2) ? tech.altStyle : tech.style;
    const reg = registerFor(rng, style);
    const lower = style === 'terse' && rng.chance(0.7);
    const rendered = group.map((c) => {
      let text = c.make(reg);
      text = applyTypos(rng, text, tech.typoRate);
      if (lower) text = text.toLowerCase();
      if (style === 'caps') text = text.toUpperCase();
      return text;
    });
    let text: string;
    if (style === 'bullets') {
      const marker = rng.pick(['- ', '* ', '• ', '> ', '#']);
      text = rendered.map((t, i) => (marker === '#' ? `${i + 1}) ${t}` : `${marker}${t}`)).join('\n');
    } else if (style === 'narrative' && gi === groups.length - 1) {
      const visit = ctx.visits[Math.min(gi, ctx.visits.length - 1)]!;
      const l = toLocal(visit.arrive);
      const time = `${((l.hour + 11) % 12) + 1}:${String(l.minute).padStart(2, '0')} ${l.hour < 12 ? 'AM' : 'PM'}`;
      const opener = rng.pick([
        `Arrived on site at ${time}.`,
        `On site ${time}, met with the customer.`,
        ...(ctx.serviceCall
          ? [
              `Arrived ${time}. ${cap(work.complaint.toLowerCase())} confirmed.`,
              'Upon arrival, verified the complaint.',
            ]
          : [`Arrived ${time}, reviewed scope with the customer.`]),
      ]);
      const closer = rng.pick([
        'System operating normally at departure.',
        'Tested operation – all good.',
        'Reviewed the work with the customer.',
        'Cleaned up work area.',
        '',
      ]);
      text = [opener, ...rendered, closer].filter(Boolean).join(' ');
    } else if (reg === 'short') {
      const sep = rng.pick(['. ', ', ', ' / ', '; ', '. ', '\n', ' - ']);
      text = rendered.join(sep);
    } else text = rendered.join(' ');
    if (style === 'caps') text = text.toUpperCase();
    const visit = ctx.visits[Math.min(gi, ctx.visits.length - 1)]!;
    const span = Math.max(MINUTE, visit.done - visit.arrive);
    const at =
      groups.length > 1 && ctx.visits.length === 1
        ? visit.arrive + Math.round(span * (gi === 0 ? rng.float(0.2, 0.6) : rng.float(0.85, 0.99)))
        : visit.done - rng.int(1, 10) * MINUTE;
    const noteIndex = notes.length;
    notes.push({ text, at: Math.min(at, ctx.completedOn), author: 'technician', style, userId: tech.userId });
    group.forEach((c, i) => {
      if (c.target) refs.push({ target: c.target, noteIndex, text: rendered[i]! });
    });
  });

  if (ctx.officeNote)
    notes.push({
      text: ctx.officeNote.text,
      at: ctx.officeNote.at,
      author: 'office',
      style: 'office',
      userId: ctx.officeUserId,
    });
  return { notes, refs };
}
