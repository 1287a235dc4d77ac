// The worker process's garbage-collection policy. V8 lets the old generation grow to up to four
// times what its last full collection kept before collecting again; a worker's live heap is
// mostly its tenant caches and the jobs in flight, and the rest of that growth is garbage. A
// smaller growth factor (WORKER_HEAP_GROWTH_PERCENT) keeps peak RSS nearer the live heap at the
// price of more full collections: on the bench, 25% with an 8 MB young generation (node's
// `--max-semi-space-size=8`, which only the command line can set) took the worker's peak RSS
// from 341–446 to 304–322 MiB and its CPU per invoice from 56–61 to 82–83 ms, so V8's own
// heuristic stays the default (README, Benchmark).
import v8 from 'node:v8';

/** The V8 flag for a growth percent (0: V8's own heuristic, no flag). */
export function heapGrowthFlag(percent: number): string | null {
  if (!Number.isInteger(percent) || percent < 0)
    throw new RangeError(`heap growth must be a whole percent ≥ 0, not ${percent}`);
  return percent === 0 ? null : `--heap-growing-percent=${percent}`;
}

/** Applies WORKER_HEAP_GROWTH_PERCENT to this process; returns the flag set, if any. */
export function applyHeapPolicy(percent: number): string | null {
  const flag = heapGrowthFlag(percent);
  if (flag) v8.setFlagsFromString(flag);
  return flag;
}
