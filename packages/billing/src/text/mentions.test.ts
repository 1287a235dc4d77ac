import { describe, expect, it } from 'vitest';
import { scoreCandidates } from '../extract/match.ts';
import { mentionsOf, sku, vocabularyOf } from '../test-fixtures.ts';
import { classifyClauses, findMentions, isSpec, type Mention, splitClauses } from './mentions.ts';
import { buildVocabulary } from './vocabulary.ts';

/** The single mention whose resolved words include `word`. */
function mention(notes: string | string[], word: string): Mention {
  const found = mentionsOf(notes).filter((m) => m.words.includes(word));
  expect(found, `one mention of "${word}" in ${JSON.stringify(notes)}`).toHaveLength(1);
  return found[0]!;
}

/** Mentions the notes say were used: the only ones that may add a line. */
function used(notes: string | string[]): Mention[] {
  return mentionsOf(notes).filter((m) => m.billable && m.use !== 'none');
}

describe('findMentions: declined and quoted-only work is never billable', () => {
  it.each([
    ['quoted new condenser, cust declined', 'declined'],
    ['Gave option for new condenser, HO wants a second opinion', 'declined'],
    ['customer turned down the condenser replacement', 'declined'],
    ['Recommended new condenser; customer will think about it', 'declined'],
    ['Condenser replacement quoted - customer holding off', 'declined'],
    ['Tech recommends replacing the condenser next season', 'proposed'],
    ['Quoted condenser replacement', 'proposed'],
    ['new condenser - customer to decide later', 'declined'],
    ['Priced a condenser; customer is getting other quotes', 'declined'],
    ['condenser replacement discussed, HO will let us know', 'declined'],
    ['estimate given for a new condenser', 'proposed'],
    ['rec cond coil clean - declined', 'declined'],
    ['condenser coil clean - cust to decide later', 'declined'],
    ['Gave the customer a price on a new condenser. Declined.', 'declined'],
    ['Advied a new condenser, customer not interested', 'declined'],
    ['Qjoted new condenser', 'proposed'],
    ['est sent for new condenser', 'proposed'],
    ['Customer supplied their own condenser', 'negated'],
    ['Wiaved the condenser coil cleaning', 'negated'],
    ['condenser permit handled by the customer’s buider', 'negated'],
  ] as const)('"%s" → %s', (note, polarity) => {
    const m = mention(note, 'condenser');
    expect(m.polarity).toBe(polarity);
    expect(m.billable).toBe(false);
    expect(m.use).toBe('none');
  });

  it('carries a decline back to the proposal it answers, not to work done earlier in the note', () => {
    const notes = 'Replaced capacitor 45/5 - quoted new condenser, customer declined';
    expect(mention(notes, 'capacitor')).toMatchObject({ polarity: 'done', billable: true, use: 'action' });
    expect(mention(notes, 'condenser')).toMatchObject({ polarity: 'declined', billable: false });
  });

  it('ends a clause at a period after a number, so a later decline does not reach back', () => {
    const notes = 'Replaced capacitor 45/5. Customer declined new condenser.';
    expect(mention(notes, 'capacitor')).toMatchObject({ polarity: 'done', billable: true, use: 'action' });
    expect(mention(notes, 'condenser')).toMatchObject({ polarity: 'declined', billable: false });
  });

  it('reads a state after a linking verb, and a charge reading, as no work', () => {
    expect(used('condenser coil looked clean')).toEqual([]);
    expect(used('condenser coil was clean')).toEqual([]);
    expect(used('chg ok, no 410 added')).toEqual([]);
    expect(used('condenser coil was cleaned').flatMap((m) => m.words)).toContain('condenser');
  });

  it('does not let later work turn an estimate into work done', () => {
    const notes = 'Estimate sent for new condenser. Checked the charge.';
    expect(mention(notes, 'condenser')).toMatchObject({ polarity: 'proposed', billable: false });
  });

  it('keeps a decline inside its own note', () => {
    const mentions = mentionsOf(['Installed new condenser', 'Customer declined maintenance plan']);
    const condenser = mentions.find((m) => m.words.includes('condenser'))!;
    expect(condenser).toMatchObject({ noteIndex: 0, polarity: 'done', billable: true });
  });

  it('bills proposed work once the customer approves it', () => {
    expect(mention('quoted condenser. customer approved.', 'condenser')).toMatchObject({
      polarity: 'done',
      billable: true,
    });
    expect(mention('Condenser replacement approved by customer', 'condenser').polarity).toBe('done');
  });

  it('records a declined refrigerant top-off with its quantity but never as used', () => {
    const m = mention('Leak found. Quoted leak repair + 4 lbs 410a, customer declined', 'r410a');
    expect(m).toMatchObject({ polarity: 'declined', billable: false, use: 'none', quantity: 4, unit: 'lb' });
  });
});

describe('findMentions: negated work is never billable', () => {
  it.each([
    'did not need refrigerant',
    "didn't have to add any freon",
    'no leak found, did not add refrigerant',
    'Checked charge, system full, no refrigerant added',
    'No refrigerant was added to the system',
    'customer opted not to add refrigerant',
    'Customer does not want refrigerant added',
    'completed without refrigerant',
  ])('"%s"', (note) => {
    const m = mention(note, 'refrigerant');
    expect(m.polarity).toBe('negated');
    expect(m.billable).toBe(false);
    expect(used(note).filter((x) => x.words.includes('refrigerant'))).toEqual([]);
  });

  it('negates only from the negation onwards: "cap was fine, no cap needed" uses no capacitor', () => {
    const mentions = mentionsOf('cap was fine, no cap needed');
    expect(mentions.map((m) => m.polarity)).toEqual(['neutral', 'negated']);
    expect(used('cap was fine, no cap needed')).toEqual([]);
  });

  it('reads "no heat" / "no cool" as the complaint, not as negating the repair that follows', () => {
    expect(mention('No heat call, replaced capacitor', 'capacitor')).toMatchObject({
      polarity: 'done',
      billable: true,
    });
    expect(mention('no cool. added 2 lbs 410a', 'r410a')).toMatchObject({
      polarity: 'done',
      billable: true,
      quantity: 2,
      unit: 'lb',
    });
  });
});

describe('findMentions: waived charges are never billable', () => {
  it.each([
    ['no charge for trip', 'trip'],
    ['trip charge waived - callback', 'trip'],
    ['Trip charge waived (callback)', 'trip'],
    ['No trip fee - callback', 'trip'],
    ['trip fee n/c per manager', 'trip'],
    ['courtesy visit, trip comped', 'trip'],
    ['diag fee applied to repair', 'diagnostic'],
    ['permit pulled by homeowner, not us', 'permit'],
    ['Permit by GC', 'permit'],
    ['Homeowner pulling own permit', 'permit'],
    ['Disposal covered under warranty', 'disposal'],
    ['no shop supplies charge', 'shop'],
  ])('"%s"', (note, word) => {
    const m = mention(note, word);
    expect(m.polarity).toBe('negated');
    expect(m.billable).toBe(false);
    expect(m.use).toBe('none');
  });
});

describe('findMentions: abbreviations, typos, quantities and units', () => {
  it('"repl 2x 45/5 MFD cap": a capacitor, spec 45/5, two of them, used', () => {
    const m = mention('repl 2x 45/5 MFD cap', 'capacitor');
    expect(m).toMatchObject({ quantity: 2, unit: 'each', polarity: 'done', billable: true, use: 'action' });
    expect(m.specs).toContain('45/5');
    expect(m.text).toBe('2x 45/5 MFD cap');
  });

  it.each([
    ['Added 3lbs R-410A', 3, 'lb'],
    ['added 2.5lb 410a', 2.5, 'lb'],
    ['charged 3# 410a', 3, 'lb'],
    ['added 24oz 410a', 24, 'oz'],
  ])('"%s": a count glued to its unit is read as quantity and unit', (note, quantity, unit) => {
    const m = mention(note, 'r410a');
    expect(m).toMatchObject({ quantity, unit, billable: true, use: 'action' });
  });

  it.each([
    ['added 1½lb 410a', 1.5, 'lb'],
    ['used 1½ lbs 410a', 1.5, 'lb'],
  ])('"%s": a fraction written as one character is a quantity', (note, quantity, unit) => {
    expect(mention(note, 'r410a')).toMatchObject({ quantity, unit, use: 'action' });
  });

  it.each([
    ["mat: 11' ¾ copper", '3/4', 11],
    ['3/4" copper x18\'', '3/4', 18],
    ['¾" copper 14\'', '3/4', 14],
    ['1½" copper 10\'', '1-1/2', 10],
  ])(
    '"%s": a size written with a fraction character, and a length in feet after the item',
    (note, spec, feet) => {
      const m = mention(note, 'copper');
      expect(m.specs).toContain(spec);
      expect(m).toMatchObject({ quantity: feet, unit: 'foot' });
    },
  );

  it('"ran 3/4 copper x25ft": a tally x glued to a count and its unit', () => {
    expect(mention('ran 3/4 copper x25ft', 'copper')).toMatchObject({
      quantity: 25,
      unit: 'foot',
      use: 'action',
    });
  });

  it('work done to "it" in the next clause is the item\'s, even where tasks are named "Replace …"', () => {
    const vocabulary = buildVocabulary(['V-Belt A42', 'Replace Blower Belt', 'Contactor 2-Pole']);
    const read = (note: string) => findMentions([{ index: 0, text: note }], vocabulary).mentions;
    const belt = read('V-belt (A42) was cracked and glazed, so I swapped it out.').find((m) =>
      m.words.includes('a42'),
    );
    expect(belt).toMatchObject({ polarity: 'done', use: 'action' });
    expect(read('Found the contactor pitted. Replaced it.')[0]).toMatchObject({ use: 'action' });
    // No pronoun, no carrying: the next clause is other work.
    expect(read('Contactor was pitted, cleaned the coil.')[0]).toMatchObject({ use: 'none' });
  });

  it('"sys #3: belt A42" — a number after # names a unit, it does not count belts', () => {
    const vocabulary = buildVocabulary(['V-Belt A42']);
    const [belt] = findMentions(
      [{ index: 0, text: 'split sys #3: belt A42 cracked - replaced' }],
      vocabulary,
    ).mentions;
    expect(belt).toMatchObject({ quantity: null, use: 'action' });
  });

  it.each(['contactor burnt - replaced', 'Contactor: pitted - swapped'])(
    '"%s": what was done after a dash finishes the item\'s clause',
    (note) => {
      expect(mention(note, 'contactor')).toMatchObject({ polarity: 'done', use: 'action' });
    },
  );

  it('"added a 2 gal expansion tank": a capacity before the item is its size, not a count', () => {
    const vocabulary = buildVocabulary(['Expansion Tank 2 Gal', 'Coolant']);
    const [m] = mentionsOf('added a 2 gal expansion tank', vocabulary);
    expect(m?.words).toContain('tank');
    expect(m?.quantity === null || m?.quantity === 1).toBe(true);
    expect(m?.unit === null || m?.unit === 'each').toBe(true);
    const [measured] = mentionsOf('added 2 gal of coolant', vocabulary);
    expect(measured).toMatchObject({ quantity: 2, unit: 'gallon' });
  });

  it('a bracketed check answers its item, not the work verb around it', () => {
    const note = 'Replaced contactor and capacitor (tested good)';
    expect(mention(note, 'contactor').use).toBe('action');
    expect(mention(note, 'capacitor')).toMatchObject({ polarity: 'neutral', use: 'none' });
  });

  it.each(['Replced the contactor', 'instaled new contactor', 'swaped contactor', 'rpelaced the contactor'])(
    '"%s": a work verb one letter off, or with two letters swapped, is still work',
    (note) => {
      expect(mention(note, 'contactor').use).toBe('action');
    },
  );

  it('a quantity does not reach across "&" to the next item', () => {
    const vocabulary = buildVocabulary(['Gen Oil 5W-30 (QT)', 'Gen Oil Filter']);
    const mentions = mentionsOf('changed oil (5 qts 5w30) & oil filter', vocabulary);
    const filter = mentions.find((m) => m.words.includes('filter'));
    expect(filter?.quantity).toBeNull();
    expect(mentions.find((m) => !m.words.includes('filter'))).toMatchObject({ quantity: 5, unit: 'quart' });
  });

  it('"run capacitor within spec" is a reading, "replaced capacitor - tested ok" is work', () => {
    expect(mention('Run capacitor within spec', 'capacitor').use).toBe('none');
    expect(mention('replaced capacitor - tested ok', 'capacitor').use).toBe('action');
  });

  it('a check after the dash is no work: "contactor - checked ok"', () => {
    expect(mention('contactor - checked ok', 'contactor').use).toBe('none');
  });

  it('"added three lbs 410a": refrigerant R-410A by the pound from a number word', () => {
    const m = mention('added three lbs 410a', 'r410a');
    expect(m).toMatchObject({ quantity: 3, unit: 'lb', billable: true, use: 'action' });
  });

  it.each([
    ['Topped off the charge with seven and a half lbs of 410a', 7.5],
    ['added 2 1/2 lbs 410a', 2.5],
    ['added two and one half lbs of 410a', 2.5],
    ['added a half lb of 410a', 0.5],
    ['added one half lb of 410a', 0.5],
    ['added sixteen lbs of 410a', 16],
    ['added eighteen lbs of 410a', 18],
  ])('"%s": the whole amount is read', (note, quantity) => {
    expect(mention(note, 'r410a')).toMatchObject({ quantity, unit: 'lb' });
  });

  it.each(['Installed 46 linear feet of new copper', 'ran 46 lf of copper'])('"%s": 46 feet', (note) => {
    expect(mention(note, 'copper')).toMatchObject({ quantity: 46, unit: 'foot' });
  });

  it('"10\' of 3/4 copper": ten feet, 3/4 is the size not the count, measured means used', () => {
    const m = mention("10' of 3/4 copper", 'copper');
    expect(m).toMatchObject({
      quantity: 10,
      unit: 'foot',
      polarity: 'neutral',
      billable: true,
      use: 'measured',
    });
    expect(m.specs).toEqual(['3/4']);
  });

  it.each([
    ['Topped off with 2.5 lbs R-22', 'r22', 2.5, 'lb'],
    ['charged system w/ 1.5# r22', 'r22', 1.5, 'lb'],
    ['added 12 oz of r410a', 'r410a', 12, 'oz'],
    // The refrigerant by its number alone after the weight, and "R410" without its letter.
    ['2.5# 22 added', 'r22', 2.5, 'lb'],
    ['new rev valve. 6 1/2lbs 22 added.', 'r22', 6.5, 'lb'],
    ['top off 3 lbs of 22', 'r22', 3, 'lb'],
    ['top off seven and a half lbs r410', 'r410a', 7.5, 'lb'],
    ['refrig charge 3# 410', 'refrigerant', 3, 'lb'],
    ['used: 3/4 copper 8 ft', 'copper', 8, 'foot'],
    ['6 feet of copper', 'copper', 6, 'foot'],
    ['Cust approved quote, installed 3/4 copper 12 ft', 'copper', 12, 'foot'],
    ['+ 2 capacitors', 'capacitor', 2, 'each'],
    ['caps x2 replaced', 'capacitor', 2, 'each'],
    ['qty 3 capacitor replaced', 'capacitor', 3, 'each'],
    ['installed a pair of capacitors', 'capacitor', 2, 'each'],
    ['installed (2) caps', 'capacitor', 2, 'each'],
    ['replaced 2 45/5 caps', 'capacitor', 2, 'each'],
    ['installed (2) 45/5 caps', 'capacitor', 2, 'each'],
    ['installed 3/4 copper x 15 ft', 'copper', 15, 'foot'],
  ] as const)('"%s" → %s × %d %s', (note, word, quantity, unit) => {
    const m = mention(note, word);
    expect(m.quantity).toBe(quantity);
    expect(m.unit).toBe(unit);
    expect(m.billable).toBe(true);
    expect(m.use).not.toBe('none');
  });

  it('"On-site contact: Tuan" is a person, not a clipped "contactor"; a shop selling contact cleaner reads it', () => {
    expect(
      mentionsOf('On-site contact: Tuan. Contacted the customer.').flatMap((m) => m.words),
    ).not.toContain('contactor');
    expect(mentionsOf('cont swapped').flatMap((m) => m.words)).toContain('contactor');
    const cleaner = buildVocabulary(['Contact Cleaner Spray', 'Contactor 2-Pole']);
    const read = findMentions([{ index: 0, text: 'used contact cleaner' }], cleaner).mentions;
    expect(read.flatMap((m) => m.words)).toContain('contact');
  });

  it('a number is a refrigerant only when weighed: "22 amps" and "22 lbs" are not R-22', () => {
    expect(mentionsOf('22 amps on the compressor').flatMap((m) => m.words)).not.toContain('r22');
    expect(mentionsOf('added 22 lbs').flatMap((m) => m.words)).not.toContain('r22');
  });

  it('an item after another and a preposition of place is where the work was ("… in the kitchen")', () => {
    const book = buildVocabulary([
      'Kitchen Faucet – Builder Grade',
      'Copper Pipe Type L 1/2" (per ft)',
      'Breaker 20A Single Pole',
      'Main Panel 200A',
      'Contactor 2-Pole',
    ]);
    const uses = (text: string) =>
      Object.fromEntries(
        findMentions([{ index: 0, text }], book).mentions.map((m) => [m.words.join(' '), m.use]),
      );
    expect(uses('Repaired the copper pipe in the kitchen.')).toMatchObject({ kitchen: 'none' });
    expect(uses('Installed 1 breaker in the panel.')).toMatchObject({ breaker: 'action', panel: 'none' });
    // Not after another item: the kitchen faucet itself, a contactor "put in".
    expect(uses('Replaced the kitchen faucet.')).toMatchObject({ 'kitchen faucet': 'action' });
    expect(uses('Put in a contactor.')).toMatchObject({ contactor: 'action' });
  });

  it('"2nd unit pm done" is additional work when the shop sells some; "30 second" is a time', () => {
    const additional = buildVocabulary(['Additional System Tune-Up (same visit)', 'Furnace Tune-Up']);
    const read = (text: string, vocabulary = additional) =>
      findMentions([{ index: 0, text }], vocabulary).mentions.flatMap((m) => m.words);
    expect(read('furnace tune up - 2nd unit pm done')).toContain('additional');
    expect(read('tuned up second system')).toContain('additional');
    expect(read('held for 30 second test')).not.toContain('additional');
    // A price book with nothing additional reads no ordinal as one.
    expect(read('2nd unit pm done', buildVocabulary(['Furnace Tune-Up']))).not.toContain('additional');
  });

  it.each([
    ['swapped capasitor', 'capacitor'],
    ['rplcd condensor fan side', 'condenser'],
    ['replaced contacter', 'contactor'],
    ['put in a new 35/5 cap', 'capacitor'],
    ['new condenser installed', 'condenser'],
  ])('"%s" is used work on a %s', (note, word) => {
    const m = mention(note, word);
    expect(m).toMatchObject({ polarity: 'done', billable: true, use: 'action' });
  });

  it('keeps the note offsets of every mention so the console can highlight it', () => {
    const note = 'Arrived, tested. Replaced capacitor and added 2 lbs 410a';
    for (const m of mentionsOf(note)) expect(note.slice(m.start, m.end)).toBe(m.text);
    expect(mention(note, 'r410a').text).toBe('2 lbs 410a');
  });

  it('reads "1 1/2" as a size but "2 45/5" as a count', () => {
    expect(mention('installed 1 1/2 copper 6 ft', 'copper')).toMatchObject({ quantity: 6, unit: 'foot' });
  });

  it('treats a stated zero as nothing used', () => {
    expect(mention('0 lbs refrigerant added', 'refrigerant')).toMatchObject({ billable: false, use: 'none' });
  });

  it('does not count a bare mention ("checked the condenser") as use', () => {
    expect(mention('looked at condenser coil', 'condenser').use).toBe('none');
    expect(used('looked at condenser coil')).toEqual([]);
  });

  it('finds only what the shop sells, and a conversation about it is not use', () => {
    expect(mentionsOf('all good, left site clean')).toEqual([]);
    const talk = mentionsOf('Spoke with homeowner about thermostat schedule app');
    expect(talk.map((m) => [m.words, m.use])).toEqual([[['thermostat'], 'none']]);
  });

  it('follows another shop’s price book: words it does not sell are not items', () => {
    const plumbing = buildVocabulary(['Water Heater Tank 50 Gallon', 'Expansion Tank', 'Flapper']);
    const { mentions } = findMentions([{ index: 0, text: 'replaced flapper and capacitor' }], plumbing);
    expect(mentions.map((m) => m.words)).toEqual([['flapper']]);
  });
});

describe('splitClauses / classifyClauses', () => {
  it('splits on sentence ends, semicolons, commas and spaced dashes, keeping offsets and decimals', () => {
    const text = 'Added 2.5 lbs; replaced cap, tested - ok';
    const clauses = splitClauses(text, 3);
    expect(clauses.map((c) => c.text)).toEqual(['Added 2.5 lbs', 'replaced cap', 'tested', 'ok']);
    for (const c of clauses) {
      expect(text.slice(c.start, c.end)).toBe(c.text);
      expect(c.noteIndex).toBe(3);
    }
  });

  it('carries an answer back only to the clauses it answers', () => {
    const clauses = classifyClauses(
      splitClauses('replaced filter, recommended new coil, customer declined', 0),
      (c) => /filter|coil/.test(c.text),
    );
    expect(clauses.map((c) => c.polarity)).toEqual(['done', 'declined', 'declined']);
  });

  it('stops a decline at the proposal heading its list: an item written before it is not proposed', () => {
    const hasItem = (c: { text: string }) => /belt|coil|filter/.test(c.text);
    const split = (text: string) => classifyClauses(splitClauses(text, 0), hasItem).map((c) => c.polarity);
    expect(split('-> 2 worn belts / Quoted coil cleaning, mgr declined')).toEqual([
      'neutral',
      'declined',
      'declined',
    ]);
    // Items listed after the proposal are still in it.
    expect(split('recommended coil cleaning, new filter - declined')).toEqual([
      'declined',
      'declined',
      'declined',
    ]);
  });
});

describe('isSpec', () => {
  it.each(['45/5', '3/4', 'r-410a', 'r22', '40gal', '20a', '2p', '3t', '80%'])('%s is a spec', (t) =>
    expect(isSpec(t)).toBe(true),
  );
  it.each(['2', 'two', 'capacitor', '2x', "10'"])('%s is not a spec', (t) => expect(isSpec(t)).toBe(false));
});

describe('dimensions name a size, not a count', () => {
  const filters = [
    sku(101, { code: 'FLT-1', name: 'Pleated Air Filter 16x20x2 MERV 11' }),
    sku(102, { code: 'FLT-2', name: 'Pleated Air Filter 24x24x2 MERV 11' }),
    sku(103, { code: 'FLT-3', name: 'Pleated Air Filter 20x25x4 MERV 11' }),
  ];
  const vocabulary = vocabularyOf(filters);
  const read = (note: string) => {
    const [m] = findMentions([{ index: 0, text: note }], vocabulary).mentions;
    expect(m, note).toBeDefined();
    const ranked = scoreCandidates(
      m!,
      filters.map((s) => ({ sku: s, similarity: 0.5, historyVotes: 0 })),
      vocabulary,
    );
    return {
      quantity: m!.quantity,
      specs: m!.specs,
      best: ranked[0]!.sku.code,
      lead: ranked[0]!.score - ranked[1]!.score,
    };
  };

  it('is a spec in any case, and "3x" stays a count', () => {
    expect(['16x20x2', '2x4', '24x36', '16X25X1'.toLowerCase()].every(isSpec)).toBe(true);
    expect(isSpec('3x')).toBe(false);
  });

  it.each([
    ['24 16x20x2 filters', 24, 'FLT-1'],
    ['used ten 24x24x2 fltrs', 10, 'FLT-2'],
    ['3x 20x25x4 filter', 3, 'FLT-3'],
  ])('"%s": %d of %s, clearly ahead of the other sizes', (note, quantity, code) => {
    const r = read(note);
    expect(r.quantity).toBe(quantity);
    expect(r.best).toBe(code);
    expect(r.lead).toBeGreaterThan(0.1);
  });
});

describe('findMentions: the shop’s own names for things', () => {
  const vocabulary = buildVocabulary([
    'Refrigerant R-404A (per lb)',
    'Refrigerant R-134a (per lb)',
    'TXV R-404A (Sporlan EGVE-1-C)',
    'Filter Drier 3/8 SAE',
    '200A Main Breaker Panel',
  ]);
  const found = (text: string) => findMentions([{ index: 0, text }], vocabulary).mentions;

  it('reads "404A" as the R-404A the price book sells, with its pounds', () => {
    const [m] = found('Charged 4 lbs 404A to proper subcool.');
    expect(m).toMatchObject({ words: ['r404a'], quantity: 4, unit: 'lb', polarity: 'done' });
    expect(found('added 2# 134a')[0]).toMatchObject({ words: ['r134a'], quantity: 2 });
  });

  it('leaves amps alone in a shop that sells no such refrigerant', () => {
    expect(found('installed new 200a panel').flatMap((m) => m.words)).not.toContain('r200a');
  });

  it('expands an abbreviation of several words into the ones the price book uses ("TXV")', () => {
    expect(found('TXV hunting - replaced TXV').at(-1)).toMatchObject({
      words: ['expansion', 'valve'],
      polarity: 'done',
    });
  });

  it('takes "1) … 2) …" for step numbers, not quantities, but "(2) driers" for two', () => {
    const steps = found('1) Arrived, checked in. 2) Replaced filter drier.');
    expect(steps).toHaveLength(1);
    expect(steps[0]!.quantity).toBeNull();
    expect(found('Replaced (2) filter driers')[0]!.quantity).toBe(2);
  });
});

describe('findMentions: trade notation in terse notes', () => {
  const plumbing = buildVocabulary([
    'Copper Coupling 1/2"',
    'Copper 90 Elbow 3/4"',
    'PVC Pipe 1-1/2" (per ft)',
    'Surge Protector Type 2',
    'Toilet Elongated',
    'Mastic (bucket)',
    'Push-Fit Coupling 1/2"',
    'Copper Pipe Type L 3/4" (per ft)',
    'Contactor 2-Pole',
    'Condensate Pump',
    'Sewer Camera Inspection',
  ]);
  const only = (note: string, word: string) => {
    const found = mentionsOf(note, plumbing).filter((m) => m.words.includes(word));
    expect(found, `one mention of "${word}" in ${JSON.stringify(note)}`).toHaveLength(1);
    return found[0]!;
  };

  it.each([
    ['used 3 1/2" couplings', 3],
    ['Put in 3 3/4 in. copper couplings', 3],
    ['4 1/2 cplg', 4],
  ])('"%s": a whole number before a size the shop sells counts parts of that size', (note, count) => {
    expect(only(note, 'coupling').quantity).toBe(count);
  });

  it('"ran 1 1/2 pvc": a mixed size the shop sells stays a size', () => {
    expect(only('ran 1 1/2 pvc', 'pvc').quantity).not.toBe(1);
  });

  it('"Used 3 3/4 in. copper 90s": the inch\'s period does not end the sentence', () => {
    expect(only('Used 3 3/4 in. copper 90s.', 'copper')).toMatchObject({ quantity: 3, use: 'action' });
    expect(splitClauses('Topped off with 5 lbs. of 22. Customer happy.', 0).map((c) => c.text)).toEqual([
      'Topped off with 5 lbs. of 22',
      'Customer happy',
    ]);
    expect(splitClauses('Ran 10 ft. Customer happy.', 0)).toHaveLength(2);
  });

  it('"Ran 3 feet of 3/4 in. PVC": an acronym after the inch goes on with the item', () => {
    expect(only('Ran 3 feet of 3/4 in. PVC.', 'pvc')).toMatchObject({ quantity: 3, unit: 'foot' });
    expect(splitClauses('Ran 3 ft of 1/2 in. PEX. OK to close.', 0).map((c) => c.text)).toEqual([
      'Ran 3 ft of 1/2 in. PEX',
      'OK to close',
    ]);
  });

  it('"r&r toilet", "Performed the camera inspection": remove-and-replace and performed are work', () => {
    expect(only('r&r toilet', 'toilet')).toMatchObject({ polarity: 'done', use: 'action' });
    expect(only('Performed the camera inspection.', 'camera')).toMatchObject({ use: 'action' });
    // "R&R" after a dash finishes the item's clause rather than standing alone.
    expect(mentionsOf('TOILET CRACKED - R&R', plumbing).map((m) => m.words)).toEqual([['toilet']]);
  });

  it('"mat: 1 toilet": a usage label is not an item, whatever word it resembles', () => {
    const found = mentionsOf('> mat: 1 toilet', plumbing);
    expect(found.map((m) => m.words)).toEqual([['toilet']]);
    expect(found[0]).toMatchObject({ polarity: 'done', use: 'action' });
  });

  it('"set type 2 surge protector": a designation is neither a count nor an item', () => {
    const found = mentionsOf('set type 2 surge protector', plumbing);
    expect(found.map((m) => m.words)).toEqual([['surge', 'protector']]);
    expect(found[0]!.quantity).toBeNull();
  });

  it('"+ 10 couplings" in a bulleted list is marked as used', () => {
    expect(only('- + 10 couplings', 'coupling')).toMatchObject({ polarity: 'done', use: 'action' });
  });
});

describe('findMentions: more ways a technician writes an item', () => {
  const hvac = buildVocabulary([
    'Dual Run Capacitor 45/5 MFD',
    'T&P Relief Valve 3/4"',
    'Clean Flame Sensor',
    'Thermal Expansion Tank 2 gal',
  ]);

  it('"dul run capacitor 45+5": a work verb inside a price-book name stays in the phrase; "+" writes the rating', () => {
    const found = mentionsOf('Swapped out the dul run capacitor 45+5 on RTU #5.', hvac).filter((m) =>
      m.words.includes('capacitor'),
    );
    expect(found).toHaveLength(1);
    expect(found[0]!.words).toEqual(['dual', 'capacitor']);
    expect(found[0]!.specs).toContain('45/5');
  });

  it('"T/P valve" is the price book\'s "T&P"', () => {
    expect(mentionsOf('SWAPPED T/P VALVE IN MOP SINK', hvac)[0]?.words).toContain('t&p');
  });

  it('"flae sens, clnd": a four-letter word missing a letter, and a work verb without its vowels', () => {
    const [m] = mentionsOf('flae sens clnd', hvac);
    expect(m?.words).toEqual(['flame', 'sensor']);
    expect(m).toMatchObject({ polarity: 'done', use: 'action' });
  });

  it('"dirty/carboned flae sens, clnd": a lone work verb after a comma says what was done to the item', () => {
    const [m] = mentionsOf('dirty/carboned flae sens, clnd', hvac);
    expect(m?.words).toEqual(['flame', 'sensor']);
    expect(m).toMatchObject({ polarity: 'done', use: 'action' });
    expect(mentionsOf('flame sensor dirty, tested', hvac)[0]).toMatchObject({
      polarity: 'neutral',
    });
  });

  it('"exp tank new": what was done may come last', () => {
    expect(mentionsOf('> exp tank new', hvac)[0]).toMatchObject({ polarity: 'done', use: 'action' });
  });
});

describe('findMentions: a count in tally notation says the part was used', () => {
  const v = buildVocabulary(['Wax Ring', 'Expansion Tank 2 gal', 'Disconnect 60A']);
  it.each(['1x wax ring', '(1) disconnect', 'qty 1 expansion tank', 'expansion tank x1'])('"%s"', (note) => {
    expect(mentionsOf(note, v)[0]).toMatchObject({ quantity: 1, use: 'measured' });
  });
  it('"one expansion tank" alone does not', () => {
    expect(mentionsOf('one expansion tank', v)[0]).toMatchObject({ quantity: 1, use: 'none' });
  });
});

describe('findMentions: a work verb that opens a price-book name', () => {
  const v = buildVocabulary(['Supply Line 3/8 x 20in Braided', 'Condenser Fan Motor 1/4 HP']);
  it('"Replaced both supply lines": the supply line, two of them', () => {
    const found = mentionsOf('Replaced both supply lines.', v).filter((m) => m.words.includes('line'));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ words: ['supply', 'line'], quantity: 2, use: 'action' });
  });
  it('"Supply water to the house" is still not a supply line', () => {
    expect(mentionsOf('Supply water to the house', v).some((m) => m.words.includes('supply'))).toBe(false);
  });
  it('"fan motor 1/4hp": a fractional horsepower is a spec', () => {
    expect(mentionsOf('Replaced fan motor 1/4hp', v)[0]?.specs).toContain('1/4hp');
  });
  it('"qty 3 braze rod": the verb in another tense opens "Brazing Rod", and "qty" is no item', () => {
    const brazing = buildVocabulary(['Brazing Rod 15% Silver (per stick)', 'Indoor Air Quality Survey']);
    const found = mentionsOf('qty 3 braze rod', brazing);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ words: ['brazing', 'rod'], quantity: 3, use: 'action' });
    // Not a price-book pair: "brazed leak" stays a verb and its item.
    expect(mentionsOf('brazed leak at the coil', brazing).some((m) => m.words.includes('braze'))).toBe(false);
  });
});

describe('findMentions: a measured length of a size only one price-book entry has', () => {
  const v = buildVocabulary([
    'WIRE 6/3 NM-B (PER FT)',
    'WIRE 12/2 NM-B (PER FT)',
    'PEX 3/4 (PER FT)',
    'COPPER 3/4 (PER FT)',
  ]);
  it('"25FT 6/3 RUN FROM PANEL" is 25 feet of that entry', () => {
    expect(mentionsOf('EV charger installed, 25FT 6/3 RUN FROM PANEL', v)).toContainEqual(
      expect.objectContaining({ words: ['6/3'], quantity: 25, unit: 'foot' }),
    );
  });
  it('a size two entries share ("10 ft 3/4") names neither', () => {
    expect(mentionsOf('ran 10 ft 3/4 to the heater', v).some((m) => m.words.includes('3/4'))).toBe(false);
  });
  it('a size with no length before it ("the 6/3 run") names nothing by itself', () => {
    expect(mentionsOf('checked the 6/3 run', v).some((m) => m.words.includes('6/3'))).toBe(false);
  });
});

describe('findMentions: a model number the price book uses is not a count', () => {
  const v = buildVocabulary(['Kitchen Faucet, Pull-Down (Moen 7594)', 'Replace Kitchen Faucet']);
  it('"a Moen 7594 pull-down" is one faucet', () => {
    const found = mentionsOf('Replaced the kitchen faucet with a Moen 7594 pull-down.', v);
    expect(found.every((m) => m.quantity === null || m.quantity === 1)).toBe(true);
  });
  it('a number the price book does not use still counts ("1200 staples")', () => {
    expect(mentionsOf('used 1200 pull-down clips', v)[0]?.quantity).toBe(1200);
  });
});

describe('findMentions: the item taken out', () => {
  const v = buildVocabulary([
    'Condenser Fan Motor 1/3 HP',
    'Expansion Tank 2 Gal',
    'Water Heater 50 Gal Electric',
  ]);
  const removed = (note: string) => mentionsOf(note, v).map((m) => [m.text, m.removed === true]);
  it('"replaced X with Y": X came out, Y went in', () => {
    expect(removed('replaced the failed condenser fan motor with a 1/3 hp fan motor')).toEqual([
      ['condenser fan motor', true],
      ['hp fan motor', false],
    ]);
  });
  it('"Old tank hauled away": the old one went', () => {
    expect(removed('Installed a 50 gal electric heater. Old tank hauled away.')).toContainEqual([
      'tank',
      true,
    ]);
  });
  it('"replaced the defective fan motor": like for like, so the mention stands for the new one', () => {
    expect(removed('replaced the defective fan motor')).toEqual([['fan motor', false]]);
  });
});
