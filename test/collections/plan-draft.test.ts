// The CSR's draft for a payment plan: the local provider by default (a fixed template, the same
// bytes every run), the configured model when the tenant set one (through the OpenAI-compatible
// fake): the model writes only the opening and closing, is given no amounts, and every amount and
// date in the draft is inserted by code and checked; a model that states a number, answers badly
// or fails is replaced by the local draft, with the reason.
import { checkPlanDraft, draftPlanMessage, planOptions } from '@invoicer/collections';
import { AiSettings } from '@invoicer/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { draftForPlan } from '../../apps/workers/src/collections/draft.ts';
import { type FakeOpenAi, startFakeOpenAi } from '../support/fake-openai.ts';

let fake: FakeOpenAi;
const option = planOptions(360_001, new Date('2026-12-05T15:00:00Z'))[1]!; // 3 installments
const facts = {
  businessName: 'Acme Heating',
  customerName: 'Pat Customer',
  invoiceNumber: '5001',
  balanceCents: 360_001,
  option,
};
const schedule = [
  'You can pay the $3,600.01 balance of invoice 5001 in 3 payments, with no interest or fees:',
  '  1. $1,200.00 due December 12, 2026',
  '  2. $1,200.00 due January 11, 2027',
  '  3. $1,200.01 due February 10, 2027',
].join('\n');

beforeAll(async () => {
  fake = await startFakeOpenAi();
});
afterAll(async () => {
  await fake?.close();
});

const openai = () =>
  AiSettings.parse({ provider: 'openai', baseUrl: fake.url, model: 'fake-model', timeoutMs: 2000 });

describe('plan draft', () => {
  it('comes from the local provider by default: the schedule from code, the same bytes every run', async () => {
    const draft = await draftForPlan(AiSettings.parse({}), facts);
    expect(draft).toMatchObject({ provider: 'local', model: null, fallback: null });
    expect(draft.text).toContain(schedule);
    expect(draft.text).toBe(draftPlanMessage(facts));
    expect((await draftForPlan(AiSettings.parse({}), facts)).text).toBe(draft.text);
    expect(checkPlanDraft(draft.text, 360_001, option)).toEqual([]);
    expect(fake.requests).toHaveLength(0);
  });

  it("comes from the configured model: its words around code's schedule; the model never sees an amount", async () => {
    const draft = await draftForPlan(openai(), facts, {});
    expect(draft).toMatchObject({ provider: 'openai', model: 'fake-model', fallback: null });
    expect(draft.text).toBe(
      ['Hello Pat Customer,', '', fake.planWording.opening, '', schedule, '', fake.planWording.closing].join(
        '\n',
      ),
    );
    const sent = JSON.stringify(fake.requests.at(-1)!.messages);
    expect(sent).not.toMatch(/3,?600|1,?200|\$/);
  });

  it('refuses a model that states a number or answers badly, and falls back to the local draft', async () => {
    fake.planWording = { opening: 'Pay $50 today and we waive the rest.', closing: 'Thanks.' };
    const numbers = await draftForPlan(openai(), facts, {});
    expect(numbers.provider).toBe('local');
    expect(numbers.text).toBe(draftPlanMessage(facts));
    expect(numbers.fallback).toMatch(/opening states a number/);
    fake.planWording = { opening: 'Your first payment is due in January.', closing: 'Thanks.' };
    expect((await draftForPlan(openai(), facts, {})).fallback).toMatch(/names a month/);
    fake.behaviour = 'garbage';
    expect((await draftForPlan(openai(), facts, {})).fallback).toMatch(/the model failed/);
    fake.behaviour = 'error';
    const failed = await draftForPlan(openai(), facts, {});
    expect(failed).toMatchObject({ provider: 'local' });
    expect(failed.fallback).toMatch(/the model failed/);
    fake.behaviour = 'ok';
  });

  it('the check catches a changed, missing or foreign amount', () => {
    const text = draftPlanMessage(facts);
    expect(checkPlanDraft(text.replace('$1,200.01', '$1,200.00'), 360_001, option)).toEqual([
      'installment 3 ($1,200.01 due February 10, 2027) is not stated',
    ]);
    expect(checkPlanDraft(`${text}\nA $25.00 fee applies.`, 360_001, option)).toEqual([
      '$25.00 is not an amount of the plan',
    ]);
  });
});
