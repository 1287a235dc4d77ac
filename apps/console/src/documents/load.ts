// What the item page's documents need: the draft preview's inputs (the saved job context, the
// current draft, the business unit's invoice settings from ServiceTitan when it answers in
// time) and the PDFs stored for the item's run after posting.
import { errorMessage } from '@invoicer/core';
import { invoiceDocumentSummaries } from '@invoicer/db';
import { type BusinessUnitInfo, documentFromDraft, type InvoiceDocumentModel } from '@invoicer/documents';
import { getBusinessUnit } from '@invoicer/servicetitan';
import { currentDraft, stageValue } from '../review/load.ts';
import type { ConsoleServices } from '../services.ts';

const BUSINESS_UNIT_TIMEOUT_MS = 4000;

async function itemRun(services: ConsoleServices, itemId: string) {
  const item = await services.db.reviewItem.findUnique({
    where: { id: itemId },
    select: { id: true, tenantId: true, kind: true, runId: true },
  });
  if (!item) return null;
  const run = item.runId ? await services.db.pipelineRun.findUnique({ where: { id: item.runId } }) : null;
  return { item, run };
}

/** The business unit's invoice settings, or null (the preview then prints the unit's name). */
async function businessUnit(
  services: ConsoleServices,
  tenantId: string,
  id: number,
): Promise<BusinessUnitInfo | null> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const client = await services.runtime.client(tenantId);
    return await Promise.race([
      getBusinessUnit(client, id),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('no answer in time')), BUSINESS_UNIT_TIMEOUT_MS);
      }),
    ]);
  } catch (error) {
    services.log.info(
      { tenantId, businessUnitId: id, err: errorMessage(error) },
      'business unit not read for the preview',
    );
    return null;
  } finally {
    clearTimeout(timer);
  }
}

/** The current draft as a DRAFT-marked document, or null when the item has no draft. */
export async function loadDraftPreview(
  services: ConsoleServices,
  itemId: string,
): Promise<{ model: InvoiceDocumentModel; revision: number } | null> {
  const found = await itemRun(services, itemId);
  if (!found?.run || found.item.kind !== 'invoice') return null;
  const [extract, draft, settings] = await Promise.all([
    stageValue(services.db, found.run.id, 'extract'),
    currentDraft(services.db, found.run),
    services.runtime.settings(found.item.tenantId),
  ]);
  if (!extract || !draft) return null;
  const context = extract.context;
  const unit = await businessUnit(services, found.item.tenantId, context.job.businessUnitId);
  const model = documentFromDraft({
    context,
    draft: { ...draft.document, lines: draft.lines },
    businessUnit: unit,
    settings: settings.documents,
    watermark: 'DRAFT',
  });
  return { model, revision: draft.revision };
}

export async function loadStoredDocuments(services: ConsoleServices, itemId: string) {
  const found = await itemRun(services, itemId);
  if (!found) return null;
  return {
    kind: found.item.kind,
    hasDraft: (found.run?.draftRevision ?? 0) > 0,
    documents: found.run ? await invoiceDocumentSummaries(services.db, found.run.id) : [],
  };
}

/** The newest stored PDF of the item's run, with its bytes. */
export async function loadStoredPdf(services: ConsoleServices, itemId: string) {
  const found = await itemRun(services, itemId);
  if (!found?.run) return null;
  return services.db.invoiceDocument.findFirst({
    where: { runId: found.run.id },
    orderBy: { revision: 'desc' },
  });
}
