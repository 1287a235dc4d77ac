// Offline OCR of nameplates and part labels with the Tesseract CLI (Debian `tesseract-ocr`), run
// as a child process with a timeout. The image is normalised first (upright, greyscale, contrast
// stretched, upscaled to ~1,600 px wide, PNG) because phone photos of labels are small and dim.
import { spawn } from 'node:child_process';
import { loadSharp } from '../image.ts';

export interface OcrOptions {
  /** The tesseract executable (TESSERACT_BIN, default `tesseract` on the PATH). */
  bin: string;
  timeoutMs: number;
}

// No brackets or slashes: tesseract reads a descending J as ")" and a 7 as "/" when it may.
const WHITELIST = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:.- ';

export class OcrUnavailableError extends Error {
  override name = 'OcrUnavailableError';
}

export function ocrOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): OcrOptions {
  const timeout = Number(env.OCR_TIMEOUT_MS ?? 20_000);
  return {
    bin: env.TESSERACT_BIN || 'tesseract',
    timeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : 20_000,
  };
}

export async function prepareForOcr(bytes: Buffer): Promise<Buffer> {
  const sharp = await loadSharp();
  const image = sharp(bytes, { failOn: 'error' }).rotate();
  const { width } = await image.metadata();
  return image
    .greyscale()
    .normalise()
    .resize({ width: Math.max(1600, Math.min(width ?? 1600, 2400)) })
    .png()
    .toBuffer();
}

/** The text tesseract reads in the image (page segmentation 6: one uniform block of text). */
export async function ocrText(bytes: Buffer, options: OcrOptions): Promise<string> {
  const input = await prepareForOcr(bytes);
  return new Promise((resolve, reject) => {
    // Nameplates are upper-case codes and labels: a whitelist keeps "0" from becoming "@" or "o".
    const args = ['stdin', 'stdout', '--psm', '6', '-l', 'eng', '-c', `tessedit_char_whitelist=${WHITELIST}`];
    const child = spawn(options.bin, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      // One thread per OCR: workers run several stages at once on few cores (OpenMP would oversubscribe).
      env: { ...process.env, OMP_THREAD_LIMIT: '1' },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tesseract took longer than ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        error.code === 'ENOENT'
          ? new OcrUnavailableError(`${options.bin} not found: install Debian's tesseract-ocr`)
          : error,
      );
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else
        reject(new Error(`tesseract exited ${code}: ${Buffer.concat(err).toString('utf8').slice(0, 200)}`));
    });
    child.stdin.on('error', () => {}); // a child that died early closes its stdin: the close handler reports it
    child.stdin.end(input);
  });
}
