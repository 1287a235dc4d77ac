// Postgres for accounting: the connection (tokens sealed), mappings, the id map of what we
// synced, and differences found. Secrets never leave this module unsealed except to the caller
// that opens them.
import type { AccountingConnection, AccountingDocument, AccountingMapping, Db } from '@invoicer/db';
import { openJson, sealJson } from '@invoicer/servicetitan';
import { emptyMappings, type MappingKind, type MappingNeed, type MappingTable } from './documents.ts';
import { type Endpoints, SealedTokens } from './oauth.ts';
import { suggest } from './suggest.ts';
import type { BooksRef, Mode, Provider } from './types.ts';

export function sealTokens(tokens: SealedTokens, key: Buffer): string {
  return sealJson(SealedTokens.parse(tokens), key);
}

export function openTokens(sealed: string, key: Buffer): SealedTokens {
  return SealedTokens.parse(openJson(sealed, key));
}

export function getConnection(db: Db, tenantId: string): Promise<AccountingConnection | null> {
  return db.accountingConnection.findUnique({ where: { tenantId } });
}

export async function saveConnection(
  db: Db,
  input: {
    tenantId: string;
    provider: Provider;
    externalTenantId: string;
    externalName: string | null;
    endpoints: Endpoints;
    tokens: SealedTokens;
    accessExpiresAt: Date;
    credentialsKey: Buffer;
  },
): Promise<AccountingConnection> {
  const data = {
    provider: input.provider,
    externalTenantId: input.externalTenantId,
    externalName: input.externalName,
    endpoints: input.endpoints,
    tokensSealed: sealTokens(input.tokens, input.credentialsKey),
    accessExpiresAt: input.accessExpiresAt,
    refreshedAt: new Date(),
    lastError: null,
    updatedAt: new Date(),
  };
  // A new connection starts in observe mode: invoices mode is a separate, checked decision.
  return db.accountingConnection.upsert({
    where: { tenantId: input.tenantId },
    create: { tenantId: input.tenantId, mode: 'observe', ...data },
    update: data,
  });
}

export async function setMode(db: Db, tenantId: string, mode: Mode): Promise<void> {
  await db.accountingConnection.update({ where: { tenantId }, data: { mode, updatedAt: new Date() } });
}

export async function loadMappings(db: Db, tenantId: string, provider: Provider): Promise<MappingTable> {
  const rows = await db.accountingMapping.findMany({ where: { tenantId, provider, status: 'confirmed' } });
  const table = emptyMappings();
  for (const r of rows)
    if (r.externalId)
      table[r.kind as MappingKind]?.set(r.stKey, { externalId: r.externalId, externalName: r.externalName });
  return table;
}

/**
 * Record needs that have no row yet, with the best suggestion by name among `candidates`
 * (`autoConfirm` confirms equal names, e.g. customers ↔ contacts of the same name).
 */
export async function recordNeeds(
  db: Db,
  tenantId: string,
  provider: Provider,
  needs: MappingNeed[],
  candidates: (kind: MappingKind) => Promise<BooksRef[]>,
  autoConfirm: (kind: MappingKind) => boolean = () => false,
): Promise<AccountingMapping[]> {
  const out: AccountingMapping[] = [];
  for (const need of needs) {
    const key = { tenantId, provider, kind: need.kind, stKey: need.stKey };
    const existing = await db.accountingMapping.findUnique({ where: { tenantId_provider_kind_stKey: key } });
    if (existing) {
      out.push(existing);
      continue;
    }
    const best = suggest(need.stName, await candidates(need.kind));
    const confirmed = best !== null && best.score === 1 && autoConfirm(need.kind);
    const row = await db.accountingMapping.upsert({
      where: { tenantId_provider_kind_stKey: key },
      create: {
        ...key,
        stName: need.stName,
        externalId: best?.ref.id ?? null,
        externalName: best ? (best.ref.code ? `${best.ref.code} ${best.ref.name}` : best.ref.name) : null,
        score: best?.score ?? null,
        status: confirmed ? 'confirmed' : best ? 'suggested' : 'unmapped',
        reviewedBy: confirmed ? 'auto:equal-name' : null,
        reviewedAt: confirmed ? new Date() : null,
      },
      update: {},
    });
    out.push(row);
  }
  return out;
}

export async function confirmMapping(
  db: Db,
  key: { tenantId: string; provider: Provider; kind: string; stKey: string },
  external: { id: string; name: string | null },
  reviewedBy: string,
): Promise<void> {
  await db.accountingMapping.update({
    where: { tenantId_provider_kind_stKey: key },
    data: {
      externalId: external.id,
      externalName: external.name,
      status: 'confirmed',
      reviewedBy,
      reviewedAt: new Date(),
      updatedAt: new Date(),
    },
  });
}

export interface DocumentKey {
  tenantId: string;
  provider: Provider;
  kind: 'invoice' | 'payment' | 'journal' | 'day';
  stId: string;
}

export function getDocument(db: Db, key: DocumentKey): Promise<AccountingDocument | null> {
  return db.accountingDocument.findUnique({ where: { tenantId_provider_kind_stId: key } });
}

export async function saveDocument(
  db: Db,
  key: DocumentKey,
  data: {
    status: string;
    number?: string | null;
    externalId?: string | null;
    stVersion?: string | null;
    amount?: string | null;
    detail?: Record<string, unknown>;
    synced?: boolean;
  },
): Promise<void> {
  const row = {
    status: data.status,
    ...(data.number !== undefined ? { number: data.number } : {}),
    ...(data.externalId !== undefined ? { externalId: data.externalId } : {}),
    ...(data.stVersion !== undefined ? { stVersion: data.stVersion } : {}),
    ...(data.amount !== undefined ? { amount: data.amount } : {}),
    detail: JSON.parse(JSON.stringify(data.detail ?? {})),
    ...(data.synced ? { syncedAt: new Date() } : {}),
    updatedAt: new Date(),
  };
  await db.accountingDocument.upsert({
    where: { tenantId_provider_kind_stId: key },
    create: { ...key, ...row },
    update: row,
  });
}

export interface FindingInput {
  key: string;
  provider: Provider;
  kind: string;
  stId?: string | null;
  externalId?: string | null;
  number?: string | null;
  stAmount?: string | null;
  booksAmount?: string | null;
  detail: string;
  day?: string | null;
}

/** Record differences seen now; open ones of `scope` (key prefix) not seen again are resolved. */
export async function recordFindings(
  db: Db,
  tenantId: string,
  scope: string,
  findings: FindingInput[],
): Promise<{ open: number; resolved: number }> {
  const now = new Date();
  for (const f of findings) {
    const data = {
      provider: f.provider,
      kind: f.kind,
      stId: f.stId ?? null,
      externalId: f.externalId ?? null,
      number: f.number ?? null,
      stAmount: f.stAmount ?? null,
      booksAmount: f.booksAmount ?? null,
      detail: f.detail,
      day: f.day ? new Date(`${f.day}T00:00:00Z`) : null,
      seenAt: now,
      resolvedAt: null,
    };
    await db.accountingFinding.upsert({
      where: { tenantId_key: { tenantId, key: f.key } },
      create: { tenantId, key: f.key, ...data },
      update: data,
    });
  }
  const resolved = await db.accountingFinding.updateMany({
    where: { tenantId, key: { startsWith: scope }, resolvedAt: null, seenAt: { lt: now } },
    data: { resolvedAt: now },
  });
  return { open: findings.length, resolved: resolved.count };
}
