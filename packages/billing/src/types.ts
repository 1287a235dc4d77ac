// Domain types of the billing core. Money is carried as decimal strings in anything that is
// persisted (stage outputs, drafts) and as Decimal inside computations.

export type ItemType = 'Service' | 'Material' | 'Equipment' | 'PriceModifier';
export type SkuKind = 'service' | 'material' | 'equipment' | 'fee' | 'discount';

/** A price-book entry as the billing core sees it (numbers already exact strings). */
export interface CatalogSku {
  id: number;
  kind: SkuKind;
  code: string;
  name: string;
  description: string;
  price: string;
  memberPrice: string | null;
  addOnPrice: string | null;
  addOnMemberPrice: string | null;
  taxable: boolean;
  active: boolean;
  isLabor: boolean;
  hours: number | null;
  unitOfMeasure: string | null;
  categoryNames: string[];
  /** Price-book category ids (materials and equipment often carry ids without names). */
  categoryIds?: number[];
  /** Discounts and fees: Percentage (fraction) or Fixed. */
  amountType: 'Percentage' | 'Fixed' | null;
  amount: string | null;
  limit: string | null;
}

export function itemTypeOf(kind: SkuKind): ItemType {
  switch (kind) {
    case 'service':
      return 'Service';
    case 'material':
      return 'Material';
    case 'equipment':
      return 'Equipment';
    default:
      return 'PriceModifier';
  }
}

/** A flat-rate task: a service that is not hourly labor. */
export function isFlatRateTask(sku: CatalogSku | undefined): sku is CatalogSku {
  return sku?.kind === 'service' && !sku.isLabor;
}

export interface TaxZoneInfo {
  id: number;
  name: string;
  isTaxRateSeparated: boolean;
  rates: { taxName: string; taxBaseType: string[]; taxRate: string }[];
}

/** An item already on the ServiceTitan invoice (entered by the technician). */
export interface ExistingItem {
  id: number;
  skuId: number | null;
  skuCode: string | null;
  type: ItemType;
  description: string;
  quantity: string;
  unitPrice: string;
  total: string;
  taxable: boolean;
  createdOn: string | null;
}

export interface NoteText {
  /** 0..n-1 for job notes, -1 for the job summary. */
  index: number;
  text: string;
  createdOn: string | null;
}

export interface LaborEntry {
  technicianId: number;
  technicianName: string;
  hours: string;
  paidTimeType: 'Regular' | 'Overtime' | 'DoubleOvertime';
  hourlyRate: string | null;
}

/**
 * A job's recorded time, for time-and-materials labor (instants in ms since the epoch): the same
 * shape for the job being drafted and for past jobs, so the shop's labor convention learned from
 * history applies as is.
 */
export interface LaborTime {
  /** Visits (appointments): scheduled start and end. */
  visits: { id: number; start: number; end: number | null }[];
  /** Timesheets: a technician on site on a visit, from arrival to done. */
  onSite: { technicianId: number; visitId: number | null; arrived: number; done: number }[];
  /** Payroll: paid working hours (drive time excluded), when they started, and their pay type. */
  paid: {
    technicianId: number;
    hours: number;
    start: number | null;
    type: 'Regular' | 'Overtime' | 'DoubleOvertime';
  }[];
}

/** Everything the pipeline knows about one completed job. */
export interface JobContext {
  tenantId: string;
  job: {
    id: number;
    number: string | null;
    jobTypeId: number;
    jobTypeName: string;
    businessUnitId: number;
    businessUnitName: string;
    completedOn: string;
    noCharge: boolean;
    customerId: number;
    locationId: number;
    tagTypeIds: number[];
    /** Set on a callback for earlier work (usually not charged again). */
    recallForId?: number | null;
  };
  invoice: {
    id: number;
    referenceNumber: string | null;
    syncStatus: string | null;
    reviewStatus: string | null;
    subTotal: string;
    salesTax: string;
    total: string;
    items: ExistingItem[];
  };
  notes: NoteText[];
  appointments: { id: number; start: string; end: string }[];
  labor: LaborEntry[];
  /** Visits, timesheets and paid hours, and the tenant's time zone (labor conventions). */
  laborTime?: LaborTime & { timezone: string };
  attachments: { id: number; fileName: string; contentType: string | null }[];
  customer: {
    id: number;
    name: string;
    type: string | null;
    tagTypeIds: number[];
    /** ServiceTitan custom fields (name → value), e.g. a discount eligibility. */
    customFields?: { name: string; value: string }[];
  };
  location: {
    id: number;
    name: string;
    taxZoneId: number | null;
    taxExempt: boolean;
    address: string;
    /** The address's city (permits go by jurisdiction, and a city can span tax zones). */
    city?: string | null;
  };
  membership: { id: number; status: string; active: boolean; membershipTypeId: number | null } | null;
  taxZone: TaxZoneInfo | null;
  /** SKUs on the job's sold estimates (history feature "was on a sold estimate"); absent: none. */
  soldEstimateSkuIds?: number[];
  /** Prior completed jobs at this location (newest first), with their invoice lines. */
  priorJobs: { jobId: number; jobTypeId: number; completedOn: string; skuIds: number[] }[];
}

/** Where a draft line came from. */
export type Provenance =
  | { kind: 'technician_item'; itemId: number }
  | { kind: 'note_span'; noteIndex: number; start: number; end: number; text: string }
  | { kind: 'rule'; rule: string; detail: string }
  | { kind: 'history_pattern'; pattern: string; support: number; confidence: number }
  | { kind: 'labor'; technicianIds: number[]; hours: string }
  | { kind: 'human'; userId: string };

export interface Evidence {
  kind: 'note_span' | 'rule' | 'history_pattern' | 'structured' | 'retrieval';
  detail: string;
  /** Optional pointer into a note, for highlighting. */
  span?: { noteIndex: number; start: number; end: number };
  support?: number;
  confidence?: number;
}

export type LineOrigin = 'technician' | 'added' | 'changed';

/** A line before pricing: what to bill and why. */
export interface ProposedLine {
  key: string;
  skuId: number;
  quantity: string;
  origin: LineOrigin;
  existingItemId: number | null;
  provenance: Provenance;
  evidence: Evidence[];
  /** 0..1 */
  confidence: number;
  reason: string;
  /** True when the line is an add-on to the main service (add-on price applies). */
  addOn?: boolean;
  /** Set for lines whose price is fixed elsewhere (technician items keep their price). */
  unitPriceOverride?: string;
}

export interface PricedLine extends ProposedLine {
  skuCode: string;
  skuName: string;
  type: ItemType;
  description: string;
  unitPrice: string;
  total: string;
  taxable: boolean;
  priceBasis: string;
  /** For a technician's item entered at another price: what the price book gives this customer. */
  bookPrice?: string;
}

export type FlagCode =
  | 'duplicate_line'
  | 'sku_inactive'
  | 'sku_not_in_catalog'
  | 'labor_hours_high'
  | 'quantity_outlier'
  | 'membership_discount_missing'
  | 'membership_discount_unexpected'
  | 'price_differs_from_pricebook'
  | 'invoice_not_editable'
  | 'no_charge_job'
  | 'declined_item_on_invoice'
  | 'labor_hours_differ';

export interface Flag {
  code: FlagCode;
  message: string;
  severity: 'info' | 'warning' | 'error';
  lineKey?: string;
  evidence: Evidence[];
}
