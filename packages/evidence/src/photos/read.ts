// Reading one photo: is it an image (magic bytes, since ServiceTitan serves octet-stream and
// names may lack extensions), its EXIF capture time and GPS position, and its dHash (64-bit
// difference hash of a 9×8 greyscale thumbnail: robust to re-encoding and resizing).
import exifr from 'exifr';
import { loadSharp } from '../image.ts';
import { localToUtc } from './time.ts';

export type ImageKind = 'jpeg' | 'png' | 'webp' | 'heic' | 'tiff';

export function sniffImage(bytes: Buffer): ImageKind | null {
  if (bytes.length < 12) return null;
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'png';
  if (bytes.toString('ascii', 0, 4) === 'RIFF' && bytes.toString('ascii', 8, 12) === 'WEBP') return 'webp';
  if (
    bytes.toString('ascii', 4, 8) === 'ftyp' &&
    /^(heic|heix|hevc|mif1|msf1)$/.test(bytes.toString('ascii', 8, 12))
  )
    return 'heic';
  const tiff = bytes.toString('ascii', 0, 4);
  if (tiff === 'II*\0' || tiff === 'MM\0*') return 'tiff';
  return null;
}

export interface PhotoMetadata {
  takenAt: Date | null;
  /** How takenAt was placed in time: the photo's own offset, or the shop's time zone. */
  takenAtBasis: 'offset' | 'timezone' | null;
  gps: { lat: number; lon: number } | null;
}

const EXIF_DATE = /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** EXIF capture time (DateTimeOriginal, local to the camera) and GPS; nulls when absent. */
export async function readMetadata(bytes: Buffer, timezone: string): Promise<PhotoMetadata> {
  const tags = (await exifr
    .parse(bytes, {
      reviveValues: false,
      pick: [
        'DateTimeOriginal',
        'OffsetTimeOriginal',
        'GPSLatitude',
        'GPSLatitudeRef',
        'GPSLongitude',
        'GPSLongitudeRef',
      ],
    })
    .catch(() => null)) as Record<string, unknown> | null;
  let takenAt: Date | null = null;
  let basis: PhotoMetadata['takenAtBasis'] = null;
  const m = typeof tags?.DateTimeOriginal === 'string' ? EXIF_DATE.exec(tags.DateTimeOriginal) : null;
  if (m) {
    const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
    const offset =
      typeof tags?.OffsetTimeOriginal === 'string'
        ? /^([+-])(\d{2}):(\d{2})$/.exec(tags.OffsetTimeOriginal)
        : null;
    if (offset) {
      const minutes = (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3]));
      takenAt = new Date(Date.UTC(y, mo - 1, d, h, mi, s) - minutes * 60_000);
      basis = 'offset';
    } else {
      takenAt = localToUtc({ y, mo, d, h, mi, s }, timezone);
      basis = 'timezone';
    }
  }
  const lat = typeof tags?.latitude === 'number' ? tags.latitude : null;
  const lon = typeof tags?.longitude === 'number' ? tags.longitude : null;
  return { takenAt, takenAtBasis: basis, gps: lat !== null && lon !== null ? { lat, lon } : null };
}

/** 64-bit difference hash as 16 hex digits (each bit: is a pixel brighter than its right neighbour). */
export async function dhash(bytes: Buffer): Promise<string> {
  const sharp = await loadSharp();
  const { data } = await sharp(bytes, { failOn: 'error' })
    .rotate()
    .greyscale()
    .resize(9, 8, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  let bits = 0n;
  for (let row = 0; row < 8; row++)
    for (let col = 0; col < 8; col++) {
      const left = data[row * 9 + col]!;
      const right = data[row * 9 + col + 1]!;
      bits = (bits << 1n) | (left > right ? 1n : 0n);
    }
  return bits.toString(16).padStart(16, '0');
}

export function hamming(a: string, b: string): number {
  let x = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let n = 0;
  while (x) {
    n += Number(x & 1n);
    x >>= 1n;
  }
  return n;
}
