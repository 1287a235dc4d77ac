import { describe, expect, it } from 'vitest';
import { localDate, nextWindowOpening, zonedInstant } from './local-time.ts';
import { reminderSchedule } from './reminders.ts';
import { timeZoneOfState } from './time-zone-of.ts';
import { twilioSignature, validTwilioSignature } from './twilio-signature.ts';

describe('local time', () => {
  it('09:00 local in Pacific, Eastern and Hawaii', () => {
    expect(zonedInstant('2026-12-08', '09:00', 'America/Los_Angeles').toISOString()).toBe(
      '2026-12-08T17:00:00.000Z',
    );
    expect(zonedInstant('2026-07-08', '09:00', 'America/Los_Angeles').toISOString()).toBe(
      '2026-07-08T16:00:00.000Z',
    );
    expect(zonedInstant('2026-12-08', '09:00', 'America/New_York').toISOString()).toBe(
      '2026-12-08T14:00:00.000Z',
    );
    expect(zonedInstant('2026-07-08', '09:00', 'Pacific/Honolulu').toISOString()).toBe(
      '2026-07-08T19:00:00.000Z',
    );
  });
  it('DST days: a skipped time moves forward, a repeated one is its first occurrence', () => {
    expect(zonedInstant('2026-03-08', '02:30', 'America/Los_Angeles').toISOString()).toBe(
      '2026-03-08T10:30:00.000Z',
    );
    expect(zonedInstant('2026-11-01', '01:30', 'America/Los_Angeles').toISOString()).toBe(
      '2026-11-01T08:30:00.000Z',
    );
    expect(zonedInstant('2026-03-08', '09:00', 'America/Los_Angeles').toISOString()).toBe(
      '2026-03-08T16:00:00.000Z',
    );
  });
  it('next window opening', () => {
    const w = { start: '09:00', end: '18:00' };
    const inside = new Date('2026-12-08T20:00:00Z');
    expect(nextWindowOpening(inside, 'America/Los_Angeles', w)).toBe(inside);
    expect(nextWindowOpening(new Date('2026-12-08T03:00:00Z'), 'America/Los_Angeles', w).toISOString()).toBe(
      '2026-12-08T17:00:00.000Z',
    );
    expect(localDate(new Date('2026-12-08T03:00:00Z'), 'America/Los_Angeles')).toBe('2026-12-07');
  });
});

describe('reminder schedule', () => {
  it('steps at 09:00 local from the due date, past ones dropped', () => {
    const steps = reminderSchedule({
      dueDate: '2026-12-15',
      offsetsDays: [14, -3, 0, 7, 30],
      timeZone: 'America/Los_Angeles',
      at: '09:00',
      now: new Date('2026-12-12T18:00:00Z'),
    });
    expect(steps.map((s) => s.step)).toEqual(['d0', 'd+7', 'd+14', 'd+30']);
    expect(steps[0]!.dueAt.toISOString()).toBe('2026-12-15T17:00:00.000Z');
  });
  it('state → zone', () => {
    expect(timeZoneOfState('ca', 'America/Chicago')).toBe('America/Los_Angeles');
    expect(timeZoneOfState(null, 'America/Chicago')).toBe('America/Chicago');
  });
});

describe('Twilio signature', () => {
  const params = {
    CallSid: 'CA1234567890ABCDE',
    Caller: '+12349013030',
    Digits: '1234',
    From: '+12349013030',
    To: '+18005551212',
  };
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  it('reproduces the documented vector', () => {
    expect(twilioSignature('12345', url, params)).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
    expect(validTwilioSignature('12345', '0/KCTR6DLpKmkAf8muzZqo1nDgQ=', url, params)).toBe(true);
  });
  it('refuses a changed parameter, URL or missing signature', () => {
    expect(
      validTwilioSignature('12345', '0/KCTR6DLpKmkAf8muzZqo1nDgQ=', url, { ...params, Digits: '1235' }),
    ).toBe(false);
    expect(validTwilioSignature('12345', '0/KCTR6DLpKmkAf8muzZqo1nDgQ=', `${url}&x=1`, params)).toBe(false);
    expect(validTwilioSignature('12345', undefined, url, params)).toBe(false);
  });
});

describe('unsubscribe tokens', async () => {
  const { readUnsubscribeToken, unsubscribeToken } = await import('./unsubscribe.ts');
  const id = '2524d010-44e5-46c7-ab72-fd83fe715a19';
  it('round-trips, and refuses another tenant, another secret or a changed id', () => {
    const token = unsubscribeToken('s3cret', 'acme', id);
    expect(readUnsubscribeToken('s3cret', 'acme', token)).toBe(id);
    expect(readUnsubscribeToken('s3cret', 'beta', token)).toBeNull();
    expect(readUnsubscribeToken('other', 'acme', token)).toBeNull();
    expect(readUnsubscribeToken('s3cret', 'acme', token.replace('2524', '2525'))).toBeNull();
    expect(readUnsubscribeToken('s3cret', 'acme', 'junk')).toBeNull();
  });
});
