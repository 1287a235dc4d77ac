import { describe, expect, it } from 'vitest';
import { type ChannelFacts, chooseChannel, normalisePhone, preferenceChannel } from './channel.ts';

const email = { id: 1, type: 'Email', value: 'Pat@Example.com' };
const mobile = { id: 2, type: 'MobilePhone', value: '(415) 555-0134' };
const landline = { id: 3, type: 'Phone', value: '(415) 555-0199' };
const MOBILE = '+14155550134';
const facts = (over: Partial<ChannelFacts> = {}): ChannelFacts => ({
  category: 'transactional',
  contacts: [email, mobile],
  preference: null,
  tenantDefault: 'email',
  smsOptOuts: new Set(),
  emailUnsubscribes: new Set(),
  failed: new Set(),
  ...over,
});

describe('channel choice decision table', () => {
  const table: { name: string; facts: ChannelFacts; channel: string | null; address?: string }[] = [
    { name: 'tenant default email', facts: facts(), channel: 'email', address: 'pat@example.com' },
    { name: 'tenant default sms', facts: facts({ tenantDefault: 'sms' }), channel: 'sms', address: MOBILE },
    { name: 'customer prefers text', facts: facts({ preference: 'Text' }), channel: 'sms', address: MOBILE },
    {
      name: 'customer prefers e-mail over sms default',
      facts: facts({ preference: 'E-mail', tenantDefault: 'sms' }),
      channel: 'email',
    },
    {
      name: 'unknown preference → tenant default',
      facts: facts({ preference: 'Carrier pigeon', tenantDefault: 'sms' }),
      channel: 'sms',
    },
    {
      name: 'prefers text but doNotText → email',
      facts: facts({ preference: 'SMS', contacts: [email, { ...mobile, doNotText: true }] }),
      channel: 'email',
    },
    {
      name: 'prefers text but STOP list → email',
      facts: facts({ preference: 'SMS', smsOptOuts: new Set([MOBILE]) }),
      channel: 'email',
    },
    {
      name: 'landline only is never texted',
      facts: facts({ tenantDefault: 'sms', contacts: [landline] }),
      channel: null,
    },
    { name: 'no email, sms fallback', facts: facts({ contacts: [mobile] }), channel: 'sms' },
    {
      name: 'invalid email → sms fallback',
      facts: facts({ contacts: [{ id: 4, type: 'Email', value: 'pat at example' }, mobile] }),
      channel: 'sms',
    },
    { name: 'email bounced → sms', facts: facts({ failed: new Set(['pat@example.com']) }), channel: 'sms' },
    {
      name: 'sms undelivered → email',
      facts: facts({ tenantDefault: 'sms', failed: new Set([MOBILE]) }),
      channel: 'email',
    },
    {
      name: 'both failed → nothing',
      facts: facts({ failed: new Set(['pat@example.com', MOBILE]) }),
      channel: null,
    },
    { name: 'no contacts → nothing', facts: facts({ contacts: [] }), channel: null },
    {
      name: 'opted out of sms, no email → nothing',
      facts: facts({ contacts: [mobile], smsOptOuts: new Set([MOBILE]) }),
      channel: null,
    },
    {
      name: 'reminder to unsubscribed email → sms',
      facts: facts({ category: 'reminder', emailUnsubscribes: new Set(['pat@example.com']) }),
      channel: 'sms',
    },
    {
      name: 'invoice to unsubscribed email still goes',
      facts: facts({ emailUnsubscribes: new Set(['pat@example.com']) }),
      channel: 'email',
    },
    { name: 'clerk picks the mobile', facts: facts({ contactId: 2 }), channel: 'sms', address: MOBILE },
    {
      name: 'clerk picks an opted-out mobile → nothing',
      facts: facts({ contactId: 2, smsOptOuts: new Set([MOBILE]) }),
      channel: null,
    },
  ];
  for (const row of table)
    it(row.name, () => {
      const choice = chooseChannel(row.facts);
      expect(choice.channel).toBe(row.channel);
      if (row.address && choice.channel) expect(choice.address).toBe(row.address);
    });
});

describe('normalisation', () => {
  it('phones become E.164; junk is refused', () => {
    expect(normalisePhone('415-555-0134')).toBe(MOBILE);
    expect(normalisePhone('+1 (415) 555 0134')).toBe(MOBILE);
    expect(normalisePhone('555')).toBeNull();
  });
  it('preferences are read loosely', () => {
    expect(preferenceChannel('text message')).toBe('sms');
    expect(preferenceChannel('EMAIL')).toBe('email');
    expect(preferenceChannel('phone call')).toBeNull();
    expect(preferenceChannel(null)).toBeNull();
  });
});
