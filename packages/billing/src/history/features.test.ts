import { describe, expect, it } from 'vitest';
import { mentionsOf } from '../test-fixtures.ts';
import {
  afterHours,
  contextKeys,
  type FeatureInput,
  jobFeatures,
  startFeatures,
  type WorkingHours,
} from './features.ts';

const HOURS: WorkingHours = { timezone: 'America/Chicago', start: '08:00', end: '17:00', weekends: true };

describe('afterHours', () => {
  it.each([
    ['Tue 09:00 CST', '2025-03-04T15:00:00Z', false, false],
    ['Tue 08:00 CST (opening)', '2025-03-04T14:00:00Z', false, false],
    ['Tue 07:59 CST', '2025-03-04T13:59:00Z', true, false],
    ['Tue 17:00 CST (closing)', '2025-03-04T23:00:00Z', true, false],
    ['Sat 10:00 CST', '2025-03-08T16:00:00Z', false, true],
    ['Sun 20:00 CST', '2025-03-10T02:00:00Z', true, true],
    ['Fri 20:00 CST (Saturday in UTC)', '2025-03-08T02:00:00Z', true, false],
    ['Tue 08:30 CDT (summer)', '2025-07-01T13:30:00Z', false, false],
  ])('%s', (_label, start, outside, weekend) => {
    const r = afterHours([start], HOURS);
    expect(r.afterHours).toBe(outside);
    expect(r.weekend).toBe(weekend);
    expect(r.evidence === null).toBe(!outside && !weekend);
  });

  it('does not count weekends when the tenant works them', () => {
    expect(afterHours(['2025-03-08T16:00:00Z'], { ...HOURS, weekends: false })).toMatchObject({
      afterHours: false,
      weekend: false,
    });
  });

  it('ignores an unreadable start and reports the first one outside hours', () => {
    const r = afterHours(['not a date', '2025-03-05T00:30:00Z'], HOURS);
    expect(r.afterHours).toBe(true);
    expect(r.evidence).toContain('America/Chicago');
  });
});

describe('startFeatures', () => {
  it('gives the local hour and weekday of the earliest appointment', () => {
    expect(startFeatures(['2025-03-08T16:00:00Z', '2025-03-04T23:30:00Z'], 'America/Chicago')).toEqual([
      'h:17',
      'day:weekday',
    ]);
    expect(startFeatures(['2025-03-08T16:00:00Z'], 'America/Chicago')).toEqual(['h:10', 'day:weekend']);
    expect(startFeatures([], 'America/Chicago')).toEqual([]);
  });
});

describe('jobFeatures', () => {
  const input = (o: Partial<FeatureInput> = {}): FeatureInput => ({
    jobTypeId: 10,
    businessUnitId: 100,
    appointmentStarts: ['2025-03-08T16:00:00Z'],
    technicianSkuIds: [6],
    technicianItemTypes: ['Material'],
    membershipActive: true,
    customerType: 'Residential',
    technicianIds: [3],
    recall: true,
    mentions: mentionsOf('replaced capacitor, quoted new condenser'),
    ...o,
  });

  it('places the job by its tax zone and its city: one city can span zones, and permits go by city', () => {
    const inRoundRock = (taxZoneId: number) => jobFeatures(input({ taxZoneId, city: ' Round Rock ' }), HOURS);
    expect(inRoundRock(2)).toEqual(expect.arrayContaining(['zone:2', 'city:round_rock']));
    expect(inRoundRock(8)).toEqual(expect.arrayContaining(['zone:8', 'city:round_rock']));
    expect(jobFeatures(input({ taxZoneId: 2, city: null }), HOURS).some((f) => f.startsWith('city:'))).toBe(
      false,
    );
  });

  it('describes windows, amounts, visits, holidays, warranty recalls and customer fields generically', () => {
    const features = jobFeatures(
      input({
        // 2025-07-04 (Independence Day), 18:30 in Chicago.
        appointmentStarts: ['2025-07-04T23:30:00Z'],
        appointmentCount: 2,
        technicianServiceTotal: 800,
        recallDays: 12,
        customerFields: [
          { name: 'Discount Eligibility', value: 'Senior 65+' },
          { name: 'Notes', value: '  ' },
        ],
        customerTagIds: [7],
        technicianItemTypes: [],
      }),
      HOURS,
    );
    expect(features).toEqual(
      expect.arrayContaining([
        'h>=18',
        'h<19',
        'holiday',
        'hol:independence',
        'hol:major',
        'appts:2',
        'appts>=2',
        'svc>=750',
        'svc<1000',
        'recall<14',
        'recall>=7',
        'cf:discount_eligibility',
        'cf:discount_eligibility=senior_65+',
        'ctag:7',
        'items:none',
      ]),
    );
    expect(features).not.toContain('cf:notes');
    // Martin Luther King Jr. Day 2026 (the third Monday of January), 10:00 in Chicago.
    expect(jobFeatures(input({ appointmentStarts: ['2026-01-19T16:00:00Z'] }), HOURS)).toEqual(
      expect.arrayContaining(['holiday', 'hol:mlk']),
    );
    const mlk = jobFeatures(input({ appointmentStarts: ['2026-01-19T16:00:00Z'] }), HOURS);
    expect(mlk).not.toContain('hol:major');
    expect(mlk).not.toContain('hol:shifted');
    // Independence Day 2026 is a Saturday, observed on Friday 3 July: shops differ on that day.
    const observed = jobFeatures(input({ appointmentStarts: ['2026-07-03T15:00:00Z'] }), HOURS);
    expect(observed).toEqual(expect.arrayContaining(['holiday', 'hol:independence', 'hol:shifted']));
    expect(observed).not.toContain('hol:major');
    expect(jobFeatures(input({ appointmentStarts: ['2025-07-08T23:30:00Z'] }), HOURS)).not.toContain(
      'holiday',
    );
  });

  it('describes the job by type, unit, timing, membership, technicians, items and note words', () => {
    const features = jobFeatures(input(), HOURS);
    expect(features).toEqual(
      expect.arrayContaining([
        'jt:10',
        'jt:10&m:1&ct:Residential&d:1',
        'bu:100',
        'h:10',
        'day:weekend',
        'we',
        'mem',
        'recall',
        'declined',
        'tech:3',
        's:6',
        'k:Material',
        'w:capacitor',
        'd:condenser',
      ]),
    );
    expect(features).not.toContain('ah');
  });

  it('leaves out what it does not know', () => {
    const features = jobFeatures(
      input({
        jobTypeId: null,
        businessUnitId: null,
        appointmentStarts: [],
        membershipActive: false,
        mentions: [],
      }),
      HOURS,
    );
    expect(features.some((f) => f.startsWith('jt:') || f.startsWith('bu:') || f.startsWith('h:'))).toBe(
      false,
    );
    expect(features).not.toContain('mem');
    expect(features).not.toContain('declined');
  });

  it('orders context keys from most to least specific', () => {
    expect(contextKeys(10, false, null, false)).toEqual([
      'jt:10&m:0&ct:na&d:0',
      'jt:10&m:0&ct:na',
      'jt:10&m:0&d:0',
      'jt:10&m:0',
      'jt:10&ct:na',
    ]);
  });
});
