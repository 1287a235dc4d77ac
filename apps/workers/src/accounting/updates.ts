// An invoice edited in ServiceTitan after it reached the books: updated in place, or voided and
// issued again under a suffixed number, by the tenant's rule (connection rules.onChange:
// 'update' by default, or 'void_reissue'). Never over a copy someone edited in the books since
// we wrote it (Xero UpdatedDateUTC / QuickBooks SyncToken differ from what we recorded), and
// never over payments by voiding: those are left to a person, as a finding.
import type { Books, BooksInvoice, BooksInvoiceDraft, Provider } from '@invoicer/accounting';
import { digestOf, fromAmountString } from '@invoicer/core';
import type { Db } from '@invoicer/db';
import { runSteps } from '@invoicer/pipeline';
import { booksKey } from './ledger.ts';

export type ChangeRule = 'update' | 'void_reissue';

export interface ChangeResult {
  action: 'updated' | 'reissued' | 'refused';
  inBooks: BooksInvoice;
  reissues: number;
  detail?: string;
}

const same = (b: BooksInvoice, d: BooksInvoiceDraft) =>
  fromAmountString(b.total).equals(fromAmountString(d.total)) &&
  fromAmountString(b.totalTax).equals(fromAmountString(d.totalTax));

export function differsFromBooks(inBooks: BooksInvoice, draft: BooksInvoiceDraft): boolean {
  return !same(inBooks, draft) || inBooks.lines.length !== draft.lines.length;
}

export async function applyChange(input: {
  db: Db;
  tenantId: string;
  provider: Provider;
  books: Books;
  invoiceId: number;
  draft: BooksInvoiceDraft;
  inBooks: BooksInvoice;
  rule: ChangeRule;
  /** The books' version when we last wrote it; null when unknown (adopted). */
  knownVersion: string | null;
  reissues: number;
}): Promise<ChangeResult> {
  const { db, tenantId, provider, books, invoiceId, draft, inBooks } = input;
  const refuse = (detail: string): ChangeResult => ({
    action: 'refused',
    inBooks,
    reissues: input.reissues,
    detail,
  });
  if (input.knownVersion && inBooks.version !== input.knownVersion)
    return refuse(
      `changed in ServiceTitan, but ${inBooks.number} was also edited in the books since we wrote it`,
    );
  const change = digestOf(draft).slice(0, 16);
  if (input.rule === 'update') {
    const key = booksKey(provider, tenantId, 'invoice', invoiceId, 'update', change);
    try {
      const { snapshot } = await runSteps(
        db,
        { tenantId },
        [
          {
            key,
            operation: `${provider}.invoice.update`,
            request: { id: inBooks.id, total: draft.total },
            send: () => books.updateInvoice(inBooks, { ...draft, number: inBooks.number }, key),
            find: (s: BooksInvoice | null) => (s && same(s, draft) ? { externalId: s.id } : null),
          },
        ],
        inBooks as BooksInvoice | null,
        () => books.getInvoice(inBooks.id),
      );
      return { action: 'updated', inBooks: snapshot ?? inBooks, reissues: input.reissues };
    } catch (error) {
      if ((error as { permanent?: boolean }).permanent)
        return refuse(`the books refused the update: ${(error as Error).message}`);
      throw error;
    }
  }
  if (!fromAmountString(inBooks.amountPaid).isZero())
    return refuse(
      `changed in ServiceTitan, but ${inBooks.number} has payments in the books: credit it by hand`,
    );
  const n = input.reissues + 1;
  const number = `${draft.number}-R${n}`;
  const voidKey = booksKey(provider, tenantId, 'invoice', invoiceId, 'void', inBooks.id);
  const issueKey = booksKey(provider, tenantId, 'invoice', invoiceId, 'reissue', n);
  await runSteps(
    db,
    { tenantId },
    [
      {
        key: voidKey,
        operation: `${provider}.invoice.void`,
        request: { id: inBooks.id },
        send: () => books.voidInvoice(inBooks, voidKey),
        find: (s: BooksInvoice | null) => (!s || s.status === 'VOIDED' ? { voided: inBooks.id } : null),
      },
    ],
    inBooks as BooksInvoice | null,
    () => books.getInvoice(inBooks.id),
  );
  const before = await books.findInvoiceByNumber(number);
  const { outcomes } = await runSteps(
    db,
    { tenantId },
    [
      {
        key: issueKey,
        operation: `${provider}.invoice.reissue`,
        request: { number, total: draft.total },
        send: async () => {
          if (!before) await books.createInvoice({ ...draft, number }, issueKey);
        },
        find: (s: BooksInvoice | null) => (s?.number === number ? { externalId: s.id } : null),
      },
    ],
    before,
    () => books.findInvoiceByNumber(number),
  );
  const reissued = await books.getInvoice(outcomes[0]!.result.externalId);
  if (!reissued) throw new Error(`${provider} invoice ${number} vanished after it was confirmed`);
  return { action: 'reissued', inBooks: reissued, reissues: n };
}
