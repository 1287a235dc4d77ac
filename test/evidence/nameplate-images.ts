// Synthetic nameplates with known model and serial numbers, rendered from SVG by sharp (DejaVu
// fonts), slightly rotated and saved as a mid-quality JPEG like a phone photo of a unit's label.
import sharp from 'sharp';

const MAKERS = ['TRANE', 'CARRIER', 'LENNOX', 'RHEEM', 'GOODMAN', 'BRYANT', 'AMERICAN STANDARD', 'YORK'];
const ALNUM = 'ABCDEFGHJKLMNPRTUVWXY0123456789';

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

export interface Nameplate {
  manufacturer: string;
  model: string;
  serial: string;
}

export function nameplateFor(seed: number): Nameplate {
  const r = rng(seed * 7919 + 13);
  const pick = (chars: string, n: number) =>
    Array.from({ length: n }, () => chars[Math.floor(r() * chars.length)]).join('');
  return {
    manufacturer: MAKERS[Math.floor(r() * MAKERS.length)]!,
    model: `${pick('123456789', 1)}${pick('ABCDEFGHJKMNPRTUVWXY', 3)}${pick('0123456789', 4)}${pick(ALNUM, 5)}`,
    serial: `${pick('0123456789', 5)}${pick(ALNUM, 4)}`,
  };
}

export async function nameplateJpeg(plate: Nameplate, seed: number): Promise<Buffer> {
  const r = rng(seed);
  const angle = (r() - 0.5) * 6; // ±3°
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="420">
    <rect width="100%" height="100%" fill="#d9dcd6"/>
    <rect x="20" y="20" width="860" height="380" rx="14" fill="#f4f4ef" stroke="#333" stroke-width="4"/>
    <text x="50" y="90" font-family="DejaVu Sans" font-weight="bold" font-size="44" fill="#111">${plate.manufacturer}</text>
    <text x="50" y="140" font-family="DejaVu Sans" font-size="24" fill="#333">SPLIT SYSTEM HEAT PUMP  208/230V 1PH 60HZ</text>
    <text x="50" y="230" font-family="DejaVu Sans" font-size="40" fill="#111">MODEL NO: ${plate.model}</text>
    <text x="50" y="300" font-family="DejaVu Sans" font-size="40" fill="#111">SERIAL NO: ${plate.serial}</text>
    <text x="50" y="360" font-family="DejaVu Sans" font-size="22" fill="#444">REFRIGERANT R-410A  FACTORY CHARGE 6 LB 4 OZ</text>
  </svg>`;
  return sharp(Buffer.from(svg))
    .rotate(angle, { background: '#9a9c98' })
    .resize({ width: 1000 })
    .jpeg({ quality: 70 })
    .toBuffer();
}
