// Everything the evidence stage learns from the job's photos, in order: metadata checks (time,
// place, reuse), nameplates (OCR, matched to equipment; a near-identical label with other numbers
// is not a reused photo), then, when the shop configured one, the vision model's findings.
import { describePhotos } from '@invoicer/ai';
import type { JobContext, PricedLine } from '@invoicer/billing';
import type { TenantSettings } from '@invoicer/core';
import { groundVision, loadSharp, type PhotoFinding, type PhotoRecord } from '@invoicer/evidence';
import type { Logger } from '@invoicer/platform';
import type { StClient } from '@invoicer/servicetitan';
import type { WorkerServices } from '../services.ts';
import { readNameplates } from './nameplates.ts';
import { checkJobPhotos } from './photos.ts';
import { dropDifferentNameplates } from './reuse-text.ts';

/** Findings a person must look at before the invoice goes out. */
export const PHOTO_REVIEW_KINDS = new Set<PhotoFinding['kind']>([
  'wrong_day',
  'wrong_place',
  'reused',
  'nameplate_mismatch',
  'vision_contradicts',
]);
/** Photos sent to the vision model per job, each downscaled to ≤ 1,024 px. */
const MAX_VISION_PHOTOS = 8;

export interface PhotoEvidenceResult {
  photos: PhotoRecord[];
  findings: PhotoFinding[];
  notes: string[];
}

export async function photoEvidence(
  services: WorkerServices,
  client: StClient,
  tenantId: string,
  context: JobContext,
  lines: PricedLine[],
  settings: TenantSettings,
  log: Logger,
): Promise<PhotoEvidenceResult> {
  const evidence = settings.evidence;
  const timezone = context.laborTime?.timezone ?? settings.rules.afterHours.timezone;
  const read = await checkJobPhotos(client, services.db, context, evidence, timezone, log);
  const out: PhotoEvidenceResult = { photos: read.photos, findings: read.findings, notes: read.notes };
  if (evidence.nameplates && read.photos.length) {
    const plates = await readNameplates(client, services.db, tenantId, context.location.id, read, lines, log);
    const reuse = await dropDifferentNameplates(services.db, tenantId, out.findings, out.photos);
    out.findings = [...reuse.findings, ...plates.findings];
    out.notes.push(...plates.notes, ...reuse.notes);
  }
  if (evidence.vision && settings.ai.provider === 'openai' && read.photos.length) {
    const shown = read.photos.slice(0, MAX_VISION_PHOTOS);
    try {
      const sharp = await loadSharp();
      const photos = await Promise.all(
        shown.map(async (p) => ({
          photoId: p.attachmentId,
          jpeg: await sharp(read.images.get(p.attachmentId)!)
            .rotate()
            .resize({ width: 1024, height: 1024, fit: 'inside', withoutEnlargement: true })
            .jpeg({ quality: 80 })
            .toBuffer(),
        })),
      );
      const offered = lines.map((l) => ({ key: l.key, name: l.skuName, type: l.type }));
      const reading = await describePhotos(
        {
          apiKey: process.env.OPENAI_API_KEY,
          baseURL: settings.ai.baseUrl ?? process.env.OPENAI_BASE_URL,
          model: evidence.visionModel ?? settings.ai.model,
          timeoutMs: settings.ai.timeoutMs,
        },
        { lines: offered, photos },
      );
      const grounded = groundVision(reading, offered, shown);
      out.findings.push(...grounded.findings);
      if (grounded.dropped.length)
        out.notes.push(
          `Vision model: ${grounded.dropped.length} finding(s) dropped (${[...new Set(grounded.dropped.map((d) => d.reason))].join(', ')})`,
        );
    } catch (error) {
      // The model is optional evidence: its failure is a note, never a failed run.
      log.warn({ err: (error as Error).message }, 'vision model failed');
      out.notes.push(`Vision model failed: ${(error as Error).message.slice(0, 200)}`);
    }
  }
  return out;
}
