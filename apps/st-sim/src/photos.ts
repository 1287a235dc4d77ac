// Job photos rendered from the generator's descriptions (generator/evidence): a scene of shapes,
// or a nameplate with its numbers, framed differently on every photo, saved as a phone's JPEG
// with the EXIF capture time and GPS it describes. Deterministic: the same description gives the
// same bytes, so a reused photo is the same picture as its original.
import sharp, { type Sharp } from 'sharp';
import type { PhotoFile } from './generator/evidence/types.ts';
import { Rng } from './generator/rng.ts';

const colour = (r: Rng, lo = 0, hi = 255) => `rgb(${r.int(lo, hi)},${r.int(lo, hi)},${r.int(lo, hi)})`;

function sceneSvg(seed: number): string {
  const r = new Rng(seed);
  const shapes = Array.from({ length: 14 }, () =>
    r.chance(0.5)
      ? `<rect x="${r.int(0, 640)}" y="${r.int(0, 480)}" width="${r.int(40, 240)}" height="${r.int(40, 200)}" fill="${colour(r)}"/>`
      : `<circle cx="${r.int(0, 640)}" cy="${r.int(0, 480)}" r="${r.int(20, 140)}" fill="${colour(r)}"/>`,
  ).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${colour(r)}"/><stop offset="1" stop-color="${colour(r)}"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>${shapes}</svg>`;
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A nameplate on the unit's casing: where it sits in the frame, the casing and clutter vary. */
function nameplateSvg(seed: number, plate: NonNullable<PhotoFile['plate']>): string {
  const r = new Rng(seed);
  const x = r.int(10, 130);
  const y = r.int(10, 200);
  const clutter = Array.from({ length: 5 }, () => {
    const side = r.int(0, 3);
    const cx = side === 0 ? r.int(0, 60) : side === 1 ? r.int(940, 1040) : r.int(0, 1040);
    const cy = side < 2 ? r.int(0, 660) : side === 2 ? r.int(0, 40) : r.int(620, 660);
    return `<rect x="${cx}" y="${cy}" width="${r.int(30, 140)}" height="${r.int(30, 140)}" fill="${colour(r, 20, 200)}"/>`;
  }).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="1040" height="660">
    <defs><linearGradient id="c" x1="${r.int(0, 1)}" y1="0" x2="${r.int(0, 1)}" y2="1"><stop offset="0" stop-color="${colour(r, 60, 200)}"/><stop offset="1" stop-color="${colour(r, 60, 200)}"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#c)"/>${clutter}
    <g transform="translate(${x},${y})">
    <rect x="0" y="0" width="880" height="400" rx="14" fill="#f4f4ef" stroke="#333" stroke-width="4"/>
    <text x="30" y="70" font-family="DejaVu Sans" font-weight="bold" font-size="44" fill="#111">${xml(plate.manufacturer)}</text>
    <text x="30" y="120" font-family="DejaVu Sans" font-size="24" fill="#333">${xml(plate.heading)}</text>
    <text x="30" y="210" font-family="DejaVu Sans" font-size="40" fill="#111">MODEL NO: ${xml(plate.model)}</text>
    <text x="30" y="280" font-family="DejaVu Sans" font-size="40" fill="#111">SERIAL NO: ${xml(plate.serial)}</text>
    <text x="30" y="350" font-family="DejaVu Sans" font-size="22" fill="#444">MADE IN USA  FACTORY TESTED</text>
    </g></svg>`;
}

function rational(deg: number): string {
  const a = Math.abs(deg);
  const d = Math.floor(a);
  const m = Math.floor((a - d) * 60);
  const s = Math.round(((a - d) * 60 - m) * 60 * 100);
  return `${d}/1 ${m}/1 ${s}/100`;
}

function exifOf(file: PhotoFile): Record<string, Record<string, string>> {
  const exif: Record<string, Record<string, string>> = { IFD0: { Make: 'Apple', Model: 'iPhone 13' } };
  if (!file.exif) return exif;
  exif.IFD2 = {
    DateTimeOriginal: file.exif.local,
    ...(file.exif.offset ? { OffsetTimeOriginal: file.exif.offset } : {}),
  };
  const gps = file.exif.gps;
  if (gps)
    exif.IFD3 = {
      GPSLatitudeRef: gps.lat >= 0 ? 'N' : 'S',
      GPSLatitude: rational(gps.lat),
      GPSLongitudeRef: gps.lon >= 0 ? 'E' : 'W',
      GPSLongitude: rational(gps.lon),
    };
  return exif;
}

export async function renderPhoto(file: PhotoFile): Promise<Buffer> {
  let image: Sharp;
  if (file.render === 'nameplate' && file.plate) {
    const angle = (new Rng(file.seed ^ 0x5bd1e995).next() - 0.5) * 6; // ±3°, as held by hand
    image = sharp(Buffer.from(nameplateSvg(file.seed, file.plate)))
      .rotate(angle, { background: '#8f918d' })
      .resize({ width: Math.max(file.width, 1000) });
  } else image = sharp(Buffer.from(sceneSvg(file.seed))).resize({ width: file.width });
  const jpeg = image.jpeg({ quality: file.quality });
  // No EXIF at all (a forwarded picture): sharp writes none unless asked.
  return (file.exif ? jpeg.withExif(exifOf(file)) : jpeg).toBuffer();
}
