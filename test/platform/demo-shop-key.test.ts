// The demo's saved state is keyed by every option that shapes the shop, so a run with other
// options (`--jobs 400` after a default run) never replays another shop's saved writes.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  demoShopKey,
  rememberShopKey,
  savedShopKey,
  simStateFile,
  stateIsForAnotherShop,
} from '../../apps/demo/src/shop-key.ts';

const DEFAULTS = { jobs: 1500, seed: 42, live: 36 };
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'demo-state-'));
  dirs.push(dir);
  return path.join(dir, 'demo');
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('demoShopKey', () => {
  it('is the same for the same options and differs when any shaping option differs', () => {
    const key = demoShopKey(DEFAULTS);
    expect(demoShopKey({ ...DEFAULTS })).toBe(key);
    const others = [
      demoShopKey({ ...DEFAULTS, jobs: 400 }),
      demoShopKey({ ...DEFAULTS, seed: 7 }),
      demoShopKey({ ...DEFAULTS, live: 10 }),
      demoShopKey({ ...DEFAULTS, tenantDir: '/fixtures/a' }),
      demoShopKey({ ...DEFAULTS, tenantDir: '/other/a' }),
      demoShopKey({ ...DEFAULTS, tenantDir: '/fixtures/a', live: 10 }),
    ];
    expect(new Set([key, ...others]).size).toBe(others.length + 1);
    // A fixture directory replaces the generator: its jobs and seed play no part.
    expect(demoShopKey({ ...DEFAULTS, jobs: 9, tenantDir: '/fixtures/a' })).toBe(others[3]);
    for (const k of [key, ...others]) expect(k).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(simStateFile('/s', key)).toBe(path.join('/s', `st-sim-${key}.jsonl`));
    expect(simStateFile('/s', key)).not.toBe(simStateFile('/s', others[0]!));
  });
});

describe('saved state', () => {
  it('is kept for the same shop and forgotten for another', () => {
    const dir = tempDir();
    const key = demoShopKey(DEFAULTS);
    expect(savedShopKey(dir)).toBeNull();
    expect(stateIsForAnotherShop(savedShopKey(dir), key)).toBe(false);
    rememberShopKey(dir, key, DEFAULTS);
    expect(savedShopKey(dir)).toBe(key);
    expect(stateIsForAnotherShop(savedShopKey(dir), key)).toBe(false);
    // `npm run demo -- --jobs 400` after a default run.
    expect(stateIsForAnotherShop(savedShopKey(dir), demoShopKey({ ...DEFAULTS, jobs: 400 }))).toBe(true);
  });

  it('treats state saved before the key existed as another shop', () => {
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'st-sim-4242.jsonl'), '{}\n');
    expect(stateIsForAnotherShop(savedShopKey(dir), demoShopKey(DEFAULTS))).toBe(true);
  });
});
