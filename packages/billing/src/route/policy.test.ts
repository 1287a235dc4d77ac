import { describe, expect, it } from 'vitest';
import { buildDraft, type DraftDocument } from '../draft/draft.ts';
import { type ContextOverrides, flag, jobContext, pricedLine, settings } from '../test-fixtures.ts';
import type { Flag } from '../types.ts';
import { routeDraft } from './policy.ts';

/** A real draft of one line for `total`, with the confidence and flags given. */
function draftOf(total: string, o: { confidence?: number; flags?: Flag[] } = {}): DraftDocument {
  const doc = buildDraft({
    context: jobContext(),
    lines: [pricedLine({ key: 'a', origin: 'technician', unitPrice: total })],
    flags: o.flags ?? [],
    tax: settings().tax,
    unmatchedBillableMentions: 0,
  });
  expect(doc.total).toBe(total);
  return { ...doc, confidence: o.confidence ?? 0.95 };
}

function route(
  policy: Record<string, unknown>,
  draft: DraftDocument = draftOf('250.00'),
  context: ContextOverrides = {},
) {
  return routeDraft(jobContext(context), draft, settings({ policy }).policy);
}

const AUTO = { mode: 'auto' };

describe('routeDraft: rollout modes', () => {
  it('auto mode posts a confident, small, unflagged draft and explains why', () => {
    const decision = route(AUTO);
    expect(decision).toMatchObject({
      route: 'auto_post',
      reasons: [],
      mode: 'auto',
      needsManager: false,
      threshold: 0.9,
      amountThreshold: '5000.00',
    });
    expect(decision.explanation).toMatch(/^Auto-approved: confidence 0\.95 ≥ 0\.9, total 250\.00 ≤ 5000\.00/);
  });

  it('suggest mode (the default) always asks a person', () => {
    const decision = route({});
    expect(decision).toMatchObject({ route: 'review', reasons: ['suggest_mode'], mode: 'suggest' });
    expect(decision.explanation).toBe('Needs review: suggest_mode.');
  });

  it('shadow mode records only, even with reasons to review, and keeps the reasons', () => {
    const decision = route({ mode: 'shadow' }, draftOf('6000.00', { confidence: 0.2 }));
    expect(decision).toMatchObject({ route: 'shadow', mode: 'shadow' });
    expect(decision.reasons).toEqual(['low_confidence', 'amount_over_threshold']);
    expect(decision.explanation).toMatch(/^Shadow mode/);
  });
});

describe('routeDraft: reasons', () => {
  it('low_confidence below the auto-approve confidence, not at it', () => {
    expect(route(AUTO, draftOf('250.00', { confidence: 0.89 })).reasons).toEqual(['low_confidence']);
    expect(route(AUTO, draftOf('250.00', { confidence: 0.9 })).route).toBe('auto_post');
    expect(route({ ...AUTO, autoApproveConfidence: 0.5 }, draftOf('250.00', { confidence: 0.6 })).route).toBe(
      'auto_post',
    );
  });

  it('amount_over_threshold above $5,000 by default, not at it', () => {
    expect(route(AUTO, draftOf('5000.00')).route).toBe('auto_post');
    const over = route(AUTO, draftOf('5000.01'));
    expect(over).toMatchObject({ route: 'review', reasons: ['amount_over_threshold'] });
  });

  it('amount_over_threshold follows the tenant’s threshold', () => {
    expect(route({ ...AUTO, amountThreshold: '1000.00' }, draftOf('1000.50')).reasons).toEqual([
      'amount_over_threshold',
    ]);
  });

  it('needs a manager above the manager threshold', () => {
    expect(route(AUTO, draftOf('2500.00')).needsManager).toBe(false);
    expect(route(AUTO, draftOf('2500.01')).needsManager).toBe(true);
    expect(route({ ...AUTO, managerThreshold: '100.00' }, draftOf('250.00')).needsManager).toBe(true);
  });

  it('always_review_customer for a tagged customer, a tagged job, or a listed customer', () => {
    const tagged = { ...AUTO, alwaysReviewCustomerTagIds: [77] };
    expect(route(tagged, undefined, { customer: { tagTypeIds: [5, 77] } }).reasons).toEqual([
      'always_review_customer',
    ]);
    expect(route(tagged, undefined, { job: { tagTypeIds: [77] } }).reasons).toEqual([
      'always_review_customer',
    ]);
    expect(route(tagged, undefined, { customer: { tagTypeIds: [5] } }).route).toBe('auto_post');
    expect(route({ ...AUTO, alwaysReviewCustomerIds: [700] }).reasons).toEqual(['always_review_customer']);
    expect(route({ ...AUTO, alwaysReviewCustomerIds: [701] }).route).toBe('auto_post');
  });

  it('always_review_job_type for a listed job type only', () => {
    expect(route({ ...AUTO, alwaysReviewJobTypeIds: [10] }).reasons).toEqual(['always_review_job_type']);
    expect(route({ ...AUTO, alwaysReviewJobTypeIds: [11] }).route).toBe('auto_post');
  });

  it('validation_flag for warnings and errors, not for information', () => {
    expect(route(AUTO, draftOf('250.00', { flags: [flag('sku_inactive', 'warning')] })).reasons).toEqual([
      'validation_flag',
    ]);
    expect(
      route(AUTO, draftOf('250.00', { flags: [flag('invoice_not_editable', 'error')] })).reasons,
    ).toEqual(['validation_flag']);
    expect(
      route(AUTO, draftOf('250.00', { flags: [flag('membership_discount_missing', 'info')] })).route,
    ).toBe('auto_post');
  });

  it('lists every reason that applies', () => {
    const decision = route(
      { mode: 'suggest', alwaysReviewJobTypeIds: [10], alwaysReviewCustomerIds: [700] },
      draftOf('7000.00', { confidence: 0.1, flags: [flag('duplicate_line')] }),
    );
    expect(decision.reasons).toEqual([
      'suggest_mode',
      'low_confidence',
      'amount_over_threshold',
      'always_review_customer',
      'always_review_job_type',
      'validation_flag',
    ]);
    expect(decision.explanation).toBe(`Needs review: ${decision.reasons.join(', ')}.`);
  });
});

describe('routeDraft: per business unit and job type overrides', () => {
  const policy = {
    mode: 'suggest',
    overrides: [
      { businessUnitId: 100, mode: 'auto', autoApproveConfidence: 0.8 },
      { jobTypeId: 10, amountThreshold: '1000.00' },
      { businessUnitId: 100, jobTypeId: 12, mode: 'shadow' },
      { businessUnitId: 200, mode: 'auto' },
    ],
  };

  it('applies the business unit’s mode and confidence', () => {
    const decision = route(policy, draftOf('250.00', { confidence: 0.85 }), { job: { jobTypeId: 11 } });
    expect(decision).toMatchObject({ route: 'auto_post', mode: 'auto', threshold: 0.8 });
  });

  it('layers the job type’s threshold over the business unit’s mode', () => {
    const decision = route(policy, draftOf('1500.00', { confidence: 0.85 }));
    expect(decision).toMatchObject({
      mode: 'auto',
      amountThreshold: '1000.00',
      reasons: ['amount_over_threshold'],
    });
  });

  it('lets business unit + job type win over either alone', () => {
    expect(route(policy, undefined, { job: { jobTypeId: 12 } }).route).toBe('shadow');
  });

  it('falls back to the tenant default outside every override', () => {
    const decision = route(policy, undefined, { job: { businessUnitId: 300, jobTypeId: 11 } });
    expect(decision).toMatchObject({ mode: 'suggest', threshold: 0.9, amountThreshold: '5000.00' });
  });

  it('an override can make a business unit stricter than the default', () => {
    const strict = { mode: 'auto', overrides: [{ businessUnitId: 100, mode: 'suggest' }] };
    expect(route(strict).reasons).toEqual(['suggest_mode']);
    expect(route(strict, undefined, { job: { businessUnitId: 101 } }).route).toBe('auto_post');
  });
});
