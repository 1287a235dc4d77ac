// The OpenAI-compatible provider against a local fake server: structured output parsed and
// validated, candidates-only, declined mentions never billable, and fallback to the local
// provider (marked) on every failure mode.
import {
  type ChooseInput,
  chooseWithFallback,
  LocalProvider,
  OpenAiProvider,
  validateDecisions,
} from '@invoicer/ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeOpenAi, startFakeOpenAi } from '../support/fake-openai.ts';

let fake: FakeOpenAi;
beforeAll(async () => {
  fake = await startFakeOpenAi();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.behaviour = 'ok';
  fake.requests.length = 0;
});

const input: ChooseInput = {
  jobType: 'AC Repair',
  notes: [{ index: 0, text: 'repl 45/5 cap. quoted new condenser, cust declined' }],
  mentions: [
    {
      id: '0:5',
      text: '45/5 cap',
      clause: 'repl 45/5 cap',
      polarity: 'done',
      billable: true,
      quantity: null,
      unit: null,
    },
    {
      id: '0:25',
      text: 'condenser',
      clause: 'quoted new condenser',
      polarity: 'declined',
      billable: false,
      quantity: null,
      unit: null,
    },
  ],
  candidates: {
    '0:5': [
      { skuId: 601, code: 'CAP-45-5', name: 'Capacitor 45/5 MFD', score: 0.9 },
      { skuId: 602, code: 'CAP-40-5', name: 'Capacitor 40/5 MFD', score: 0.5 },
    ],
    '0:25': [{ skuId: 900, code: 'COND-3T', name: 'Condenser 3 ton', score: 0.8 }],
  },
  existingItems: [],
};

const openai = () =>
  new OpenAiProvider({ baseURL: fake.url, model: 'fake-model', timeoutMs: 1000, apiKey: 'test' });

describe('OpenAI-compatible provider', () => {
  it('returns validated decisions from a structured output', async () => {
    const out = await chooseWithFallback(openai(), input, 2000);
    expect(out.provider).toBe('openai');
    expect(out.model).toBe('fake-model');
    expect(out.fallback).toBeNull();
    expect(out.inputDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(out.decisions.find((d) => d.mentionId === '0:5')).toMatchObject({ skuId: 601, billable: true });
    // The fake marks the declined mention billable=false; even a model saying yes would be overruled.
    expect(out.decisions.find((d) => d.mentionId === '0:25')?.billable).toBe(false);
    const sent = fake.requests[0]!;
    expect(sent.messages[0]?.content).toMatch(/Never invent an id/);
    expect(JSON.parse(sent.messages[1]!.content)).toEqual(input);
  });

  it.each(['invent', 'garbage', 'error', 'slow'] as const)(
    'falls back to local and marks the run when the model %s',
    async (behaviour) => {
      fake.behaviour = behaviour;
      const out = await chooseWithFallback(openai(), input, 1000);
      expect(out.provider).toBe('local');
      expect(out.fallback?.from).toBe('openai');
      expect(out.fallback?.error.length).toBeGreaterThan(0);
      expect(out.decisions.find((d) => d.mentionId === '0:5')?.skuId).toBe(601);
    },
  );
});

describe('validation of model output', () => {
  it('drops ids outside the candidates, implausible quantities and overrules declines', () => {
    const { decisions, problems } = validateDecisions(input, [
      { mentionId: '0:5', skuId: 777, quantity: -3, billable: true, confidence: 4, reason: 'x' },
      { mentionId: '0:25', skuId: 900, quantity: 1, billable: true, confidence: 0.9, reason: 'y' },
      { mentionId: 'nope', skuId: 1, quantity: 1, billable: true, confidence: 1, reason: 'z' },
    ]);
    expect(problems).toHaveLength(3);
    expect(decisions.find((d) => d.mentionId === '0:5')).toMatchObject({
      skuId: null,
      quantity: null,
      confidence: 1,
    });
    expect(decisions.find((d) => d.mentionId === '0:25')?.billable).toBe(false);
  });

  it('local provider is deterministic and respects the score floor', async () => {
    const local = new LocalProvider(0.95);
    const decisions = await local.choose(input);
    expect(decisions.every((d) => d.skuId === null)).toBe(true);
    const again = await new LocalProvider().choose(input);
    expect(again).toEqual(await new LocalProvider().choose(input));
    expect(again[0]?.skuId).toBe(601);
  });
});
