import {
  InvalidInputError,
  TenantSettings,
  tenantSettingsIssues,
  validateTenantSettings,
} from '@invoicer/core';
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

/**
 * A tenant's settings with defaults filled in. Settings stored before they were validated (or
 * under an older schema) that no longer validate give one InvalidInputError naming the tenant,
 * each bad field and the fix, so the jobs that need them fail clearly and are not retried.
 */
export async function getTenantSettings(db: Db | Tx, tenantId: string): Promise<TenantSettings> {
  const row = await db.tenantSettings.findUnique({ where: { tenantId } });
  const parsed = TenantSettings.safeParse(row?.settings ?? {});
  if (parsed.success) return parsed.data;
  throw new InvalidInputError(
    `The stored settings of tenant "${tenantId}" are not valid; fix them with npm run tenant:settings -- --tenant ${tenantId} --set <file.json>`,
    parsed.error.issues.map((i) => `${i.path.join('.') || '(settings)'}: ${i.message}`),
  );
}

/**
 * The settings as stored, valid or not, for the commands that repair them: the parsed settings
 * (null when they do not validate), the stored JSON and each problem.
 */
export async function readStoredTenantSettings(
  db: Db | Tx,
  tenantId: string,
): Promise<{ settings: TenantSettings | null; stored: unknown; version: number; issues: string[] }> {
  const row = await db.tenantSettings.findUnique({ where: { tenantId } });
  const stored = row?.settings ?? {};
  const parsed = TenantSettings.safeParse(stored);
  return {
    settings: parsed.success ? parsed.data : null,
    stored,
    version: row?.version ?? 0,
    issues: parsed.success ? [] : tenantSettingsIssues(stored),
  };
}

/**
 * Validate and store settings; returns the stored (defaults-filled) value and new version.
 * Every writer comes here: invalid values and unknown fields throw InvalidInputError naming
 * each field, and nothing is stored.
 */
export async function putTenantSettings(
  db: Db | Tx,
  tenantId: string,
  raw: unknown,
  updatedBy: string,
): Promise<{ settings: TenantSettings; version: number }> {
  const settings = validateTenantSettings(raw);
  const json = JSON.parse(JSON.stringify(settings)) as object;
  const row = await db.tenantSettings.upsert({
    where: { tenantId },
    create: { tenantId, settings: json, updatedBy },
    update: { settings: json, updatedBy, version: { increment: 1 } },
  });
  return { settings, version: row.version };
}
