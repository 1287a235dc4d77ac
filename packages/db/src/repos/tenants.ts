import { parseTenantSettings, type TenantSettings } from '@invoicer/core';
import type { Db, Tx } from '../client.ts';
import type { Tenant } from '../generated/prisma/client.ts';

export interface TenantInput {
  id: string;
  stTenantId: number;
  name: string;
  apiBaseUrl: string;
  authUrl: string;
  credentialsSealed?: string | null;
}

export async function upsertTenant(db: Db, input: TenantInput): Promise<Tenant> {
  const data = {
    stTenantId: input.stTenantId,
    name: input.name,
    apiBaseUrl: input.apiBaseUrl,
    authUrl: input.authUrl,
    ...(input.credentialsSealed !== undefined ? { credentialsSealed: input.credentialsSealed } : {}),
  };
  return db.tenant.upsert({ where: { id: input.id }, create: { id: input.id, ...data }, update: data });
}

export async function getTenant(db: Db | Tx, id: string): Promise<Tenant | null> {
  return db.tenant.findUnique({ where: { id } });
}

export async function listTenants(db: Db): Promise<Tenant[]> {
  return db.tenant.findMany({ orderBy: { id: 'asc' } });
}

export async function getTenantSettings(db: Db | Tx, tenantId: string): Promise<TenantSettings> {
  const row = await db.tenantSettings.findUnique({ where: { tenantId } });
  return parseTenantSettings(row?.settings ?? {});
}

/** Validate and store settings; returns the stored (defaults-filled) value and new version. */
export async function putTenantSettings(
  db: Db | Tx,
  tenantId: string,
  raw: unknown,
  updatedBy: string,
): Promise<{ settings: TenantSettings; version: number }> {
  const settings = parseTenantSettings(raw);
  const json = JSON.parse(JSON.stringify(settings)) as object;
  const row = await db.tenantSettings.upsert({
    where: { tenantId },
    create: { tenantId, settings: json, updatedBy },
    update: { settings: json, updatedBy, version: { increment: 1 } },
  });
  return { settings, version: row.version };
}
