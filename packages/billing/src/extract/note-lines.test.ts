import { describe, expect, it } from 'vitest';
import {
  CATALOG,
  CATALOG_BY_ID,
  extractNotes,
  ID,
  item,
  jobContext,
  knowledge,
  mentionWith,
  sku,
  vocabularyOf,
} from '../test-fixtures.ts';
import { findMentions, type Mention } from '../text/mentions.ts';
import type { CatalogSku, ExistingItem } from '../types.ts';
import type { ScoredCandidate } from './match.ts';
import {
  buildNoteLines,
  decideFromScores,
  type NoteLinesInput,
  openMentions,
  tasksIncludeParts,
} from './note-lines.ts';
import { MemoryRetriever, trigramSimilarity } from './retrieval.ts';

/** A scored candidate: its SKU, score, word coverage and spec agreement (retrieved, no history). */
const candidate = (sku: CatalogSku, score: number, coverage: number, spec = 0): ScoredCandidate => ({
  sku,
  score,
  components: { coverage, spec, unit: 0, retrieval: 1, history: 0 },
});

const VOCABULARY = vocabularyOf();
const RETRIEVER = new MemoryRetriever(CATALOG);
const K = knowledge();

/** The extract stage as the worker runs it, with the in-memory retriever and the local chooser. */
function extract(
  notes: string[],
  existing: ExistingItem[] = [],
  plausibility?: NoteLinesInput['plausibility'],
) {
  return extractNotes(jobContext({ notes, invoice: { items: existing } }), K, plausibility);
}

const added = (r: Awaited<ReturnType<typeof extract>>) => r.added.map((l) => [l.skuId, l.quantity]);

describe('note lines: what the notes say was used and the invoice does not bill', () => {
  it('"repl 2x 45/5 MFD cap" adds two of the 45/5 capacitor, with the note span as provenance', async () => {
    const note = 'No cool. repl 2x 45/5 MFD cap';
    const r = await extract([note]);
    expect(added(r)).toEqual([[ID.cap, '2']]);
    const [line] = r.added;
    expect(line).toMatchObject({ key: `note:${ID.cap}`, origin: 'added', existingItemId: null });
    expect(line!.provenance).toMatchObject({ kind: 'note_span', noteIndex: 0, text: '2x 45/5 MFD cap' });
    const p = line!.provenance as { start: number; end: number };
    expect(note.slice(p.start, p.end)).toBe('2x 45/5 MFD cap');
    expect(line!.confidence).toBeGreaterThan(0.5);
    expect(line!.reason).toContain('Run Capacitor 45/5 MFD');
  });

  it('a counted part nobody bills ("-> 2 worn caps") is an open question, not a line', () => {
    const part = CATALOG_BY_ID.get(ID.cap)!;
    const mention = mentionWith({
      start: 3,
      end: 15,
      text: '2 worn caps',
      words: ['capacitor'],
      quantity: 2,
      unit: 'each',
      polarity: 'neutral',
      use: 'none',
      clauseText: '-> 2 worn caps',
    });
    const lines = (m: Mention, existing: ExistingItem[] = []) =>
      buildNoteLines({
        mentions: [m],
        decisions: [decideFromScores(m, [{ skuId: part.id, code: part.code, score: 0.8 }])],
        scored: new Map([['m1', [candidate(part, 0.8, 1)]]]),
        catalog: CATALOG_BY_ID,
        existing,
      });
    const open = lines(mention);
    expect(open.added).toEqual([]);
    expect(openMentions(open).map((m) => m.id)).toEqual(['m1']);
    // Billed by the technician, a single one, or declined: nothing open.
    expect(openMentions(lines(mention, [item(1, { skuId: part.id, quantity: '2' })]))).toEqual([]);
    expect(openMentions(lines({ ...mention, quantity: 1 }))).toEqual([]);
    expect(openMentions(lines({ ...mention, polarity: 'declined', billable: false }))).toEqual([]);
  });

  it('a measure in a task\'s clause ("condenser coils (2 gal coil cleaner)") does not count the task', () => {
    const task = CATALOG_BY_ID.get(ID.tuneUp)!;
    const mention = mentionWith({
      text: 'tune-up 2 gal',
      words: ['tune', 'up'],
      quantity: 2,
      unit: 'gallon',
      polarity: 'done',
      use: 'action',
      clauseText: 'tune-up, 2 gal of cleaner',
    });
    const result = buildNoteLines({
      mentions: [mention],
      decisions: [
        { ...decideFromScores(mention, [{ skuId: task.id, code: task.code, score: 0.9 }]), quantity: 2 },
      ],
      scored: new Map([[mention.id, [candidate(task, 0.9, 1)]]]),
      catalog: CATALOG_BY_ID,
      existing: [],
    });
    expect(result.added.map((l) => [l.skuId, l.quantity])).toEqual([[task.id, '1']]);
  });

  it('the part taken out ("the failed cap" of "replaced X with Y") adds no part of its own', () => {
    const cap = CATALOG_BY_ID.get(ID.cap)!;
    const cap35 = CATALOG_BY_ID.get(ID.cap35)!;
    const old = mentionWith({
      id: 'old',
      text: 'failed cap',
      words: ['cap'],
      use: 'action',
      polarity: 'done',
    });
    const lines = (m: Mention, existing: ExistingItem[]) =>
      buildNoteLines({
        mentions: [m],
        decisions: [decideFromScores(m, [{ skuId: cap.id, code: cap.code, score: 0.8 }])],
        scored: new Map([[m.id, [candidate(cap, 0.8, 1), candidate(cap35, 0.75, 1)]]]),
        catalog: CATALOG_BY_ID,
        existing,
      });
    // Not removed: the part is added (the control).
    expect(lines(old, []).added.map((l) => l.skuId)).toEqual([cap.id]);
    const removed = { ...old, removed: true };
    const alone = lines(removed, []);
    expect(alone.added).toEqual([]);
    expect(openMentions(alone).map((m) => m.id)).toEqual(['old']);
    // Its SKU billed by the technician: it confirms that line.
    const billed = lines(removed, [item(7, { skuId: cap.id })]);
    expect(billed.added).toEqual([]);
    expect([...billed.confirmations.keys()]).toEqual([7]);
  });

  it('the part taken out of billed work implies no part: it confirms the work and leaves nothing open', () => {
    const task = CATALOG_BY_ID.get(ID.tuneUp)!;
    const cap = CATALOG_BY_ID.get(ID.cap)!;
    // "replaced the failed cap with …": the taken-out cap names the billed work best.
    const old = mentionWith({ id: 'old', text: 'failed cap', words: ['cap'], use: 'action', removed: true });
    const result = buildNoteLines({
      mentions: [old],
      decisions: [decideFromScores(old, [{ skuId: task.id, code: task.code, score: 0.8 }])],
      scored: new Map([['old', [candidate(task, 0.8, 1), candidate(cap, 0.6, 1)]]]),
      catalog: CATALOG_BY_ID,
      existing: [item(7, { skuId: task.id })],
      // The shop bills that work with the part: a part mention would be the missing part.
      pairRate: () => ({ rate: 1, jobs: 20 }),
    });
    expect(result.added).toEqual([]);
    expect([...result.confirmations.keys()]).toEqual([7]);
    expect(openMentions(result)).toEqual([]);
  });

  it('work the notes say was done that no task matches well enough is left open, not dropped', () => {
    const task = CATALOG_BY_ID.get(ID.tuneUp)!;
    const mention = mentionWith({
      text: 'installed tune-up kit',
      words: ['tune', 'up'],
      polarity: 'done',
      use: 'action',
      clauseText: 'installed tune-up kit',
    });
    const lines = (m: Mention, score: number) =>
      buildNoteLines({
        mentions: [m],
        decisions: [decideFromScores(m, [{ skuId: task.id, code: task.code, score }])],
        scored: new Map([['m1', [candidate(task, score, 1)]]]),
        catalog: CATALOG_BY_ID,
        existing: [],
      });
    // Below the bar a task needs to be added: no line, but an open mention for the reviewer.
    const weak = lines(mention, 0.5);
    expect(weak.added).toEqual([]);
    expect(openMentions(weak).map((m) => m.id)).toEqual(['m1']);
    // A bare mention of the same words is no work, so nothing is open; nor is a lone verb
    // ("swapped", read as the "replace" of a task's name).
    expect(openMentions(lines({ ...mention, use: 'none', polarity: 'neutral' }, 0.5))).toEqual([]);
    expect(openMentions(lines({ ...mention, text: 'swapped', words: ['replace'] }, 0.5))).toEqual([]);
    // Above the bar the task is added.
    expect(lines(mention, 0.8).added.map((l) => l.skuId)).toEqual([task.id]);
  });

  it('adds no flat-rate task to a time-and-materials invoice: a line on it never stood beside one', () => {
    const mention = mentionWith({
      end: 10,
      text: 'ac tune up',
      words: ['ac', 'tune', 'up'],
      clauseText: 'performed the ac tune up',
    });
    const tuneUp = CATALOG_BY_ID.get(ID.tuneUp)!;
    const lines = (beside: { rate: number; jobs: number }) =>
      buildNoteLines({
        mentions: [mention],
        decisions: [decideFromScores(mention, [{ skuId: ID.tuneUp, code: tuneUp.code, score: 0.9 }])],
        scored: new Map([['m1', [candidate(tuneUp, 0.9, 1)]]]),
        catalog: CATALOG_BY_ID,
        existing: [item(1, { skuId: ID.labor, quantity: '2' })],
        flatRateBeside: (given) => (given === ID.labor ? beside : { rate: 0.5, jobs: 40 }),
      });
    // 30 past jobs billed the labor, none with a flat-rate task: the work is the labor's.
    const tm = lines({ rate: 0, jobs: 30 });
    expect(tm.added).toEqual([]);
    expect(tm.unmatched.map((m) => m.id)).toEqual(['m1']);
    // Flat-rate work beside the labor now and then, or too few jobs to say: the note adds it.
    expect(lines({ rate: 0.1, jobs: 30 }).added.map((l) => l.skuId)).toEqual([ID.tuneUp]);
    expect(lines({ rate: 0, jobs: 6 }).added.map((l) => l.skuId)).toEqual([ID.tuneUp]);
  });

  it('on a time-and-materials invoice the work the notes name is billed as its part ("cont swapped")', () => {
    const mention = mentionWith({ text: 'cont', words: ['contactor'], clauseText: 'cont swapped' });
    const part = CATALOG_BY_ID.get(ID.contactor)!;
    const task = sku(905, { kind: 'service', code: 'REP-CONT', name: 'Replace Contactor Double Pole' });
    const catalog = new Map([...CATALOG_BY_ID, [task.id, task]]);
    const lines = (
      beside: { rate: number; jobs: number },
      existing = [item(1, { skuId: ID.labor, quantity: '2' })],
      scores = { task: 0.9, part: 0.5 },
    ) =>
      buildNoteLines({
        mentions: [mention],
        decisions: [decideFromScores(mention, [{ skuId: task.id, code: task.code, score: scores.task }])],
        scored: new Map([['m1', [candidate(task, scores.task, 1), candidate(part, scores.part, 0.6)]]]),
        catalog,
        existing,
        flatRateBeside: (given) => (given === ID.labor ? beside : { rate: 0.5, jobs: 40 }),
      });
    expect(lines({ rate: 0, jobs: 30 }).added.map((l) => l.skuId)).toEqual([part.id]);
    // The note gives none of the part's ratings ("Contactor 2-Pole 40A 24V Coil"), so the part
    // matches weakly; the task the note names well names it, and it is the part.
    const hourly = (scores: { task: number; part: number }) =>
      lines({ rate: 0, jobs: 30 }, [item(1, { skuId: ID.labor, quantity: '2' })], scores);
    expect(hourly({ task: 0.69, part: 0.3 }).added.map((l) => l.skuId)).toEqual([part.id]);
    // A task matched weakly itself vouches for nothing: no line.
    expect(hourly({ task: 0.5, part: 0.3 }).added).toEqual([]);
    // The part already billed: the note confirms it.
    const billed = lines({ rate: 0, jobs: 30 }, [
      item(1, { skuId: ID.labor, quantity: '2' }),
      item(2, { skuId: part.id }),
    ]);
    expect(billed.added).toEqual([]);
    expect(billed.confirmations.get(2)?.map((m) => m.id)).toEqual(['m1']);
    // A flat-rate invoice: the task.
    expect(lines({ rate: 0.3, jobs: 30 }).added.map((l) => l.skuId)).toEqual([task.id]);
  });

  it('a billed task that the shop never bills with the part includes it, whatever its spec wording', () => {
    const mention = mentionWith({
      end: 20,
      text: 'cap 45/5',
      words: ['capacitor'],
      specs: ['45/5'],
      clauseText: 'swapped out the cap 45/5',
    });
    const part = CATALOG_BY_ID.get(ID.cap)!;
    const task = CATALOG_BY_ID.get(ID.tuneUp)!;
    const lines = (pair: { rate: number; jobs: number }) =>
      buildNoteLines({
        mentions: [mention],
        decisions: [decideFromScores(mention, [{ skuId: part.id, code: part.code, score: 0.9 }])],
        scored: new Map([
          [
            'm1',
            [
              candidate(part, 0.9, 1, 1),
              // The task's own spec ("up to …") differs, so it scores well below the part.
              candidate(task, 0.45, 0.7, -1),
            ],
          ],
        ]),
        catalog: CATALOG_BY_ID,
        existing: [item(1, { skuId: task.id })],
        pairRate: (given, sku) => (given === task.id && sku === part.id ? pair : { rate: 0, jobs: 0 }),
      });
    // Never billed beside the task on 8 past jobs: the task covers it.
    const covered = lines({ rate: 0, jobs: 8 });
    expect(covered.added).toEqual([]);
    expect(covered.confirmations.get(1)?.map((m) => m.id)).toEqual(['m1']);
    // Billed beside it sometimes, or too little history: the part is added.
    expect(lines({ rate: 0.2, jobs: 8 }).added.map((l) => l.skuId)).toEqual([part.id]);
    expect(lines({ rate: 0, jobs: 2 }).added.map((l) => l.skuId)).toEqual([part.id]);
  });

  it('a task on the invoice whose name names the part covers it even when retrieval did not offer the task', () => {
    const mention = mentionWith({
      text: 'capacitor 45+5',
      words: ['capacitor'],
      specs: ['45/5'],
      clauseText: 'capacitor 45+5 chg out',
    });
    const part = CATALOG_BY_ID.get(ID.cap)!;
    const task = sku(900, { kind: 'service', code: 'REP-CAP', name: 'Replace Run Capacitor' });
    const other = sku(901, { kind: 'service', code: 'REP-FAN', name: 'Replace Condenser Fan Motor' });
    const catalog = new Map([...CATALOG_BY_ID, [task.id, task], [other.id, other]]);
    const lines = (onInvoice: CatalogSku, pair: { rate: number; jobs: number }) =>
      buildNoteLines({
        mentions: [mention],
        decisions: [decideFromScores(mention, [{ skuId: part.id, code: part.code, score: 0.8 }])],
        // Only the part was retrieved for the mention.
        scored: new Map([['m1', [candidate(part, 0.8, 1, 1)]]]),
        catalog,
        existing: [item(1, { skuId: onInvoice.id })],
        pairRate: (given, skuId) =>
          given === onInvoice.id && skuId === part.id ? pair : { rate: 0, jobs: 0 },
      });
    const covered = lines(task, { rate: 0, jobs: 12 });
    expect(covered.added).toEqual([]);
    expect(covered.confirmations.get(1)?.map((m) => m.id)).toEqual(['m1']);
    // A task that names another part, or one the shop bills with the part: the part is added.
    expect(lines(other, { rate: 0, jobs: 12 }).added.map((l) => l.skuId)).toEqual([part.id]);
    expect(lines(task, { rate: 0.3, jobs: 12 }).added.map((l) => l.skuId)).toEqual([part.id]);
  });

  it('a part billed by time and materials covers the task that would include it ("changed out the contactor")', () => {
    const mention = mentionWith({
      text: 'the contactor',
      words: ['contactor'],
      clauseText: 'Changed out the contactor',
    });
    const part = CATALOG_BY_ID.get(ID.contactor)!;
    const task = sku(903, { kind: 'service', code: 'REP-CONT', name: 'Replace Contactor Double Pole' });
    const catalog = new Map([...CATALOG_BY_ID, [task.id, task]]);
    const lines = (pair: { rate: number; jobs: number }) =>
      buildNoteLines({
        mentions: [mention],
        decisions: [decideFromScores(mention, [{ skuId: task.id, code: task.code, score: 0.9 }])],
        scored: new Map([['m1', [candidate(task, 0.9, 1), candidate(part, 0.5, 0.6)]]]),
        catalog,
        existing: [item(1, { skuId: part.id })],
        pairRate: (given, skuId) => (given === task.id && skuId === part.id ? pair : { rate: 0, jobs: 0 }),
      });
    // The shop bills the task without the part: the part on the invoice is this work.
    const covered = lines({ rate: 0, jobs: 9 });
    expect(covered.added).toEqual([]);
    expect(covered.confirmations.get(1)?.map((m) => m.id)).toEqual(['m1']);
    // Billed together sometimes: the task is added beside the part.
    expect(lines({ rate: 0.4, jobs: 9 }).added.map((l) => l.skuId)).toEqual([task.id]);
  });

  it('a length is of a part sold by length ("12-2 wire x56\'" is not 56 bags of wire connectors)', () => {
    const connectors = sku(906, { code: 'WIRE-NUT', name: 'Wire Connectors (bag of 25)' });
    const catalog = new Map([...CATALOG_BY_ID, [connectors.id, connectors]]);
    const lines = (unit: Mention['unit']) => {
      const mention = mentionWith({ text: "12-2 wire x56'", words: ['wire'], quantity: 56, unit });
      return buildNoteLines({
        mentions: [mention],
        decisions: [decideFromScores(mention, [{ skuId: connectors.id, code: connectors.code, score: 0.6 }])],
        scored: new Map([['m1', [candidate(connectors, 0.6, 0.5)]]]),
        catalog,
        existing: [],
      });
    };
    const measured = lines('foot');
    expect(measured.added).toEqual([]);
    expect(measured.unmatched.map((m) => m.id)).toEqual(['m1']);
    // Counted, the bags are what the note means.
    expect(lines('each').added.map((l) => l.skuId)).toEqual([connectors.id]);
  });

  it('a measured amount is covered only by a line sold by that unit ("2 feet of copper" is not the coupling)', () => {
    const pipe = CATALOG_BY_ID.get(ID.copper)!;
    const coupling = sku(904, { code: 'CU-CPL-34', name: 'Copper Coupling 3/4' });
    const catalog = new Map([...CATALOG_BY_ID, [coupling.id, coupling]]);
    const lines = (unit: Mention['unit']) => {
      const mention = mentionWith({ text: '2 feet of 3/4 copper', words: ['copper'], quantity: 2, unit });
      return buildNoteLines({
        mentions: [mention],
        decisions: [decideFromScores(mention, [{ skuId: pipe.id, code: pipe.code, score: 0.7 }])],
        scored: new Map([['m1', [candidate(pipe, 0.7, 1), candidate(coupling, 0.65, 0.8)]]]),
        catalog,
        existing: [item(1, { skuId: coupling.id, quantity: '3' })],
      });
    };
    expect(lines('foot').added.map((l) => [l.skuId, l.quantity])).toEqual([[pipe.id, '2']]);
    // Counted, not measured: the coupling on the invoice may be what the note means.
    expect(lines('each').added).toEqual([]);
  });

  it('a line billed beside the part as often as chance is not a cover for it (a supplies kit, "supply lines")', () => {
    const mention = mentionWith({
      end: 17,
      text: 'both copper lines',
      words: ['copper', 'line'],
      quantity: 2,
      unit: 'each',
      clauseText: 'replaced both copper lines',
    });
    const part = CATALOG_BY_ID.get(ID.copper)!;
    const kit = CATALOG_BY_ID.get(ID.consumables)!;
    const lines = (pair: { rate: number; jobs: number }, share: number) =>
      buildNoteLines({
        mentions: [mention],
        decisions: [decideFromScores(mention, [{ skuId: part.id, code: part.code, score: 0.5 }])],
        scored: new Map([
          [
            'm1',
            [
              candidate(part, 0.5, 0.6),
              // One shared word makes the kit on the invoice look like a cover.
              candidate(kit, 0.36, 0.4),
            ],
          ],
        ]),
        catalog: CATALOG_BY_ID,
        existing: [item(1, { skuId: kit.id })],
        pairRate: (given, sku) => (given === kit.id && sku === part.id ? pair : { rate: 0, jobs: 0 }),
        skuShare: () => share,
      });
    // With the kit on 6% of 200 jobs, the part's share everywhere: billed beside it, so added.
    expect(lines({ rate: 0.06, jobs: 200 }, 0.06).added.map((l) => [l.skuId, l.quantity])).toEqual([
      [part.id, '2'],
    ]);
    // Far rarer with the kit than without it: the kit stands for it.
    expect(lines({ rate: 0.005, jobs: 200 }, 0.06).added).toEqual([]);
  });

  it('adds no work the shop never bills beside a line on the invoice, when chance predicts it often', () => {
    const mention = mentionWith({
      end: 10,
      text: 'ac tune up',
      words: ['ac', 'tune', 'up'],
      clauseText: 'performed the ac tune up',
    });
    const tuneUp = CATALOG_BY_ID.get(ID.tuneUp)!;
    const lines = (rate: number, jobs: number, share: number) =>
      buildNoteLines({
        mentions: [mention],
        decisions: [decideFromScores(mention, [{ skuId: ID.tuneUp, code: tuneUp.code, score: 0.9 }])],
        scored: new Map([['m1', [candidate(tuneUp, 0.9, 1)]]]),
        catalog: CATALOG_BY_ID,
        existing: [item(1, { skuId: ID.labor, quantity: '2' })],
        pairRate: () => ({ rate, jobs }),
        skuShare: () => share,
      });
    // 40 jobs billed by the hour, a tune-up on 20% of all jobs: 8 expected together, none seen.
    const apart = lines(0, 40, 0.2);
    expect(apart.added).toEqual([]);
    expect(apart.unmatched.map((m) => m.id)).toEqual(['m1']);
    // Seen together once, or too little history to expect it: the note still adds it.
    expect(lines(0.025, 40, 0.2).added.map((l) => l.skuId)).toEqual([ID.tuneUp]);
    expect(lines(0, 10, 0.2).added.map((l) => l.skuId)).toEqual([ID.tuneUp]);
  });

  it("takes the same measured amount of the item in another size for the technician's line", () => {
    const mention = mentionWith({
      end: 21,
      text: '5 ft of 1/2 copper',
      words: ['copper'],
      specs: ['1/2'],
      quantity: 5,
      unit: 'foot',
      clauseText: 'ran 5 ft of 1/2 copper',
    });
    const threeQuarter = CATALOG_BY_ID.get(ID.copper)!;
    const half = sku(99, { kind: 'material', name: 'Copper Pipe 1/2 (per ft)', unitOfMeasure: 'ft' });
    const catalog = new Map([...CATALOG_BY_ID, [half.id, half]]);
    const lines = (billedFeet: string) =>
      buildNoteLines({
        mentions: [mention],
        decisions: [decideFromScores(mention, [{ skuId: half.id, code: half.code, score: 0.6 }])],
        scored: new Map([['m1', [candidate(half, 0.6, 1, 1), candidate(threeQuarter, 0.3, 1, -1)]]]),
        catalog,
        existing: [item(1, { skuId: ID.copper, quantity: billedFeet })],
      });
    const same = lines('5.00');
    expect(same.added).toEqual([]);
    expect([...same.confirmations.keys()]).toEqual([1]);
    // Another amount is another run: the 1/2" is added.
    expect(lines('8.00').added.map((l) => [l.skuId, l.quantity])).toEqual([[half.id, '5']]);
  });

  it('takes a part nearly as close instead of work that will not be added', () => {
    const mention = mentionWith({
      end: 13,
      text: 'one capacitor',
      words: ['capacitor'],
      quantity: 1,
      unit: 'each',
      clauseText: 'installed one capacitor',
    });
    const work = CATALOG_BY_ID.get(ID.tuneUp)!;
    const part = CATALOG_BY_ID.get(ID.cap)!;
    const lines = (partScore: number) =>
      buildNoteLines({
        mentions: [mention],
        decisions: [decideFromScores(mention, [{ skuId: ID.tuneUp, code: work.code, score: 0.7 }])],
        scored: new Map([['m1', [candidate(work, 0.7, 1), candidate(part, partScore, 1)]]]),
        catalog: CATALOG_BY_ID,
        existing: [item(1, { skuId: ID.labor, quantity: '2' })],
        // The task never beside the labor line over 40 jobs (8 expected); the part often.
        pairRate: (_given, sku) => (sku === ID.tuneUp ? { rate: 0, jobs: 40 } : { rate: 0.5, jobs: 40 }),
        skuShare: () => 0.2,
      });
    const near = lines(0.62);
    expect(near.added.map((l) => [l.skuId, l.quantity])).toEqual([[ID.cap, '1']]);
    expect(near.added[0]!.confidence).toBeLessThanOrEqual(0.6);
    // A part far behind is not what the notes name: the mention stays open.
    const far = lines(0.45);
    expect(far.added).toEqual([]);
    expect(far.unmatched.map((m) => m.id)).toEqual(['m1']);
    // Nor is a task matched too weakly to add, with no history at all.
    const weak = buildNoteLines({
      mentions: [mention],
      decisions: [decideFromScores(mention, [{ skuId: ID.tuneUp, code: work.code, score: 0.58 }])],
      scored: new Map([['m1', [candidate(work, 0.58, 1), candidate(part, 0.55, 1)]]]),
      catalog: CATALOG_BY_ID,
      existing: [],
    });
    expect(weak.added.map((l) => [l.skuId, l.quantity])).toEqual([[ID.cap, '1']]);
  });

  it('adds the part the notes name when it confirms work the shop bills with that part', () => {
    const mention = mentionWith({
      end: 14,
      text: '2 45/5 cap',
      words: ['capacitor'],
      specs: ['45/5'],
      quantity: 2,
      unit: 'each',
      clauseText: 'instld 2 45/5 cap',
    });
    const work = CATALOG_BY_ID.get(ID.tuneUp)!;
    const part = CATALOG_BY_ID.get(ID.cap)!;
    const components = { coverage: 1, spec: 0, unit: 0, retrieval: 1, history: 0 };
    const lines = (rate: number, use: Mention['use'] = 'action') =>
      buildNoteLines({
        mentions: [{ ...mention, use }],
        decisions: [decideFromScores(mention, [{ skuId: work.id, code: work.code, score: 0.9 }])],
        scored: new Map([
          [
            'm1',
            [
              { sku: work, score: 0.9, components },
              { sku: part, score: 0.6, components },
            ],
          ],
        ]),
        catalog: CATALOG_BY_ID,
        existing: [item(1, { skuId: ID.tuneUp, quantity: '2' })],
        pairRate: (given, sku) =>
          given === ID.tuneUp && sku === ID.cap ? { rate, jobs: 30 } : { rate: 0, jobs: 0 },
      });
    // Past invoices with the work carried the part 80% of the time: the part is missing here.
    const together = lines(0.8);
    expect(together.confirmations.get(1)).toHaveLength(1);
    expect(together.added.map((l) => [l.skuId, l.quantity])).toEqual([[ID.cap, '2']]);
    expect(together.added[0]!.confidence).toBeLessThanOrEqual(0.6);
    // Rarely billed together, or only a bare mention: the work line covers it.
    expect(lines(0.2).added).toEqual([]);
    expect(lines(0.8, 'none').added).toEqual([]);
  });

  it('tells variants apart by their spec: a 35/5 capacitor is not the 45/5', async () => {
    expect(added(await extract(['put in a new 35/5 cap']))).toEqual([[ID.cap35, '1']]);
  });

  it('bills copper by the foot', async () => {
    expect(added(await extract(["ran 10' of 3/4 copper"]))).toEqual([[ID.copper, '10']]);
  });

  it('converts ounces to pounds for per-pound refrigerant', async () => {
    expect(added(await extract(['added 12 oz of r410a']))).toEqual([[ID.r410a, '0.75']]);
  });

  it('merges repeated mentions of one SKU, keeping the largest quantity', async () => {
    const r = await extract(['replaced capacitor 45/5', 'installed 2 capacitors 45/5 total']);
    expect(added(r)).toEqual([[ID.cap, '2']]);
  });
});

describe('note lines: never from declined, quoted or negated work', () => {
  it.each([
    ['quoted new condenser, cust declined', 'condenser'],
    ['Recommend replacing the 45/5 cap next visit', 'capacitor'],
    ['did not need refrigerant', 'refrigerant'],
    ['Leak found. Quoted leak repair + 4 lbs 410a, customer declined', 'r410a'],
    ['cap tested good, no cap needed', 'capacitor'],
  ])('"%s"', async (note, word) => {
    const r = await extract([note]);
    expect(r.added).toEqual([]);
    expect(r.nonBillable.some((n) => n.mention.words.includes(word))).toBe(true);
  });

  it('keeps a part the notes both use and decline below the draft threshold', async () => {
    const r = await extract([
      'Replace 45/5 capacitor confirmed',
      'offered a 45/5 capacitor, customer said no',
    ]);
    const line = r.added.find((l) => l.skuId === ID.cap);
    expect(line?.confidence).toBeLessThan(0.5);
    expect(line?.evidence.some((e) => e.detail.includes('declined'))).toBe(true);
  });

  it('records the SKU a declined mention was matched to (for the declined-item flag)', async () => {
    const r = await extract(['quoted new 35/5 capacitor, customer declined']);
    expect(r.nonBillable.map((n) => n.skuId)).toContain(ID.cap35);
  });
});

describe('note lines: what the invoice already bills', () => {
  it('confirms the technician’s item instead of adding a second one', async () => {
    const r = await extract(['replaced capacitor 45/5'], [item(1, { skuId: ID.cap })]);
    expect(r.added).toEqual([]);
    expect(r.confirmations.get(1)?.map((m) => m.text)).toEqual(['capacitor 45/5']);
  });

  it('does not add equipment, fees or bare mentions from the notes', async () => {
    expect((await extract(['installed new condenser'])).added).toEqual([]);
    expect((await extract(['looked at the capacitor'])).added).toEqual([]);
  });

  it('adds a part jobs like this never carry only when the notes say plainly it was used, and less surely', async () => {
    const never = (skuId: number) => (skuId === ID.cap ? { rate: 0, jobs: 40 } : null);
    const usual = await extract(['replaced capacitor 45/5'], []);
    const plain = await extract(['replaced capacitor 45/5'], [], never);
    expect(plain.added.map((l) => l.skuId)).toEqual([ID.cap]);
    expect(plain.added[0]!.confidence).toBeLessThan(usual.added[0]!.confidence);
    // Without a work verb, an unheard-of part stays unmatched.
    const bare = await extract(['2 capacitors 45/5'], [], never);
    expect(bare.added).toEqual([]);
    expect(bare.unmatched.map((m) => m.text)).toEqual(['2 capacitors 45/5']);
  });

  it('leaves a mention that matches nothing as unmatched, never billed', async () => {
    const { mentions } = findMentions([{ index: 0, text: 'replaced capacitor' }], VOCABULARY);
    const r = buildNoteLines({
      mentions,
      decisions: mentions.map((m) => decideFromScores(m, [])),
      scored: new Map(),
      catalog: CATALOG_BY_ID,
      existing: [],
    });
    expect(r.added).toEqual([]);
    expect(r.unmatched).toHaveLength(1);
  });
});

describe('decideFromScores', () => {
  const mention = { id: 'm', quantity: 2, billable: true };

  it('picks the best candidate, more surely the further ahead it is', () => {
    const clear = decideFromScores(mention, [
      { skuId: 1, code: 'A', score: 0.9 },
      { skuId: 2, code: 'B', score: 0.3 },
    ]);
    const close = decideFromScores(mention, [
      { skuId: 1, code: 'A', score: 0.9 },
      { skuId: 2, code: 'B', score: 0.85 },
    ]);
    expect(clear).toMatchObject({ skuId: 1, quantity: 2, billable: true });
    expect(clear.confidence).toBeGreaterThan(close.confidence);
    expect(clear.confidence).toBeLessThanOrEqual(0.97);
  });

  it('picks nothing below the minimum score', () => {
    expect(decideFromScores(mention, [{ skuId: 1, code: 'A', score: 0.41 }])).toMatchObject({
      skuId: null,
      confidence: 0,
    });
    expect(decideFromScores(mention, [{ skuId: 1, code: 'A', score: 0.41 }], 0.4).skuId).toBe(1);
  });
});

describe('retrieval', () => {
  it('trigram similarity is 1 for equal text, 0 for nothing shared, symmetric', () => {
    expect(trigramSimilarity('capacitor', 'capacitor')).toBe(1);
    expect(trigramSimilarity('capacitor', 'xyz')).toBe(0);
    expect(trigramSimilarity('capacitor 45/5', 'run capacitor')).toBeCloseTo(
      trigramSimilarity('run capacitor', 'capacitor 45/5'),
      12,
    );
  });

  it('finds the price-book entries a mention names, best first', async () => {
    const hits = await RETRIEVER.search('45/5 cap', 3);
    expect(hits[0]!.sku.id).toBe(ID.cap);
    expect(hits.length).toBeLessThanOrEqual(3);
  });
});

describe("the shop's convention for tasks that name a part", () => {
  const task = sku(901, { name: 'Replace Condenser Fan Motor (up to 1/4 HP)', kind: 'service' });
  const motor = sku(902, { name: 'Condenser Fan Motor 1/6 HP 825 RPM', kind: 'material' });
  const recharge = sku(903, { name: 'Refrigerant Recharge R-410A', kind: 'service' });
  const refrigerant = sku(904, { name: 'R-410A Refrigerant (per lb)', kind: 'material' });
  const catalog = new Map([task, motor, recharge, refrigerant].map((s) => [s.id, s]));
  const history = (rates: Record<number, { rate: number; jobs: number }>) => (id: number) =>
    rates[id] ?? { rate: 0, jobs: 0 };

  it('learns "tasks include their parts" from enough past jobs billed without them', () => {
    expect(tasksIncludeParts(catalog, history({ 901: { rate: 0.05, jobs: 40 } }))).toBe(true);
    // Parts on most such jobs, or too few jobs to say: no convention.
    expect(tasksIncludeParts(catalog, history({ 901: { rate: 0.9, jobs: 40 } }))).toBe(false);
    expect(tasksIncludeParts(catalog, history({ 901: { rate: 0, jobs: 10 } }))).toBe(false);
  });
  it('a part sold by a measure (refrigerant by the pound) is billed beside any task: not counted', () => {
    // The recharge task always bills its refrigerant; the fan motor task never bills a motor.
    expect(
      tasksIncludeParts(catalog, history({ 901: { rate: 0, jobs: 30 }, 903: { rate: 1, jobs: 30 } })),
    ).toBe(true);
  });
  it("a task with two past jobs covers the part the notes name when the shop's tasks include parts", () => {
    const mention = mentionWith({
      text: 'OUTDOOR FAN MOTOR 1/6 HP',
      words: ['fan', 'motor'],
      specs: ['1/6'],
      use: 'action',
      polarity: 'done',
    });
    const lines = (tasksInclude: boolean) =>
      buildNoteLines({
        mentions: [mention],
        decisions: [decideFromScores(mention, [{ skuId: motor.id, code: motor.code, score: 0.8 }])],
        scored: new Map([[mention.id, [candidate(motor, 0.8, 1, 1)]]]),
        catalog,
        existing: [item(5, { skuId: task.id })],
        pairRate: () => ({ rate: 0, jobs: 2 }),
        tasksIncludeParts: tasksInclude,
      }).added.map((l) => l.skuId);
    expect(lines(false)).toEqual([motor.id]);
    expect(lines(true)).toEqual([]);
  });
});
