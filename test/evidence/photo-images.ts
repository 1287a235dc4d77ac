// Synthetic job photos for the evidence tests, made in code (no binaries committed): a seeded
// "scene" of shapes rendered from SVG by sharp, saved as JPEG with EXIF capture time (camera
// local time, optionally with its offset) and GPS, as a phone would write them.
import sharp from 'sharp';

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

/** A distinct picture per seed: a gradient background and a dozen coloured shapes. */
export function sceneSvg(seed: number, width = 640, height = 480): string {
  const r = rng(seed);
  const colour = () => `rgb(${Math.floor(r() * 255)},${Math.floor(r() * 255)},${Math.floor(r() * 255)})`;
  const shapes = Array.from({ length: 12 }, () =>
    r() < 0.5
      ? `<rect x="${r() * width}" y="${r() * height}" width="${40 + r() * 200}" height="${40 + r() * 160}" fill="${colour()}"/>`
      : `<circle cx="${r() * width}" cy="${r() * height}" r="${20 + r() * 120}" fill="${colour()}"/>`,
  ).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${colour()}"/><stop offset="1" stop-color="${colour()}"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>${shapes}</svg>`;
}

function rational(deg: number): string {
  const a = Math.abs(deg);
  const d = Math.floor(a);
  const m = Math.floor((a - d) * 60);
  const s = Math.round(((a - d) * 60 - m) * 60 * 100);
  return `${d}/1 ${m}/1 ${s}/100`;
}

export interface PhotoSpec {
  seed: number;
  /** Camera local time, "YYYY:MM:DD HH:MM:SS". */
  local?: string;
  offset?: string;
  gps?: { lat: number; lon: number };
  width?: number;
  quality?: number;
}

export async function photoJpeg(spec: PhotoSpec): Promise<Buffer> {
  const width = spec.width ?? 640;
  const exif: Record<string, Record<string, string>> = { IFD0: { Make: 'TestCam', Model: 'Evidence 1' } };
  if (spec.local)
    exif.IFD2 = { DateTimeOriginal: spec.local, ...(spec.offset ? { OffsetTimeOriginal: spec.offset } : {}) };
  if (spec.gps)
    exif.IFD3 = {
      GPSLatitudeRef: spec.gps.lat >= 0 ? 'N' : 'S',
      GPSLatitude: rational(spec.gps.lat),
      GPSLongitudeRef: spec.gps.lon >= 0 ? 'E' : 'W',
      GPSLongitude: rational(spec.gps.lon),
    };
  return sharp(Buffer.from(sceneSvg(spec.seed)))
    .resize(width)
    .jpeg({ quality: spec.quality ?? 80 })
    .withExif(exif)
    .toBuffer();
}

/** Metres → degrees of latitude, to place a photo a known distance north of a point. */
export const metresNorth = (m: number) => m / 111_195;
