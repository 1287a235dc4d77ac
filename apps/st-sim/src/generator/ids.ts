// Id sequences. ServiceTitan hands out one id space to jobs, appointments and invoices (job
// 70636 → appointment 70637 → invoice 70639), with gaps; we mimic that so ids look real.
import type { Rng } from './rng.ts';

export class Sequence {
  constructor(private current: number) {}

  /** Next id; `rng` adds the small gaps real sequences have. */
  next(rng?: Rng, maxGap = 0): number {
    this.current += 1 + (rng && maxGap > 0 ? rng.int(0, maxGap) : 0);
    return this.current;
  }
}
