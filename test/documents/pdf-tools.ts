// Poppler and qpdf on a PDF in memory, and whether this machine can run the PDF tests at all
// (Debian's chromium, poppler-utils and qpdf; .ci/run installs them when missing).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM_PATH } from '@invoicer/documents';

function has(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
}

/** Why the PDF tests cannot run here, or null when they can. */
export function pdfToolsMissing(): string | null {
  const missing = [
    existsSync(CHROMIUM_PATH) ? null : `chromium (${CHROMIUM_PATH})`,
    ...['pdftotext', 'pdfinfo', 'pdffonts', 'qpdf'].map((t) => (has(t) ? null : t)),
  ].filter(Boolean);
  return missing.length
    ? `PDF tests skipped: ${missing.join(', ')} missing (apt-get install chromium poppler-utils qpdf; .ci/run does it)`
    : null;
}

function withFile<T>(bytes: Buffer, run: (file: string) => T): T {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pdf-test-'));
  const file = path.join(dir, 'doc.pdf');
  writeFileSync(file, bytes);
  try {
    return run(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `pdftotext -layout` (or `-raw`), one string per page. */
export function pdfText(bytes: Buffer, mode: 'layout' | 'raw' = 'layout'): string[] {
  const text = withFile(bytes, (file) =>
    execFileSync('pdftotext', [`-${mode}`, '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }),
  );
  const pages = text.split('\f');
  if (pages.at(-1)?.trim() === '') pages.pop();
  return pages;
}

export function pdfInfo(bytes: Buffer): Record<string, string> {
  const out = withFile(bytes, (file) => execFileSync('pdfinfo', [file], { encoding: 'utf8' }));
  return Object.fromEntries(
    out
      .split('\n')
      .map((line) => /^([^:]+):\s*(.*)$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1]!.trim(), m[2]!.trim()]),
  );
}

/** `pdffonts` rows: font name and whether it is embedded. */
export function pdfFonts(bytes: Buffer): { name: string; embedded: boolean }[] {
  const out = withFile(bytes, (file) => execFileSync('pdffonts', [file], { encoding: 'utf8' }));
  return out
    .split('\n')
    .slice(2)
    .filter((line) => line.trim())
    .map((line) => {
      const cols = line.trim().split(/\s+/);
      // name type… encoding emb sub uni object ID: emb is the 5th column from the end.
      return { name: cols[0]!, embedded: cols.at(-5) === 'yes' };
    });
}

/** `qpdf --check`: exit status and output. */
export function qpdfCheck(bytes: Buffer): { ok: boolean; output: string } {
  return withFile(bytes, (file) => {
    const result = spawnSync('qpdf', ['--check', file], { encoding: 'utf8' });
    return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
  });
}

/** Whitespace collapsed: for finding a row's text across pdftotext's line breaks. */
export function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
