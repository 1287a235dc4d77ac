// The history tables' statistics follow their growth: syncs between periodic refreshes derive a
// few dozen jobs each, and the planner must not keep estimates from when the tables were empty.
import { expect, it } from 'vitest';
import { shouldAnalyzeHistory } from '../../apps/workers/src/freshness.ts';

it('analyzes after 200 jobs derived over several syncs, and a young history each time it doubles', () => {
  const tenant = `t-${Math.random()}`;
  const decisions = [30, 10, 25, 30, 60, 100, 60, 60, 60, 60, 60].map((n) => shouldAnalyzeHistory(tenant, n));
  // 30 (first, >= 20 jobs), 10 (pending 10), 25 (35 >= 30 analyzed), 30 (30 < 65), 60 (90 >= 65),
  // 100 (100 < 155), 60 (160 >= 155), then 60, 60, 60 (180 < 200 and < 315), 60 (240 >= 200).
  expect(decisions).toEqual([true, false, true, false, true, false, true, false, false, false, true]);
  // Another tenant has its own count.
  expect(shouldAnalyzeHistory(`${tenant}-other`, 10)).toBe(false);
  expect(shouldAnalyzeHistory(`${tenant}-big`, 250)).toBe(true);
});
