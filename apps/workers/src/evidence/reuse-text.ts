// dHash sees layout, not text: two nameplates of one product line differ only in their numbers
// and hash a bit or two apart. A "reused" photo whose nameplate reads another serial or model
// than the photo it matched is a different unit, not a reused picture.
import type { Db } from '@invoicer/db';
import { type PhotoFinding, type PhotoRecord, parseNameplate, sameCode } from '@invoicer/evidence';

function differs(a: string | null, b: string | null): boolean {
  return a !== null && b !== null && !sameCode(a, b);
}

export async function dropDifferentNameplates(
  db: Db,
  tenantId: string,
  findings: PhotoFinding[],
  photos: PhotoRecord[],
): Promise<{ findings: PhotoFinding[]; notes: string[] }> {
  const notes: string[] = [];
  const kept: PhotoFinding[] = [];
  for (const finding of findings) {
    const own = photos.find((p) => p.attachmentId === finding.attachmentId)?.ocrText;
    if (finding.kind !== 'reused' || !own || !finding.otherAttachmentIds?.length) {
      kept.push(finding);
      continue;
    }
    const rows = await db.$queryRaw<{ ocr_text: string | null }[]>`
      SELECT ocr_text FROM evidence_photos
      WHERE tenant_id = ${tenantId} AND attachment_id = ANY(${finding.otherAttachmentIds.map(BigInt)}::bigint[])`;
    const mine = parseNameplate(own);
    const allDiffer =
      rows.length > 0 &&
      rows.every((r) => {
        const theirs = parseNameplate(r.ocr_text ?? '');
        return differs(mine.serial, theirs.serial) || differs(mine.model, theirs.model);
      });
    if (allDiffer)
      notes.push(
        `${finding.fileName}: looks like a photo of job ${finding.otherJobIds?.join(', ')}, but its nameplate reads differently: not reused`,
      );
    else kept.push(finding);
  }
  return { findings: kept, notes };
}
