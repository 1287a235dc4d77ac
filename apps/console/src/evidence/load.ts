// The evidence of a review item's run (what the evidence stage saved), beside the draft's lines,
// and a photo's thumbnail made from ServiceTitan's bytes on demand (never stored).
import { errorMessage } from '@invoicer/core';
import type { EvidenceOutput } from '@invoicer/evidence';
import { downloadJobAttachment } from '@invoicer/servicetitan';
import sharp from 'sharp';
import { stageValue } from '../review/load.ts';
import type { ConsoleServices } from '../services.ts';

export interface ItemEvidence {
  itemId: string;
  runId: string;
  evidence: EvidenceOutput | null;
  lines: { key: string; skuId: number; skuCode: string; skuName: string; quantity: string; total: string }[];
}

export async function loadItemEvidence(
  services: ConsoleServices,
  itemId: string,
): Promise<ItemEvidence | null> {
  const item = await services.db.reviewItem.findUnique({ where: { id: itemId }, select: { runId: true } });
  if (!item?.runId) return null;
  const [evidence, draft] = await Promise.all([
    stageValue(services.db, item.runId, 'evidence'),
    stageValue(services.db, item.runId, 'draft'),
  ]);
  return {
    itemId,
    runId: item.runId,
    evidence,
    lines: (draft?.lines ?? []).map((l) => ({
      key: l.key,
      skuId: l.skuId,
      skuCode: l.skuCode,
      skuName: l.skuName,
      quantity: l.quantity,
      total: l.total,
    })),
  };
}

const THUMB_TIMEOUT_MS = 8000;

/** A JPEG thumbnail (240 px wide) of one of the run's evidence photos; null when it is not one. */
export async function loadThumbnail(
  services: ConsoleServices,
  itemId: string,
  attachmentId: number,
): Promise<Buffer | null> {
  const item = await services.db.reviewItem.findUnique({
    where: { id: itemId },
    select: { tenantId: true, runId: true },
  });
  if (!item?.runId) return null;
  const evidence = await stageValue(services.db, item.runId, 'evidence');
  // Only photos the stage read for this run: the route is no general attachment proxy.
  if (!evidence?.photos.some((p) => p.attachmentId === attachmentId)) return null;
  const client = await services.runtime.client(item.tenantId);
  let timer: NodeJS.Timeout | undefined;
  try {
    const bytes = await Promise.race([
      downloadJobAttachment(client, attachmentId),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer in ${THUMB_TIMEOUT_MS / 1000} s`)),
          THUMB_TIMEOUT_MS,
        );
      }),
    ]);
    return await sharp(bytes)
      .rotate()
      .resize({ width: 240, withoutEnlargement: true })
      .jpeg({ quality: 70 })
      .toBuffer();
  } catch (error) {
    services.log.warn({ itemId, attachmentId, err: errorMessage(error) }, 'evidence thumbnail failed');
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
