// Billing. From the work description we derive every line a careful billing specialist would
// charge (the billing policy in the README), decide which of them the technician itemized
// (miss rates × the technician's sloppiness), and have the office add the rest hours to days
// after completion. The final invoice is the corrected one; truth records the difference.
import { type Decimal, fromNumber, roundCents, toMoneyString, ZERO } from '@invoicer/core';
import type { InvoiceItem } from '@invoicer/servicetitan';
import { lineTotal, percentDiscount } from './arithmetic.ts';
import type { JobTypeDef } from './org.ts';
import type { Tech } from './people.ts';
import { itemType, type Pricebook, type Sku } from './pricebook.ts';
import type { Rng } from './rng.ts';
import type { Fact, Line, Work } from './scenarios.ts';
import { type AfterHoursKind, DAY, HOUR, MINUTE, nextOfficeMoment, stDate, stStamp } from './time.ts';
import type { EditTruth, MissCategory, MissedItemTruth } from './types.ts';

/** Base chance an average technician leaves each kind of billable off the invoice. */
export const BASE_MISS_RATE: Record<MissCategory, number> = {
  trip_charge: 0.22,
  diagnostic_fee: 0.35,
  after_hours_premium: 0.4,
  disposal: 0.4,
  refrigerant: 0.28,
  consumables: 0.45,
  permit: 0.6,
  materials: 0.3,
  service_from_notes: 0.15,
  labor_hours: 0.45,
  membership_discount: 0.4,
};

const EVIDENCE: Record<MissCategory, string> = {
  trip_charge: 'job type: residential service call by a non-member (commercial: dispatch fee)',
  diagnostic_fee: 'notes: diagnosis only, repair declined',
  after_hours_premium: 'appointment start outside weekday 07:00-17:00 (or weekend/holiday)',
  disposal: 'notes/equipment: old equipment removed',
  refrigerant: 'notes: refrigerant added',
  consumables: 'job type: flat-rate repair',
  permit: 'job type: replacement/install requiring a permit',
  materials: 'notes: material used',
  service_from_notes: 'notes: additional task performed',
  labor_hours: 'timesheets: on-site hours (T&M)',
  membership_discount: 'membership active at appointment',
};

const PERMIT: Partial<Record<JobTypeDef['key'], string>> = {
  hvac_replace: 'FEE-PERMIT-MECH',
  furnace_replace: 'FEE-PERMIT-MECH',
  minisplit_install: 'FEE-PERMIT-MECH',
  wh_replace: 'FEE-PERMIT-PLB',
  panel_upgrade: 'FEE-PERMIT-ELEC',
  ev_charger: 'FEE-PERMIT-ELEC',
};
const TRADE_PREFIX = { hvac: 'HV', plumbing: 'PL', electrical: 'EL' } as const;
const KIT = { hvac: 'MAT-SUP-HV', plumbing: 'MAT-SUP-PL', electrical: 'MAT-SUP-EL' } as const;

interface Billable {
  sku: Sku;
  qty: Decimal;
  price: Decimal;
  addOn: boolean;
  category: MissCategory | null;
  line: Line | null;
  technicianId: number | null;
}

export interface BillingInput {
  rng: Rng;
  pb: Pricebook;
  jt: JobTypeDef;
  work: Work;
  lead: Tech;
  memberActive: boolean;
  residential: boolean;
  afterHours: AfterHoursKind;
  /** On-site ms per crew member (T&M labor). */
  onsite: Map<Tech, { regular: number; overtime: number }>;
  firstArrive: number;
  lastDone: number;
  completedOn: number;
  asOf: number;
  officeUserId: number;
  invoiceId: number;
  bu: { id: number; name: string };
  nextItemId: () => number;
  /** Note that mentions a line (for truth evidence). */
  noteFor: (line: Line | Fact) => number | null;
}

export interface BillingResult {
  items: InvoiceItem[];
  techLines: { type: string; total: Decimal; taxable: boolean }[];
  missed: MissedItemTruth[];
  edits: EditTruth[];
  lastModified: number;
}

const quarterUp = (ms: number) => Math.ceil(ms / (15 * MINUTE) - 1e-9) / 4;
const amount = (d: Decimal) => toMoneyString(d);
const qtyString = (d: Decimal) => d.toFixed(2);

function billables(input: BillingInput): Billable[] {
  const { pb, jt, work, lead } = input;
  const out: Billable[] = [];
  const add = (
    sku: Sku,
    qty: number | Decimal,
    category: MissCategory | null,
    line: Line | null = null,
    price?: Decimal,
    addOn = false,
  ) =>
    out.push({
      sku,
      qty: typeof qty === 'number' ? fromNumber(qty) : qty,
      price: price ?? fromNumber(sku.price),
      addOn,
      category,
      line,
      technicianId: lead.id,
    });
  const serviceCall = jt.cls === 'repair' || jt.cls === 'diagnostic' || jt.cls === 'emergency';

  work.tasks.forEach((line, i) => {
    const sku = pb.get(line.code);
    // Club tune-ups are billed at member price ($0); later flat-rate tasks at add-on price.
    const memberRate = input.memberActive && jt.cls === 'maintenance';
    const addOn = i > 0 && !sku.isLabor;
    const price = memberRate
      ? addOn
        ? sku.addOnMemberPrice
        : sku.memberPrice
      : addOn
        ? sku.addOnPrice
        : sku.price;
    add(
      sku,
      line.qty,
      line.secondary && line.mention ? 'service_from_notes' : null,
      line,
      fromNumber(price),
      addOn,
    );
  });
  for (const line of work.equipment) add(pb.get(line.code), line.qty, null, line);
  for (const line of work.materials)
    add(pb.get(line.code), line.qty, line.mention ? 'materials' : null, line);
  if (work.refrigerant)
    add(pb.get(work.refrigerant.code), work.refrigerant.qty, 'refrigerant', work.refrigerant);
  if (serviceCall && work.repairPerformed) add(pb.get(KIT[jt.trade]), 1, 'consumables');
  if (work.removed && !work.keepsOld) {
    add(
      pb.get(work.removed.waterHeater ? 'FEE-DISP-WH' : 'FEE-DISP-EQ'),
      work.removed.waterHeater ? 1 : work.removed.units,
      'disposal',
    );
  }
  const permit = PERMIT[jt.key];
  if (permit && !work.permitByOwner) add(pb.get(permit), 1, 'permit');
  if (!work.tripWaived) {
    if (jt.cls === 'tm') add(pb.get('FEE-DISPATCH-COM'), 1, 'trip_charge');
    else if (serviceCall && input.residential && !input.memberActive)
      add(pb.get('FEE-TRIP'), 1, 'trip_charge');
  }
  if (serviceCall && !work.repairPerformed) {
    const diag = pb.get(`${TRADE_PREFIX[jt.trade]}-DIAG-100`);
    const price = input.memberActive ? diag.memberPrice : diag.price;
    if (price > 0) add(diag, 1, 'diagnostic_fee', null, fromNumber(price));
  }
  if (serviceCall && input.afterHours)
    add(pb.get(input.afterHours === 'weekend' ? 'FEE-AH-WKND' : 'FEE-AH-EVE'), 1, 'after_hours_premium');
  if (jt.cls === 'tm') {
    const prefix = TRADE_PREFIX[jt.trade];
    const hours = new Map<string, number>();
    for (const [tech, t] of input.onsite) {
      const base = tech.apprentice ? 'APP' : prefix;
      hours.set(`LAB-${base}-REG`, (hours.get(`LAB-${base}-REG`) ?? 0) + quarterUp(t.regular));
      hours.set(`LAB-${base}-OT`, (hours.get(`LAB-${base}-OT`) ?? 0) + quarterUp(t.overtime));
    }
    // One-hour minimum per call, topped up on the lead's regular rate.
    const total = [...hours.values()].reduce((a, b) => a + b, 0);
    if (total < 1) hours.set(`LAB-${prefix}-REG`, (hours.get(`LAB-${prefix}-REG`) ?? 0) + (1 - total));
    for (const [code, h] of hours) if (h > 0) add(pb.get(code), h, 'labor_hours');
  }
  return out;
}

function missChance(input: BillingInput, category: MissCategory): number {
  const { lead, jt } = input;
  let p = BASE_MISS_RATE[category] * lead.missMultiplier * (lead.blindSpots.includes(category) ? 2 : 1);
  // Emergencies are obviously after hours; evening overruns on ordinary calls are not.
  if (category === 'after_hours_premium' && jt.cls === 'emergency') p *= 0.35;
  if (category === 'trip_charge' && jt.cls === 'tm') p *= 0.6;
  return Math.min(0.95, p);
}

/** A technician's quantity slip: off by one unit, or a pound/half-hour for fractional items. */
function slip(rng: Rng, qty: Decimal, unit: 'lb' | 'hr' | 'ea'): Decimal {
  const step = unit === 'ea' ? fromNumber(rng.int(1, 2)) : fromNumber(rng.pick([0.5, 1]));
  const down = qty.minus(step);
  return rng.chance(0.65) && down.greaterThan(0) ? down : qty.plus(step);
}

export function buildInvoiceItems(input: BillingInput): BillingResult {
  const { rng, pb, jt } = input;
  const all = billables(input);
  const laborMissed = rng.chance(missChance(input, 'labor_hours'));
  const missed = new Set<Billable>();
  const techQty = new Map<Billable, Decimal>();
  for (const b of all) {
    if (!b.category) continue;
    const isMissed = b.category === 'labor_hours' ? laborMissed : rng.chance(missChance(input, b.category));
    if (isMissed) missed.add(b);
  }
  // Rare slips the office corrects (not additions): quantity typos on itemized lines.
  for (const b of all) {
    if (missed.has(b)) continue;
    const isLabor = b.category === 'labor_hours';
    const p = isLabor
      ? 0.15
      : b.category === 'refrigerant'
        ? 0.05
        : b.category === 'materials' && b.sku.unit !== 'Foot'
          ? 0.02
          : 0;
    if (p && rng.chance(p))
      techQty.set(b, slip(rng, b.qty, isLabor ? 'hr' : b.category === 'refrigerant' ? 'lb' : 'ea'));
  }

  // Membership discount on repair calls, computed on the final services and materials.
  const serviceCall = jt.cls === 'repair' || jt.cls === 'diagnostic' || jt.cls === 'emergency';
  const discountSku = pb.get('DISC-MBR-15');
  const eligible = (lines: { b: Billable; qty: Decimal }[]) =>
    lines.reduce(
      (acc, { b, qty }) =>
        b.sku.kind === 'Service' || b.sku.kind === 'Material' ? acc.plus(lineTotal(qty, b.price)) : acc,
      ZERO,
    );
  const finalLines = all.map((b) => ({ b, qty: b.qty }));
  let discount: Billable | null = null;
  let techDiscountAmount: Decimal | null = null;
  if (input.memberActive && input.residential && serviceCall) {
    const amt = percentDiscount(eligible(finalLines), discountSku.price, discountSku.limit ?? 0);
    if (amt.greaterThan(0)) {
      discount = {
        sku: discountSku,
        qty: fromNumber(1),
        price: amt.negated(),
        addOn: false,
        category: 'membership_discount',
        line: null,
        technicianId: input.lead.id,
      };
      if (rng.chance(missChance(input, 'membership_discount'))) missed.add(discount);
      else {
        const techLines = all.filter((b) => !missed.has(b)).map((b) => ({ b, qty: techQty.get(b) ?? b.qty }));
        techDiscountAmount = percentDiscount(eligible(techLines), discountSku.price, discountSku.limit ?? 0);
      }
    }
  }
  const ordered = discount ? [...all, discount] : all;

  // Office timing: a first review pass hours to days after completion; permits once pulled.
  const latest = input.asOf - HOUR;
  const clampOffice = (t: number) =>
    t < latest ? t : input.completedOn + Math.max(MINUTE, Math.floor((latest - input.completedOn) / 2));
  const review = clampOffice(
    nextOfficeMoment(
      input.completedOn + Math.max(45 * MINUTE, Math.min(5 * DAY, rng.logNormal(18 * HOUR, 0.9))),
    ),
  );
  const permitDay = clampOffice(nextOfficeMoment(review + rng.int(1, 4) * DAY));

  const items: InvoiceItem[] = [];
  const truthMissed: MissedItemTruth[] = [];
  const edits: EditTruth[] = [];
  const techLines: BillingResult['techLines'] = [];
  let lastModified = input.completedOn;
  const techBillables = ordered.filter((b) => !missed.has(b));
  const officeBillables = ordered.filter((b) => missed.has(b));
  const span = Math.max(MINUTE, input.lastDone - input.firstArrive);
  let order = 0;
  let officeSeq = 0;

  const record = (
    b: Billable,
    qty: Decimal,
    createdOn: number,
    modifiedOn: number,
    createdById: number,
    price: Decimal,
  ): InvoiceItem => {
    const total = lineTotal(qty, price);
    const cost = fromNumber(b.sku.cost);
    lastModified = Math.max(lastModified, modifiedOn);
    return {
      id: input.nextItemId(),
      description: b.sku.description,
      quantity: qtyString(qty),
      cost: amount(cost),
      totalCost: amount(roundCents(cost.times(qty))),
      price: amount(price),
      type: itemType(b.sku),
      skuName: b.sku.code,
      skuId: b.sku.id,
      total: amount(total),
      inventory: false,
      taxable: b.sku.taxable,
      membershipTypeId: null,
      displayName: b.sku.name,
      soldHours: Math.round(b.sku.hours * qty.toNumber() * 100) / 100,
      createdOn: stStamp(createdOn),
      modifiedOn: stStamp(modifiedOn),
      serviceDate: stDate(input.completedOn),
      order: ++order,
      businessUnit: input.bu,
      createdById,
      addOn: b.addOn,
      memberPrice: amount(b.sku.kind === 'Discount' ? price : fromNumber(b.sku.memberPrice)),
      technicianId: b.technicianId,
      invoiceId: input.invoiceId,
      active: true,
    };
  };

  techBillables.forEach((b, i) => {
    const created =
      input.firstArrive + Math.round((span * (i + 1)) / (techBillables.length + 1)) + rng.int(0, 59) * 1000;
    const isDiscount = b === discount;
    const tq = techQty.get(b);
    const techPrice = isDiscount && techDiscountAmount ? techDiscountAmount.negated() : b.price;
    const corrected = tq !== undefined || (isDiscount && !techPrice.equals(b.price));
    const modified = corrected ? review + officeSeq++ * 40_000 : created;
    const item = record(b, b.qty, created, modified, input.lead.userId, b.price);
    items.push(item);
    techLines.push({ type: item.type, total: lineTotal(tq ?? b.qty, techPrice), taxable: b.sku.taxable });
    if (tq !== undefined) {
      edits.push({
        itemId: item.id,
        skuCode: b.sku.code,
        kind: 'quantity_correction',
        field: 'quantity',
        from: qtyString(tq),
        to: item.quantity,
        modifiedOn: item.modifiedOn!,
      });
    } else if (corrected) {
      edits.push({
        itemId: item.id,
        skuCode: b.sku.code,
        kind: 'discount_recalculated',
        field: 'price',
        from: amount(techPrice),
        to: item.price,
        modifiedOn: item.modifiedOn!,
      });
    }
  });
  for (const b of officeBillables) {
    const when =
      (b.category === 'permit' ? permitDay : review) + officeSeq++ * 40_000 + rng.int(0, 30) * 1000;
    const item = record(b, b.qty, when, when, input.officeUserId, b.price);
    item.technicianId = null;
    items.push(item);
    truthMissed.push({
      itemId: item.id,
      skuId: b.sku.id,
      skuCode: b.sku.code,
      type: item.type,
      category: b.category!,
      quantity: item.quantity,
      price: item.price,
      total: item.total,
      createdOn: item.createdOn!,
      evidence: EVIDENCE[b.category!],
      noteId: b.line ? input.noteFor(b.line) : null,
    });
  }
  return { items, techLines, missed: truthMissed, edits, lastModified };
}
