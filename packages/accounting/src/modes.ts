// Changing a tenant's mode. Writing modes (invoices, journal) are refused while another export
// already posts this shop's invoices, with the evidence, so nothing is posted twice.
import type { Db } from '@invoicer/db';
import { detectExistingExport, type ExportEvidence, evidenceText } from './observe.ts';
import { getConnection, setMode } from './store.ts';
import type { Books, Mode } from './types.ts';

export class ModeRefusedError extends Error {
  constructor(
    message: string,
    readonly evidence: ExportEvidence | null,
  ) {
    super(message);
    this.name = 'ModeRefusedError';
  }
}

export async function changeMode(db: Db, tenantId: string, mode: Mode, books: Books | null): Promise<void> {
  const connection = await getConnection(db, tenantId);
  if (!connection)
    throw new ModeRefusedError(`tenant ${tenantId} has no books connection; connect first`, null);
  if (mode === 'invoices' || mode === 'journal') {
    if (!books) throw new ModeRefusedError('the books cannot be reached to check for another export', null);
    const evidence = await detectExistingExport(db, tenantId, books);
    const text = evidenceText(evidence);
    if (text) throw new ModeRefusedError(`${mode} mode refused: ${text}`, evidence);
  }
  await setMode(db, tenantId, mode);
  // Journals start with today: the days before are the shop's earlier export's, or nobody's
  // (a person moves rules.journalStartDay back deliberately).
  const rules = (connection.rules ?? {}) as Record<string, unknown>;
  if (mode === 'journal' && !rules.journalStartDay)
    await db.accountingConnection.update({
      where: { tenantId },
      data: { rules: { ...rules, journalStartDay: new Date().toISOString().slice(0, 10) } },
    });
}
