// Entry detail (6) and addenda (7) records of a NACHA batch.
import { fromMinorUnits } from '../../currency.ts';
import { fromYymmdd } from '../../dates.ts';
import type { DraftTransaction, ParseIssue } from '../../types.ts';
import { ADDENDA, BATCH_HEADER, ENTRY, get, IAT_ENTRY } from './layout.ts';

export interface OpenEntry {
  draft: DraftTransaction | undefined;
  addenda05: string[];
}

export interface EntryRead {
  draft?: DraftTransaction;
  problem?: { code: ParseIssue['code']; message: string };
  /** The 8-digit receiving DFI, for the entry hash. */
  rdfi?: bigint;
  cents?: bigint;
  credit?: boolean;
}

export function readEntry(
  record: string,
  line: number,
  header: string,
  fileDate: string | undefined,
): EntryRead {
  const rdfiText = get(record, ENTRY.receivingDfi);
  const rdfi = /^\d{8}$/.test(rdfiText) ? BigInt(rdfiText) : undefined;
  const amountDigits = get(record, ENTRY.amount);
  const code = get(record, ENTRY.transactionCode);
  const trace = get(record, ENTRY.trace).trim();
  if (!/^\d{10}$/.test(amountDigits)) {
    return {
      rdfi,
      problem: {
        code: 'invalid_amount',
        message: `entry ${trace} skipped: amount "${amountDigits}" is not 10 digits`,
      },
    };
  }
  const cents = BigInt(amountDigits);
  // Second digit 1–4: credit (deposit, prenote, zero-dollar, return); 5–9: debit.
  const kind = /^[2-5]\d$/.test(code) ? Number(code[1]) : -1;
  const credit = kind >= 1 && kind <= 4;
  if (!credit && !(kind >= 5 && kind <= 9)) {
    return {
      rdfi,
      problem: {
        code: 'malformed_record',
        message: `entry ${trace} skipped: transaction code "${code}" is not a credit or debit code`,
      },
    };
  }
  const sec = get(header, BATCH_HEADER.sec);
  const bookingDate = fromYymmdd(get(header, BATCH_HEADER.effectiveDate)) ?? fileDate;
  if (!bookingDate) {
    return {
      rdfi,
      cents,
      credit,
      problem: {
        code: 'invalid_date',
        message: `entry ${trace} skipped: no valid effective or file creation date`,
      },
    };
  }
  const iat = sec === 'IAT';
  const currency = iat ? get(header, BATCH_HEADER.iatDestinationCurrency).trim() || 'USD' : 'USD';
  const account = get(record, iat ? IAT_ENTRY.account : ENTRY.account).trim();
  const companyName = iat ? undefined : get(header, BATCH_HEADER.companyName).trim() || undefined;
  const individualName = iat
    ? ''
    : get(record, sec === 'CTX' ? ENTRY.ctxReceiverName : ENTRY.individualName).trim();
  const individualId = iat ? '' : get(record, ENTRY.individualId).trim();
  const entryDescription = get(header, BATCH_HEADER.entryDescription).trim();
  const magnitude = fromMinorUnits(cents, currency);
  const draft: DraftTransaction = {
    accountId: `${rdfiText}${get(record, ENTRY.checkDigit)}/${account}`,
    bookingDate,
    amount: credit ? magnitude : magnitude.negated(),
    currency,
    description: [sec, entryDescription, companyName, individualName, individualId].filter(Boolean).join(' '),
    reference: trace || undefined,
    counterpartyName: companyName,
    remittance: [],
    // Check-conversion entries carry the check serial number in the identification field.
    checkNumber: ['ARC', 'BOC', 'RCK', 'POP'].includes(sec) ? individualId || undefined : undefined,
    typeCode: code,
    line,
    raw: {
      sec,
      transactionCode: code,
      individualName,
      individualId,
      companyId: get(header, BATCH_HEADER.companyId).trim(),
      batchNumber: get(header, BATCH_HEADER.batchNumber),
    },
  };
  return { draft, rdfi, cents, credit };
}

export function readAddenda(record: string, entry: OpenEntry): void {
  const type = get(record, ADDENDA.type);
  const draft = entry.draft;
  if (type === '05') entry.addenda05.push(get(record, ADDENDA.paymentInfo));
  if (!draft) return;
  const raw = draft.raw ?? {};
  if (type === '99' && !raw.returnReason) {
    // Dishonored and contested returns add more 99 addenda; the first is the return itself.
    raw.returnReason = get(record, ADDENDA.returnReason);
    draft.description = `RETURN ${raw.returnReason} ${draft.description}`;
  } else if (type === '98') {
    raw.changeCode = get(record, ADDENDA.returnReason);
  } else if (type === '02') {
    draft.remittance.push(get(record, ADDENDA.paymentInfo).replace(/\s+/g, ' ').trim());
  } else if (type === '11') {
    draft.counterpartyName = get(record, ADDENDA.iatName).trim() || draft.counterpartyName;
  }
  draft.raw = raw;
}

/** Addenda 05 text. EDI (CTX/CCD+) segments run across addenda and end in "\". */
export function remittanceFrom(addenda: string[]): string[] {
  if (addenda.length === 0) return [];
  if (addenda.some((a) => a.includes('\\'))) {
    return addenda
      .join('')
      .split('\\')
      .map((s) => s.trim())
      .filter(Boolean);
  }
  return addenda.map((a) => a.trim()).filter(Boolean);
}
