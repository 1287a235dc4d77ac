// The 16 (transaction detail) record: type, amount, funds type (+ its availability fields),
// bank reference, customer reference, then free text that runs to the end of the record and
// may hold commas and "/". Continuation 88 records carry more text, one line each.
import type { Bai2Record } from './records.ts';

export interface Bai2Detail {
  typeCode: string;
  amount: string;
  fundsType: string;
  valueDate?: string;
  bankReference: string;
  customerReference: string;
  text: string;
  continuationTexts: string[];
}

class FieldReader {
  private rest: string;
  ended = false;
  constructor(body: string) {
    this.rest = body;
  }
  /**
   * Next comma field. The last field may end in the "/" terminator; a "/" inside a field
   * ("AB/GS/RP0001") is data.
   */
  next(): string {
    if (this.ended) return '';
    const comma = this.rest.indexOf(',');
    if (comma < 0) {
      this.ended = true;
      return cleanText(this.rest);
    }
    const raw = this.rest.slice(0, comma);
    this.rest = this.rest.slice(comma + 1);
    return raw.trim();
  }
  /** Remaining free text without the optional "/" terminator. */
  remainder(): string {
    return this.ended ? '' : cleanText(this.rest);
  }
}

export function cleanText(text: string): string {
  return text.trimEnd().replace(/,?\/$/, '').trim();
}

/** Number of availability fields each funds type brings (D is variable). */
function availabilityFields(fundsType: string, reader: FieldReader): { valueDate?: string } {
  if (fundsType === 'S') {
    reader.next();
    reader.next();
    reader.next();
  } else if (fundsType === 'V') {
    const date = reader.next();
    reader.next();
    return { valueDate: date || undefined };
  } else if (fundsType === 'D') {
    const count = Number(reader.next()) || 0;
    for (let i = 0; i < count * 2; i++) reader.next();
  }
  return {};
}

export function readDetail(record: Bai2Record): Bai2Detail {
  const reader = new FieldReader(record.body);
  const typeCode = reader.next();
  const amount = reader.next();
  const fundsType = reader.next().toUpperCase();
  const { valueDate } = availabilityFields(fundsType, reader);
  const bankReference = reader.next();
  const customerReference = reader.next();
  return {
    typeCode,
    amount,
    fundsType,
    valueDate,
    bankReference,
    customerReference,
    text: reader.remainder(),
    continuationTexts: record.continuations.map((c) => cleanText(c.text)).filter((t) => t !== ''),
  };
}

/** Summary/status items of an 03 record (after account and currency). */
export interface Bai2Summary {
  typeCode: string;
  amount: string;
}

export function readSummaries(fields: string[]): Bai2Summary[] {
  const items: Bai2Summary[] = [];
  let i = 0;
  while (i < fields.length) {
    // Some banks end each piece with an extra empty field (",,,/"); a type code is never empty.
    if (fields[i] === '') {
      i++;
      continue;
    }
    const typeCode = fields[i] ?? '';
    const amount = fields[i + 1] ?? '';
    const fundsType = (fields[i + 3] ?? '').toUpperCase();
    i += 4;
    if (fundsType === 'S') i += 3;
    else if (fundsType === 'V') i += 2;
    else if (fundsType === 'D') i += 1 + 2 * (Number(fields[i]) || 0);
    items.push({ typeCode, amount });
  }
  return items;
}
