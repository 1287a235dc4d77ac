// A nameplate read against what ServiceTitan records at the location (installed equipment) and
// what the draft bills (equipment lines): a serial or model that contradicts them is a finding a
// person must look at; a match is recorded as supporting evidence for the line.
import type { PhotoFinding } from '../output.ts';
import { type NameplateRead, sameCode } from './parse.ts';

export interface InstalledEquipmentInput {
  id: number;
  name: string | null;
  model: string | null;
  serialNumber: string | null;
  manufacturer: string | null;
}

export interface BilledEquipmentInput {
  key: string;
  skuCode: string;
  skuName: string;
}

/** Does a billed SKU name the model (its code, or a word of its name)? */
function billsModel(line: BilledEquipmentInput, model: string): boolean {
  const words = [line.skuCode, ...line.skuName.split(/[\s,/()]+/)].filter((w) => w.length >= 5);
  return words.some((w) => sameCode(model, w));
}

export function matchNameplate(
  photo: { attachmentId: number; fileName: string },
  read: NameplateRead,
  installed: InstalledEquipmentInput[],
  billed: BilledEquipmentInput[],
): PhotoFinding[] {
  if (!read.model && !read.serial) return [];
  const base = { attachmentId: photo.attachmentId, fileName: photo.fileName };
  const label = [read.model && `model ${read.model}`, read.serial && `serial ${read.serial}`]
    .filter(Boolean)
    .join(', ');
  const findings: PhotoFinding[] = [];
  const record = read.serial
    ? installed.find((e) => e.serialNumber && sameCode(read.serial!, e.serialNumber))
    : undefined;
  if (record) {
    const modelDiffers = read.model && record.model && !sameCode(read.model, record.model);
    findings.push({
      ...base,
      kind: modelDiffers ? 'nameplate_mismatch' : 'nameplate_match',
      message: modelDiffers
        ? `Nameplate ${label}: the installed equipment with that serial is model ${record.model}`
        : `Nameplate ${label} matches installed equipment ${record.name ?? record.id}`,
    });
  }
  // A unit already on record is an existing one (often the old unit an install replaces): only an
  // unknown unit is compared with the equipment billed.
  if (!record && billed.length && read.model) {
    const lines = billed.filter((l) => billsModel(l, read.model!));
    findings.push(
      lines.length
        ? {
            ...base,
            kind: 'nameplate_match',
            lineKeys: lines.map((l) => l.key),
            message: `Nameplate ${label} matches billed ${lines.map((l) => l.skuCode).join(', ')}`,
          }
        : {
            ...base,
            kind: 'nameplate_mismatch',
            lineKeys: billed.map((l) => l.key),
            message: `Nameplate ${label} matches none of the billed equipment (${billed.map((l) => l.skuCode).join(', ')})`,
          },
    );
  }
  return findings;
}
