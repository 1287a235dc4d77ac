// The price book: a fixed catalogue (the same shop for every seed) of flat-rate services,
// hourly labor, materials, equipment, fees and discounts. Prices are exact decimals derived
// with Decimal and written as JSON numbers, as ServiceTitan's price book does.
import { type Decimal, fromNumber } from '@invoicer/core';
import type {
  DiscountAndFee,
  PricebookCategory,
  PricebookEquipment,
  PricebookMaterial,
  PricebookService,
} from '@invoicer/servicetitan';
import { CATEGORIES, equipmentRows, MODIFIERS, materialRows, SERVICES } from './catalog.ts';
import { BUSINESS_UNITS, type BuKey } from './org.ts';

export type SkuKind = 'Service' | 'Material' | 'Equipment' | 'Fee' | 'Discount';

export interface Sku {
  id: number;
  kind: SkuKind;
  code: string;
  name: string;
  description: string;
  price: number;
  memberPrice: number;
  addOnPrice: number;
  addOnMemberPrice: number;
  cost: number;
  taxable: boolean;
  active: boolean;
  hours: number;
  categoryId: number;
  bu: BuKey;
  unit: string | null;
  isLabor: boolean;
  manufacturer?: string;
  model?: string;
  amountType?: 'Percentage' | 'Fixed';
  /** Percentage discounts: the cap in dollars. */
  limit?: number;
}

/** Invoice item `type` for a SKU: discounts and fees are price modifiers. */
export function itemType(sku: Sku): 'Service' | 'Material' | 'Equipment' | 'PriceModifier' {
  return sku.kind === 'Fee' || sku.kind === 'Discount' ? 'PriceModifier' : sku.kind;
}

export class Pricebook {
  readonly skus: Sku[] = [];
  readonly categories = CATEGORIES;
  private readonly byCode = new Map<string, Sku>();
  readonly byId = new Map<number, Sku>();

  constructor() {
    // All SKU kinds share one id space in ServiceTitan (invoice items reference them by skuId).
    let id = 12001;
    const catBu = (cat: number) => CATEGORIES.find((c) => c.id === cat)!.bu;
    const d = (n: number) => fromNumber(n);
    const dollars = (x: Decimal) => x.toDecimalPlaces(0).toNumber();
    const cents = (x: Decimal) => x.toDecimalPlaces(2).toNumber();
    for (const [catKey, rows] of Object.entries(SERVICES)) {
      const cat = Number(catKey);
      for (const [code, name, price, hours, o = {}] of rows) {
        const member = o.member ?? (o.labor ? price : dollars(d(price).times('0.85')));
        this.add({
          id: id++,
          kind: 'Service',
          code,
          name,
          description: `<p>${name}.</p><p>${CATEGORIES.find((c) => c.id === cat)!.blurb}</p>`,
          price,
          memberPrice: member,
          addOnPrice: o.labor ? price : dollars(d(price).times('0.9')),
          addOnMemberPrice: o.labor ? member : dollars(d(member).times('0.9')),
          cost: o.cost ?? 0,
          taxable: o.taxable ?? false,
          active: !o.inactive,
          hours,
          categoryId: cat,
          bu: catBu(cat),
          unit: o.labor ? 'Hour' : null,
          isLabor: o.labor ?? false,
        });
      }
    }
    for (const [catKey, rows] of Object.entries(materialRows())) {
      const cat = Number(catKey);
      for (const [code, name, price, unit, o = {}] of rows) {
        this.add({
          id: id++,
          kind: 'Material',
          code,
          name,
          description: `<p>${name}</p>`,
          price,
          memberPrice: price,
          addOnPrice: price,
          addOnMemberPrice: price,
          cost: o.cost ?? cents(d(price).dividedBy('2.4')),
          taxable: o.taxable ?? true,
          active: !o.inactive,
          hours: 0,
          categoryId: cat,
          bu: catBu(cat),
          unit,
          isLabor: false,
        });
      }
    }
    for (const r of equipmentRows()) {
      this.add({
        id: id++,
        kind: 'Equipment',
        code: r.code,
        name: r.name,
        description: `<p>${r.manufacturer} ${r.model}: ${r.name}. Includes manufacturer parts warranty; registration by installer.</p>`,
        price: r.price,
        memberPrice: dollars(d(r.price).times('0.95')),
        addOnPrice: r.price,
        addOnMemberPrice: dollars(d(r.price).times('0.95')),
        cost: cents(d(r.price).dividedBy('1.85')),
        taxable: true,
        active: !r.inactive,
        hours: 0,
        categoryId: r.cat,
        bu: catBu(r.cat),
        unit: 'Each',
        isLabor: false,
        manufacturer: r.manufacturer,
        model: r.model,
      });
    }
    for (const m of MODIFIERS) {
      const price = m.kind === 'Discount' ? -m.amount : m.amount;
      this.add({
        id: id++,
        kind: m.kind,
        code: m.code,
        name: m.name,
        description: m.description,
        price,
        memberPrice: price,
        addOnPrice: price,
        addOnMemberPrice: price,
        cost: 0,
        // Discounts are pre-tax (ServiceTitan's taxable flag on a discount): they reduce the taxable base.
        taxable: m.taxable ?? m.kind === 'Discount',
        active: !m.inactive,
        hours: 0,
        categoryId: m.kind === 'Fee' ? 6761 : 6762,
        bu: 'hvac_service',
        unit: null,
        isLabor: false,
        amountType: m.amountType,
        ...(m.limit !== undefined ? { limit: m.limit } : {}),
      });
      // Keep the raw amount (a fraction for percentages) in `price` for fixed fees only.
      if (m.amountType === 'Percentage') this.get(m.code).price = m.amount;
    }
  }

  private add(sku: Sku): void {
    if (this.byCode.has(sku.code)) throw new Error(`duplicate SKU code ${sku.code}`);
    this.skus.push(sku);
    this.byCode.set(sku.code, sku);
    this.byId.set(sku.id, sku);
  }

  get(code: string): Sku {
    const sku = this.byCode.get(code);
    if (!sku) throw new Error(`unknown SKU code ${code}`);
    return sku;
  }

  has(code: string): boolean {
    return this.byCode.has(code);
  }
}

// --- records -----------------------------------------------------------------------------

function common(s: Sku, stamp: string) {
  return {
    id: s.id,
    code: s.code,
    displayName: s.name,
    description: s.description,
    price: s.price,
    memberPrice: s.memberPrice,
    addOnPrice: s.addOnPrice,
    addOnMemberPrice: s.addOnMemberPrice,
    cost: s.cost,
    active: s.active,
    hours: s.hours,
    businessUnitId: BUSINESS_UNITS.find((b) => b.key === s.bu)!.id,
    externalData: [],
    createdOn: stamp,
    modifiedOn: stamp,
  };
}

export function serviceRecords(pb: Pricebook, stamp: string): PricebookService[] {
  return pb.skus
    .filter((s) => s.kind === 'Service')
    .map((s) => ({
      ...common(s, stamp),
      account: s.isLabor ? 'Labor Income' : 'Services income',
      taxable: s.taxable,
      isLabor: s.isLabor,
      categories: [
        { id: s.categoryId, name: pb.categories.find((c) => c.id === s.categoryId)!.name, active: true },
      ],
      warranty: { duration: s.isLabor ? 0 : 365, description: s.isLabor ? '' : '1-year labor warranty' },
      serviceMaterials: [],
      serviceEquipment: [],
      paysCommission: !s.isLabor,
      bonus: 0,
      commissionBonus: 0,
      useStaticPrices: true,
    }));
}

export function materialRecords(pb: Pricebook, stamp: string): PricebookMaterial[] {
  return pb.skus
    .filter((s) => s.kind === 'Material')
    .map((s) => ({
      ...common(s, stamp),
      account: 'INCOME-Sales',
      costOfSaleAccount: 'COGS:Materials & Parts',
      taxable: s.taxable,
      unitOfMeasure: s.unit,
      isInventory: s.unit === 'Each',
      chargeableByDefault: true,
      deductAsJobCost: false,
      categories: [s.categoryId],
    }));
}

export function equipmentRecords(pb: Pricebook, stamp: string): PricebookEquipment[] {
  return pb.skus
    .filter((s) => s.kind === 'Equipment')
    .map((s) => ({
      ...common(s, stamp),
      account: 'INCOME-Equipment',
      taxable: s.taxable,
      manufacturer: s.manufacturer ?? null,
      model: s.model ?? null,
      unitOfMeasure: s.unit,
      isInventory: false,
      manufacturerWarranty: { duration: 120, description: '10-year parts (registered)' },
      categories: [s.categoryId],
    }));
}

export function discountAndFeeRecords(pb: Pricebook, stamp: string): DiscountAndFee[] {
  return pb.skus
    .filter((s) => s.kind === 'Fee' || s.kind === 'Discount')
    .map((s) => ({
      id: s.id,
      type: s.kind,
      code: s.code,
      displayName: s.name,
      description: s.description,
      amountType: s.amountType ?? 'Fixed',
      amount: s.amountType === 'Percentage' ? s.price : Math.abs(s.price),
      limit: s.limit ?? 0,
      taxable: s.taxable,
      categories: [s.categoryId],
      hours: 0,
      account: s.kind === 'Discount' ? 'Discounts / Refunds Given' : 'Fee Income',
      active: s.active,
      excludeFromPayroll: true,
      createdOn: stamp,
      modifiedOn: stamp,
    }));
}

export function categoryRecords(pb: Pricebook): PricebookCategory[] {
  return pb.categories.map((c, i) => ({
    id: c.id,
    name: c.name,
    active: true,
    description: c.blurb,
    parentId: null,
    position: i + 1,
    categoryType: c.type,
    businessUnitIds: [BUSINESS_UNITS.find((b) => b.key === c.bu)!.id],
  }));
}
