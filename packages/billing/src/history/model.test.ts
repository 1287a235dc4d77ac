import { describe, expect, it } from 'vitest';
import { historyOf, times } from '../test-fixtures.ts';
import { HistoryModel, wilsonLowerBound } from './model.ts';

describe('HistoryModel', () => {
  it('counts how often jobs with a feature carried a SKU, either way', () => {
    const model = historyOf([
      ...times(3, { features: ['jt:1'], technician: [5] }),
      ...times(2, { features: ['jt:1'], office: [{ skuId: 5 }] }),
      ...times(5, { features: ['jt:1'] }),
    ]);
    expect(model.skuRate(5, 'jt:1')).toEqual({ rate: 0.5, jobs: 10 });
    expect(model.skuRate(5, 'jt:2')).toEqual({ rate: 0, jobs: 0 });
    // The office added it in 2 of the 7 jobs where the technician had not (smoothed).
    expect(model.addRate(5, 'jt:1')).toEqual({ rate: 2.5 / 8, opportunities: 7 });
  });

  it('phraseUsage: of past jobs whose notes used every word, how many carried each SKU', () => {
    const model = historyOf([
      ...times(4, { features: ['w:shut-off', 'w:valve'], technician: [7] }),
      ...times(1, { features: ['w:shut-off', 'w:valve', 'w:main'], technician: [8] }),
      // One word only, or the word in declined work ("d:"), is not the phrase.
      ...times(3, { features: ['w:valve'], technician: [9] }),
      ...times(2, { features: ['d:shut-off', 'w:valve'], technician: [9] }),
    ]);
    const usage = model.phraseUsage(['shut-off', 'valve']);
    expect(usage.jobs).toBe(5);
    expect(Object.fromEntries(usage.billed)).toEqual({ 7: 4, 8: 1 });
    expect(model.phraseUsage(['valve']).jobs).toBe(10);
    expect(model.phraseUsage(['gasket']).jobs).toBe(0);
  });

  it('phraseUsage within a feature: only the past jobs that have it ("rods" on one job type)', () => {
    const model = historyOf([
      ...times(4, { features: ['jt:1', 'w:rod'], technician: [7] }),
      ...times(6, { features: ['jt:2', 'w:rod'], technician: [8] }),
    ]);
    expect(Object.fromEntries(model.phraseUsage(['rod']).billed)).toEqual({ 7: 4, 8: 6 });
    const onType = model.phraseUsage(['rod'], 'jt:1');
    expect(onType.jobs).toBe(4);
    expect(Object.fromEntries(onType.billed)).toEqual({ 7: 4 });
    expect(model.phraseUsage(['rod'], 'jt:3').jobs).toBe(0);
  });

  it('counts a SKU once per job however many lines carry it', () => {
    const model = new HistoryModel();
    model.applyJob({
      jobId: 1,
      completedOn: '2024-01-01T00:00:00Z',
      jobTypeId: 1,
      features: ['f'],
      laborHours: null,
    });
    for (const quantity of [1, 2])
      model.applyLine({
        jobId: 1,
        skuId: 9,
        quantity,
        createdOn: '2024-01-01T00:00:00Z',
        officeAdded: false,
        features: ['f'],
      });
    expect(model.skuRate(9, 'f')).toEqual({ rate: 1, jobs: 1 });
    expect(model.quantityStats(9)).toEqual({ median: 2, p95: 2, n: 2 });
  });

  it('applies events in time order up to a cut-off, never looking ahead', () => {
    const model = new HistoryModel();
    const jobs = [
      { jobId: 1, completedOn: '2024-01-01T00:00:00Z', jobTypeId: 1, features: ['f'], laborHours: 2 },
      { jobId: 2, completedOn: '2024-02-01T00:00:00Z', jobTypeId: 1, features: ['f'], laborHours: 3 },
    ];
    model.advance(Date.parse('2024-01-15T00:00:00Z'), jobs, []);
    expect(model.jobs).toBe(1);
    model.advance(Date.parse('2024-03-01T00:00:00Z'), jobs, []);
    expect(model.jobs).toBe(2);
    model.advance(Date.parse('2024-03-01T00:00:00Z'), jobs, []);
    expect(model.jobs).toBe(2);
  });

  it('keeps a derived value while what it reads stays the same', () => {
    const model = new HistoryModel();
    const job = (jobId: number, completedOn: string) => ({
      jobId,
      completedOn,
      jobTypeId: 1,
      features: ['f'],
      laborHours: null,
    });
    model.advance(Date.parse('2024-01-15T00:00:00Z'), [job(1, '2024-01-01T00:00:00Z')], []);
    let computed = 0;
    const jobs = () => model.memo('jobs', () => ({ jobs: model.jobs, n: ++computed }));
    const dated = (reads: string) => model.memo('dated', () => ({ reads, n: ++computed }), reads);
    const first = jobs();
    const a = dated('a');
    // A later date with no new events: the same events, so the same value.
    model.advance(Date.parse('2024-01-20T00:00:00Z'), [], []);
    expect(jobs()).toBe(first);
    expect(dated('a')).toBe(a);
    // What the value reads besides the events changed: computed again, once.
    const b = dated('b');
    expect(b).toEqual({ reads: 'b', n: 3 });
    expect(dated('b')).toBe(b);
    // A new event: everything is computed again.
    model.advance(Date.parse('2024-02-15T00:00:00Z'), [job(2, '2024-02-01T00:00:00Z')], []);
    expect(jobs()).toEqual({ jobs: 2, n: 4 });
    expect(dated('b')).toEqual({ reads: 'b', n: 5 });
  });

  it('learns office-add patterns with a lower-bound confidence, best first', () => {
    const model = historyOf([
      ...times(9, { features: ['w:leak'], office: [{ skuId: 6, quantity: 2 }] }),
      ...times(1, { features: ['w:leak'] }),
      ...times(5, { features: ['w:filter'], office: [{ skuId: 7 }] }),
      ...times(5, { features: ['w:filter'] }),
    ]);
    const rules = model.officeAddRules(['w:leak', 'w:filter'], 5);
    expect(rules.map((r) => [r.skuId, r.feature, r.support])).toEqual([
      [6, 'w:leak', 9],
      [7, 'w:filter', 5],
    ]);
    expect(rules[0]!.confidence).toBeCloseTo(wilsonLowerBound(9, 10), 12);
    expect(rules[0]!.confidence).toBeLessThan(0.9);
    expect(wilsonLowerBound(90, 100)).toBeGreaterThan(wilsonLowerBound(9, 10));
    expect(model.officeAddRules(['w:leak'], 10)).toEqual([]);
    expect(model.officeQuantity(6)).toBe(2);
  });

  it('knows labor norms per job type and the correction rate of similar jobs', () => {
    const model = historyOf([
      ...times(8, { features: ['jt:1'], jobTypeId: 1, laborHours: 2 }),
      ...times(2, { features: ['jt:1', 'tech:4'], jobTypeId: 1, laborHours: 6, office: [{ skuId: 1 }] }),
    ]);
    expect(model.laborNorm(1)).toEqual({ median: 2, p90: 6, n: 10 });
    expect(model.laborNorm(2)).toBeNull();
    expect(model.correctionRate(['jt:1'], [])).toEqual({ rate: 0.2, basis: 'jt:1' });
    expect(model.correctionRate(['jt:9'], [])).toBeNull();
  });

  it('votes for SKUs from note words', () => {
    const model = historyOf([
      ...times(3, { features: ['w:capacitor'], technician: [10] }),
      ...times(1, { features: ['w:capacitor'] }),
    ]);
    expect(model.wordVotes(['capacitor']).get(10)).toEqual({ score: 0.75, word: 'capacitor', jobs: 4 });
    expect(model.wordVotes(['capacitor'], 5).size).toBe(0);
  });
});
