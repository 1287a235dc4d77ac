import { describe, expect, it } from 'vitest';
import { DEFAULT_CONTACT_POLICY, decideContact, type PolicyFacts } from './policy.ts';

// Tuesday 2026-12-08 17:00 UTC = 09:00 in Los Angeles (PST, UTC−8).
const NOON_LA = new Date('2026-12-08T20:00:00Z');
const base = (over: Partial<PolicyFacts> = {}): PolicyFacts => ({
  now: NOON_LA,
  category: 'reminder',
  channel: 'sms',
  timeZone: 'America/Los_Angeles',
  recipient: {},
  subject: { balanceCents: 10_000 },
  sentAt: [],
  ...over,
});
const hours = (h: number) => new Date(NOON_LA.getTime() - h * 3600_000);

describe('contact policy: one case per rule', () => {
  const cases: { rule: string; facts: PolicyFacts; expected: string }[] = [
    { rule: 'allow', facts: base(), expected: 'allow' },
    { rule: 'sms_do_not_text', facts: base({ recipient: { doNotText: true } }), expected: 'suppress' },
    { rule: 'sms_st_opt_out', facts: base({ recipient: { stOptedOut: true } }), expected: 'suppress' },
    { rule: 'sms_stop', facts: base({ recipient: { stopped: true } }), expected: 'suppress' },
    {
      rule: 'email_unsubscribed',
      facts: base({ channel: 'email', recipient: { unsubscribed: true } }),
      expected: 'suppress',
    },
    {
      rule: 'dispute_pause',
      facts: base({ subject: { balanceCents: 100, disputed: true } }),
      expected: 'suppress',
    },
    {
      rule: 'plan_pause',
      facts: base({ subject: { balanceCents: 100, onPlan: true } }),
      expected: 'suppress',
    },
    { rule: 'zero_balance', facts: base({ subject: { balanceCents: 0 } }), expected: 'suppress' },
    { rule: 'balance_unknown', facts: base({ subject: { balanceCents: null } }), expected: 'suppress' },
    {
      rule: 'payment_pending',
      facts: base({ subject: { balanceCents: 100, paymentPending: true } }),
      expected: 'suppress',
    },
    { rule: 'reminder_gap', facts: base({ sentAt: [hours(20)] }), expected: 'suppress' },
    {
      rule: 'frequency_cap',
      facts: base({ category: 'collection', sentAt: [hours(24 * 3), hours(24 * 5)] }),
      expected: 'defer',
    },
    { rule: 'quiet_hours', facts: base({ now: new Date('2026-12-08T03:00:00Z') }), expected: 'defer' },
  ];
  for (const c of cases)
    it(`${c.rule} → ${c.expected}`, () => {
      const decision = decideContact(c.facts);
      expect(decision.outcome).toBe(c.expected);
      if (decision.outcome !== 'allow') expect(decision.rule).toContain(c.rule);
    });
});

describe('contact policy: scope and details', () => {
  it('an email unsubscribe does not stop the invoice itself (transactional)', () => {
    expect(
      decideContact(base({ channel: 'email', category: 'transactional', recipient: { unsubscribed: true } }))
        .outcome,
    ).toBe('allow');
  });
  it('Do Not Text does not affect email', () => {
    expect(decideContact(base({ channel: 'email', recipient: { doNotText: true } })).outcome).toBe('allow');
  });
  it('a payment plan does not pause its own installment reminders, a dispute does', () => {
    expect(
      decideContact(base({ category: 'installment', subject: { balanceCents: 1, onPlan: true } })).outcome,
    ).toBe('allow');
    expect(
      decideContact(base({ category: 'installment', subject: { balanceCents: 1, disputed: true } })).outcome,
    ).toBe('suppress');
  });
  it('the invoice itself is sent even with a zero balance (a paid-on-site receipt)', () => {
    expect(decideContact(base({ category: 'transactional', subject: { balanceCents: 0 } })).outcome).toBe(
      'allow',
    );
  });
  it('the frequency cap counts reminders and collections, not the invoice itself', () => {
    const invoiceSent = hours(24 * 4);
    const reminderSent = hours(24 * 3);
    const facts = base({ category: 'collection', sentAt: [invoiceSent, reminderSent] });
    expect(decideContact(facts).outcome).toBe('defer');
    expect(decideContact({ ...facts, capSentAt: [reminderSent] }).outcome).toBe('allow');
  });
  it('a manual send is not held by the gap or the cap, only by opt-outs and quiet hours', () => {
    expect(decideContact(base({ manual: true, sentAt: [hours(1), hours(2)] })).outcome).toBe('allow');
    expect(decideContact(base({ manual: true, recipient: { stopped: true } })).outcome).toBe('suppress');
  });
  it('quiet hours defer to the next local opening: 09:00 PT for a reminder at 19:00 PT', () => {
    const d = decideContact(base({ now: new Date('2026-12-09T03:00:00Z') }));
    expect(d).toMatchObject({ outcome: 'defer', until: new Date('2026-12-09T17:00:00Z') });
  });
  it('transactional messages use the wider 08:00–21:00 window', () => {
    const at0830 = new Date('2026-12-08T16:30:00Z'); // 08:30 PT
    expect(decideContact(base({ now: at0830, category: 'transactional' })).outcome).toBe('allow');
    expect(decideContact(base({ now: at0830, category: 'reminder' })).outcome).toBe('defer');
  });
  it('a cap deferral lands inside quiet hours', () => {
    const d = decideContact(base({ category: 'collection', sentAt: [hours(24 * 6 + 16), hours(24 * 5)] }), {
      ...DEFAULT_CONTACT_POLICY,
    });
    expect(d.outcome).toBe('defer');
    if (d.outcome === 'defer') {
      const local = new Intl.DateTimeFormat('en-US', {
        timeZone: 'America/Los_Angeles',
        hour: 'numeric',
        hourCycle: 'h23',
      }).format(d.until);
      expect(Number(local)).toBeGreaterThanOrEqual(9);
      expect(Number(local)).toBeLessThan(18);
      expect(d.rule).toBe('frequency_cap+quiet_hours');
    }
  });
});
