// Test helper: the shared bank-statement fixtures live outside the repo (../shared). Tests that
// need them skip, with a note, when a clone does not have that folder.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const BANK_DATA_DIR = path.resolve(import.meta.dirname, '../../../../../shared/data/bank_statements');
export const HAS_BANK_DATA = existsSync(BANK_DATA_DIR);

if (!HAS_BANK_DATA)
  console.warn(`[reconcile tests] ${BANK_DATA_DIR} not found: tests on real bank files are skipped`);

export function bankFile(...parts: string[]): Buffer {
  return readFileSync(path.join(BANK_DATA_DIR, ...parts));
}

export function bankPath(...parts: string[]): string {
  return path.join(BANK_DATA_DIR, ...parts);
}
