// Register a ServiceTitan tenant: its hosts, sealed credentials and settings. Used by the
// `tenant:add` command, the demo and the tests.
import type { TenantSettings } from '@invoicer/core';
import type { Db } from '@invoicer/db';
import { getTenantSettings, putTenantSettings, upsertTenant } from '@invoicer/db';
import { type StCredentials, sealCredentials } from '@invoicer/servicetitan';

export async function registerTenant(
  db: Db,
  input: {
    id: string;
    stTenantId: number;
    name: string;
    apiBaseUrl: string;
    authUrl: string;
    credentials: StCredentials;
    credentialsKey: Buffer;
    settings?: Partial<TenantSettings>;
    updatedBy?: string;
  },
): Promise<void> {
  await upsertTenant(db, {
    id: input.id,
    stTenantId: input.stTenantId,
    name: input.name,
    apiBaseUrl: input.apiBaseUrl,
    authUrl: input.authUrl,
    credentialsSealed: sealCredentials(input.credentials, input.credentialsKey),
  });
  const current = await getTenantSettings(db, input.id);
  await putTenantSettings(
    db,
    input.id,
    { ...current, ...(input.settings ?? {}) },
    input.updatedBy ?? 'setup',
  );
}
