// Which of our tenants a webhook's ServiceTitan tenant id names, without a query per webhook:
// the mapping is kept for `ttlMs`, and a tenant it does not know (one `tenant:add` just created)
// reloads it at once. A tenant removed or re-pointed is seen within `ttlMs`.

export interface TenantRow {
  id: string;
  stTenantId: bigint | number;
}

export function cachedTenantLookup(
  load: () => Promise<TenantRow[]>,
  ttlMs = 60_000,
  now: () => number = Date.now,
): (stTenantId: number) => Promise<string | null> {
  let byStId: Map<number, string> | null = null;
  let loadedAt = 0;
  const reload = async () => {
    const rows = await load();
    byStId = new Map(rows.map((t) => [Number(t.stTenantId), t.id]));
    loadedAt = now();
    return byStId;
  };
  return async (stTenantId) => {
    const fresh = byStId !== null && now() - loadedAt < ttlMs;
    const hit = fresh ? byStId!.get(stTenantId) : undefined;
    if (hit !== undefined) return hit;
    return (await reload()).get(stTenantId) ?? null;
  };
}
