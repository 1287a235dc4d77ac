// Load one completed job's context. Reference data (job types, technicians, tax zones, price
// book) comes from the tenant's cache and prior jobs at the location from the history tables.
// The job's own records come from the mirror the export feeds keep (st_records), read in one
// query; ServiceTitan is called only for what the mirror is behind on:
//
// - The job: it must be in the mirror as Completed, with a completion no earlier than the one
//   the run was queued for (options.completedOn). Otherwise the mirror is behind the job: one
//   catch-up pass over the context feeds (shared by every job of a burst, sync/catch-up.ts),
//   then, if it is still behind (ServiceTitan's feeds lag, or a feed is stuck), every record of
//   the job by direct GET, as before.
// - Each other record (invoice, notes, appointments, timesheets, pay items, customer,
//   location, memberships) is trusted when its feed's last complete pass started after the job
//   record was synced: a pass reads the jobs feed first, so such a feed holds every change made
//   before the job's completion reached the mirror. A feed behind that (its pass failed, or it
//   has not run since) triggers the same catch-up; one that stays behind, or is refused or
//   stuck, is read by GET for this job only. A record the mirror lacks (a customer, a location,
//   the invoice) is read by GET too.
//
// The records are then turned into the context exactly as the direct reads were, so a context
// from the mirror equals the one the GETs give (test/workers/job-context-mirror.test.ts).
// Attachments are not read: nothing in drafting uses them (options.attachments reads them).

import {
  type ExistingItem,
  type ItemType,
  isWorkingTime,
  type JobContext,
  type LaborEntry,
  laborTimeFrom,
} from '@invoicer/billing';
import {
  fromAmountString,
  fromNumber,
  InvalidInputError,
  JobNotCompletedError,
  toMoneyString,
} from '@invoicer/core';
import type { Db, MirrorJobSnapshot, MirrorJobSnapshotSpec } from '@invoicer/db';
import { mirrorJobSnapshot, priorJobsAt } from '@invoicer/db';
import type {
  Appointment,
  Customer,
  GrossPayItem,
  Invoice,
  Job,
  JobAttachment,
  JobNote,
  JobTimesheet,
  Location,
  Membership,
  StClient,
} from '@invoicer/servicetitan';
import { parseStDate } from '@invoicer/servicetitan';
import type { TenantRuntime } from '@invoicer/tenant';
import { catchUpMirror } from './sync/catch-up.ts';
import { cityOf, customFieldsOf } from './sync/fields.ts';

export { customFieldsOf };

const ITEM_TYPES = new Set(['Service', 'Material', 'Equipment', 'PriceModifier']);

export interface LoadJobContextOptions {
  /**
   * The completion the run was queued for (the webhook's or the poll's completedOn), when known:
   * a mirrored job showing an earlier completion is behind.
   */
  completedOn?: Date | null;
  /** Also read the job's attachments (one GET). Drafting does not use them. */
  attachments?: boolean;
  /** 'mirror' (default): the mirror with the fallbacks above; 'live': every record by GET. */
  source?: 'mirror' | 'live';
}

/** The job's records as the direct reads return them. */
interface JobRecords {
  job: Job;
  invoice: Invoice | null;
  notes: JobNote[];
  appointments: Appointment[];
  timesheets: JobTimesheet[];
  customer: Customer;
  location: Location;
  memberships: Membership[];
  /** The job's gross pay items, as the per-technician query for the job's days returns them. */
  payItems: GrossPayItem[];
  attachments: JobAttachment[];
}

/** Where each record of a context came from (tests, metrics). */
export interface ContextSources {
  catchUp: boolean;
  /** Records read by GET: 'all' when the mirror was behind the job itself. */
  live: string[] | 'all';
}

export async function loadJobContext(
  client: StClient,
  db: Db,
  runtime: TenantRuntime,
  tenantId: string,
  jobId: number,
  options: LoadJobContextOptions = {},
): Promise<JobContext> {
  return (await loadJobContextWithSources(client, db, runtime, tenantId, jobId, options)).context;
}

export async function loadJobContextWithSources(
  client: StClient,
  db: Db,
  runtime: TenantRuntime,
  tenantId: string,
  jobId: number,
  options: LoadJobContextOptions = {},
): Promise<{ context: JobContext; sources: ContextSources }> {
  const { records, sources } =
    options.source === 'live'
      ? {
          records: await liveRecords(client, jobId, options),
          sources: { catchUp: false, live: 'all' as const },
        }
      : await mirrorRecordsOf(client, db, runtime, tenantId, jobId, options);
  const [catalog, settings] = await Promise.all([runtime.catalog(tenantId), runtime.settings(tenantId)]);
  const completedOn = parseStDate(records.job.completedOn)!;
  const priorJobs = await priorJobsAt(db, tenantId, records.job.locationId, completedOn);
  return { context: buildContext(tenantId, records, catalog, settings, priorJobs), sources };
}

// ---- direct reads -----------------------------------------------------------------------------

function completedJob(job: Job): Job {
  if (job.jobStatus !== 'Completed' || !job.completedOn) {
    throw new JobNotCompletedError(job.id, job.jobStatus);
  }
  if (!parseStDate(job.completedOn))
    throw new InvalidInputError(`job ${job.id} has an unreadable completedOn "${job.completedOn}"`);
  return job;
}

const day = (iso: string) => iso.slice(0, 10);

/** The window of days the pay items are asked for: first appointment to completion. */
function payWindow(job: Job, appointments: Appointment[]) {
  const firstStart = appointments.map((a) => a.start).sort()[0] ?? job.completedOn!;
  return { from: day(firstStart), to: day(job.completedOn!) };
}

const technicianIdsOf = (timesheets: JobTimesheet[]) => [...new Set(timesheets.map((t) => t.technicianId))];

/** Gross pay items carry paid hours and overtime: one call per technician on the job. */
async function livePayItems(
  client: StClient,
  job: Job,
  appointments: Appointment[],
  timesheets: JobTimesheet[],
): Promise<GrossPayItem[]> {
  const { from, to } = payWindow(job, appointments);
  return (
    await Promise.all(
      technicianIdsOf(timesheets).map((employeeId) =>
        client.listGrossPayItems({ employeeId, dateOnOrAfter: from, dateOnOrBefore: to }),
      ),
    )
  )
    .flat()
    .filter((p) => p.jobId === job.id);
}

/** The same selection from the job's mirrored pay items (each technician's, in id order). */
function mirroredPayItems(
  items: GrossPayItem[],
  job: Job,
  appointments: Appointment[],
  timesheets: JobTimesheet[],
): GrossPayItem[] {
  const { from, to } = payWindow(job, appointments);
  const inWindow = (p: GrossPayItem) => {
    const d = day(p.date ?? '');
    return d >= from && d <= to;
  };
  return technicianIdsOf(timesheets)
    .flatMap((employeeId) =>
      items.filter((p) => p.employeeId === employeeId && p.employeeType === 'Technician' && inWindow(p)),
    )
    .filter((p) => p.jobId === job.id);
}

const liveInvoice = (client: StClient, job: Job) =>
  job.invoiceId ? client.getInvoice(job.invoiceId) : client.getInvoiceForJob(job.id);

async function liveRecords(
  client: StClient,
  jobId: number,
  options: LoadJobContextOptions,
  knownJob?: Job,
): Promise<JobRecords> {
  const job = completedJob(knownJob ?? (await client.getJob(jobId)));
  const [invoice, notes, appointments, timesheets, attachments, customer, location, memberships] =
    await Promise.all([
      liveInvoice(client, job),
      client.listJobNotes(jobId),
      client.listAppointments(jobId),
      client.listTimesheets(jobId),
      options.attachments ? client.listAttachments(jobId) : [],
      client.getCustomer(job.customerId),
      client.getLocation(job.locationId),
      client.listMemberships(job.customerId),
    ]);
  if (!invoice) throw new InvalidInputError(`job ${jobId} has no invoice`);
  const payItems = await livePayItems(client, job, appointments, timesheets);
  return {
    job,
    invoice,
    notes,
    appointments,
    timesheets,
    customer,
    location,
    memberships,
    payItems,
    attachments,
  };
}

// ---- the mirror -----------------------------------------------------------------------------

const SNAPSHOT: MirrorJobSnapshotSpec = {
  job: 'jpm/jobs',
  children: [
    'jpm/job-notes',
    'jpm/appointments',
    'accounting/invoices',
    'payroll/jobs/timesheets',
    'payroll/gross-pay-items',
  ],
  linked: [
    { resource: 'accounting/invoices', field: 'invoiceId', by: 'id' },
    { resource: 'crm/customers', field: 'customerId', by: 'id' },
    { resource: 'crm/locations', field: 'locationId', by: 'id' },
    { resource: 'memberships/memberships', field: 'customerId', by: 'parent' },
  ],
};

/** The feeds a context reads besides the jobs feed, by the record they give. */
const FEED_OF = {
  invoice: 'accounting/invoices',
  notes: 'jpm/job-notes',
  appointments: 'jpm/appointments',
  timesheets: 'payroll/jobs/timesheets',
  payItems: 'payroll/gross-pay-items',
  customer: 'crm/customers',
  location: 'crm/locations',
  memberships: 'memberships/memberships',
} as const;
type Part = keyof typeof FEED_OF;
const PARTS = Object.keys(FEED_OF) as Part[];

/** Webhook and feed timestamps differ in sub-second digits; a real re-completion differs more. */
const COMPLETION_SLACK_MS = 1000;

/** The mirrored job, when it is the completed job the run is for. */
function mirroredJob(snapshot: MirrorJobSnapshot, expected: Date | null | undefined): Job | null {
  const job = snapshot.job?.data as Job | undefined;
  if (job?.jobStatus !== 'Completed' || !job.completedOn) return null;
  // A deleted job (exports keep them): let ServiceTitan answer for it.
  if (job.active === false) return null;
  const completed = parseStDate(job.completedOn);
  if (!completed) return null;
  if (expected && expected.getTime() > completed.getTime() + COMPLETION_SLACK_MS) return null;
  return job;
}

type Freshness = 'fresh' | 'behind' | 'unavailable';

/** Whether a feed's records can be read alongside the job record (see the header). */
function feedFreshness(snapshot: MirrorJobSnapshot, feed: string): Freshness {
  const mark = snapshot.feeds.get(feed);
  const jobSynced = snapshot.job?.syncedAt;
  if (mark?.caughtUpFrom && jobSynced && mark.caughtUpFrom >= jobSynced) return 'fresh';
  if (mark && (mark.state === 'refused' || mark.state === 'stuck')) return 'unavailable';
  return 'behind';
}

async function mirrorRecordsOf(
  client: StClient,
  db: Db,
  runtime: TenantRuntime,
  tenantId: string,
  jobId: number,
  options: LoadJobContextOptions,
): Promise<{ records: JobRecords; sources: ContextSources }> {
  let snapshot = await mirrorJobSnapshot(db, tenantId, jobId, SNAPSHOT);
  let job = mirroredJob(snapshot, options.completedOn);
  let catchUp = false;
  if (!job || PARTS.some((part) => feedFreshness(snapshot, FEED_OF[part]) === 'behind')) {
    catchUp = true;
    try {
      await catchUpMirror(client, db, tenantId, snapshot.now, runtime.options.log);
    } catch (error) {
      // The direct reads below are the fallback; they fail the same way if ServiceTitan is down.
      runtime.options.log.warn(
        { tenant: tenantId, job: jobId, err: (error as Error).message },
        'mirror catch-up failed; reading the job directly',
      );
    }
    snapshot = await mirrorJobSnapshot(db, tenantId, jobId, SNAPSHOT);
    job = mirroredJob(snapshot, options.completedOn);
  }
  if (!job) return { records: await liveRecords(client, jobId, options), sources: { catchUp, live: 'all' } };
  completedJob(job);
  const mirrored = job;

  const fresh = (part: Part) => feedFreshness(snapshot, FEED_OF[part]) === 'fresh';
  const children = <T>(resource: string) => (snapshot.children.get(resource) ?? []).map((r) => r.data as T);
  const linked = <T>(resource: string, field: string) =>
    (snapshot.linked.get(`${resource} ${field}`) ?? []).map((r) => r.data as T);
  const live: Part[] = [];
  const pick = <T>(part: Part, fromMirror: () => T | null | undefined, get: () => Promise<T>): Promise<T> => {
    const value = fresh(part) ? fromMirror() : null;
    if (value !== null && value !== undefined) return Promise.resolve(value);
    live.push(part);
    return get();
  };

  const [invoice, notes, appointments, timesheets, customer, location, memberships, attachments] =
    await Promise.all([
      pick<Invoice | null>(
        'invoice',
        () => {
          // As the list endpoint answers: active invoices only, the job's first by id.
          const candidates = mirrored.invoiceId
            ? linked<Invoice>('accounting/invoices', 'invoiceId')
            : children<Invoice>('accounting/invoices').filter((i) => i.job?.id === jobId);
          return candidates.find((i) => i.active !== false) ?? null;
        },
        () => liveInvoice(client, mirrored),
      ),
      pick(
        'notes',
        () => children<JobNote>('jpm/job-notes'),
        () => client.listJobNotes(jobId),
      ),
      pick(
        'appointments',
        () => children<Appointment>('jpm/appointments'),
        () => client.listAppointments(jobId),
      ),
      pick(
        'timesheets',
        () => children<JobTimesheet>('payroll/jobs/timesheets'),
        () => client.listTimesheets(jobId),
      ),
      pick(
        'customer',
        () => linked<Customer>('crm/customers', 'customerId')[0],
        () => client.getCustomer(mirrored.customerId),
      ),
      pick(
        'location',
        () => linked<Location>('crm/locations', 'locationId')[0],
        () => client.getLocation(mirrored.locationId),
      ),
      pick(
        'memberships',
        () => linked<Membership>('memberships/memberships', 'customerId'),
        () => client.listMemberships(mirrored.customerId),
      ),
      options.attachments ? client.listAttachments(jobId) : Promise.resolve([]),
    ]);
  if (!invoice) throw new InvalidInputError(`job ${jobId} has no invoice`);
  let payItems: GrossPayItem[];
  if (fresh('payItems')) {
    payItems = mirroredPayItems(
      children<GrossPayItem>('payroll/gross-pay-items'),
      mirrored,
      appointments,
      timesheets,
    );
  } else {
    live.push('payItems');
    payItems = await livePayItems(client, mirrored, appointments, timesheets);
  }
  return {
    records: {
      job: mirrored,
      invoice,
      notes,
      appointments,
      timesheets,
      customer,
      location,
      memberships,
      payItems,
      attachments,
    },
    sources: { catchUp, live },
  };
}

// ---- records → context ----------------------------------------------------------------------

function addressText(
  a:
    | { street?: string | null; city?: string | null; state?: string | null; zip?: string | null }
    | null
    | undefined,
): string {
  if (!a) return '';
  return [a.street, a.city, [a.state, a.zip].filter(Boolean).join(' ')].filter(Boolean).join(', ');
}

function buildContext(
  tenantId: string,
  records: JobRecords,
  catalog: Awaited<ReturnType<TenantRuntime['catalog']>>,
  settings: Awaited<ReturnType<TenantRuntime['settings']>>,
  priorJobs: JobContext['priorJobs'],
): JobContext {
  const { job, notes, appointments, timesheets, customer, location, memberships, attachments } = records;
  const invoice = records.invoice!;
  const jobId = job.id;
  const completedOn = parseStDate(job.completedOn)!;
  const jobPay = records.payItems;
  // Visits, on-site spans and paid working hours, read the same way as past jobs' (history), so
  // the shop's labor convention learned there applies here. Drive time is paid but not billed:
  // laborTimeFrom keeps only working time.
  const laborTime = laborTimeFrom({ appointments, timesheets, payItems: jobPay });
  const payItems = jobPay.filter((p) => (p.paidDurationHours ?? 0) > 0 && isWorkingTime(p));

  const labor: LaborEntry[] = payItems.length
    ? payItems.map((p) => ({
        technicianId: p.employeeId,
        technicianName: catalog.technicians.get(p.employeeId)?.name ?? String(p.employeeId),
        hours: toMoneyString(fromNumber(p.paidDurationHours ?? 0)),
        paidTimeType:
          p.paidTimeType === 'Overtime' || p.paidTimeType === 'DoubleOvertime' ? p.paidTimeType : 'Regular',
        hourlyRate: catalog.technicians.get(p.employeeId)?.hourlyRate?.toString() ?? null,
      }))
    : timesheets.flatMap((t) => {
        const arrived = parseStDate(t.arrivedOn);
        const done = parseStDate(t.doneOn);
        if (!arrived || !done || done <= arrived) return [];
        return [
          {
            technicianId: t.technicianId,
            technicianName: catalog.technicians.get(t.technicianId)?.name ?? String(t.technicianId),
            hours: toMoneyString(fromNumber((done.getTime() - arrived.getTime()) / 3600_000)),
            paidTimeType: 'Regular' as const,
            hourlyRate: catalog.technicians.get(t.technicianId)?.hourlyRate?.toString() ?? null,
          },
        ];
      });

  // An invoice without its item list is a partial answer, not an empty invoice: drafting it as
  // empty would bill nothing the technician entered. Transient: retried, then a review item.
  if (!Array.isArray(invoice.items))
    throw new Error(`invoice ${invoice.id} came back without its items (items: ${String(invoice.items)})`);
  const items: ExistingItem[] = invoice.items
    .filter((i) => i.active !== false)
    .map((i) => {
      if (!ITEM_TYPES.has(i.type))
        throw new InvalidInputError(`invoice ${invoice.id} item ${i.id} has unknown type "${i.type}"`);
      return {
        id: i.id,
        skuId: i.skuId ?? null,
        skuCode: i.skuName ?? null,
        type: i.type as ItemType,
        description: i.description ?? i.displayName ?? '',
        quantity: toMoneyString(fromAmountString(i.quantity)),
        unitPrice: toMoneyString(fromAmountString(i.price)),
        total: toMoneyString(fromAmountString(i.total)),
        taxable: i.taxable === true,
        createdOn: i.createdOn ?? null,
      };
    });

  // The membership that applied is the one ServiceTitan linked to the job (job.membershipId);
  // history is read the same way, so learned member / non-member patterns line up.
  const linked = job.membershipId ? (memberships.find((m) => m.id === job.membershipId) ?? null) : null;
  const membership =
    linked ??
    (job.membershipId ? { id: job.membershipId, status: 'Active', membershipTypeId: null } : null) ??
    memberships[0] ??
    null;
  const membershipActive = Boolean(job.membershipId);
  const zoneId = location.taxZoneId ?? invoice.taxZoneId ?? null;
  return {
    tenantId,
    job: {
      id: jobId,
      number: job.jobNumber ?? null,
      jobTypeId: job.jobTypeId,
      jobTypeName: catalog.jobTypeNames.get(job.jobTypeId) ?? `Job type ${job.jobTypeId}`,
      businessUnitId: job.businessUnitId,
      businessUnitName: catalog.businessUnitNames.get(job.businessUnitId) ?? `BU ${job.businessUnitId}`,
      completedOn: completedOn.toISOString(),
      noCharge: job.noCharge === true,
      customerId: job.customerId,
      locationId: job.locationId,
      tagTypeIds: job.tagTypeIds ?? [],
      recallForId: job.recallForId ?? null,
    },
    invoice: {
      id: invoice.id,
      referenceNumber: invoice.referenceNumber ?? null,
      syncStatus: invoice.syncStatus ?? null,
      reviewStatus: invoice.reviewStatus ?? null,
      subTotal: toMoneyString(fromAmountString(invoice.subTotal)),
      salesTax: toMoneyString(fromAmountString(invoice.salesTax)),
      total: toMoneyString(fromAmountString(invoice.total)),
      items,
    },
    notes: [
      ...notes.map((n, index) => ({ index, text: n.text, createdOn: n.createdOn ?? null })),
      ...(job.summary ? [{ index: -1, text: job.summary, createdOn: job.createdOn ?? null }] : []),
    ],
    appointments: appointments.map((a) => ({ id: a.id, start: a.start, end: a.end })),
    labor,
    laborTime: { ...laborTime, timezone: settings.rules.afterHours.timezone },
    attachments: attachments.map((a) => ({
      id: a.id,
      fileName: a.fileName,
      contentType: a.contentType ?? null,
    })),
    customer: {
      id: customer.id,
      name: customer.name,
      type: customer.type ?? null,
      tagTypeIds: customer.tagTypeIds ?? [],
      customFields: customFieldsOf(customer.customFields),
    },
    location: {
      id: location.id,
      name: location.name ?? '',
      taxZoneId: zoneId,
      taxExempt: location.taxExempt === true,
      address: addressText(location.address),
      city: cityOf(location.address),
    },
    membership: membership
      ? {
          id: membership.id,
          status: membership.status ?? 'Unknown',
          active: membershipActive && membership.id === job.membershipId,
          membershipTypeId: membership.membershipTypeId ?? null,
        }
      : null,
    taxZone: zoneId !== null ? (catalog.taxZones.get(zoneId) ?? null) : null,
    priorJobs,
  };
}
