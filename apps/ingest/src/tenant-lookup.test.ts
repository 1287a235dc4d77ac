import { describe, expect, it } from 'vitest';
import { cachedTenantLookup, type TenantRow } from './tenant-lookup.ts';

describe('cachedTenantLookup', () => {
  it('reads the tenants once for many webhooks, again for one it does not know or when stale', async () => {
    let rows: TenantRow[] = [{ id: 'acme', stTenantId: 101n }];
    let loads = 0;
    let clock = 0;
    const lookup = cachedTenantLookup(
      async () => {
        loads += 1;
        return rows;
      },
      1_000,
      () => clock,
    );
    for (let i = 0; i < 5; i++) expect(await lookup(101)).toBe('acme');
    expect(loads).toBe(1);
    // A tenant added since: found at once, by one reload.
    rows = [...rows, { id: 'beta', stTenantId: 202 }];
    expect(await lookup(202)).toBe('beta');
    expect(loads).toBe(2);
    expect(await lookup(303)).toBeNull();
    expect(loads).toBe(3);
    // A tenant re-pointed: seen once the mapping is older than the TTL.
    rows = [{ id: 'acme', stTenantId: 999 }];
    expect(await lookup(101)).toBe('acme');
    clock = 1_001;
    expect(await lookup(101)).toBeNull();
    expect(await lookup(999)).toBe('acme');
  });
});
