// A vision model's photo findings, grounded before use: a finding may only point at a line of
// the draft and a photo it was shown; text that states an amount is dropped (numbers reaching a
// customer come from code). What remains supports a line or questions it: evidence and review
// reasons only, never money.
import type { PhotoFinding } from './output.ts';

export interface VisionFindingInput {
  photoId: number;
  item: string;
  state: string;
  action: string;
  lineKey: string | null;
  evidence: 'present' | 'contradicts' | 'unclear';
  observation: string;
}

export interface GroundedVision {
  findings: PhotoFinding[];
  dropped: {
    reason: 'unknown_line' | 'unknown_photo' | 'states_amount';
    photoId: number;
    lineKey: string | null;
  }[];
}

const AMOUNT = /[$€£]\s*\d|\d+(?:[.,]\d+)?\s*(?:dollars|usd|eur)\b/i;

export function groundVision(
  reading: { photos: { photoId: number; findings: Omit<VisionFindingInput, 'photoId'>[] }[] },
  lines: { key: string; name: string }[],
  photos: { attachmentId: number; fileName: string }[],
): GroundedVision {
  const lineByKey = new Map(lines.map((l) => [l.key, l]));
  const photoById = new Map(photos.map((p) => [p.attachmentId, p]));
  const out: GroundedVision = { findings: [], dropped: [] };
  for (const photo of reading.photos) {
    const known = photoById.get(photo.photoId);
    for (const f of photo.findings) {
      const drop = (reason: GroundedVision['dropped'][number]['reason']) =>
        out.dropped.push({ reason, photoId: photo.photoId, lineKey: f.lineKey });
      if (!known) {
        drop('unknown_photo');
        continue;
      }
      if (f.lineKey !== null && !lineByKey.has(f.lineKey)) {
        drop('unknown_line');
        continue;
      }
      if (AMOUNT.test(f.observation) || AMOUNT.test(f.item) || AMOUNT.test(f.state)) {
        drop('states_amount');
        continue;
      }
      if (f.lineKey === null || f.evidence === 'unclear') continue;
      const line = lineByKey.get(f.lineKey)!;
      out.findings.push({
        attachmentId: known.attachmentId,
        fileName: known.fileName,
        kind: f.evidence === 'present' ? 'vision_supports' : 'vision_contradicts',
        lineKeys: [f.lineKey],
        message:
          `${f.evidence === 'present' ? 'Shows' : 'Questions'} ${line.name}: ${f.item}, ${f.state}, ${f.action}. ${f.observation}`.trim(),
      });
    }
  }
  return out;
}
