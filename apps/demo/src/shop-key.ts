// Which shop the demo's saved state belongs to. The simulator's saved writes (.data/demo/) and
// the demo tenant's runs in Postgres only make sense for the shop they were made against, and
// every option that shapes that shop changes it: the generator's job count and seed, a fixture
// directory, and how many recent jobs complete live (the rest is history). The simulator's
// state file is named by this key, and a run whose key differs from the last run's starts the
// demo tenant afresh (the tenant's ServiceTitan id is fixed, so two shops cannot live side by
// side in one database).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface DemoShopOptions {
  jobs: number;
  seed: number;
  live: number;
  /** A tenant fixture directory instead of a generated shop (jobs and seed then play no part). */
  tenantDir?: string;
}

/** A file-name-safe key naming the shop these options produce; equal options give equal keys. */
export function demoShopKey(options: DemoShopOptions): string {
  const live = `live${options.live}`;
  if (options.tenantDir) {
    const dir = path.resolve(options.tenantDir);
    const name =
      path
        .basename(dir)
        .replace(/[^a-zA-Z0-9_-]+/g, '_')
        .slice(0, 40) || 'fixture';
    const hash = createHash('sha256').update(dir).digest('hex').slice(0, 10);
    return `fixture-${name}-${hash}-${live}`;
  }
  return `jobs${options.jobs}-seed${options.seed}-${live}`;
}

const MARKER = 'shop.json';

/** The key the saved state was made with; null when there is no saved state at all. */
export function savedShopKey(stateDir: string): string | null {
  const marker = path.join(stateDir, MARKER);
  if (existsSync(marker)) {
    try {
      const key = (JSON.parse(readFileSync(marker, 'utf8')) as { key?: unknown }).key;
      if (typeof key === 'string') return key;
    } catch {
      // An unreadable marker is state of an unknown shop.
    }
    return '(unknown)';
  }
  // State saved before the key existed (named by tenant id only) belongs to an unknown shop.
  return existsSync(stateDir) && readdirSync(stateDir).length ? '(unknown)' : null;
}

/** Does saved state exist for a shop other than `key` (so it must be forgotten first)? */
export function stateIsForAnotherShop(saved: string | null, key: string): boolean {
  return saved !== null && saved !== key;
}

export function rememberShopKey(stateDir: string, key: string, options: DemoShopOptions): void {
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(path.join(stateDir, MARKER), `${JSON.stringify({ key, options }, null, 2)}\n`);
}

/** The simulator's saved-writes file for a shop. */
export function simStateFile(stateDir: string, key: string): string {
  return path.join(stateDir, `st-sim-${key}.jsonl`);
}
