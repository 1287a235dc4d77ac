// Mappings an invoice needs: recorded with suggestions by name for a person to confirm once.
// Customers are the exception: a contact of exactly the same name is taken, and a customer the
// books do not know is created there (ledgered), since a person cannot review every new customer.
import {
  type Books,
  type BooksRef,
  loadMappings,
  type MappingKind,
  type MappingNeed,
  type MappingTable,
  normaliseName,
  type Provider,
  recordNeeds,
} from '@invoicer/accounting';
import type { Db } from '@invoicer/db';
import { runSteps } from '@invoicer/pipeline';
import { contactKey } from './ledger.ts';

export async function resolveMappings(
  db: Db,
  tenantId: string,
  provider: Provider,
  books: Books,
  needs: MappingNeed[],
): Promise<MappingTable> {
  const cache = new Map<string, Promise<BooksRef[]>>();
  const once = (what: string, load: () => Promise<BooksRef[]>) => {
    if (!cache.has(what)) cache.set(what, load());
    return cache.get(what)!;
  };
  let table = await loadMappings(db, tenantId, provider);
  const open = needs.filter((n) => !table[n.kind].has(n.stKey));
  if (!open.length) return table;
  const rows = await recordNeeds(
    db,
    tenantId,
    provider,
    open,
    (kind: MappingKind) =>
      kind === 'customer' ? Promise.resolve([]) : once(kind, () => books.mappingCandidates(kind)),
    () => false,
  );
  for (const need of open.filter((n) => n.kind === 'customer')) {
    const row = rows.find((r) => r.kind === 'customer' && r.stKey === need.stKey);
    if (row && row.status !== 'unmapped') continue;
    await ensureContact(db, tenantId, provider, books, need);
  }
  table = await loadMappings(db, tenantId, provider);
  return table;
}

/** Take the books' contact of exactly this name, or create it once (ledgered, read back). */
async function ensureContact(
  db: Db,
  tenantId: string,
  provider: Provider,
  books: Books,
  need: MappingNeed,
): Promise<void> {
  const exact = (refs: BooksRef[]) =>
    refs.filter((r) => normaliseName(r.name) === normaliseName(need.stName));
  const before = exact(await books.findContacts(need.stName));
  if (before.length > 1) return; // Two contacts of that name: a person chooses (left unmapped).
  const key = contactKey(provider, tenantId, Number(need.stKey));
  const { outcomes } = await runSteps(
    db,
    { tenantId },
    [
      {
        key,
        operation: `${provider}.contact.create`,
        request: { name: need.stName },
        send: async () => {
          if (!before.length) await books.createContact(need.stName, key);
        },
        find: (snapshot: BooksRef[]) => {
          const found = snapshot[0];
          return found ? { externalId: found.id, name: found.name } : null;
        },
      },
    ],
    before,
    async () => exact(await books.findContacts(need.stName)),
  );
  const found = outcomes[0]!.result;
  await db.accountingMapping.update({
    where: { tenantId_provider_kind_stKey: { tenantId, provider, kind: 'customer', stKey: need.stKey } },
    data: {
      externalId: found.externalId,
      externalName: found.name,
      status: 'confirmed',
      score: 1,
      reviewedBy: before.length ? 'auto:equal-name' : 'auto:created',
      reviewedAt: new Date(),
      updatedAt: new Date(),
    },
  });
}
