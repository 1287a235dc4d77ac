// Fonts inlined as base64 @font-face rules, so the page needs no network and the PDF embeds the
// same glyphs on every machine with Debian's fonts-dejavu-core. Read once per process.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const DEFAULT_FONT_DIR = '/usr/share/fonts/truetype/dejavu';
export const FONT_FAMILY = 'Invoice Sans';

const FACES = [
  { file: 'DejaVuSans.ttf', weight: 400 },
  { file: 'DejaVuSans-Bold.ttf', weight: 700 },
] as const;

const cache = new Map<string, string>();

/** The @font-face CSS for the invoice's font family. Throws naming the missing file. */
export function fontFaceCss(dir: string = process.env.DOCUMENT_FONT_DIR || DEFAULT_FONT_DIR): string {
  const cached = cache.get(dir);
  if (cached) return cached;
  const rules = FACES.map(({ file, weight }) => {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path.join(dir, file));
    } catch {
      throw new Error(
        `font ${path.join(dir, file)} is missing: install Debian's fonts-dejavu-core or set DOCUMENT_FONT_DIR`,
      );
    }
    return `@font-face{font-family:'${FONT_FAMILY}';font-weight:${weight};font-style:normal;src:url(data:font/ttf;base64,${bytes.toString('base64')}) format('truetype');}`;
  });
  const css = rules.join('\n');
  cache.set(dir, css);
  return css;
}
