// The model note reader: the status mapping, grounding every mention in its note, the guard
// rail against the local parser, the structured-output request, and the fallback to the local
// parser (marked) on every failure mode, against a local OpenAI-compatible fake server.
import {
  groundReading,
  guardReading,
  LOCAL_READER,
  LocalProvider,
  locate,
  NoteReading,
  OpenAiProvider,
  quantityIsWritten,
  READ_PROMPT_VERSION,
  READ_STATUSES,
  type ReadMention,
  readWithFallback,
  statusReading,
  validateDecisions,
} from '@invoicer/ai';
import {
  buildNoteLines,
  buildVocabulary,
  type CatalogSku,
  findMentions,
  type Mention,
  mentionFromSpan,
  scoreCandidates,
} from '@invoicer/billing';
import { zodResponseFormat } from 'openai/helpers/zod';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeOpenAi, startFakeOpenAi } from '../support/fake-openai.ts';

const sku = (id: number, kind: CatalogSku['kind'], code: string, name: string): CatalogSku => ({
  id,
  kind,
  code,
  name,
  description: name,
  price: '100.00',
  memberPrice: null,
  addOnPrice: null,
  addOnMemberPrice: null,
  taxable: true,
  active: true,
  isLabor: false,
  hours: null,
  unitOfMeasure: null,
  categoryNames: [],
  amountType: null,
  amount: null,
  limit: null,
});

const catalog = [
  sku(601, 'material', 'CAP-45-5', 'Capacitor 45/5 MFD'),
  sku(602, 'material', 'CONT-40', 'Contactor 40A 2 pole'),
  sku(603, 'material', 'R410A', 'Refrigerant R-410A per lb'),
  sku(604, 'material', 'TSTAT', 'Thermostat programmable'),
  sku(605, 'material', 'FILTER', 'Air filter 16x25'),
  sku(900, 'equipment', 'COND-3T', 'Condenser 3 ton'),
  sku(901, 'material', 'BLOWER', 'Blower motor'),
];
const vocabulary = buildVocabulary(catalog.map((s) => s.name));

const parse = (notes: { index: number; text: string }[]) => findMentions(notes, vocabulary);
const read = (
  noteIndex: number,
  text: string,
  status: ReadMention['status'],
  extra: Partial<ReadMention> = {},
) =>
  ({ noteIndex, text, itemText: text, quantity: null, unit: null, status, ...extra }) satisfies ReadMention;

describe('status mapping', () => {
  it('only done is billable and may add a line', () => {
    expect(Object.fromEntries(READ_STATUSES.map((s) => [s, statusReading(s)]))).toEqual({
      done: { polarity: 'done', billable: true, use: 'action' },
      declined: { polarity: 'declined', billable: false, use: 'none' },
      quoted: { polarity: 'proposed', billable: false, use: 'none' },
      tested_ok: { polarity: 'negated', billable: false, use: 'none' },
      customer_supplied: { polarity: 'declined', billable: false, use: 'none' },
      not_needed: { polarity: 'negated', billable: false, use: 'none' },
    });
  });
});

describe('a mention built from a note span', () => {
  it('has the same id, words, specs and clause as the parser gives the same span', () => {
    const notes = [
      { index: 0, text: 'Repl 45/5 cap and 40a contactor. Added 3 lbs R-410A' },
      { index: 1, text: 'Capacitor weak - replaced; rec new blower motor' },
    ];
    const local = parse(notes).mentions;
    expect(local.length).toBeGreaterThanOrEqual(4);
    for (const m of local) {
      const note = notes.find((n) => n.index === m.noteIndex)!;
      const built = mentionFromSpan(note, m, m, vocabulary);
      expect(built).toEqual(m);
    }
  });

  it('is null outside the note or without a vocabulary word', () => {
    const note = { index: 0, text: 'checked everything, all good' };
    expect(
      mentionFromSpan(note, { start: 0, end: 7 }, statusReading('done') as never, vocabulary),
    ).toBeNull();
    expect(
      mentionFromSpan(note, { start: 5, end: 99 }, statusReading('done') as never, vocabulary),
    ).toBeNull();
  });
});

describe('grounding', () => {
  const notes = [
    { index: 0, text: 'Replaced 45/5 CAP. Cap on the blower motor tested OK.' },
    { index: -1, text: 'No cooling' },
  ];

  it('locates spans case-insensitively, widens partial words and takes the next occurrence', () => {
    expect(locate(notes[0]!.text, '45/5 cap')).toEqual([{ start: 9, end: 17 }]);
    expect(locate(notes[0]!.text, 'cap')).toEqual([
      { start: 14, end: 17 },
      { start: 19, end: 22 },
    ]);
    expect(locate('new capacitors', 'capacitor')).toEqual([{ start: 4, end: 14 }]);
    // A whole-word match comes before one inside a word (which is widened to the word).
    expect(locate('capacitor ok, new cap', 'cap')).toEqual([
      { start: 18, end: 21 },
      { start: 0, end: 9 },
    ]);
    expect(locate('blower\n  motor', 'blower motor')).toEqual([{ start: 0, end: 14 }]);
    expect(locate('blower motor', 'fan motor')).toEqual([]);
  });

  it('drops and counts mentions that are not in their note', () => {
    const out = groundReading(
      notes,
      [
        read(0, '45/5 cap', 'done'),
        read(0, 'new compressor', 'done'),
        read(3, '45/5 cap', 'done'),
        read(0, 'blower motor', 'tested_ok'),
        read(0, '45/5 cap', 'done'),
        read(0, 'tested OK', 'done'),
      ],
      vocabulary,
    );
    expect(out.mentions.map((m) => [m.id, m.text, m.polarity, m.billable])).toEqual([
      ['0:9', '45/5 CAP', 'done', true],
      ['0:30', 'blower motor', 'negated', false],
    ]);
    expect(out.dropped.map((d) => d.reason)).toEqual([
      'not_in_note',
      'unknown_note',
      'duplicate',
      'no_item_word',
    ]);
    // The same item twice ("45/5 cap", then "cap" inside it) is one mention.
    const twice = groundReading(
      [{ index: 0, text: 'new 45/5 cap installed' }],
      [read(0, '45/5 cap', 'done'), read(0, 'cap', 'done')],
      vocabulary,
    );
    expect(twice.mentions.map((m) => m.text)).toEqual(['45/5 cap']);
    expect(twice.dropped.map((d) => d.reason)).toEqual(['duplicate']);
    expect(out.mentions[0]).toMatchObject({ words: ['capacitor'], specs: ['45/5'], use: 'action' });
  });

  it('keeps a quantity only when the note writes it', () => {
    const q = [{ index: 0, text: 'added 1 1/2 lbs r410a, installed 2x 45/5 caps, replaced contactor' }];
    const out = groundReading(
      q,
      [
        read(0, 'r410a', 'done', { quantity: 1.5, unit: 'lb' }),
        read(0, '45/5 caps', 'done', { quantity: 2, unit: 'each' }),
        read(0, 'contactor', 'done', { quantity: 3, unit: 'each' }),
      ],
      vocabulary,
    );
    expect(out.mentions.map((m) => [m.text, m.quantity, m.unit])).toEqual([
      ['r410a', 1.5, 'lb'],
      ['45/5 caps', 2, 'each'],
      ['contactor', null, null],
    ]);
    expect(out.ungroundedQuantities).toHaveLength(1);
    expect(quantityIsWritten(5000, 'added 5000 lbs')).toBe(false);
  });
});

describe('guard rail', () => {
  const model = (notes: { index: number; text: string }[], mentions: ReadMention[]) =>
    groundReading(notes, mentions, vocabulary).mentions;

  it('a span the parser reads as declined, quoted or negated is never billable', () => {
    const notes = [
      { index: 0, text: 'quoted new condenser, cust declined. no refrigerant needed. rec new blower motor' },
    ];
    const local = parse(notes);
    expect(local.mentions.map((m) => m.polarity)).toEqual(['declined', 'negated', 'proposed']);
    const out = guardReading(
      model(notes, [
        read(0, 'new condenser', 'done'),
        read(0, 'refrigerant', 'done'),
        read(0, 'blower motor', 'done'),
      ]),
      local,
    );
    expect(out.mentions.map((m) => [m.text, m.polarity, m.billable, m.use])).toEqual([
      ['new condenser', 'declined', false, 'none'],
      ['refrigerant', 'negated', false, 'none'],
      ['blower motor', 'proposed', false, 'none'],
    ]);
    expect(out.overruled).toHaveLength(3);
  });

  it('a model that says not done wins over a parser that says done', () => {
    const notes = [{ index: 0, text: 'replaced thermostat' }];
    const out = guardReading(model(notes, [read(0, 'thermostat', 'customer_supplied')]), parse(notes));
    expect(out.mentions).toHaveLength(1);
    expect(out.mentions[0]).toMatchObject({ polarity: 'declined', billable: false, use: 'none' });
  });

  it('the clause counts even where the parser found no mention', () => {
    const notes = [{ index: 0, text: 'offered surge protector w/ new filter, declined' }];
    const local = parse(notes);
    const grounded = model(notes, [read(0, 'filter', 'done')]);
    const out = guardReading(grounded, { mentions: [], clauses: local.clauses });
    expect(out.mentions[0]).toMatchObject({ billable: false, use: 'none' });
  });

  it('keeps parser not-done mentions the model left out, and request notes never add', () => {
    const notes = [
      { index: -1, text: 'Replace thermostat' },
      { index: 0, text: 'replaced 45/5 cap. quoted new condenser' },
    ];
    const out = guardReading(
      model(notes, [read(-1, 'thermostat', 'done'), read(0, '45/5 cap', 'done')]),
      parse(notes),
      new Set([-1]),
    );
    expect(out.mentions.map((m) => [m.text, m.polarity, m.billable, m.use])).toEqual([
      ['thermostat', 'done', true, 'none'],
      ['45/5 cap', 'done', true, 'action'],
      ['condenser', 'proposed', false, 'none'],
    ]);
    expect(out.keptLocal).toEqual(['0:30']);
    expect(out.overruled).toEqual([]);
  });
});

describe('statuses other than done never bill, end to end through note lines', () => {
  it('only the done mention becomes a line, whatever the chooser says', () => {
    const notes = [
      {
        index: 0,
        text: 'replaced contactor. cust declined blower motor. quoted condenser. cap tested ok. customer supplied thermostat. filter not needed',
      },
    ];
    const mentions = groundReading(
      notes,
      [
        read(0, 'contactor', 'done'),
        read(0, 'blower motor', 'declined'),
        read(0, 'condenser', 'quoted'),
        read(0, 'cap', 'tested_ok'),
        read(0, 'thermostat', 'customer_supplied'),
        read(0, 'filter', 'not_needed'),
      ],
      vocabulary,
    ).mentions;
    expect(mentions).toHaveLength(6);
    const byId = new Map(catalog.map((s) => [s.id, s]));
    const scored = new Map(
      mentions.map((m) => [
        m.id,
        scoreCandidates(
          m,
          catalog.map((s) => ({ sku: s, similarity: 0.5, historyVotes: 0 })),
          vocabulary,
        ),
      ]),
    );
    // A chooser (a model) that calls everything billable.
    const decisions = mentions.map((m) => ({
      mentionId: m.id,
      skuId: scored.get(m.id)![0]!.sku.id,
      quantity: null,
      billable: true,
      confidence: 0.95,
      reason: 'yes',
    }));
    const checked = validateDecisions(
      {
        jobType: 'AC Repair',
        notes,
        mentions: mentions.map((m) => ({ ...m, clause: m.clauseText })),
        candidates: Object.fromEntries(
          [...scored].map(([id, list]) => [
            id,
            list.map((c) => ({ skuId: c.sku.id, code: c.sku.code, name: c.sku.name, score: c.score })),
          ]),
        ),
        existingItems: [],
      },
      decisions,
    );
    expect(checked.decisions.filter((d) => d.billable).map((d) => d.mentionId)).toEqual([mentions[0]!.id]);
    const lines = buildNoteLines({ mentions, decisions, scored, catalog: byId, existing: [] });
    expect(lines.added.map((l) => l.skuId)).toEqual([602]);
    expect(lines.nonBillable).toHaveLength(5);
  });
});

let fake: FakeOpenAi;
beforeAll(async () => {
  fake = await startFakeOpenAi();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.behaviour = 'ok';
  fake.readBehaviour = 'ok';
  fake.readings.clear();
  fake.reader = null;
  fake.requests.length = 0;
});

const openai = (timeoutMs = 1000) =>
  new OpenAiProvider({ baseURL: fake.url, model: 'fake-model', timeoutMs, apiKey: 'test' });

describe('reading the notes with a model', () => {
  const notes = [
    { index: 0, text: 'Cap weak. new 45/5 cap in, 2 lbs 410a added. quoted new condenser, cust declined' },
    { index: 1, text: 'thermostat tested ok' },
  ];
  const input = () => ({ notes, vocabulary, local: parse(notes).mentions });
  const script = () => {
    fake.readings.set(notes[0]!.text, [
      { text: '45/5 cap', status: 'done' },
      { text: '2 lbs 410a', quantity: 2, unit: 'lb', status: 'done' },
      { text: 'new condenser', status: 'declined' },
    ]);
    fake.readings.set(notes[1]!.text, [{ text: 'thermostat', status: 'tested_ok' }]);
  };

  it('uses the grounded reading, and asks for a zod json_schema structured output', async () => {
    script();
    const out = await readWithFallback(openai(), input(), 2000);
    expect(out.reader).toMatchObject({
      provider: 'openai',
      model: 'fake-model',
      promptVersion: READ_PROMPT_VERSION,
      fallback: null,
      read: 4,
      droppedCount: 0,
    });
    expect(out.reader.inputDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(out.mentions.map((m) => [m.text, m.polarity, m.billable, m.quantity, m.unit])).toEqual([
      ['45/5 cap', 'done', true, null, null],
      ['2 lbs 410a', 'done', true, 2, 'lb'],
      ['new condenser', 'declined', false, null, null],
      ['thermostat', 'negated', false, null, null],
    ]);
    // The parser reads "45/5 cap in" as neutral (no work verb); the model's "done" lets it add.
    expect(parse(notes).mentions.find((m) => m.text.includes('45/5'))?.use).not.toBe('action');
    expect(out.mentions[0]?.use).toBe('action');
    const sent = fake.requests[0]!;
    expect(sent.response_format).toEqual({
      type: 'json_schema',
      json_schema: JSON.parse(JSON.stringify(zodResponseFormat(NoteReading, 'note_mentions').json_schema)),
    });
    expect(sent.response_format?.json_schema?.strict).toBe(true);
    expect(JSON.stringify(sent.response_format)).toContain('customer_supplied');
    expect(sent.messages[0]?.content).toMatch(/copied exactly as written/);
    expect(JSON.parse(sent.messages[1]!.content)).toEqual({ notes });
  });

  it('drops hallucinated spans and keeps the rest', async () => {
    script();
    fake.readings.set(notes[1]!.text, [
      { text: 'thermostat', status: 'tested_ok' },
      { text: 'replaced compressor', status: 'done' },
    ]);
    const out = await readWithFallback(openai(), input(), 2000);
    expect(out.reader.fallback).toBeNull();
    expect(out.reader.droppedCount).toBe(1);
    expect(out.reader.dropped[0]).toMatchObject({
      noteIndex: 1,
      text: 'replaced compressor',
      reason: 'not_in_note',
    });
    expect(out.mentions.map((m) => m.text)).not.toContain('replaced compressor');
    expect(out.mentions).toHaveLength(4);
  });

  it('never bills what the parser reads as declined, even if the model says done', async () => {
    script();
    fake.readings.set(notes[0]!.text, [{ text: 'new condenser', status: 'done' }]);
    const out = await readWithFallback(openai(), input(), 2000);
    const condenser = out.mentions.find((m) => m.text === 'new condenser')!;
    expect(condenser).toMatchObject({ polarity: 'declined', billable: false, use: 'none' });
    expect(out.reader.overruled).toEqual([condenser.id]);
  });

  it.each(['garbage', 'invalid', 'hallucinate', 'error', 'slow'] as const)(
    'falls back to the local parser and marks it when the model answers %s',
    async (behaviour) => {
      script();
      fake.readBehaviour = behaviour;
      const local = parse(notes).mentions;
      const started = Date.now();
      const out = await readWithFallback(openai(300), { ...input(), local }, 300);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(out.mentions).toBe(local);
      expect(out.reader.provider).toBe(LOCAL_READER.name);
      expect(out.reader.promptVersion).toBe(LOCAL_READER.promptVersion);
      expect(out.reader.fallback?.from).toBe('openai');
      expect(out.reader.fallback?.error.length).toBeGreaterThan(0);
    },
  );

  it('a scripted failure for one note fails the whole reading', async () => {
    script();
    fake.readings.set(notes[1]!.text, 'error');
    const out = await readWithFallback(openai(), input(), 2000);
    expect(out.reader.fallback?.error).toMatch(/500/);
  });

  it('the local provider reads nothing itself: the parser is used, no fallback', async () => {
    const local = parse(notes).mentions;
    const out = await readWithFallback(new LocalProvider(), { ...input(), local }, 1000);
    expect(out.mentions).toBe(local);
    expect(out.reader).toMatchObject({ provider: 'local', fallback: null });
    expect(fake.requests).toHaveLength(0);
  });

  it('sends nothing for blank notes', async () => {
    const out = await readWithFallback(
      openai(),
      { notes: [{ index: 0, text: '  ' }], vocabulary, local: [] as Mention[] },
      1000,
    );
    expect(out.mentions).toEqual([]);
    expect(out.reader.fallback).toBeNull();
    expect(fake.requests).toHaveLength(0);
  });
});
