// Journal mode's books side of the three-way report: our journals read back from the books
// (each revision), their receivable lines against ServiceTitan's day, to the cent. A journal
// deleted or voided in the books, or edited there, is a difference. Days with a journal job
// queued (ServiceTitan changed; an adjustment is coming) are left to that job.

import type { FindingInput, OpenBooks } from '@invoicer/accounting';
import { fromAmountString, sum, toMoneyString } from '@invoicer/core';
import type { Db } from '@invoicer/db';
import { dayContent } from './journal-source.ts';

const roleOf = (description: string) => /\[([^\]]+)\]$/.exec(description)?.[1] ?? null;

export async function journalFindings(
  db: Db,
  tenantId: string,
  open: OpenBooks,
  pending: Set<string> = new Set(),
  now = new Date(),
): Promise<FindingInput[]> {
  const since = new Date(now.getTime() - Number(open.rules.reportDays ?? 35) * 86_400_000)
    .toISOString()
    .slice(0, 10);
  const docs = await db.accountingDocument.findMany({
    where: { tenantId, provider: open.provider, kind: 'journal', status: 'posted' },
  });
  const out: FindingInput[] = [];
  for (const doc of docs) {
    const [day, businessUnit] = doc.stId.split(':') as [string, string];
    if (day < since || pending.has(doc.stId)) continue;
    const revisions = (doc.detail as { revisions?: { externalId: string; tag: string }[] }).revisions ?? [];
    const base = { provider: open.provider, day, number: doc.number, stId: doc.stId };
    let invoiced: string[] = [];
    let gone: string | null = null;
    for (const r of revisions) {
      const j = await open.books.getJournal(r.externalId);
      if (!j || ['VOIDED', 'DELETED'].includes(j.status)) {
        gone = r.tag;
        break;
      }
      invoiced = invoiced.concat(
        j.lines.filter((l) => roleOf(l.description) === 'ar.invoiced').map((l) => l.amount),
      );
    }
    const st = (await dayContent(db, tenantId, day, businessUnit)).invoices.map((i) => i.total);
    const stTotal = toMoneyString(sum(st.map(fromAmountString)));
    const booksTotal = toMoneyString(sum(invoiced.map(fromAmountString)));
    if (gone)
      out.push({
        ...base,
        key: `journal:gone:${doc.stId}`,
        kind: 'journal',
        externalId: doc.externalId,
        stAmount: stTotal,
        detail: `our journal ${gone} for ${day} is no longer in the books (deleted or voided there)`,
      });
    else if (stTotal !== booksTotal)
      out.push({
        ...base,
        key: `journal:amount:${doc.stId}`,
        kind: 'journal',
        externalId: doc.externalId,
        stAmount: stTotal,
        booksAmount: booksTotal,
        detail: `invoiced on ${day}: ServiceTitan ${stTotal}, our journals in the books ${booksTotal}`,
      });
  }
  return out;
}
