// Metadata forensics on a job's photos, before any model: taken outside the job's visits, taken
// far from the job's location, or the same picture as a photo of another job. Pure: the stage
// reads the photos and the reuse matches, this decides.
import type { PhotoFinding } from '../output.ts';

export interface CheckedPhoto {
  attachmentId: number;
  fileName: string;
  takenAt: Date | null;
  gps: { lat: number; lon: number } | null;
}

export interface JobFrame {
  visits: { start: string; end: string | null }[];
  completedOn: string;
  location: { lat: number; lon: number } | null;
}

export interface ReuseMatch {
  attachmentId: number;
  otherJobId: number;
  otherAttachmentId: number;
  distance: number;
}

export interface PhotoCheckSettings {
  photoWindowHours: number;
  photoMaxDistanceMeters: number;
}

const HOUR = 3_600_000;

/** "2026-01-31 09:30 UTC": what a reviewer reads (the console shows the ISO time's minutes). */
const minute = (t: number) => `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** Great-circle distance in metres (haversine, mean Earth radius). */
export function distanceMeters(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** From the first visit's start to the last visit's end (or completion), widened by the window. */
export function photoWindow(frame: JobFrame, windowHours: number): { from: number; to: number } {
  const completed = Date.parse(frame.completedOn);
  const starts = frame.visits.map((v) => Date.parse(v.start)).filter(Number.isFinite);
  const ends = [completed, ...frame.visits.map((v) => (v.end ? Date.parse(v.end) : Number.NaN))].filter(
    Number.isFinite,
  );
  const from = starts.length ? Math.min(...starts) : completed - 12 * HOUR;
  return { from: from - windowHours * HOUR, to: Math.max(...ends) + windowHours * HOUR };
}

export function checkPhotos(
  photos: CheckedPhoto[],
  frame: JobFrame,
  reuse: ReuseMatch[],
  settings: PhotoCheckSettings,
): PhotoFinding[] {
  const window = photoWindow(frame, settings.photoWindowHours);
  const findings: PhotoFinding[] = [];
  for (const photo of photos) {
    const base = { attachmentId: photo.attachmentId, fileName: photo.fileName };
    if (photo.takenAt) {
      const t = photo.takenAt.getTime();
      if (t < window.from || t > window.to)
        findings.push({
          ...base,
          kind: 'wrong_day',
          message: `${photo.fileName} was taken ${minute(t)}, outside the job's visits (${minute(window.from)} – ${minute(window.to)})`,
        });
    }
    if (photo.gps && frame.location) {
      const metres = distanceMeters(photo.gps, frame.location);
      if (metres > settings.photoMaxDistanceMeters)
        findings.push({
          ...base,
          kind: 'wrong_place',
          message: `${photo.fileName} was taken ${Math.round(metres)} m from the job's location (limit ${settings.photoMaxDistanceMeters} m)`,
        });
    }
    const same = reuse.filter((r) => r.attachmentId === photo.attachmentId);
    if (same.length)
      findings.push({
        ...base,
        kind: 'reused',
        otherJobIds: [...new Set(same.map((r) => r.otherJobId))],
        otherAttachmentIds: same.map((r) => r.otherAttachmentId),
        message: `${photo.fileName} is the same picture as a photo of job ${[...new Set(same.map((r) => r.otherJobId))].join(', ')} (dHash distance ${Math.min(...same.map((r) => r.distance))})`,
      });
  }
  return findings;
}
