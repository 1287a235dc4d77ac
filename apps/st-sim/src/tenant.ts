// One simulated ServiceTitan tenant: the fixture's records in indexed collections, plus
// replay ("time travel"): completed jobs are held back and completed one by one in
// completedOn order, each showing its invoice as it stood at completion.
import { fromAmountString, sum, toMoneyString } from '@invoicer/core';
import type {
  Appointment,
  AppointmentAssignment,
  BusinessUnit,
  Customer,
  DiscountAndFee,
  GrossPayItem,
  Invoice,
  InvoiceItem,
  Job,
  JobAttachment,
  JobNote,
  JobTimesheet,
  JobType,
  Location,
  Membership,
  Payment,
  PaymentType,
  PricebookCategory,
  PricebookEquipment,
  PricebookMaterial,
  PricebookService,
  TaxZone,
  Technician,
  TenantFixture,
  TenantMeta,
} from '@invoicer/servicetitan';
import { recomputeInvoice } from './invoice-math.ts';
import { Collection, type SimRecord } from './store.ts';

type R<T> = T & SimRecord;

export type SkuKind = 'service' | 'material' | 'equipment' | 'discount-fee';

export interface PlayedJob {
  job: Job;
  playedAt: Date;
}

/** Ids above every fixture id, for records the simulator creates (items, payments). */
const CREATED_ID_BASE = 900_000_000;

export class SimTenant {
  readonly meta: TenantMeta;
  readonly jobs = new Collection<R<Job>>('jobs', ['locationId', 'customerId', 'invoiceId', 'jobTypeId']);
  readonly jobTypes = new Collection<R<JobType>>('job-types');
  readonly notes = new Collection<R<JobNote>>('job-notes', ['jobId']);
  readonly appointments = new Collection<R<Appointment>>('appointments', ['jobId']);
  readonly assignments = new Collection<R<AppointmentAssignment>>('appointment-assignments', [
    'jobId',
    'appointmentId',
  ]);
  readonly timesheets = new Collection<R<JobTimesheet>>('job-timesheets', ['jobId']);
  readonly grossPay = new Collection<R<GrossPayItem>>('gross-pay-items', ['employeeId', 'jobId']);
  readonly technicians = new Collection<R<Technician>>('technicians');
  readonly businessUnits = new Collection<R<BusinessUnit>>('business-units');
  readonly services = new Collection<R<PricebookService>>('services');
  readonly materials = new Collection<R<PricebookMaterial>>('materials');
  readonly equipment = new Collection<R<PricebookEquipment>>('equipment');
  readonly discountsAndFees = new Collection<R<DiscountAndFee>>('discounts-and-fees');
  readonly categories = new Collection<R<PricebookCategory>>('categories');
  readonly customers = new Collection<R<Customer>>('customers');
  readonly locations = new Collection<R<Location>>('locations', ['customerId']);
  readonly memberships = new Collection<R<Membership>>('memberships', ['customerId', 'locationId']);
  readonly taxZones = new Collection<R<TaxZone>>('tax-zones');
  readonly invoices = new Collection<R<Invoice>>('invoices', ['_jobId', '_customerId']);
  readonly payments = new Collection<R<Payment>>('payments', ['_customerId']);
  readonly paymentTypes = new Collection<R<PaymentType>>('payment-types');
  readonly attachments = new Collection<R<JobAttachment>>('job-attachments', ['jobId']);
  /**
   * The invoice custom fields the shop has added for us (writes to unknown fields are refused).
   * They exist from the start, so a journal replayed at start-up can write them.
   */
  readonly invoiceCustomFieldTypes = [
    { id: 1, name: 'AI Draft Status', dataType: 'Text', dataTypeOptions: [] as string[] },
    { id: 2, name: 'AI Run', dataType: 'Text', dataTypeOptions: [] as string[] },
    { id: 3, name: 'Sent by invoicer', dataType: 'Text', dataTypeOptions: [] as string[] },
    { id: 4, name: 'Payment plan', dataType: 'Text', dataTypeOptions: [] as string[] },
  ];

  /** Replay: jobs waiting to be completed, in completedOn order. */
  private pending: Job[] = [];
  private pendingPayments: R<Payment>[] = [];
  private readonly completedOnOf = new Map<number, string>();
  /** Office-added items held back from invoices during replay (the answer key). */
  readonly heldBackItems = new Map<number, InvoiceItem[]>();
  /**
   * The fixture's own figures per invoice and the items they were for: while an invoice holds
   * exactly those items, its subtotal and tax are the shop's, not our recomputation (shops round
   * tax differently; a replay must not rewrite their history).
   */
  private readonly fixtureTotals = new Map<
    number,
    { itemIds: string; subTotal: string; salesTax: string; total: string }
  >();
  private nextCreatedId = CREATED_ID_BASE;

  constructor(
    fixture: TenantFixture,
    /** replay: hold back completed jobs (all, or only the `replayLast` most recent). */
    readonly options: {
      replay: boolean;
      replayLast?: number;
      /** Replay from this completion time on (earlier jobs are history). */
      replayFrom?: string;
      /** Put the office's later items back on their invoices once the clock passes them (backtests). */
      revealOfficeItems?: boolean;
    } = { replay: false },
  ) {
    this.meta = fixture.meta;
    const load = <T extends SimRecord>(c: Collection<T>, rows: unknown[]) => {
      for (const row of rows) c.put(structuredClone(row) as T);
    };
    load(this.jobTypes, fixture['jpm/job-types']);
    load(this.appointments, fixture['jpm/appointments']);
    load(this.assignments, fixture['dispatch/appointment-assignments']);
    load(this.timesheets, fixture['payroll/job-timesheets']);
    load(this.grossPay, fixture['payroll/gross-pay-items']);
    load(this.technicians, fixture['settings/technicians']);
    load(this.businessUnits, fixture['settings/business-units']);
    load(this.services, fixture['pricebook/services']);
    load(this.materials, fixture['pricebook/materials']);
    load(this.equipment, fixture['pricebook/equipment']);
    load(this.discountsAndFees, fixture['pricebook/discounts-and-fees']);
    load(this.categories, fixture['pricebook/categories']);
    load(this.customers, fixture['crm/customers']);
    load(this.locations, fixture['crm/locations']);
    load(this.memberships, fixture['memberships/memberships']);
    load(this.taxZones, fixture['accounting/tax-zones']);
    load(this.paymentTypes, fixture['accounting/payment-types']);
    load(this.attachments, fixture['forms/job-attachments']);
    // Notes without an id (transactional shape) get one, so the export feed can carry them.
    let noteId = 1;
    for (const note of fixture['jpm/job-notes']) {
      this.notes.put({ ...structuredClone(note), id: note.id ?? noteId++ } as R<JobNote>);
    }
    for (const invoice of fixture['accounting/invoices']) {
      this.fixtureTotals.set(invoice.id, {
        itemIds: activeItemIds(invoice),
        subTotal: invoice.subTotal,
        salesTax: invoice.salesTax,
        total: invoice.total,
      });
      // Underscore fields are private index keys; responses drop them.
      const copy = structuredClone(invoice) as R<Invoice> & { _jobId?: number; _customerId?: number };
      copy._jobId = invoice.job?.id ?? undefined;
      copy._customerId = invoice.customer?.id ?? undefined;
      this.invoices.put(copy);
    }
    const held = options.replay
      ? this.heldBackIds(fixture['jpm/jobs'], options.replayLast, options.replayFrom)
      : new Set<number>();
    const replayFrom = this.replayFrom(fixture['jpm/jobs'], held);
    for (const payment of fixture['accounting/payments']) {
      const copy = structuredClone(payment) as R<Payment> & { _customerId?: number };
      copy._customerId = payment.customer?.id ?? undefined;
      // During replay a payment appears once the clock passes its date.
      if (options.replay && replayFrom !== null && (copy.date ?? '') >= replayFrom)
        this.pendingPayments.push(copy);
      else this.payments.put(copy);
    }
    this.pendingPayments.sort((a, b) => (a.date ?? '').localeCompare(b.date ?? ''));
    for (const job of fixture['jpm/jobs']) {
      const copy = structuredClone(job) as R<Job>;
      if (held.has(job.id) && job.completedOn) {
        this.completedOnOf.set(job.id, job.completedOn);
        copy.jobStatus = 'InProgress';
        copy.completedOn = null;
        this.pending.push(job);
        this.holdBackOfficeItems(job);
      }
      this.jobs.put(copy);
    }
    this.pending.sort((a, b) => (a.completedOn ?? '').localeCompare(b.completedOn ?? '') || a.id - b.id);
  }

  /** Completed jobs to hold back: all of them, or the `last` most recent by completedOn. */
  private heldBackIds(jobs: Job[], last: number | undefined, from: string | undefined): Set<number> {
    const completed = jobs
      .filter(
        (j) =>
          j.jobStatus === 'Completed' &&
          j.completedOn &&
          (!from || Date.parse(j.completedOn) >= Date.parse(from)),
      )
      .sort((a, b) => (a.completedOn ?? '').localeCompare(b.completedOn ?? '') || a.id - b.id);
    const chosen = last === undefined ? completed : completed.slice(Math.max(0, completed.length - last));
    return new Set(chosen.map((j) => j.id));
  }

  /** Payments dated on or after the first held-back completion wait for the replay clock. */
  private replayFrom(jobs: Job[], held: Set<number>): string | null {
    const times = jobs
      .filter((j) => held.has(j.id))
      .map((j) => j.completedOn ?? '')
      .sort();
    return times[0] ?? null;
  }

  newId(): number {
    this.nextCreatedId += 1;
    return this.nextCreatedId;
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  /** Complete the next `count` held-back jobs (all when omitted). */
  /** Completion time of the next held-back job, or null when all were played. */
  get nextCompletion(): string | null {
    return this.pending[0] ? (this.completedOnOf.get(this.pending[0].id) ?? null) : null;
  }

  /** Complete every held-back job completed before `until`. */
  playUntil(until: Date): PlayedJob[] {
    let count = 0;
    const before = (job: Job) => Date.parse(this.completedOnOf.get(job.id) ?? '') < until.getTime();
    while (count < this.pending.length && before(this.pending[count]!)) count += 1;
    return this.play(count);
  }

  play(count = Number.POSITIVE_INFINITY): PlayedJob[] {
    const played: PlayedJob[] = [];
    while (this.pending.length && played.length < count) {
      const original = this.pending.shift()!;
      const job = this.jobs.get(original.id)!;
      job.jobStatus = 'Completed';
      job.completedOn = this.completedOnOf.get(job.id) ?? new Date().toISOString();
      job.modifiedOn = job.completedOn;
      this.jobs.touch(job.id);
      played.push({ job, playedAt: new Date() });
      this.advanceClock(Date.parse(job.completedOn));
      this.releasePayments(job.completedOn);
    }
    if (!this.pending.length) this.releasePayments(null);
    return played;
  }

  /** Complete one job now (PUT /jobs/{id}/complete). */
  complete(jobId: number, completedOn: string): Job | undefined {
    const job = this.jobs.get(jobId);
    if (!job) return undefined;
    this.pending = this.pending.filter((j) => j.id !== jobId);
    job.jobStatus = 'Completed';
    job.completedOn = completedOn;
    job.modifiedOn = new Date().toISOString();
    this.jobs.touch(jobId);
    return job;
  }

  sku(id: number): {
    kind: SkuKind;
    record: PricebookService | PricebookMaterial | PricebookEquipment | DiscountAndFee;
  } | null {
    const service = this.services.get(id);
    if (service) return { kind: 'service', record: service };
    const material = this.materials.get(id);
    if (material) return { kind: 'material', record: material };
    const equipment = this.equipment.get(id);
    if (equipment) return { kind: 'equipment', record: equipment };
    const fee = this.discountsAndFees.get(id);
    if (fee) return { kind: 'discount-fee', record: fee };
    return null;
  }

  skuByCode(code: string): ReturnType<SimTenant['sku']> {
    for (const c of [this.services, this.materials, this.equipment, this.discountsAndFees] as Collection<
      SimRecord & { code?: string }
    >[]) {
      for (const r of c.values()) if (r.code === code) return this.sku(r.id);
    }
    return null;
  }

  appliedTotal(invoiceId: number): ReturnType<typeof sum> {
    const amounts: ReturnType<typeof fromAmountString>[] = [];
    for (const payment of this.payments.values()) {
      for (const a of payment.appliedTo ?? [])
        if (a.appliedTo === invoiceId) amounts.push(fromAmountString(a.appliedAmount));
    }
    return sum(amounts);
  }

  recompute(invoice: Invoice): void {
    const location = invoice.location?.id ? this.locations.get(invoice.location.id) : undefined;
    const zoneId = invoice.taxZoneId ?? location?.taxZoneId ?? undefined;
    const zone = zoneId ? this.taxZones.get(zoneId) : undefined;
    const paid = this.appliedTotal(invoice.id);
    const original = this.fixtureTotals.get(invoice.id);
    if (original && original.itemIds === activeItemIds(invoice)) {
      invoice.subTotal = original.subTotal;
      invoice.salesTax = original.salesTax;
      invoice.total = original.total;
      invoice.balance = toMoneyString(fromAmountString(original.total).minus(paid));
      return;
    }
    recomputeInvoice(invoice, zone, location?.taxExempt === true, paid);
  }

  /** Simulated now (ms); only moves forward. */
  clock = Number.NEGATIVE_INFINITY;

  private advanceClock(to: number): void {
    if (to > this.clock) this.clock = to;
  }

  /**
   * Put the office's later items created up to `until` back on their invoices. Kept apart from
   * playing: a backtest reveals a day's corrections only after that day's jobs were drafted, so
   * no draft ever sees the answer to its own job.
   */
  revealUntil(until: Date): number {
    if (!this.options.revealOfficeItems) return 0;
    const to = until.getTime();
    let revealed = 0;
    for (const [invoiceId, items] of this.heldBackItems) {
      const due = items.filter((i) => Date.parse(i.createdOn ?? '') <= to);
      if (!due.length) continue;
      const invoice = this.invoices.get(invoiceId);
      if (!invoice) continue;
      invoice.items = [...(invoice.items ?? []), ...due];
      revealed += due.length;
      const rest = items.filter((i) => !due.includes(i));
      if (rest.length) this.heldBackItems.set(invoiceId, rest);
      else this.heldBackItems.delete(invoiceId);
      this.recompute(invoice);
      invoice.modifiedOn = new Date(to).toISOString();
      this.invoices.touch(invoiceId);
    }
    return revealed;
  }

  /** Release held payments dated on or before `until` (all when null). */
  private releasePayments(until: string | null): void {
    while (this.pendingPayments.length) {
      const next = this.pendingPayments[0]!;
      if (until !== null && (next.date ?? '') > until) break;
      this.pendingPayments.shift();
      this.payments.put(next);
      for (const applied of next.appliedTo ?? []) {
        const invoice = this.invoices.get(applied.appliedTo);
        if (invoice) {
          this.recompute(invoice);
          this.invoices.touch(invoice.id);
        }
      }
    }
  }

  private holdBackOfficeItems(job: Job): void {
    if (!job.invoiceId || !job.completedOn) return;
    const invoice = this.invoices.get(job.invoiceId);
    if (!invoice) return;
    invoice.items ??= [];
    const completedAt = new Date(job.completedOn).getTime();
    // At completion the invoice was not yet posted or reviewed.
    invoice.syncStatus = 'Pending';
    invoice.reviewStatus = 'NeedsReview';
    const later = invoice.items.filter((i) => i.createdOn && new Date(i.createdOn).getTime() > completedAt);
    if (later.length) {
      this.heldBackItems.set(invoice.id, later);
      invoice.items = invoice.items.filter((i) => !later.includes(i));
    }
    this.recompute(invoice);
  }
}

function activeItemIds(invoice: Invoice): string {
  return (invoice.items ?? [])
    .filter((i) => i.active !== false)
    .map((i) => `${i.id}:${i.quantity}:${i.total}`)
    .sort()
    .join(',');
}
