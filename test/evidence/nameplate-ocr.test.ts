// Nameplate OCR with the Debian tesseract CLI on generated nameplates (skips without tesseract),
// and the parse/match rules that need no OCR.
import { execFileSync } from 'node:child_process';
import {
  canonical,
  matchNameplate,
  OcrUnavailableError,
  ocrOptionsFromEnv,
  ocrText,
  parseNameplate,
  sameCode,
} from '@invoicer/evidence';
import { describe, expect, it } from 'vitest';
import { nameplateFor, nameplateJpeg } from './nameplate-images.ts';

function hasTesseract(): boolean {
  try {
    execFileSync(ocrOptionsFromEnv().bin, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const tesseract = hasTesseract();
if (!tesseract)
  console.warn('nameplate OCR tests skipped: tesseract not found (apt-get install tesseract-ocr)');

describe.skipIf(!tesseract)('nameplate OCR (tesseract)', () => {
  it('reads the serial exactly on at least 90% of 30 generated nameplates', async () => {
    const plates = Array.from({ length: 30 }, (_, i) => nameplateFor(i + 1));
    let serials = 0;
    let models = 0;
    for (const [i, plate] of plates.entries()) {
      const read = parseNameplate(await ocrText(await nameplateJpeg(plate, i + 1), ocrOptionsFromEnv()));
      if (read.serial === plate.serial) serials++;
      if (read.model === plate.model) models++;
    }
    console.log(`nameplate OCR: serial exact ${serials}/30, model exact ${models}/30`);
    expect(serials / plates.length).toBeGreaterThanOrEqual(0.9);
  }, 300_000);

  it('times out a slow tesseract and names a missing one', async () => {
    const image = await nameplateJpeg(nameplateFor(1), 1);
    await expect(ocrText(image, { bin: 'tesseract-not-installed', timeoutMs: 5000 })).rejects.toBeInstanceOf(
      OcrUnavailableError,
    );
    await expect(ocrText(image, { bin: 'tesseract', timeoutMs: 1 })).rejects.toThrow(/longer than 1 ms/);
  });
});

describe('nameplate text', () => {
  it('finds model and serial after their labels, on one line or two', () => {
    expect(parseNameplate('TRANE\nMODEL NO: 4TTR5036E1000A\nSERIAL NO: 22164XA7F\n')).toEqual({
      model: '4TTR5036E1000A',
      serial: '22164XA7F',
    });
    expect(parseNameplate('M/N 4TTR5036E1000A   S/N 22164XA7F')).toEqual({
      model: '4TTR5036E1000A',
      serial: '22164XA7F',
    });
    expect(parseNameplate('no label here 12345')).toEqual({ model: null, serial: null });
  });

  it('compares codes through OCR look-alikes and one edit', () => {
    expect(canonical('4tt r-5O36')).toBe('4TTR5036');
    expect(sameCode('22164XA7F', '2216AXA7F')).toBe(true);
    expect(sameCode('22l64XA7F', '22164XA7F')).toBe(true);
    expect(sameCode('22164XA7F', '99164XA7F')).toBe(false);
  });

  it('matches installed and billed equipment, and flags a contradiction', () => {
    const photo = { attachmentId: 1, fileName: 'plate.jpg' };
    const installed = [
      { id: 5, name: 'Heat pump', model: '4TTR5036E1000A', serialNumber: '22164XA7F', manufacturer: 'Trane' },
    ];
    const billed = [{ key: 'a', skuCode: '4TTR5036E1000A', skuName: 'Trane 3 ton heat pump' }];
    const known = matchNameplate(photo, { model: '4TTR5036E1000A', serial: '22164XA7F' }, installed, billed);
    expect(known.map((f) => f.kind)).toEqual(['nameplate_match']);
    const relabelled = matchNameplate(
      photo,
      { model: 'GSZ140361KC', serial: '22164XA7F' },
      installed,
      billed,
    );
    expect(relabelled.map((f) => f.kind)).toEqual(['nameplate_mismatch']);
    const newUnit = matchNameplate(photo, { model: '4TTR5O36E1000A', serial: '99999ZZ1' }, installed, billed);
    expect(newUnit).toEqual([expect.objectContaining({ kind: 'nameplate_match', lineKeys: ['a'] })]);
    const wrongUnit = matchNameplate(photo, { model: 'GSZ140361KC', serial: '99999ZZ1' }, installed, billed);
    expect(wrongUnit).toEqual([expect.objectContaining({ kind: 'nameplate_mismatch', lineKeys: ['a'] })]);
    expect(matchNameplate(photo, { model: null, serial: null }, installed, billed)).toEqual([]);
  });
});
