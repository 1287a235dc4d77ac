// Nameplates in the job's photos: OCR each photo read (Tesseract, a child process with a
// timeout), keep the model and serial numbers found, and match them against the location's
// installed equipment and the draft's equipment lines. OCR missing or failing is a note.
import type { PricedLine } from '@invoicer/billing';
import type { Db } from '@invoicer/db';
import {
  type InstalledEquipmentInput,
  matchNameplate,
  OcrUnavailableError,
  ocrOptionsFromEnv,
  ocrText,
  type PhotoFinding,
  parseNameplate,
} from '@invoicer/evidence';
import type { Logger } from '@invoicer/platform';
import { StApiError, type StClient } from '@invoicer/servicetitan';
import { z } from 'zod';
import type { PhotoEvidence } from './photos.ts';

/** OCR takes about 1.5 s a photo here: at most this many photos per job are read. */
const MAX_OCR_PHOTOS = 10;

const InstalledEquipment = z.looseObject({
  id: z.number().int(),
  name: z.string().nullish(),
  model: z.string().nullish(),
  serialNumber: z.string().nullish(),
  manufacturer: z.string().nullish(),
  active: z.boolean().nullish(),
});

async function installedAt(client: StClient, locationId: number): Promise<InstalledEquipmentInput[] | null> {
  try {
    const rows = await client.listAll('equipmentsystems', '/installed-equipment', InstalledEquipment, {
      locationIds: locationId,
      active: 'Any',
    });
    return rows.map((r) => ({
      id: r.id,
      name: r.name ?? null,
      model: r.model ?? null,
      serialNumber: r.serialNumber ?? null,
      manufacturer: r.manufacturer ?? null,
    }));
  } catch (error) {
    if (error instanceof StApiError && (error.status === 404 || error.status === 403)) return null;
    throw error;
  }
}

export async function readNameplates(
  client: StClient,
  db: Db,
  tenantId: string,
  locationId: number,
  photos: PhotoEvidence,
  lines: PricedLine[],
  log: Logger,
): Promise<{ findings: PhotoFinding[]; notes: string[] }> {
  const out = { findings: [] as PhotoFinding[], notes: [] as string[] };
  const options = ocrOptionsFromEnv();
  let installed: InstalledEquipmentInput[] | null | undefined;
  const billed = lines
    .filter((l) => l.type === 'Equipment')
    .map((l) => ({ key: l.key, skuCode: l.skuCode, skuName: l.skuName }));
  for (const photo of photos.photos.slice(0, MAX_OCR_PHOTOS)) {
    const bytes = photos.images.get(photo.attachmentId);
    if (!bytes) continue;
    let text: string;
    try {
      text = await ocrText(bytes, options);
    } catch (error) {
      if (error instanceof OcrUnavailableError) {
        out.notes.push(`Nameplates not read: ${error.message}`);
        return out;
      }
      log.warn({ attachmentId: photo.attachmentId, err: (error as Error).message }, 'OCR failed');
      out.notes.push(`${photo.fileName}: OCR failed (${(error as Error).message})`);
      continue;
    }
    const read = parseNameplate(text);
    if (!read.model && !read.serial) continue;
    photo.ocrText = text.trim();
    await db.$executeRaw`UPDATE evidence_photos SET ocr_text = ${photo.ocrText}
      WHERE tenant_id = ${tenantId} AND attachment_id = ${photo.attachmentId}`;
    if (installed === undefined) {
      installed = await installedAt(client, locationId).catch((error: Error) => {
        out.notes.push(
          `Installed equipment not read (${error.message.slice(0, 120)}): matched to billed equipment only.`,
        );
        return [];
      });
      if (installed === null)
        out.notes.push(
          'The tenant’s API does not offer installed equipment: serials matched to billed equipment only.',
        );
    }
    out.findings.push(...matchNameplate(photo, read, installed ?? [], billed));
  }
  return out;
}
