// The evidence of a review item's run (what the evidence stage saved), beside the draft's lines,
// with the thumbnails the stage stored for its photos (no ServiceTitan call to show them).
import type { EvidenceOutput } from '@invoicer/evidence';
import { stageValue } from '../review/load.ts';
import type { ConsoleServices } from '../services.ts';

export interface ItemEvidence {
  itemId: string;
  runId: string;
  evidence: EvidenceOutput | null;
  lines: { key: string; skuId: number; skuCode: string; skuName: string; quantity: string; total: string }[];
  /** attachment id → JPEG thumbnail as a data: URL */
  thumbnails: Record<number, string>;
}

export async function loadItemEvidence(
  services: ConsoleServices,
  itemId: string,
): Promise<ItemEvidence | null> {
  const item = await services.db.reviewItem.findUnique({
    where: { id: itemId },
    select: { runId: true, tenantId: true },
  });
  if (!item?.runId) return null;
  const [evidence, draft] = await Promise.all([
    stageValue(services.db, item.runId, 'evidence'),
    stageValue(services.db, item.runId, 'draft'),
  ]);
  const ids = (evidence?.photos ?? []).map((p) => BigInt(p.attachmentId));
  const stored = ids.length
    ? await services.db.evidencePhoto.findMany({
        where: { tenantId: item.tenantId, attachmentId: { in: ids } },
        select: { attachmentId: true, thumbnail: true },
      })
    : [];
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
    thumbnails: Object.fromEntries(
      stored.flatMap((s) =>
        s.thumbnail
          ? [
              [
                Number(s.attachmentId),
                `data:image/jpeg;base64,${Buffer.from(s.thumbnail).toString('base64')}`,
              ],
            ]
          : [],
      ),
    ),
  };
}
