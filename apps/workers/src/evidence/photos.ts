// The job's photos: download each image attachment, read its EXIF time and place and its dHash,
// remember it (evidence_photos) and find the same picture on the tenant's other jobs; then the
// checks in @invoicer/evidence decide what to flag. A photo that cannot be read is a note, never
// a failure of the run.
import type { JobContext } from '@invoicer/billing';
import type { EvidenceSettings } from '@invoicer/core';
import type { Db } from '@invoicer/db';
import { mirrorRecords } from '@invoicer/db';
import {
  checkPhotos,
  dhash,
  loadSharp,
  type PhotoFinding,
  type PhotoRecord,
  type ReuseMatch,
  readMetadata,
  sniffImage,
} from '@invoicer/evidence';
import type { Logger } from '@invoicer/platform';
import { downloadJobAttachment, type StClient } from '@invoicer/servicetitan';

/** What the review console shows of a photo: 240 px wide, a few KB. */
async function thumbnailOf(bytes: Buffer): Promise<Buffer> {
  const sharp = await loadSharp();
  return sharp(bytes)
    .rotate()
    .resize({ width: 240, withoutEnlargement: true })
    .jpeg({ quality: 60 })
    .toBuffer();
}

/** At most this many photos per job are read (the newest attachments last). */
const MAX_PHOTOS = 30;
const MAX_BYTES = 25 * 1024 * 1024;
const NOT_IMAGES = /\.(pdf|docx?|xlsx?|txt|csv|html?)$/i;

export interface PhotoEvidence {
  photos: PhotoRecord[];
  findings: PhotoFinding[];
  notes: string[];
  /** Bytes of each photo read, for the nameplate reader. */
  images: Map<number, Buffer>;
}

async function locationCoordinates(db: Db, tenantId: string, locationId: number) {
  const [location] = await mirrorRecords<{
    address?: { latitude?: number | null; longitude?: number | null };
  }>(db, tenantId, 'crm/locations', [locationId]);
  const lat = location?.address?.latitude;
  const lon = location?.address?.longitude;
  return typeof lat === 'number' && typeof lon === 'number' ? { lat, lon } : null;
}

async function reuseOf(
  db: Db,
  tenantId: string,
  jobId: number,
  photo: { attachmentId: number; dhash: string },
  maxDistance: number,
): Promise<ReuseMatch[]> {
  const rows = await db.$queryRaw<{ attachment_id: bigint; st_job_id: bigint; distance: number }[]>`
    SELECT attachment_id, st_job_id, distance FROM (
      SELECT attachment_id, st_job_id,
             bit_count(('x' || dhash)::bit(64) # ('x' || ${photo.dhash})::bit(64))::int AS distance
      FROM evidence_photos
      WHERE tenant_id = ${tenantId} AND st_job_id <> ${jobId} AND dhash IS NOT NULL
    ) d WHERE distance <= ${maxDistance}
    ORDER BY distance, attachment_id LIMIT 5`;
  return rows.map((r) => ({
    attachmentId: photo.attachmentId,
    otherAttachmentId: Number(r.attachment_id),
    otherJobId: Number(r.st_job_id),
    distance: r.distance,
  }));
}

export async function checkJobPhotos(
  client: StClient,
  db: Db,
  context: JobContext,
  settings: EvidenceSettings,
  timezone: string,
  log: Logger,
): Promise<PhotoEvidence> {
  const out: PhotoEvidence = { photos: [], findings: [], notes: [], images: new Map() };
  // The job context does not carry attachments (drafting does not read them): one list call here.
  let attachments: Awaited<ReturnType<StClient['listAttachments']>>;
  try {
    attachments = await client.listAttachments(context.job.id);
  } catch (error) {
    // Photos are evidence, not a condition for billing: the item says they were not checked.
    log.warn({ err: (error as Error).message }, 'attachments not listed; photos not checked');
    out.notes.push(
      `Photos not checked: ServiceTitan did not list the attachments (${(error as Error).message.slice(0, 120)})`,
    );
    return out;
  }
  const candidates = attachments
    .filter((a) => a.active !== false && !NOT_IMAGES.test(a.fileName))
    .sort((a, b) => a.id - b.id)
    .slice(-MAX_PHOTOS);
  const reuse: ReuseMatch[] = [];
  for (const attachment of candidates) {
    let bytes: Buffer;
    try {
      bytes = await downloadJobAttachment(client, attachment.id);
    } catch (error) {
      out.notes.push(`${attachment.fileName}: could not be downloaded (${(error as Error).message})`);
      continue;
    }
    const kind = bytes.length <= MAX_BYTES ? sniffImage(bytes) : null;
    if (!kind) continue;
    if (kind === 'heic') {
      out.notes.push(`${attachment.fileName}: HEIC photos are not read yet`);
      continue;
    }
    try {
      const meta = await readMetadata(bytes, timezone);
      const hash = await dhash(bytes);
      const thumbnail = await thumbnailOf(bytes);
      const record: PhotoRecord = {
        attachmentId: attachment.id,
        fileName: attachment.fileName,
        takenAt: meta.takenAt?.toISOString() ?? null,
        gps: meta.gps,
        dhash: hash,
      };
      await db.$executeRaw`
        INSERT INTO evidence_photos (tenant_id, attachment_id, st_job_id, file_name, dhash, taken_at, latitude, longitude, thumbnail)
        VALUES (${context.tenantId}, ${attachment.id}, ${context.job.id}, ${attachment.fileName}, ${hash},
                ${meta.takenAt}, ${meta.gps?.lat ?? null}, ${meta.gps?.lon ?? null}, ${thumbnail})
        ON CONFLICT (tenant_id, attachment_id) DO NOTHING`;
      reuse.push(
        ...(await reuseOf(
          db,
          context.tenantId,
          context.job.id,
          { attachmentId: attachment.id, dhash: hash },
          settings.reuseMaxDistance,
        )),
      );
      if (!meta.takenAt && !meta.gps) out.notes.push(`${attachment.fileName}: no EXIF time or place`);
      out.photos.push(record);
      out.images.set(attachment.id, bytes);
    } catch (error) {
      log.warn({ attachmentId: attachment.id, err: (error as Error).message }, 'photo unreadable');
      out.notes.push(`${attachment.fileName}: unreadable image (${(error as Error).message})`);
    }
  }
  const location = await locationCoordinates(db, context.tenantId, context.location.id);
  if (!location && out.photos.some((p) => p.gps))
    out.notes.push('The job location has no coordinates: photo places not checked.');
  out.findings = checkPhotos(
    out.photos.map((p) => ({ ...p, takenAt: p.takenAt ? new Date(p.takenAt) : null })),
    { visits: context.appointments, completedOn: context.job.completedOn, location },
    reuse,
    settings,
  );
  return out;
}
