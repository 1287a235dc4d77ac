// Seeded randomness. Every stream is derived from (seed, label[, index]) so that adding a draw
// in one area (say, notes) does not shift every later job: fixtures stay stable across edits.
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/** 32-bit mix (murmur3 finaliser) so that nearby seeds give unrelated streams. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

export function hashSeed(seed: number, label: string, index = 0): number {
  let h = mix32(seed ^ 0x9e3779b9);
  for (let i = 0; i < label.length; i++) h = mix32(h ^ label.charCodeAt(i));
  return mix32(h ^ mix32(index + 0x7f4a7c15));
}

export class Rng {
  private readonly g: RandomGenerator;

  constructor(seed: number) {
    this.g = xoroshiro128plus(seed);
    // The first outputs of a freshly seeded xoroshiro are weakly mixed; discard a few.
    for (let i = 0; i < 4; i++) this.g.next();
  }

  static derive(seed: number, label: string, index = 0): Rng {
    return new Rng(hashSeed(seed, label, index));
  }

  /** Uniform in [0, 1). */
  next(): number {
    return uniformFloat64(this.g);
  }

  /** Integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  float(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Pick by weight; entries are [value, weight]. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of entries) total += w;
    let r = this.next() * total;
    for (const [value, w] of entries) {
      r -= w;
      if (r < 0) return value;
    }
    return entries[entries.length - 1]![0];
  }

  /** Standard normal (Box-Muller). */
  normal(mean = 0, sd = 1): number {
    const u = 1 - this.next();
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal with the given median: right-skewed delays and durations. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(this.normal(0, sigma));
  }

  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }

  sample<T>(items: readonly T[], k: number): T[] {
    return this.shuffle(items).slice(0, Math.max(0, Math.min(k, items.length)));
  }
}
