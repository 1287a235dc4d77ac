import { execFileSync } from 'node:child_process';
import { loadConfig } from '@invoicer/platform';
import { describe, expect, it } from 'vitest';
import { WorkerEnv } from './config.ts';
import { heapGrowthFlag } from './heap.ts';

const BASE_ENV = { DATABASE_URL: 'postgresql://u@127.0.0.1:5432/x', REDIS_URL: 'redis://127.0.0.1:6379' };

describe('heap policy', () => {
  it('turns the growth percent into the V8 flag, and 0 into none', () => {
    expect(heapGrowthFlag(25)).toBe('--heap-growing-percent=25');
    expect(heapGrowthFlag(0)).toBeNull();
    expect(() => heapGrowthFlag(-1)).toThrow(RangeError);
    expect(() => heapGrowthFlag(2.5)).toThrow(RangeError);
  });

  it("defaults to V8's own heuristic and refuses a negative percent at boot", () => {
    expect(loadConfig(WorkerEnv, BASE_ENV).WORKER_HEAP_GROWTH_PERCENT).toBe(0);
    expect(
      loadConfig(WorkerEnv, { ...BASE_ENV, WORKER_HEAP_GROWTH_PERCENT: '25' }).WORKER_HEAP_GROWTH_PERCENT,
    ).toBe(25);
    expect(() => loadConfig(WorkerEnv, { ...BASE_ENV, WORKER_HEAP_GROWTH_PERCENT: '-5' })).toThrow(
      /WORKER_HEAP_GROWTH_PERCENT/,
    );
  });

  it('takes effect when set at run time: more full collections, a smaller peak heap', () => {
    // Plain node (no loader thread) keeps a sliding window of live arrays while making garbage,
    // with the flag set as applyHeapPolicy sets it, and reports its full collections and largest
    // heap. Without the flag V8 lets the heap grow several times over what it keeps.
    const script = `
      import v8 from 'node:v8';
      import { PerformanceObserver, constants } from 'node:perf_hooks';
      if (process.argv[1]) v8.setFlagsFromString(process.argv[1]);
      let major = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) if (e.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) major += 1;
      }).observe({ entryTypes: ['gc'] });
      const keep = []; let peak = 0;
      for (let i = 0; i < 600; i++) {
        keep.push(Array.from({ length: 20000 }, (_, k) => String(i + k)));
        if (keep.length > 100) keep.shift();
        const junk = [];
        for (let j = 0; j < 40; j++) junk.push(new Array(5000).fill(j));
        peak = Math.max(peak, process.memoryUsage().heapTotal);
      }
      setTimeout(() => console.log(JSON.stringify({ major, peak })), 50);`;
    const run = (flag: string) =>
      JSON.parse(
        execFileSync(process.execPath, ['--input-type=module', '-e', script, flag], { encoding: 'utf8' }),
      ) as { major: number; peak: number };
    const without = run('');
    const withPolicy = run(heapGrowthFlag(25)!);
    expect(withPolicy.major).toBeGreaterThanOrEqual(2 * without.major);
    expect(withPolicy.peak).toBeLessThan(without.peak * 0.85);
  }, 60_000);
});
