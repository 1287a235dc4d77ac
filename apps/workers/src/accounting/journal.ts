// accounting.journal: one day and business unit as a summarised journal in the books, exactly
// once per (tenant, day, business unit, revision). Three layers, as for invoices: the st_writes
// ledger (runSteps, key per revision), the provider's idempotency key (the ledger key), and a
// lookup by our tag before creating. Revision 1 is the full journal; a day that changes after
// posting gets an adjusting entry (revision n + 1) with the differences per line, computed
// against what the books hold of our earlier revisions (read back, never assumed).
import {
  adjustment,
  type BooksJournal,
  buildJournal,
  getDocument,
  type JournalLine,
  journalNeeds,
  journalTag,
  journalTotals,
  openBooks,
  saveDocument,
} from '@invoicer/accounting';
import type { PayloadOf } from '@invoicer/core';
import { runSteps } from '@invoicer/pipeline';
import type { WorkerServices } from '../services.ts';
import { type AccountingOverrides, booksOptions } from './context.ts';
import { dayContent } from './journal-source.ts';
import { journalKey } from './ledger.ts';
import { resolveMappings } from './mappings.ts';

export interface PostedRevision {
  revision: number;
  tag: string;
  externalId: string;
  date: string;
  lines: JournalLine[];
}

export interface JournalResult {
  outcome: 'not_connected' | 'mode_off' | 'needs_mapping' | 'posted' | 'empty';
  revisions?: number;
  sent?: number;
}

/** Each line carries its role in brackets, so a read-back says which line is which. */
const describe = (l: JournalLine) => `${l.description} [${l.role}]`;
const roleOf = (description: string) => /\[([^\]]+)\]$/.exec(description)?.[1] ?? null;

/** The lines of a journal as the books hold them, with their roles. */
function readLines(journal: BooksJournal): JournalLine[] {
  return journal.lines.map((l) => {
    const role = roleOf(l.description);
    if (!role)
      throw new Error(`journal ${journal.tag} in the books has a line without our role: ${l.description}`);
    return {
      role,
      accountId: l.accountId,
      amount: l.amount,
      description: l.description.replace(/ \[[^\]]+\]$/, ''),
    };
  });
}

export async function postJournal(
  services: WorkerServices,
  payload: PayloadOf<'accounting.journal'>,
  overrides: AccountingOverrides = {},
): Promise<JournalResult> {
  const { db } = services;
  const { tenantId, day, businessUnit } = payload;
  const open = await openBooks(booksOptions(services, overrides), tenantId);
  if (!open) return { outcome: 'not_connected' };
  if (open.mode !== 'journal') return { outcome: 'mode_off' };
  const { books, provider } = open;
  const log = services.log.child({ tenant: tenantId, stage: 'accounting.journal', day, businessUnit });
  const content = await dayContent(db, tenantId, day, businessUnit);
  const docKey = { tenantId, provider, kind: 'journal' as const, stId: `${day}:${businessUnit}` };
  const mappings = await resolveMappings(
    db,
    tenantId,
    provider,
    books,
    journalNeeds(content.invoices, content.portions),
  );
  const built = buildJournal(content.unit, content.invoices, content.portions, mappings);
  if (!built.journal) {
    // Nothing partial is ever posted: the day waits for a person to confirm the accounts.
    await saveDocument(db, docKey, { status: 'needs_mapping', detail: { missing: built.missing } });
    return { outcome: 'needs_mapping' };
  }
  const target = built.journal;
  const doc = await getDocument(db, docKey);
  const posted: PostedRevision[] = (
    (doc?.detail as { revisions?: PostedRevision[] })?.revisions ?? []
  ).slice();
  let sent = 0;
  // Each pass posts one revision; more than one only when another worker posted meanwhile.
  for (let pass = 0; pass < 5; pass++) {
    const delta = adjustment(
      target.lines,
      posted.map((r) => r.lines),
    );
    if (!delta.length) break;
    const revision = posted.length + 1;
    const tag = journalTag(content.unit, revision);
    const key = journalKey(provider, tenantId, day, businessUnit, revision);
    const date =
      revision > 1 && open.rules.journalCorrections === 'current_day'
        ? new Date().toISOString().slice(0, 10)
        : day;
    const what =
      revision === 1 ? 'daily summary' : `adjustment ${revision - 1} (ServiceTitan changed after posting)`;
    const draft = {
      tag,
      date,
      narration: `ServiceTitan ${day} · ${content.unit.businessUnitName} · ${what}`,
      lines: delta.map((l) => ({ accountId: l.accountId, amount: l.amount, description: describe(l) })),
    };
    const before = await books.findJournal(tag);
    const step = await runSteps(
      db,
      { tenantId },
      [
        {
          key,
          operation: `${provider}.journal.create`,
          request: { tag, date, ...journalTotals(delta), lines: delta.length },
          send: async () => {
            // Already in the books without our ledger knowing: take it, never post a twin.
            if (!before) await books.createJournal(draft, key);
          },
          find: (snapshot: BooksJournal | null) =>
            snapshot && snapshot.tag === tag ? { externalId: snapshot.id, tag } : null,
        },
      ],
      before,
      () => books.findJournal(tag),
    );
    const outcome = step.outcomes[0]!;
    if (outcome.how === 'sent') sent += 1;
    const inBooks =
      step.snapshot?.id === outcome.result.externalId
        ? step.snapshot
        : await books.getJournal(outcome.result.externalId);
    if (!inBooks) throw new Error(`${provider} journal ${tag} vanished after it was confirmed`);
    posted.push({
      revision,
      tag,
      externalId: inBooks.id,
      date: inBooks.date ?? date,
      lines: readLines(inBooks),
    });
    // The revision is known before anything else can fail.
    await saveDocument(db, docKey, {
      status: 'in_progress',
      number: tag,
      externalId: posted[0]!.externalId,
      amount: target.invoiced,
      detail: { revisions: posted },
    });
    log.info({ tag, how: outcome.how, lines: delta.length }, 'journal in the books');
  }
  const left = adjustment(
    target.lines,
    posted.map((r) => r.lines),
  );
  if (left.length)
    throw new Error(`journal ${day} ${businessUnit}: the books still differ after 5 revisions`);
  const status = posted.length ? 'posted' : 'empty';
  await saveDocument(db, docKey, {
    status,
    number: posted.at(-1)?.tag ?? null,
    externalId: posted[0]?.externalId ?? null,
    stVersion: payload.version,
    amount: target.invoiced,
    detail: {
      revisions: posted,
      businessUnitName: content.unit.businessUnitName,
      invoiced: target.invoiced,
      received: target.received,
      invoiceIds: target.invoiceIds,
      paymentIds: target.paymentIds,
      ...journalTotals(target.lines),
    },
    synced: true,
  });
  return { outcome: status, revisions: posted.length, sent };
}
