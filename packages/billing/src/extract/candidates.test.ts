import { describe, expect, it } from 'vitest';
import {
  historyOf,
  item,
  jobContext,
  knowledge,
  mentionsOf,
  sku,
  times,
  vocabularyOf,
} from '../test-fixtures.ts';
import { mentionCandidates, shopUsageFirst, unlessRarelyMeant, usualVariantFirst } from './candidates.ts';
import { type ScoredCandidate, scoreCandidates } from './match.ts';
import { MIN_MATCH_SCORE } from './note-lines.ts';

describe('usualVariantFirst: variants the notes cannot tell apart', () => {
  const pad2436 = sku(1, { name: 'Equipment Pad 24" x 36"' });
  const pad3636 = sku(2, { name: 'Equipment Pad 36" x 36"' });
  const whip = sku(3, { name: 'AC Whip 3/4" x 6 ft' });
  const catalog = [pad2436, pad3636, whip];
  const [mention] = mentionsOf('Installed 1 equipment pad.', vocabularyOf(catalog));
  const ranked = () =>
    scoreCandidates(
      mention!,
      catalog.map((s) => ({ sku: s, similarity: 0, historyVotes: 0 })),
      vocabularyOf(catalog),
    );

  it('puts the size the shop bills most often first, keeping the others', () => {
    // The repeated size gives "36 x 36" the better word coverage.
    expect(ranked()[0]!.sku.id).toBe(2);
    const share = new Map([
      [1, 0.3],
      [2, 0.1],
    ]);
    const reordered = usualVariantFirst(ranked(), (id) => share.get(id) ?? 0, mention!);
    expect(reordered.map((c) => c.sku.id)).toEqual([1, 2, 3]);
  });

  it('leaves the order alone when no variant is clearly the usual one, or the names differ', () => {
    const close = new Map([
      [1, 0.12],
      [2, 0.1],
    ]);
    expect(usualVariantFirst(ranked(), (id) => close.get(id) ?? 0, mention!)[0]!.sku.id).toBe(2);
    // The whip is billed more than either pad, but it is another item.
    const whipMost = new Map([
      [2, 0.1],
      [3, 0.9],
    ]);
    expect(usualVariantFirst(ranked(), (id) => whipMost.get(id) ?? 0, mention!)[0]!.sku.id).toBe(2);
  });

  it('keeps the variant the note names: "V-belt (A42)" is not the A38 the shop bills more', () => {
    const belts = [sku(11, { name: 'V-Belt A38' }), sku(12, { name: 'V-Belt A42' })];
    const [belt] = mentionsOf('V-belt (A42) was cracked, so I swapped it out', vocabularyOf(belts));
    const scored = scoreCandidates(
      belt!,
      belts.map((s) => ({ sku: s, similarity: 0, historyVotes: 0 })),
      vocabularyOf(belts),
    );
    expect(scored[0]!.sku.id).toBe(12);
    const share = new Map([
      [11, 0.3],
      [12, 0.05],
    ]);
    expect(usualVariantFirst(scored, (id) => share.get(id) ?? 0, belt!)[0]!.sku.id).toBe(12);
  });
});

describe('mentionCandidates: work named across one clause', () => {
  const catalog = [
    sku(501, { name: 'Condenser Coil Cleaning (chemical)', kind: 'service' }),
    sku(502, { name: 'Coil Cleaner (gal)', kind: 'material' }),
    sku(503, { name: 'Replace Dual Run Capacitor', kind: 'service' }),
    sku(504, { name: 'Dual Run Capacitor 35/5 MFD 440V', kind: 'material' }),
  ];
  const k = knowledge({ catalog });
  const scoredFor = (note: string) => {
    const mentions = mentionsOf(note, k.vocabulary);
    const hits = catalog.map((s) => ({ stId: s.id, similarity: 0.5 }));
    const scored = mentionCandidates(
      mentions,
      mentions.map(() => ({ hits, votes: new Map() })),
      jobContext(),
      k,
    );
    return mentions.map((m) => ({
      text: m.text,
      top: scored.get(m.id)![0]!,
      alone: scoreCandidates(
        m,
        catalog.map((s) => ({ sku: s, similarity: 0.5, historyVotes: 0 })),
        k.vocabulary,
      ).find((c) => c.sku.id === 501)!.score,
    }));
  };
  it('"Chemical cleaned condenser coils": each half scores the task as the clause does, above itself alone', () => {
    const found = scoredFor('Chemical cleaned condenser coils');
    expect(found.length).toBeGreaterThanOrEqual(2);
    for (const { top, alone } of found) {
      expect(top.sku.id).toBe(501);
      expect(top.score).toBeGreaterThan(alone + 0.05);
    }
    expect(new Set(found.map(({ top }) => top.score)).size).toBe(1);
  });
  it('a part named twice in a clause is not a task in two halves', () => {
    const found = scoredFor('Replaced the dual run capacitor with a new 35/5 dual run capacitor');
    expect(found.some(({ top }) => top.sku.id === 504)).toBe(true);
  });
});

describe("mentionCandidates: the shop's usage of the words over the price book's wording", () => {
  const angleStop = sku(601, { name: 'Replace Angle Stop Valve', kind: 'service' });
  const mainShutOff = sku(602, { name: 'Replace Main Shut-Off Valve', kind: 'service' });
  const trip = sku(603, { name: 'Trip Charge', kind: 'service' });
  const coupling12 = sku(604, { name: 'Copper Coupling 1/2"', kind: 'material' });
  const coupling34 = sku(605, { name: 'Copper Coupling 3/4"', kind: 'material' });
  const catalog = [angleStop, mainShutOff, trip, coupling12, coupling34];
  const topFor = (note: string, history: Parameters<typeof historyOf>[0]) => {
    const k = knowledge({ catalog, model: historyOf(history) });
    const mentions = mentionsOf(note, k.vocabulary).filter((m) => m.use === 'action');
    const hits = catalog.map((s) => ({ stId: s.id, similarity: 0.5 }));
    const scored = mentionCandidates(
      mentions,
      mentions.map(() => ({ hits, votes: new Map() })),
      jobContext(),
      k,
    );
    return scored.get(mentions[0]!.id)![0]!;
  };
  // Plenty of other jobs, so that what comes with the words is more than what comes with any job.
  const others = times(30, { features: ['w:drain'], technician: [] });

  it('"shut-off valve" is the angle stop when that is what the shop bills for those words', () => {
    const note = 'Changed out the shut-off valve at the utility room.';
    expect(topFor(note, others).sku.id).toBe(602);
    const usual = [...others, ...times(6, { features: ['w:shut-off', 'w:valve'], technician: [601] })];
    const top = topFor(note, usual);
    expect(top.sku.id).toBe(601);
    expect(top.components.usage).toEqual({ billed: 6, jobs: 6 });
  });

  it('keeps the name when the shop bills it for the words too, or has too few such jobs', () => {
    const note = 'Changed out the shut-off valve at the utility room.';
    const mixed = [
      ...others,
      ...times(6, { features: ['w:shut-off', 'w:valve'], technician: [601] }),
      ...times(2, { features: ['w:shut-off', 'w:valve'], technician: [602] }),
    ];
    expect(topFor(note, mixed).sku.id).toBe(602);
    const few = [...others, ...times(4, { features: ['w:shut-off', 'w:valve'], technician: [601] })];
    expect(topFor(note, few).sku.id).toBe(602);
  });

  it('never takes a SKU the words do not name, or a size the note contradicts', () => {
    const tripJobs = [...others, ...times(6, { features: ['w:shut-off', 'w:valve'], technician: [603] })];
    expect(topFor('Changed out the shut-off valve.', tripJobs).sku.id).toBe(602);
    const halfInch = [...others, ...times(6, { features: ['w:copper', 'w:coupling'], technician: [604] })];
    expect(topFor('Put in 3 3/4 in. copper couplings.', halfInch).sku.id).toBe(605);
  });
});

describe("mentionCandidates: the shop's usage of the words on the job's type", () => {
  const anode = sku(801, { name: 'Replace Anode Rod', kind: 'service' });
  const brazing = sku(802, { name: 'Brazing Rod 15% Silver (per stick)', kind: 'material' });
  const ground = sku(803, { name: 'Ground Rod 8 ft', kind: 'material' });
  const catalog = [anode, brazing, ground];
  const k = (history: Parameters<typeof historyOf>[0]) => knowledge({ catalog, model: historyOf(history) });
  const topFor = (note: string, history: Parameters<typeof historyOf>[0]) => {
    const known = k(history);
    const mentions = mentionsOf(note, known.vocabulary).filter((m) => m.words.includes('rod'));
    const hits = catalog.map((s) => ({ stId: s.id, similarity: 0.3 }));
    // The job is of type 10 (jobContext).
    const scored = mentionCandidates(mentions, [{ hits, votes: new Map() }], jobContext(), known);
    return scored.get(mentions[0]!.id)![0]!;
  };
  // Across the shop "rod" is more often an anode rod (water heaters) than a brazing rod.
  const history = [
    ...times(30, { features: ['jt:30', 'w:drain'], technician: [] }),
    ...times(6, { features: ['jt:10', 'w:rod'], technician: [802] }),
    ...times(9, { features: ['jt:20', 'w:rod'], technician: [801] }),
  ];

  it('"mat: 5 rods" on a job type whose notes\' rods are brazing rods is the brazing rod', () => {
    const top = topFor('mat: 5 rods', history);
    expect(top.sku.id).toBe(802);
    expect(top.components.usage).toEqual({ billed: 6, jobs: 6 });
    // Taken on the shop's usage however weakly the name matches: at least a decision's floor.
    expect(top.score).toBeGreaterThanOrEqual(MIN_MATCH_SCORE);
  });

  it("the technician's own size of the usual item is what the note means", () => {
    const fivePercent = sku(806, { name: 'Brazing Rod 5% Silver (per stick)', kind: 'material' });
    const known = knowledge({ catalog: [...catalog, fivePercent], model: historyOf(history) });
    const mentions = mentionsOf('mat: 5 rods', known.vocabulary).filter((m) => m.words.includes('rod'));
    const hits = catalog.map((s) => ({ stId: s.id, similarity: 0.3 }));
    const topWith = (items: ReturnType<typeof item>[]) =>
      mentionCandidates(
        mentions,
        [{ hits, votes: new Map() }],
        jobContext({ invoice: { items } }),
        known,
      ).get(mentions[0]!.id)![0]!.sku.id;
    expect(topWith([])).toBe(802);
    expect(topWith([item(1, { skuId: 806 })])).not.toBe(802);
  });

  it('a word the usual item\'s name does not say is where it is, not what it is ("@ laundry")', () => {
    const stop = sku(807, { name: 'Replace Angle Stop Valve', kind: 'service' });
    const box = sku(808, { name: 'Install Laundry Outlet Box', kind: 'service' });
    const scored = (s: typeof stop, score: number, coverage: number): ScoredCandidate => ({
      sku: s,
      score,
      components: { coverage, spec: 0, unit: 0, retrieval: 0.5, history: 0 },
    });
    // The stop's description says "laundry box": the words partly cover it, its name does not.
    const ranked = [scored(box, 0.5, 0.5), scored(stop, 0.3, 0.2)];
    // Stops billed on every past job whose notes say "laundry": where they are.
    const usage = { jobs: 6, billed: new Map([[807, 6]]) };
    const top = (words: string[]) =>
      shopUsageFirst(ranked, usage, () => 0.05, { quantity: null, words })[0]!.sku.id;
    expect(top(['laundry'])).toBe(808);
    // A word the name says: the shop's usage decides.
    expect(top(['stop'])).toBe(807);
  });

  it('a lone work verb names no item, whatever the shop bills on the type ("Installed")', () => {
    const charger = sku(804, { name: 'Install Level 2 EV Charger', kind: 'service' });
    const thermostat = sku(805, { name: 'Install Thermostat', kind: 'service' });
    const known = knowledge({
      catalog: [...catalog, charger, thermostat],
      model: historyOf([
        ...times(30, { features: ['jt:30', 'w:drain'], technician: [] }),
        ...times(6, { features: ['jt:10', 'w:install'], technician: [804] }),
      ]),
    });
    const mentions = mentionsOf('Installed', known.vocabulary);
    expect(mentions.map((m) => m.words)).toEqual([['install']]);
    const hits = [
      { stId: 805, similarity: 0.5 },
      { stId: 804, similarity: 0.3 },
    ];
    const scored = mentionCandidates(mentions, [{ hits, votes: new Map() }], jobContext(), known);
    const top = scored.get(mentions[0]!.id)![0]!;
    expect(top.sku.id).toBe(805);
    expect(top.components.usage).toBeUndefined();
    expect(top.score).toBeLessThan(MIN_MATCH_SCORE);
  });

  it('an uncounted rod stays the task its words name; too few such jobs on the type change nothing', () => {
    expect(topFor('replaced the rod', history).sku.id).toBe(801);
    const few = history.filter((_, i) => i < 30 || i >= 32);
    expect(topFor('mat: 5 rods', few).sku.id).not.toBe(802);
  });
});

describe('mentionCandidates: what a note counts as used is a part', () => {
  const reset = sku(701, { name: 'Reset Toilet with New Wax Ring', kind: 'service' });
  const wax = sku(702, { name: 'Toilet Wax Ring with Horn', kind: 'material' });
  const catalog = [reset, wax];
  const k = knowledge({ catalog });
  const topFor = (note: string) => {
    const mentions = mentionsOf(note, k.vocabulary).filter((m) => m.words.includes('wax'));
    const hits = catalog.map((s) => ({ stId: s.id, similarity: 0.5 }));
    const scored = mentionCandidates(
      mentions,
      mentions.map(() => ({ hits, votes: new Map() })),
      jobContext(),
      k,
    );
    return scored.get(mentions[0]!.id)![0]!.sku.id;
  };
  it('"Used 1 wax ring" is the wax ring, "Reset the toilet on a new wax ring" the task', () => {
    expect(topFor('Used 1 wax ring.')).toBe(702);
    expect(topFor('Reset the toilet on a new wax ring.')).toBe(701);
  });
});

describe("unlessRarelyMeant: words the shop's notes use for something else", () => {
  const faucet = sku(901, { name: 'Kitchen Faucet – Builder Grade', kind: 'material' });
  const pex = sku(902, { name: 'PEX-A Tubing 3/4" (per ft)', kind: 'material' });
  const scored = (s: typeof faucet, score: number): ScoredCandidate => ({
    sku: s,
    score,
    components: { coverage: 1, spec: 0, unit: 0, retrieval: 0.5, history: 0 },
  });
  const ranked = [scored(faucet, 0.6), scored(pex, 0.3)];
  const catalog = new Map([faucet, pex].map((s) => [s.id, s]));

  it('"in the kitchen" on 40 past jobs that never billed a kitchen faucet names no faucet', () => {
    const rarely = unlessRarelyMeant(ranked, { jobs: 40, billed: new Map([[902, 25]]) }, catalog);
    expect(rarely[0]!.score).toBeLessThan(MIN_MATCH_SCORE);
  });

  it('keeps the match where the shop bills it, where it is on the invoice, or on too few jobs', () => {
    expect(unlessRarelyMeant(ranked, { jobs: 40, billed: new Map([[901, 6]]) }, catalog)[0]).toMatchObject({
      sku: faucet,
      score: 0.6,
    });
    expect(unlessRarelyMeant(ranked, { jobs: 40, billed: new Map() }, catalog, [faucet])[0]!.score).toBe(0.6);
    expect(unlessRarelyMeant(ranked, { jobs: 12, billed: new Map() }, catalog)[0]!.score).toBe(0.6);
  });

  it('a size is used where its siblings are: "filter" billed in many sizes, this one rarely', () => {
    const sizes = [1, 2, 3, 4].map((i) =>
      sku(910 + i, { name: `Pleated Air Filter ${14 + 2 * i}x25x1 MERV 11`, kind: 'material' }),
    );
    const family = new Map(sizes.map((s) => [s.id, s]));
    const filter = [scored(sizes[0]!, 0.6)];
    const billed = new Map([
      [912, 12],
      [913, 12],
      [914, 12],
    ]);
    expect(unlessRarelyMeant(filter, { jobs: 40, billed }, family)[0]!.score).toBe(0.6);
  });
});

describe('mentionCandidates: the rating the note gives', () => {
  // Retrieval keeps a few hits by text similarity; with many breakers, the double-pole ones can
  // fall outside them.
  const single = [15, 20].map((amps) => sku(100 + amps, { name: `Breaker ${amps}A Single Pole` }));
  const double = [30, 40].map((amps) => sku(200 + amps, { name: `Breaker ${amps}A Double Pole` }));
  const pipe = sku(300, { name: 'PVC Pipe 3/4" Sch 40 (per ft)' });
  const conduit = sku(301, { name: 'EMT Conduit 3/4" (per ft)' });
  const catalog = [...single, ...double, pipe, conduit];
  const k = knowledge({ catalog });
  const candidateIds = (note: string, hitIds: number[]) => {
    const mentions = mentionsOf(note, k.vocabulary).filter((m) => m.use !== 'none');
    const hits = hitIds.map((stId) => ({ stId, similarity: 0.6 }));
    const scored = mentionCandidates(mentions, [{ hits, votes: new Map() }], jobContext(), k);
    return scored.get(mentions[0]!.id)!.map((c) => c.sku.id);
  };

  it('adds the entries with that rating and the note’s item word, whatever retrieval kept', () => {
    const ids = candidateIds('Put in 1 2P breaker.', [115, 120]);
    expect(ids).toEqual(expect.arrayContaining([230, 240]));
    // "2P" names the "Double Pole" of their names: they rank above the single-pole ones.
    expect(double.map((s) => s.id)).toContain(ids[0]);
  });

  it('leaves sizes to retrieval: "3/4 pipe" does not pull in every 3/4" entry', () => {
    expect(candidateIds('+ 3/4 pipe x18 ft installed', [301])).toEqual([301]);
  });
});
