// `npm run demo -- --reset`: forget the demo tenant (its runs, drafts, review items, cursors,
// mirror and history, and what followed them: PDFs, the message ledger, corrections, evidence,
// collections and assistant records). The audit log is append-only and is kept.
import { createDb } from '@invoicer/db';

export async function resetDemoTenant(databaseUrl: string, tenantId: string): Promise<void> {
  const db = createDb(databaseUrl);
  try {
    await db.$transaction([
      db.reviewItem.deleteMany({ where: { tenantId } }),
      db.pipelineRun.deleteMany({ where: { tenantId } }),
      db.stWrite.deleteMany({ where: { tenantId } }),
      db.ingestCursor.deleteMany({ where: { tenantId } }),
      db.webhookEvent.deleteMany({ where: { tenantId } }),
      db.stRecord.deleteMany({ where: { tenantId } }),
      db.historyJob.deleteMany({ where: { tenantId } }),
      db.historyLine.deleteMany({ where: { tenantId } }),
      db.historyDescription.deleteMany({ where: { tenantId } }),
      db.catalogItem.deleteMany({ where: { tenantId } }),
      // Without these a second demo would find every invoice already emailed (the ledger is
      // keyed by invoice) and send nothing.
      db.invoiceDocument.deleteMany({ where: { tenantId } }),
      db.message.deleteMany({ where: { tenantId } }),
      db.messageOptOut.deleteMany({ where: { tenantId } }),
      db.messagePause.deleteMany({ where: { tenantId } }),
      db.reviewCorrection.deleteMany({ where: { tenantId } }),
      db.evidencePhoto.deleteMany({ where: { tenantId } }),
      db.paymentPlan.deleteMany({ where: { tenantId } }),
      db.collectionOutcome.deleteMany({ where: { tenantId } }),
      db.assistantConversation.deleteMany({ where: { tenantId } }),
    ]);
  } finally {
    await db.$disconnect();
  }
}
