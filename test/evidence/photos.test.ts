// Reading photos and the metadata checks, on JPEGs generated with EXIF time and GPS.
import { checkPhotos, dhash, distanceMeters, hamming, readMetadata, sniffImage } from '@invoicer/evidence';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { metresNorth, photoJpeg } from './photo-images.ts';

const home = { lat: 39.7817, lon: -89.6501 };
const frame = {
  visits: [{ start: '2026-01-05T15:00:00Z', end: '2026-01-05T17:00:00Z' }],
  completedOn: '2026-01-05T21:00:00Z',
  location: home,
};
const settings = { photoWindowHours: 2, photoMaxDistanceMeters: 500 };

describe('reading a photo', () => {
  it('reads EXIF time in the shop’s zone or at its own offset, and GPS', async () => {
    const chicago = await photoJpeg({ seed: 1, local: '2026:01:05 10:30:00', gps: home });
    const meta = await readMetadata(chicago, 'America/Chicago');
    expect(meta.takenAt?.toISOString()).toBe('2026-01-05T16:30:00.000Z');
    expect(meta.takenAtBasis).toBe('timezone');
    expect(distanceMeters(meta.gps!, home)).toBeLessThan(1);
    const offset = await readMetadata(
      await photoJpeg({ seed: 1, local: '2026:07:05 10:30:00', offset: '-05:00' }),
      'America/Los_Angeles',
    );
    expect(offset).toMatchObject({ takenAtBasis: 'offset', gps: null });
    expect(offset.takenAt?.toISOString()).toBe('2026-07-05T15:30:00.000Z');
    const bare = await readMetadata(await sharp(chicago).jpeg().toBuffer(), 'America/Chicago');
    expect(bare).toEqual({ takenAt: null, takenAtBasis: null, gps: null });
  });

  it('sniffs images by their bytes, whatever the name says', async () => {
    expect(sniffImage(await photoJpeg({ seed: 2 }))).toBe('jpeg');
    expect(
      sniffImage(
        await sharp(await photoJpeg({ seed: 2 }))
          .png()
          .toBuffer(),
      ),
    ).toBe('png');
    expect(sniffImage(Buffer.from('%PDF-1.7 not an image'))).toBeNull();
  });

  it('gives a re-encoded, resized copy a near hash, and other scenes far ones', async () => {
    const original = await dhash(await photoJpeg({ seed: 3 }));
    const copy = await dhash(await photoJpeg({ seed: 3, width: 320, quality: 45 }));
    expect(hamming(original, copy)).toBeLessThanOrEqual(8);
    const others = await Promise.all(
      [4, 5, 6, 7, 8, 9, 10, 11].map(async (seed) => dhash(await photoJpeg({ seed }))),
    );
    for (const other of others) expect(hamming(original, other)).toBeGreaterThan(8);
  });
});

describe('checkPhotos', () => {
  const photo = (id: number, takenAt: string | null, gps: { lat: number; lon: number } | null) => ({
    attachmentId: id,
    fileName: `p${id}.jpg`,
    takenAt: takenAt ? new Date(takenAt) : null,
    gps,
  });

  it('flags another day, a far place and a reused picture, and nothing on good photos', () => {
    const findings = checkPhotos(
      [
        photo(1, '2026-01-05T16:00:00Z', home),
        photo(2, '2026-01-03T16:00:00Z', home),
        photo(3, '2026-01-05T16:00:00Z', { lat: home.lat + metresNorth(800), lon: home.lon }),
        photo(4, '2026-01-05T16:10:00Z', { lat: home.lat + metresNorth(300), lon: home.lon }),
        photo(5, null, null),
        photo(6, '2026-01-05T22:59:00Z', home),
      ],
      frame,
      [{ attachmentId: 5, otherJobId: 77, otherAttachmentId: 900, distance: 2 }],
      settings,
    );
    expect(findings.map((f) => [f.attachmentId, f.kind])).toEqual([
      [2, 'wrong_day'],
      [3, 'wrong_place'],
      [5, 'reused'],
    ]);
    expect(findings[2]?.otherJobIds).toEqual([77]);
  });

  it('does not check places when the location has no coordinates', () => {
    const far = photo(1, '2026-01-05T16:00:00Z', { lat: 0, lon: 0 });
    expect(checkPhotos([far], { ...frame, location: null }, [], settings)).toEqual([]);
  });
});
