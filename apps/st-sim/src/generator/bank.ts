// Bank statement for the last month of the period: card-processor payouts (net of fees),
// deposits and ACH credits matching recorded payments, customer payments not yet recorded
// in ServiceTitan (with typos, missing references, short/over payments, several invoices at
// once), and ordinary operating debits. Written as BAI2 and CSV with a truth file.
import { type Decimal, fromNumber, roundCents, toMoneyString, ZERO } from '@invoicer/core';
import type { PayEvent } from './payments.ts';
import { Rng } from './rng.ts';
import { addWorkdays, DAY, fromLocal, HOUR, isWorkday, localDateKey, toLocal } from './time.ts';
import type { BankLineKind, BankLineTruth } from './types.ts';

export const ACCOUNT_NUMBER = '4410028371';
export const CARD_FEE_RATE = '0.029';
export const CARD_FEE_FIXED = '0.30';

export interface BankLine {
  /** Local posting day, as UTC ms of local midnight. */
  day: number;
  credit: boolean;
  amount: Decimal;
  typeCode: string;
  bankRef: string;
  custRef: string;
  text: string;
  truth: BankLineTruth;
}

export interface BankStatement {
  lines: BankLine[];
  bai2: string;
  csv: string;
  truth: BankLineTruth[];
  opening: Decimal;
}

const money = (d: Decimal) => toMoneyString(d);
const yymmdd = (key: string) => key.slice(2).replaceAll('-', '');

/** The card processor's fee on one payment: 2.9% + $0.30, rounded half-up. */
export function cardFee(amount: Decimal): Decimal {
  return roundCents(amount.times(CARD_FEE_RATE).plus(CARD_FEE_FIXED));
}

function postingDay(t: number): number {
  const l = toLocal(t);
  let day = fromLocal(l.year, l.month, l.day);
  for (let i = 0; i < 5 && !isWorkday(toLocal(day + 12 * HOUR)); i++) {
    const n = toLocal(day + 36 * HOUR);
    day = fromLocal(n.year, n.month, n.day);
  }
  return day;
}

function payer(rng: Rng, name: string, residential: boolean): string {
  const clean = name
    .toUpperCase()
    .replace(/[^A-Z0-9& ]/g, '')
    .replace(/\s+/g, ' ');
  if (!residential) return clean.slice(0, 22).trim();
  const parts = clean.split(' ');
  const last = parts[parts.length - 1]!;
  const first = parts[0]!;
  return rng.pick([`${first} ${last}`, `${first[0]} ${last}`, `${last} ${first}`, clean]).slice(0, 22);
}

function mutateRef(rng: Rng, ref: string, taken: ReadonlySet<string>): string {
  for (let i = 0; i < 20; i++) {
    const d = ref.split('');
    const k = rng.int(0, d.length - 2);
    switch (rng.int(0, 3)) {
      case 0:
        [d[k], d[k + 1]] = [d[k + 1]!, d[k]!];
        break;
      case 1:
        d.splice(k, 1);
        break;
      case 2:
        d.splice(k, 0, d[k]!);
        break;
      default:
        d[k] = String((Number(d[k]) + rng.int(1, 9)) % 10);
    }
    const out = d.join('');
    if (out !== ref && !taken.has(out)) return out;
  }
  return ref.slice(0, -1);
}

function invoiceMention(rng: Rng, ref: string): string {
  return rng.pick([`INV ${ref}`, `INVOICE ${ref}`, `INV#${ref}`, `RE INV ${ref}`, ref, `INV NO ${ref}`]);
}

export function buildBankStatement(
  seed: number,
  events: readonly PayEvent[],
  windowStart: number,
  asOf: number,
  refs: ReadonlySet<string>,
): BankStatement {
  const rng = Rng.derive(seed, 'bank');
  const lines: BankLine[] = [];
  let seq = 0;
  const inWindow = (day: number) => day >= windowStart && day < asOf;
  const push = (
    day: number,
    credit: boolean,
    amount: Decimal,
    typeCode: string,
    custRef: string,
    text: string,
    kind: BankLineKind,
    outcome: BankLineTruth['outcome'],
  ) => {
    if (!inWindow(day) || amount.lessThanOrEqualTo(0)) return;
    const key = localDateKey(day + 12 * HOUR);
    const bankRef = `${yymmdd(key)}${String(++seq).padStart(4, '0')}${rng.int(100, 999)}`;
    const signed = credit ? amount : amount.negated();
    lines.push({
      day,
      credit,
      amount,
      typeCode,
      bankRef,
      custRef,
      text,
      truth: { date: key, amount: money(signed), reference: bankRef, kind, outcome },
    });
  };

  // Card payments: the processor settles each local day's batch on the next workday, net of fees.
  const cardDays = new Map<string, PayEvent[]>();
  const depositDays = new Map<string, PayEvent[]>();
  for (const e of events) {
    if (!e.recorded) continue;
    const key = localDateKey(e.date);
    const card = e.method === 'Credit Card';
    if (!card && e.method !== 'Check' && e.method !== 'Cash' && e.method !== 'Money Order') continue;
    const target = card ? cardDays : depositDays;
    const list = target.get(key);
    if (list) list.push(e);
    else target.set(key, [e]);
  }
  for (const [key, list] of cardDays) {
    const gross = list.reduce<Decimal>((a, e) => a.plus(e.paid), ZERO);
    const fee = list.reduce<Decimal>((a, e) => a.plus(cardFee(e.paid)), ZERO);
    const net = gross.minus(fee);
    const day = addWorkdays(fromLocal(...(key.split('-').map(Number) as [number, number, number])), 1);
    const batch = key.replaceAll('-', '');
    push(
      day,
      true,
      net,
      '165',
      batch,
      `PAYWAVE MERCHANT SVCS DEPOSIT MID 8820441077 BATCH ${batch} CNT ${list.length}`,
      'card_payout',
      {
        type: 'batch',
        paymentIds: list.map((e) => e.paymentId!),
        gross: money(gross),
        fee: money(fee),
        net: money(net),
      },
    );
  }
  for (const [key, list] of depositDays) {
    const gross = list.reduce<Decimal>((a, e) => a.plus(e.paid), ZERO);
    const day = addWorkdays(fromLocal(...(key.split('-').map(Number) as [number, number, number])), 1);
    const slip = String(rng.int(100000, 999999));
    const checks = list.filter((e) => e.method !== 'Cash').length;
    push(
      day,
      true,
      gross,
      '301',
      slip,
      rng.pick([`REMOTE DEPOSIT ${list.length} ITEMS`, `BRANCH DEPOSIT ${checks} CHECKS`, 'DEPOSIT']),
      'recorded_deposit',
      {
        type: 'batch',
        paymentIds: list.map((e) => e.paymentId!),
        gross: money(gross),
        fee: '0.00',
        net: money(gross),
      },
    );
  }
  let unrecordedCount = 0;
  for (const e of events) {
    const residential = e.cust.segment === 'residential';
    const trace = String(rng.int(100_000_000, 999_999_999)) + String(rng.int(100_000, 999_999));
    const day = postingDay(e.date);
    const dateText = yymmdd(localDateKey(e.date));
    if (e.recorded && (e.method === 'ACH/EFT' || e.method === 'Financing')) {
      const origin = e.method === 'Financing' ? 'GREENSKY LLC' : payer(rng, e.cust.name, residential);
      const descr = e.method === 'Financing' ? 'FUNDING' : 'PAYMENT';
      const remit =
        e.method === 'Financing'
          ? `CUST ${payer(rng, e.cust.name, true)}`
          : e.allocations.map((a) => `RMR*IV*${a.meta.ref}*${money(a.amount)}\\`).join('');
      push(
        day,
        true,
        e.paid,
        '142',
        trace,
        `ORIG CO NAME:${origin} ORIG ID:${rng.int(1_000_000_000, 1_999_999_999)} DESC DATE:${dateText} CO ENTRY DESCR:${descr} SEC:${residential && e.method !== 'Financing' ? 'PPD' : 'CCD'} TRACE#:${trace} IND NAME:BRIGHTWAVE HOME SVCS ${remit}`,
        'recorded_ach',
        {
          type: 'batch',
          paymentIds: [e.paymentId!],
          gross: money(e.paid),
          fee: '0.00',
          net: money(e.paid),
        },
      );
      continue;
    }
    if (e.recorded) continue;
    unrecordedCount++;
    const refsFor = e.allocations.map((a) => a.meta.ref);
    let remit: string;
    switch (e.variant) {
      case 'typo_reference':
        remit = invoiceMention(rng, mutateRef(rng, refsFor[0]!, refs));
        break;
      case 'missing_reference':
        remit = rng.pick(['', 'SERVICE', 'HVAC REPAIR', 'PAYMENT', 'PLUMBING', 'THANK YOU']);
        break;
      case 'multi_invoice':
        remit = `INV ${refsFor.map((r) => (rng.chance(0.1) ? mutateRef(rng, r, refs) : r)).join(rng.pick([' ', ' ; ', ' & ']))}`;
        break;
      default:
        remit = invoiceMention(rng, refsFor[0]!);
    }
    const name = payer(rng, e.cust.name, residential);
    const allocations = e.allocations.map((a) => ({
      invoiceId: a.meta.invoiceId,
      referenceNumber: a.meta.ref,
      amount: money(a.amount),
    }));
    const applied = e.allocations.reduce<Decimal>((acc, a) => acc.plus(a.amount), ZERO);
    const outcome: BankLineTruth['outcome'] = {
      type: 'allocate',
      variant: e.variant!,
      customerId: e.cust.id,
      allocations,
      unapplied: money(e.paid.minus(applied)),
    };
    if (e.method === 'ACH/EFT') {
      const rmr = e.variant === 'missing_reference' ? '' : ` REMARK:${remit}`;
      push(
        day,
        true,
        e.paid,
        '142',
        trace,
        `ORIG CO NAME:${name} ORIG ID:${rng.int(1_000_000_000, 1_999_999_999)} DESC DATE:${dateText} CO ENTRY DESCR:${rng.pick(['PAYMENT', 'VENDOR PMT', 'BILL PAY'])} SEC:${residential ? 'PPD' : 'CCD'} TRACE#:${trace} IND NAME:BRIGHTWAVE HOME SVCS${rmr}`.trim(),
        'customer_payment',
        outcome,
      );
    } else {
      const chk = e.checkNumber ?? String(rng.int(1001, 9999));
      push(
        day,
        true,
        e.paid,
        '115',
        chk,
        `LOCKBOX 40721 CHECK ${chk} FROM ${name}${remit ? ` ${remit}` : ''}`,
        'customer_payment',
        outcome,
      );
    }
  }

  // Operating activity: unidentified deposits, interest, refunds, payroll, suppliers, rent...
  const workdays: number[] = [];
  for (let t = windowStart; t < asOf; t += DAY) {
    const l = toLocal(t + 12 * HOUR);
    const day = fromLocal(l.year, l.month, l.day);
    if (isWorkday(toLocal(day + 12 * HOUR)) && !workdays.includes(day)) workdays.push(day);
  }
  const credits = lines.reduce<Decimal>((a, l) => a.plus(l.amount), ZERO);
  const scale = credits.greaterThan(5000) ? credits : fromNumber(5000);
  const anyDay = () => rng.pick(workdays);
  const lastDay = workdays[workdays.length - 1]!;
  const noMatch = (reason: string) => ({ type: 'no_match' as const, reason });
  for (let i = 0; i < Math.max(1, Math.round(unrecordedCount * 0.1)); i++) {
    push(
      anyDay(),
      true,
      fromNumber(rng.int(5000, 90000) / 100),
      '301',
      String(rng.int(1000, 9999)),
      'MOBILE DEPOSIT',
      'unidentified',
      noMatch('no remittance and no open invoice for this amount'),
    );
  }
  push(
    lastDay,
    true,
    fromNumber(rng.int(312, 4000) / 100),
    '354',
    '',
    'INTEREST PAYMENT',
    'other_credit',
    noMatch('bank interest'),
  );
  if (rng.chance(0.6))
    push(
      anyDay(),
      true,
      fromNumber(rng.int(4000, 60000) / 100),
      '142',
      String(rng.int(1e8, 9e8)),
      'ORIG CO NAME:FERGUSON ENT ORIG ID:1340002212 CO ENTRY DESCR:REFUND SEC:CCD',
      'other_credit',
      noMatch('vendor refund'),
    );
  const pct = (p: number, jitter = 0.08) =>
    roundCents(scale.times(fromNumber(p)).times(fromNumber(1 + rng.float(-jitter, jitter))));
  const fridays = workdays.filter((d) => toLocal(d + 12 * HOUR).weekday === 5);
  fridays.forEach((d, i) => {
    if (i % 2 === 0)
      push(
        d,
        false,
        pct(0.16),
        '455',
        String(rng.int(1e8, 9e8)),
        'ORIG CO NAME:ADP PAYROLL FEES CO ENTRY DESCR:PAYROLL SEC:CCD',
        'bank_debit',
        noMatch('payroll'),
      );
    push(
      d,
      false,
      pct(0.012, 0.3),
      '455',
      String(rng.int(1e8, 9e8)),
      'ORIG CO NAME:WEX INC CO ENTRY DESCR:FLEET PMT SEC:CCD',
      'bank_debit',
      noMatch('fuel cards'),
    );
  });
  const suppliers = [
    'FERGUSON ENT',
    'JOHNSTONE SUPPLY',
    'GRAYBAR ELECTRIC',
    'WINSUPPLY',
    'CARRIER ENTERPRISE',
    'CITY ELECTRIC SUPPLY',
  ];
  const supplierCount = Math.max(4, Math.min(40, Math.round(lines.length / 10)));
  for (let i = 0; i < supplierCount; i++) {
    push(
      anyDay(),
      false,
      pct(0.28 / supplierCount, 0.5),
      '455',
      String(rng.int(1e8, 9e8)),
      `ORIG CO NAME:${rng.pick(suppliers)} CO ENTRY DESCR:ACH DEBIT SEC:CCD`,
      'bank_debit',
      noMatch('supplier payment'),
    );
  }
  for (let i = 0; i < 3; i++) {
    const chk = String(5000 + rng.int(1, 900));
    push(anyDay(), false, pct(0.01, 0.6), '475', chk, `CHECK ${chk}`, 'bank_debit', noMatch('vendor check'));
  }
  push(
    workdays[0]!,
    false,
    fromNumber(7800),
    '455',
    String(rng.int(1e8, 9e8)),
    'ORIG CO NAME:OAK RIDGE PROPERTIES CO ENTRY DESCR:RENT SEC:CCD',
    'bank_debit',
    noMatch('rent'),
  );
  push(
    anyDay(),
    false,
    fromNumber(2150),
    '455',
    String(rng.int(1e8, 9e8)),
    'ORIG CO NAME:EQUIP FINANCE CO CO ENTRY DESCR:LOAN PMT SEC:CCD',
    'bank_debit',
    noMatch('loan payment'),
  );
  push(
    anyDay(),
    false,
    pct(0.05),
    '455',
    String(rng.int(1e8, 9e8)),
    'ORIG CO NAME:IRS CO ENTRY DESCR:USATAXPYMT SEC:CCD',
    'bank_debit',
    noMatch('payroll taxes'),
  );
  push(
    lastDay,
    false,
    fromNumber(89.95),
    '455',
    String(rng.int(1e8, 9e8)),
    'ORIG CO NAME:PAYWAVE MERCHANT CO ENTRY DESCR:MONTHLY FEE SEC:CCD',
    'bank_debit',
    noMatch('processor monthly fee'),
  );
  push(
    lastDay,
    false,
    fromNumber(45),
    '698',
    '',
    'ACCOUNT ANALYSIS SERVICE CHARGE',
    'bank_debit',
    noMatch('bank fee'),
  );

  lines.sort(
    (a, b) =>
      a.day - b.day ||
      Number(b.credit) - Number(a.credit) ||
      a.typeCode.localeCompare(b.typeCode) ||
      a.bankRef.localeCompare(b.bankRef),
  );
  const opening = roundCents(fromNumber(120_000).plus(scale.times('0.6')));
  return {
    lines,
    bai2: toBai2(lines, workdays, opening, asOf),
    csv: toCsv(lines),
    truth: lines.map((l) => l.truth),
    opening,
  };
}

const cents = (d: Decimal) => BigInt(d.times(100).toFixed(0));
const MAX = 80;

/** Split a record over 88 continuations at `MAX` characters (text records break anywhere). */
function physical(record: string): string[] {
  if (record.length <= MAX) return [record];
  const out = [record.slice(0, MAX)];
  for (let i = MAX; i < record.length; i += MAX - 3) out.push(`88,${record.slice(i, i + MAX - 3)}`);
  return out;
}

/** BAI2: one group per workday (as-of that day), one account, control totals and counts. */
export function toBai2(
  lines: readonly BankLine[],
  workdays: readonly number[],
  opening: Decimal,
  asOf: number,
): string {
  const out: string[] = [];
  const created = localDateKey(asOf + 6 * HOUR);
  out.push(`01,BRIGHTWAVE,121000358,${yymmdd(created)},0615,1,,,2/`);
  let fileTotal = 0n;
  let balance = cents(opening);
  let groups = 0;
  for (const day of workdays) {
    const key = localDateKey(day + 12 * HOUR);
    const today = lines.filter((l) => l.day === day);
    const creditLines = today.filter((l) => l.credit);
    const debitLines = today.filter((l) => !l.credit);
    const credits = creditLines.reduce((a, l) => a + cents(l.amount), 0n);
    const debits = debitLines.reduce((a, l) => a + cents(l.amount), 0n);
    const open = balance;
    balance = balance + credits - debits;
    const account: string[] = [
      `03,${ACCOUNT_NUMBER},USD,010,${open},,,015,${balance},,/`,
      `88,100,${credits},${creditLines.length},,400,${debits},${debitLines.length},/`,
    ];
    let total = open + balance + credits + debits;
    for (const l of today) {
      const amt = cents(l.amount);
      total += amt;
      account.push(...physical(`16,${l.typeCode},${amt},Z,${l.bankRef},${l.custRef},${l.text || '/'}`));
    }
    account.push(`49,${total},${account.length + 1}/`);
    out.push(
      `02,BRIGHTWAVE,121000358,1,${yymmdd(key)},2400,USD,2/`,
      ...account,
      `98,${total},1,${account.length + 2}/`,
    );
    fileTotal += total;
    groups++;
  }
  out.push(`99,${fileTotal},${groups},${out.length + 1}/`);
  return `${out.join('\n')}\n`;
}

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function toCsv(lines: readonly BankLine[]): string {
  const rows = ['date,amount,description,reference'];
  for (const l of lines) rows.push([l.truth.date, l.truth.amount, csvField(l.text), l.bankRef].join(','));
  return `${rows.join('\n')}\n`;
}
