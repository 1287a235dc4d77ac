// accounting.sync: one cleared ServiceTitan invoice and its payments into the books, exactly
// once. "Cleared" = posted in ServiceTitan (locked), as read back now, never our draft. Three
// layers stop duplicates: the st_writes ledger (runSteps), the provider's idempotency key (the
// ledger key), and a lookup by invoice number before creating — an invoice already there is
// adopted and reported, never created again. Then ServiceTitan is told (markasexported).
import {
  type BooksInvoice,
  buildInvoiceDraft,
  getDocument,
  invoiceNumber,
  mappingNeeds,
  openBooks,
  recordFindings,
  saveDocument,
} from '@invoicer/accounting';
import { fromAmountString, InvalidInputError, type PayloadOf, QUEUE_CATALOG } from '@invoicer/core';
import { getWrite } from '@invoicer/db';
import { runSteps } from '@invoicer/pipeline';
import type { Invoice } from '@invoicer/servicetitan';
import type { WorkerServices } from '../services.ts';
import { type AccountingOverrides, booksOptions } from './context.ts';
import { invoiceCreateKey } from './ledger.ts';
import { resolveMappings } from './mappings.ts';
import { paymentType, syncPayments } from './payments.ts';
import { markExported } from './st-mark.ts';
import { applyChange, type ChangeResult, differsFromBooks } from './updates.ts';

export type SyncOutcome =
  | 'not_connected'
  | 'mode_off'
  | 'not_cleared'
  | 'exported_elsewhere'
  | 'needs_mapping'
  | 'synced'
  | 'difference';

/** The invoice is in the books but a payment waits for its type's mapping: 'needs_mapping'. */

export interface SyncResult {
  outcome: SyncOutcome;
  externalId?: string;
  invoice?: 'sent' | 'recovered' | 'recorded';
  payments?: { synced: number; waiting: number };
  change?: ChangeResult['action'] | null;
}

const CLEARED = new Set(['Posted', 'Exported']);

export async function syncInvoiceJob(
  services: WorkerServices,
  payload: PayloadOf<'accounting.sync'>,
  attempt: number,
  overrides: AccountingOverrides = {},
): Promise<SyncResult> {
  try {
    return await syncInvoice(services, payload, overrides);
  } catch (error) {
    // The last attempt (or one that cannot succeed) leaves its reason on the settings page.
    const final =
      (error as { permanent?: boolean }).permanent === true ||
      error instanceof InvalidInputError ||
      attempt >= QUEUE_CATALOG['accounting.sync'].options.attempts;
    if (final && !(error as { retryAfterMs?: number }).retryAfterMs) {
      const open = await openBooks(booksOptions(services, overrides), payload.tenantId).catch(() => null);
      if (open)
        await saveDocument(
          services.db,
          {
            tenantId: payload.tenantId,
            provider: open.provider,
            kind: 'invoice',
            stId: String(payload.invoiceId),
          },
          { status: 'failed', detail: { error: (error as Error).message.slice(0, 1000) } },
        ).catch(() => {});
    }
    throw error;
  }
}

export async function syncInvoice(
  services: WorkerServices,
  payload: PayloadOf<'accounting.sync'>,
  overrides: AccountingOverrides = {},
): Promise<SyncResult> {
  const { db } = services;
  const { tenantId, invoiceId } = payload;
  const log = services.log.child({ tenant: tenantId, stage: 'accounting.sync', invoiceId });
  const open = await openBooks(booksOptions(services, overrides), tenantId);
  if (!open) return { outcome: 'not_connected' };
  // Observe and journal modes never write invoices; off does nothing.
  if (open.mode !== 'invoices') return { outcome: 'mode_off' };
  const { books, provider } = open;
  const client = await services.runtime.client(tenantId);
  const invoice = await client.getInvoice(invoiceId);
  if (!invoice) throw new InvalidInputError(`ServiceTitan has no invoice ${invoiceId}`);
  if (!CLEARED.has(invoice.syncStatus ?? '')) return { outcome: 'not_cleared' };
  const docKey = { tenantId, provider, kind: 'invoice' as const, stId: String(invoiceId) };
  const doc = await getDocument(db, docKey);
  const number = invoiceNumber(invoice);
  const ours = doc?.externalId || (await getWrite(db, invoiceCreateKey(provider, tenantId, invoiceId)));
  if (invoice.syncStatus === 'Exported' && !ours) {
    // Exported by something else (the shop's own export): never post it a second time.
    await saveDocument(db, docKey, { status: 'exported_elsewhere', number, amount: invoice.total });
    await recordFindings(db, tenantId, `exported-elsewhere:${invoiceId}`, [
      {
        key: `exported-elsewhere:${invoiceId}`,
        provider,
        kind: 'exported_elsewhere',
        stId: String(invoiceId),
        number,
        stAmount: invoice.total,
        detail: `ServiceTitan shows invoice ${number} as exported, but not by us: the shop's own export is on`,
        day: invoice.invoiceDate?.slice(0, 10) ?? null,
      },
    ]);
    log.warn({ number }, 'invoice exported by another integration; not posted');
    return { outcome: 'exported_elsewhere' };
  }

  // Payments' needs too, so a person reviews everything this invoice needs at once.
  const payments = (await client.listPayments({ appliedToInvoiceIds: String(invoice.id) })).filter(
    (p) => p.active !== false && (p.appliedTo ?? []).some((a) => a.appliedTo === invoice.id),
  );
  const mappings = await resolveMappings(db, tenantId, provider, books, [
    ...mappingNeeds(invoice),
    ...[...new Set(payments.map(paymentType))].map((type) => ({
      kind: 'payment' as const,
      stKey: type,
      stName: type,
    })),
  ]);
  const built = buildInvoiceDraft(invoice, mappings);
  if (!built.draft) {
    // Nothing partial is ever written: the invoice waits for a person to confirm the mappings.
    await saveDocument(db, docKey, {
      status: 'needs_mapping',
      number,
      amount: invoice.total,
      detail: { missing: built.missing },
    });
    return { outcome: 'needs_mapping' };
  }
  const draft = built.draft;

  const key = invoiceCreateKey(provider, tenantId, invoiceId);
  let adopted = false;
  const before = await books.findInvoiceByNumber(number);
  const step = await runSteps(
    db,
    { tenantId },
    [
      {
        key,
        operation: `${provider}.invoice.create`,
        request: { number, total: draft.total },
        send: async () => {
          // Already in the books without our ledger knowing: take it, do not create a twin.
          if (before) adopted = true;
          else await books.createInvoice(draft, key);
        },
        find: (snapshot: BooksInvoice | null) =>
          snapshot && snapshot.number === number ? { externalId: snapshot.id, number } : null,
      },
    ],
    before,
    () => books.findInvoiceByNumber(number),
  );
  const created = step.outcomes[0]!;
  // The books' current copy: the one we created, or the one that replaced it (re-issued).
  const detail = (doc?.detail ?? {}) as { booksVersion?: string | null; reissues?: number };
  const externalId =
    created.how === 'recorded' && doc?.externalId ? doc.externalId : created.result.externalId;
  const bookNumber = created.how === 'recorded' && doc?.number ? doc.number : number;
  let inBooks =
    (step.snapshot?.id === externalId ? step.snapshot : null) ?? (await books.getInvoice(externalId));
  if (!inBooks) throw new Error(`${provider} invoice ${externalId} vanished after it was confirmed`);
  // The id map first: whatever fails after this, the invoice is known to be ours.
  await saveDocument(db, docKey, {
    status: 'in_progress',
    number: bookNumber,
    externalId,
    amount: invoice.total,
  });

  // Edited in ServiceTitan since we wrote it: update, or void and re-issue, by the tenant's rule.
  let change: ChangeResult | null = null;
  if (created.how === 'recorded' && differsFromBooks(inBooks, draft)) {
    change = await applyChange({
      db,
      tenantId,
      provider,
      books,
      invoiceId,
      draft,
      inBooks,
      rule: open.rules.onChange === 'void_reissue' ? 'void_reissue' : 'update',
      knownVersion: detail.booksVersion ?? null,
      reissues: detail.reissues ?? 0,
    });
    inBooks = change.inBooks;
    if (change.action !== 'refused')
      await saveDocument(db, docKey, {
        status: 'in_progress',
        number: inBooks.number,
        externalId: inBooks.id,
        amount: invoice.total,
        detail: { booksVersion: inBooks.version, reissues: change.reissues },
      });
  }

  const found: { kind: string; detail: string }[] = compareInvoice(
    invoice,
    inBooks,
    draft.total,
    draft.totalTax,
  ).map((detail) => ({ kind: 'amount', detail }));
  if (change?.action === 'refused') found.push({ kind: 'changed_after_sync', detail: change.detail! });
  if (adopted)
    found.push({
      kind: 'adopted',
      detail: `invoice ${number} was already in ${provider}; adopted, not created`,
    });
  const differences = found.filter((f) => f.kind !== 'adopted').map((f) => f.detail);
  await recordFindings(
    db,
    tenantId,
    `invoice:${invoiceId}:`,
    found.map((f, i) => ({
      key: `invoice:${invoiceId}:${i}`,
      provider,
      kind: f.kind,
      stId: String(invoiceId),
      externalId: inBooks.id,
      number: inBooks.number,
      stAmount: invoice.total,
      booksAmount: inBooks.total,
      detail: f.detail,
      day: draft.date,
    })),
  );
  await markExported(db, client, tenantId, invoice, inBooks.id, `${provider} ${inBooks.number}`);
  const paid = await syncPayments(db, tenantId, open, mappings, payments, invoice, inBooks);
  const status = differences.length ? 'difference' : paid.waiting ? 'needs_mapping' : 'synced';
  await saveDocument(db, docKey, {
    status,
    number: inBooks.number,
    externalId: inBooks.id,
    stVersion: payload.version,
    amount: invoice.total,
    detail: {
      how: adopted ? 'adopted' : created.how,
      change: change?.action ?? null,
      payments: paid,
      differences,
      // What a later change checks for edits made in the books meanwhile (read after payments).
      booksVersion: (await books.getInvoice(inBooks.id))?.version ?? inBooks.version,
      reissues: change?.reissues ?? detail.reissues ?? 0,
    },
    synced: true,
  });
  log.info(
    { number, externalId: inBooks.id, how: created.how, change: change?.action, payments: paid, status },
    'invoice in the books',
  );
  return {
    outcome: status,
    externalId: inBooks.id,
    invoice: created.how,
    change: change?.action ?? null,
    payments: paid,
  };
}

/** Differences between ServiceTitan's invoice and the books' copy, to the cent. */
export function compareInvoice(invoice: Invoice, books: BooksInvoice, total: string, tax: string): string[] {
  const out: string[] = [];
  if (!fromAmountString(books.total).equals(fromAmountString(total)))
    out.push(`total: ServiceTitan ${invoice.total}, books ${books.total}`);
  if (!fromAmountString(books.totalTax).equals(fromAmountString(tax)))
    out.push(`tax: ServiceTitan ${invoice.salesTax}, books ${books.totalTax}`);
  return out;
}
