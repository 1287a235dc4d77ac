// Customer payments. Each invoice gets payment events by customer segment (paid in the field,
// paid later, financed, Net 30, property managers paying a month of invoices at once). Events
// after the export date do not exist yet; recent mailed checks and ACH credits may have reached
// the bank without being recorded in ServiceTitan: those become the reconciliation work in
// the bank statement, with the deviations real remittances have.
import { type Decimal, fromNumber, roundCents, toMoneyString, ZERO } from '@invoicer/core';
import type { Payment } from '@invoicer/servicetitan';
import { Sequence } from './ids.ts';
import { type JobClass, PAYMENT_TYPES, type PaymentTypeName } from './org.ts';
import { type Cust, OFFICE } from './people.ts';
import { type PaymentPersona, personaOf, personaPaymentDays } from './personas.ts';
import { Rng } from './rng.ts';
import { DAY, fromLocal, HOUR, localDateKey, MINUTE, nextOfficeMoment, stStamp, toLocal } from './time.ts';
import type { CustomerPaymentVariant } from './types.ts';

export interface InvoiceMeta {
  invoiceId: number;
  ref: string;
  cust: Cust;
  bu: { id: number; name: string };
  booked: number;
  completedOn: number;
  /** Total as the technician left it (what an in-field payment covered). */
  techTotal: Decimal;
  total: Decimal;
  subTotal: Decimal;
  cls: JobClass;
}

export interface Allocation {
  meta: InvoiceMeta;
  amount: Decimal;
}

export interface PayEvent {
  date: number;
  method: PaymentTypeName;
  cust: Cust;
  allocations: Allocation[];
  memo: string;
  checkNumber: string | null;
  authCode: string | null;
  recorded: boolean;
  /** Unrecorded only: what the customer actually sent and how it deviates. */
  variant: CustomerPaymentVariant | null;
  paid: Decimal;
  paymentId: number | null;
}

export interface PaymentsResult {
  payments: Payment[];
  events: PayEvent[];
  balances: Map<number, { balance: Decimal; paidOn: number | null }>;
}

const typeId = (name: PaymentTypeName) => PAYMENT_TYPES.find((t) => t.name === name)!.id;
const money = (d: Decimal) => toMoneyString(d);
const ALNUM = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';

function authCode(rng: Rng): string {
  return Array.from({ length: 6 }, () => rng.pick(ALNUM.split(''))).join('');
}

/** Local 10:00-16:00 on the day of `t` (office/bank hours). */
function dayTime(rng: Rng, t: number): number {
  const l = toLocal(t);
  return fromLocal(l.year, l.month, l.day, rng.int(9, 15), rng.int(0, 59));
}

function residentialEvents(
  rng: Rng,
  m: InvoiceMeta,
  persona: PaymentPersona | null = null,
  personaRng: Rng | null = null,
): Omit<PayEvent, 'recorded' | 'variant' | 'paid' | 'paymentId'>[] {
  const out: Omit<PayEvent, 'recorded' | 'variant' | 'paid' | 'paymentId'>[] = [];
  const ev = (date: number, method: PaymentTypeName, amount: Decimal, memo: string) => {
    if (amount.lessThanOrEqualTo(0)) return;
    out.push({
      date,
      method,
      cust: m.cust,
      allocations: [{ meta: m, amount }],
      memo,
      checkNumber: method === 'Check' ? String(rng.int(1001, 9899)) : null,
      authCode: method === 'Credit Card' || method === 'Financing' ? authCode(rng) : null,
    });
  };
  const fieldMethod = () =>
    rng.weighted<PaymentTypeName>([
      ['Credit Card', 72],
      ['Check', 20],
      ['Cash', 8],
    ]);
  const inField = m.completedOn + rng.int(2, 20) * MINUTE;
  if (m.cls === 'install') {
    const r = rng.next();
    if (r < 0.33)
      ev(
        dayTime(rng, m.completedOn + rng.int(3, 12) * DAY),
        'Financing',
        m.total,
        `Financing funded – plan ${rng.pick(['930', '2501', '1021'])}`,
      );
    else if (r < 0.66) {
      const deposit = roundCents(m.total.times('0.5'));
      ev(
        m.booked + rng.int(5, 120) * MINUTE,
        rng.chance(0.6) ? 'Credit Card' : 'Check',
        deposit,
        '50% deposit',
      );
      const rest = m.total.minus(deposit);
      if (rng.chance(0.75))
        ev(inField, rng.chance(0.7) ? 'Credit Card' : 'Check', rest, 'Balance collected at completion');
      else if (rng.chance(0.7))
        ev(
          dayTime(rng, m.completedOn + rng.int(3, 30) * DAY),
          rng.chance(0.5) ? 'Check' : 'Credit Card',
          rest,
          'Final balance',
        );
    } else ev(inField, rng.chance(0.7) ? 'Credit Card' : 'Check', m.total, 'Paid in full at completion');
    return out;
  }
  const r = rng.next();
  if (r < 0.64) {
    const onsite = minDecimal(m.techTotal, m.total);
    ev(
      inField,
      fieldMethod(),
      onsite,
      rng.pick(['Paid in field', 'Collected on site', 'Tech collected', '']),
    );
    const rest = m.total.minus(onsite);
    if (rest.greaterThan(0) && rng.chance(0.55)) {
      ev(
        dayTime(rng, m.completedOn + rng.int(3, 25) * DAY),
        rng.chance(0.6) ? 'Credit Card' : 'Check',
        rest,
        'Balance for added items',
      );
    }
  } else if (r < 0.9) {
    const method = rng.weighted<PaymentTypeName>([
      ['Credit Card', 45],
      ['Check', 40],
      ['ACH/EFT', 15],
    ]);
    const partial = rng.chance(0.08);
    const amount = partial ? roundCents(m.total.times(rng.pick(['0.3', '0.5', '0.6']))) : m.total;
    const days = persona && personaRng ? personaPaymentDays(personaRng, persona) : rng.int(3, 40);
    if (days !== null)
      ev(
        dayTime(rng, m.completedOn + days * DAY),
        method,
        amount,
        partial ? 'Partial payment' : method === 'Credit Card' ? 'Card by phone' : 'Mailed payment',
      );
  } else if (persona === 'prompt' && personaRng) {
    // Left open after the visit; a prompt payer still pays it within two weeks.
    ev(dayTime(rng, m.completedOn + personaRng.int(2, 14) * DAY), 'Check', m.total, 'Mailed payment');
  }
  return out;
}

function minDecimal(a: Decimal, b: Decimal): Decimal {
  return a.lessThan(b) ? a : b;
}

export function generatePayments(
  seed: number,
  metas: readonly InvoiceMeta[],
  asOf: number,
  windowStart: number,
  options: { personas?: boolean } = {},
): PaymentsResult {
  const persona = (c: Cust) => (options.personas ? personaOf(seed, c.id) : null);
  const events: Omit<PayEvent, 'recorded' | 'variant' | 'paid' | 'paymentId'>[] = [];
  const net30: InvoiceMeta[] = [];
  for (const m of metas) {
    if (m.total.lessThanOrEqualTo(0)) continue;
    if (m.cust.segment === 'residential')
      events.push(
        ...residentialEvents(
          Rng.derive(seed, 'pay', m.invoiceId),
          m,
          persona(m.cust),
          options.personas ? Rng.derive(seed, 'persona-pay', m.invoiceId) : null,
        ),
      );
    else net30.push(m);
  }
  // Net 30 accounts: property managers pay a month's invoices in one check/ACH; businesses
  // pay each invoice, occasionally two together.
  const byCustomer = new Map<Cust, InvoiceMeta[]>();
  for (const m of net30) {
    const list = byCustomer.get(m.cust);
    if (list) list.push(m);
    else byCustomer.set(m.cust, [m]);
  }
  for (const [cust, list] of byCustomer) {
    const rng = Rng.derive(seed, 'net30', cust.id);
    const groups: InvoiceMeta[][] = [];
    if (cust.segment === 'pm') {
      const byMonth = new Map<string, InvoiceMeta[]>();
      for (const m of list) {
        if (rng.chance(0.08)) continue; // disputed, left open
        const key = localDateKey(m.completedOn).slice(0, 7);
        const month = byMonth.get(key);
        if (month) month.push(m);
        else byMonth.set(key, [m]);
      }
      groups.push(...byMonth.values());
    } else {
      let current: InvoiceMeta[] = [];
      for (const m of list) {
        if (!rng.chance(0.72)) continue;
        const last = current[current.length - 1];
        if (last && m.completedOn - last.completedOn < 6 * DAY && rng.chance(0.45)) current.push(m);
        else {
          if (current.length) groups.push(current);
          current = [m];
        }
      }
      if (current.length) groups.push(current);
    }
    for (const g of groups) {
      const lastDone = Math.max(...g.map((m) => m.completedOn));
      const l = toLocal(lastDone);
      const p = cust.segment === 'pm' ? null : persona(cust);
      const personaDays = p ? personaPaymentDays(Rng.derive(seed, 'persona-net', g[0]!.invoiceId), p, 30) : 0;
      if (personaDays === null) continue; // this persona leaves it unpaid
      const date =
        cust.segment === 'pm'
          ? dayTime(rng, fromLocal(l.year, l.month + 1, 1) + rng.int(12, 32) * DAY)
          : dayTime(rng, lastDone + (p ? personaDays : rng.int(12, 55)) * DAY);
      const method: PaymentTypeName = rng.chance(0.5) ? 'ACH/EFT' : 'Check';
      const partial = g.length === 1 && rng.chance(0.06);
      events.push({
        date,
        method,
        cust,
        allocations: g.map((m) => ({
          meta: m,
          amount: partial ? roundCents(m.total.times('0.5')) : m.total,
        })),
        memo: method === 'Check' ? 'Check received' : 'ACH remittance',
        checkNumber: method === 'Check' ? String(rng.int(10001, 48999)) : null,
        authCode: null,
      });
    }
  }

  // Only what happened before the export exists; decide which recent bank receipts the office
  // has not recorded yet, and how the customer's remittance deviates.
  const present = events
    .filter((e) => e.date < asOf)
    .sort((a, b) => a.date - b.date || a.cust.id - b.cust.id);
  const lastEventFor = new Map<number, number>();
  present.forEach((e, i) => {
    for (const a of e.allocations) lastEventFor.set(a.meta.invoiceId, i);
  });
  const full: PayEvent[] = present.map((e, i) => {
    const rng = Rng.derive(seed, 'unrec', Math.floor(e.date / 1000) + i);
    const isLast = e.allocations.every((a) => lastEventFor.get(a.meta.invoiceId) === i);
    const bankable = e.method === 'Check' || e.method === 'ACH/EFT';
    const unrecorded =
      bankable && isLast && e.date >= windowStart && rng.chance(e.date >= asOf - 12 * DAY ? 0.55 : 0.2);
    if (!unrecorded)
      return { ...e, recorded: true, variant: null, paid: sum(e.allocations), paymentId: null };
    const single = e.allocations.length === 1 ? e.allocations[0]! : null;
    const due = sum(e.allocations);
    let variant: CustomerPaymentVariant = 'multi_invoice';
    let paid = due;
    let allocations = e.allocations;
    if (single) {
      const hasTax =
        single.meta.total.greaterThan(single.meta.subTotal) && single.amount.equals(single.meta.total);
      variant = rng.weighted<CustomerPaymentVariant>([
        ['exact', 38],
        ['typo_reference', 14],
        ['missing_reference', 12],
        ['short_pay', 10],
        ['paid_subtotal', hasTax ? 10 : 0],
        ['overpay', 6],
      ]);
      if (variant === 'short_pay') {
        paid = due.minus(fromNumber(rng.int(50, 500) / 100));
        allocations = [{ meta: single.meta, amount: paid }];
      } else if (variant === 'paid_subtotal') {
        paid = single.meta.subTotal;
        allocations = [{ meta: single.meta, amount: paid }];
      } else if (variant === 'overpay') {
        paid = rng.chance(0.5)
          ? due.dividedBy(50).ceil().times(50)
          : due.plus(fromNumber(rng.int(100, 5000) / 100));
        if (paid.equals(due)) paid = due.plus(10);
      }
    }
    return { ...e, recorded: false, variant, paid, allocations, paymentId: null };
  });

  // Record the rest in ServiceTitan, ids in date order.
  const ids = new Sequence(60_000_000);
  const applied = new Sequence(61_000_000);
  const balances = new Map<number, { balance: Decimal; paidOn: number | null }>();
  for (const m of metas) balances.set(m.invoiceId, { balance: m.total, paidOn: null });
  const payments: Payment[] = [];
  for (const e of full) {
    if (!e.recorded) continue;
    const rng = Rng.derive(seed, 'precord', Math.floor(e.date / 1000));
    e.paymentId = ids.next(rng, 3);
    const office = rng.pick(OFFICE.slice(0, 3));
    const createdOn =
      e.method === 'Credit Card' || e.method === 'Cash' || e.memo === '50% deposit'
        ? e.date + rng.int(1, 5) * 1000
        : nextOfficeMoment(e.date + rng.int(0, 3) * HOUR);
    const batchDay = Math.floor((e.date - Date.UTC(2020, 0, 1)) / DAY);
    const batch =
      e.method === 'Credit Card'
        ? {
            id: 500_000 + batchDay,
            number: `CC-${localDateKey(e.date)}`,
            name: `Card batch ${localDateKey(e.date)}`,
          }
        : e.method === 'Check' || e.method === 'Cash' || e.method === 'Money Order'
          ? {
              id: 600_000 + batchDay,
              number: `DEP-${localDateKey(e.date)}`,
              name: `Deposit ${localDateKey(e.date)}`,
            }
          : {
              id: 700_000 + batchDay,
              number: `EFT-${localDateKey(e.date)}`,
              name: `Electronic ${localDateKey(e.date)}`,
            };
    const total = sum(e.allocations);
    payments.push({
      id: e.paymentId,
      syncStatus: 'Posted',
      referenceNumber: e.checkNumber ?? e.authCode ?? null,
      date: stStamp(e.date),
      type: e.method,
      typeId: String(typeId(e.method)),
      total: money(total),
      unappliedAmount: '0.00',
      memo: e.memo || null,
      customer: { id: e.cust.id, name: e.cust.name },
      businessUnit: e.allocations[0]!.meta.bu,
      batch,
      createdBy: office.name,
      customFields: [],
      authCode: e.authCode,
      checkNumber: e.checkNumber,
      appliedTo: e.allocations.map((a) => ({
        appliedId: applied.next(),
        appliedTo: a.meta.invoiceId,
        appliedAmount: money(a.amount),
        appliedOn: stStamp(createdOn),
        appliedBy: office.name,
        appliedToReferenceNumber: a.meta.ref,
      })),
      modifiedOn: stStamp(createdOn + MINUTE),
      createdOn: stStamp(createdOn),
      active: true,
    });
    for (const a of e.allocations) {
      const b = balances.get(a.meta.invoiceId)!;
      b.balance = b.balance.minus(a.amount);
      if (b.balance.lessThanOrEqualTo(0)) b.paidOn = e.date;
    }
  }
  // Recent payments are still pending export to accounting.
  for (const p of payments) if (Date.parse(p.createdOn!) > asOf - 5 * DAY) p.syncStatus = 'Pending';
  return { payments, events: full, balances };
}

export function sum(allocations: readonly Allocation[]): Decimal {
  return allocations.reduce<Decimal>((acc, a) => acc.plus(a.amount), ZERO);
}
