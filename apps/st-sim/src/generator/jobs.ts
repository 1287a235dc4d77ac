// One job end to end: who, when, what was done, what was written, what was billed. Jobs are
// planned first (dates, types, status), sorted by booking time so ids increase with time, then
// generated each from its own random stream.
import { type Decimal, fromAmountString, toMoneyString, ZERO } from '@invoicer/core';
import type {
  Appointment,
  AppointmentAssignment,
  GrossPayItem,
  Invoice,
  Job,
  JobAttachment,
  JobNote,
  JobTimesheet,
} from '@invoicer/servicetitan';
import { salesTax, subTotal } from './arithmetic.ts';
import type { Sequence } from './ids.ts';
import { buildInvoiceItems } from './invoices.ts';
import { type NoteRef, writeNotes } from './notes.ts';
import { bu, JOB_TYPES, type JobTypeDef, SEASONALITY, TAG, TAX_ZONES, type TaxZoneDef } from './org.ts';
import type { InvoiceMeta } from './payments.ts';
import { type Cust, type Loc, memberActiveAt, OFFICE, type Roster, type Tech } from './people.ts';
import type { Pricebook } from './pricebook.ts';
import { Rng } from './rng.ts';
import { type Fact, type Line, planWork } from './scenarios.ts';
import { grossPayRows, onsiteByTech, planVisits, sampleSlot, type Visit } from './schedule.ts';
import {
  afterHoursKind,
  DAY,
  HOUR,
  MINUTE,
  nextOfficeMoment,
  stDate,
  stSlot,
  stStamp,
  toLocal,
} from './time.ts';
import type { JobTruth, MentionTruth } from './types.ts';

export type JobStatus = 'Completed' | 'Canceled' | 'Scheduled';

export interface JobPlan {
  index: number;
  jt: JobTypeDef;
  status: JobStatus;
  slot: number;
  booked: number;
}

/** Dates, types and statuses for every job, sorted by booking time. */
export function planJobs(seed: number, jobs: number, start: number, asOf: number): JobPlan[] {
  const lastCompletion = asOf - 8 * DAY;
  const days = Math.max(1, Math.floor((lastCompletion - start) / DAY));
  const monthTotal = (m: number) => JOB_TYPES.reduce((a, j) => a + j.weight * SEASONALITY[j.season][m]!, 0);
  const peak = Math.max(...Array.from({ length: 12 }, (_, m) => monthTotal(m)));
  const plans: JobPlan[] = [];
  for (let i = 0; i < jobs; i++) {
    const rng = Rng.derive(seed, 'plan', i);
    const status: JobStatus = rng.weighted([
      ['Completed', 94.5],
      ['Canceled', 3.5],
      ['Scheduled', 2],
    ] as const);
    let day = start;
    if (status === 'Scheduled') day = asOf + rng.int(1, 14) * DAY;
    else {
      for (let k = 0; k < 12; k++) {
        day = start + rng.int(0, days - 1) * DAY;
        if (rng.chance(monthTotal(toLocal(day + 12 * HOUR).month - 1) / peak)) break;
      }
    }
    const month = toLocal(day + 12 * HOUR).month - 1;
    const jt = rng.weighted(JOB_TYPES.map((j) => [j, j.weight * SEASONALITY[j.season][month]!] as const));
    let slot = sampleSlot(rng, jt, day);
    if (status !== 'Scheduled' && slot > lastCompletion) slot -= 7 * DAY;
    const lead =
      jt.cls === 'emergency'
        ? rng.int(10, 90) * MINUTE
        : jt.cls === 'maintenance'
          ? rng.int(3, 30) * DAY
          : jt.cls === 'install'
            ? rng.int(5, 25) * DAY
            : jt.cls === 'tm'
              ? rng.int(4, 72) * HOUR
              : rng.int(6, 120) * HOUR;
    const booked = Math.min(slot - lead, asOf - HOUR) - rng.int(0, 3599) * 1000;
    plans.push({ index: i, jt, status, slot, booked });
  }
  return plans.sort((a, b) => a.booked - b.booked || a.index - b.index);
}

export interface World {
  seed: number;
  pb: Pricebook;
  techs: Tech[];
  roster: Roster;
  asOf: number;
  ids: {
    entity: Sequence;
    note: Sequence;
    item: Sequence;
    timesheet: Sequence;
    assignment: Sequence;
    gross: Sequence;
    attachment: Sequence;
  };
  out: {
    jobs: Job[];
    appointments: Appointment[];
    assignments: AppointmentAssignment[];
    timesheets: JobTimesheet[];
    gross: GrossPayItem[];
    notes: (JobNote & { jobId: number })[];
    invoices: Invoice[];
    attachments: JobAttachment[];
  };
  metas: InvoiceMeta[];
  truth: JobTruth[];
  firstSeen: Map<number, number>;
}

const CAMPAIGNS = [33800, 33801, 33802, 33803, 33804];
const ZONE_RATES = new Map(
  TAX_ZONES.map(
    (z) => [z.id, z.rates.map((r) => ({ taxBaseType: [r.base], taxRate: Number(r.rate) }))] as const,
  ),
);

function chooseCustomer(rng: Rng, roster: Roster, jt: JobTypeDef, slot: number): { cust: Cust; loc: Loc } {
  const anyLoc = (c: Cust) =>
    c.locations.length === 1 || rng.chance(0.85) ? c.locations[0]! : rng.pick(c.locations);
  if (jt.commercial) {
    const c = rng.chance(0.85) ? rng.pick(roster.commercial) : rng.pick(roster.pm);
    return { cust: c, loc: rng.pick(c.locations) };
  }
  if (jt.cls === 'maintenance' && roster.members.length && rng.chance(0.65)) {
    for (let i = 0; i < 8; i++) {
      const c = rng.pick(roster.members);
      if (c.memberships.some((m) => memberActiveAt(m, slot))) return { cust: c, loc: c.locations[0]! };
    }
  }
  const r = rng.next();
  if (r < 0.12) {
    const c = rng.pick(roster.pm);
    return { cust: c, loc: rng.pick(c.locations) };
  }
  if (r < 0.16 && (jt.key === 'plb_repair' || jt.key === 'elec_repair' || jt.key === 'drain')) {
    const c = rng.pick(roster.commercial);
    return { cust: c, loc: rng.pick(c.locations) };
  }
  const c = rng.pick(roster.residential);
  return { cust: c, loc: anyLoc(c) };
}

function chooseCrew(
  rng: Rng,
  techs: readonly Tech[],
  jt: JobTypeDef,
  size: number,
  apprentice: boolean,
): Tech[] {
  const leads = techs.filter((t) => !t.apprentice && t.trade === jt.trade && t.commercial === jt.commercial);
  const pool = leads.length ? leads : techs.filter((t) => !t.apprentice && t.trade === jt.trade);
  const lead = rng.pick(pool);
  if (size < 2) return [lead];
  const helpers = apprentice
    ? techs.filter((t) => t.apprentice && t.trade === jt.trade)
    : pool.filter((t) => t !== lead);
  const helperPool = helpers.length ? helpers : techs.filter((t) => t.apprentice);
  return helperPool.length ? [lead, rng.pick(helperPool)] : [lead];
}

const EXTRA_DISPATCH = [
  'Gate code {n}.',
  'Please call 30 min before arrival.',
  'Customer prefers text.',
  'Side gate unlocked.',
  'Park on street, not driveway.',
  'Has two dogs.',
];
const OFFICE_NOTES = [
  'Invoice emailed to customer.',
  'Customer called with a question about the invoice – explained.',
  'Left voicemail regarding balance.',
  'Invoice uploaded to PM portal.',
  'Sent receipt.',
];

function zoneLabel(z: TaxZoneDef): number {
  return z.rates.reduce((a, r) => a + Number(r.rate), 0);
}

export function generateJob(world: World, plan: JobPlan): void {
  const { pb, out, ids } = world;
  const { jt } = plan;
  const rng = Rng.derive(world.seed, 'job', plan.index);
  const { cust, loc } = chooseCustomer(rng, world.roster, jt, plan.slot);
  const membership = cust.memberships.find((m) => memberActiveAt(m, plan.slot)) ?? null;
  const memberActive = membership !== null && cust.segment === 'residential';
  const work = planWork(rng, pb, jt, toLocal(plan.slot).month, memberActive);
  const crew = chooseCrew(rng, world.techs, jt, work.crew, work.apprentice);
  const lead = crew[0]!;
  const jobId = ids.entity.next(rng, 2);
  const jobNumber = String(jobId);
  const completed = plan.status === 'Completed';
  const visits: Visit[] = completed
    ? planVisits(rng, jt, plan.slot, work.visits, crew, work.revisitReason !== null)
    : [
        {
          windowStart: plan.slot,
          windowEnd: plan.slot + 2 * HOUR,
          start: plan.slot,
          end: plan.slot + 2 * HOUR,
          crew: [],
        },
      ];
  const appointmentIds = visits.map(() => ids.entity.next());
  const invoiceId = ids.entity.next(rng, 1);
  const dispatcher = rng.pick(OFFICE.slice(0, 2));
  const office = rng.pick(OFFICE.slice(0, 3));
  const completedOn = completed
    ? Math.max(...visits.flatMap((v) => v.crew.map((c) => c.doneOn))) + rng.int(1, 12) * MINUTE
    : null;
  const canceledOn =
    plan.status === 'Canceled'
      ? plan.booked + Math.floor((plan.slot - plan.booked) * rng.float(0.2, 0.95))
      : null;
  const afterHours = afterHoursKind(visits[0]!.start);
  const firstSeen = world.firstSeen.get(cust.id);
  if (firstSeen === undefined || plan.booked < firstSeen) world.firstSeen.set(cust.id, plan.booked);

  // Appointments, assignments, timesheets, payroll.
  visits.forEach((v, i) => {
    const status = completed ? 'Done' : plan.status === 'Canceled' ? 'Canceled' : 'Scheduled';
    out.appointments.push({
      id: appointmentIds[i]!,
      jobId,
      appointmentNumber: `${jobNumber}-${i + 1}`,
      start: stSlot(v.start),
      end: stSlot(v.end),
      arrivalWindowStart: stSlot(v.windowStart),
      arrivalWindowEnd: stSlot(v.windowEnd),
      status,
      specialInstructions: '',
      createdOn: stStamp(plan.booked + 1000),
      modifiedOn: stStamp(completed ? v.crew[0]!.doneOn : (canceledOn ?? plan.booked + 2000)),
      customerId: cust.id,
      unused: false,
      createdById: dispatcher.id,
      isConfirmed: true,
      active: true,
    });
    const assigned = completed ? v.crew.map((c) => c.tech) : plan.status === 'Scheduled' ? [lead] : [];
    for (const tech of assigned) {
      out.assignments.push({
        id: ids.assignment.next(),
        technicianId: tech.id,
        technicianName: tech.name,
        assignedById: dispatcher.id,
        assignedOn: stStamp(Math.min(plan.booked + rng.int(5, 600) * MINUTE, v.start - 30 * MINUTE)),
        status: completed ? 'Done' : 'Scheduled',
        isPaused: false,
        jobId,
        appointmentId: appointmentIds[i]!,
        active: true,
        modifiedOn: stStamp(completed ? v.crew[0]!.doneOn : plan.booked + 3000),
      });
    }
    for (const c of v.crew) {
      out.timesheets.push({
        id: ids.timesheet.next(),
        jobId,
        appointmentId: appointmentIds[i]!,
        technicianId: c.tech.id,
        dispatchedOn: stStamp(c.dispatchedOn),
        arrivedOn: stStamp(c.arrivedOn),
        canceledOn: null,
        doneOn: stStamp(c.doneOn),
        active: true,
        createdOn: stStamp(c.dispatchedOn),
        modifiedOn: stStamp(c.doneOn + rng.int(1, 30) * 1000),
      });
    }
  });
  const buRef = { id: bu(jt.bu).id, name: bu(jt.bu).name };
  if (completed) {
    out.gross.push(
      ...grossPayRows(
        visits,
        {
          jobId,
          jobNumber,
          jobTypeName: jt.name,
          invoiceId,
          customerId: cust.id,
          locationId: loc.id,
          buName: buRef.name,
        },
        () => ids.gross.next(),
      ),
    );
  }

  // Notes.
  const noteIds: number[] = [];
  let refs: NoteRef[] = [];
  const truthNotes: JobTruth['notes'] = [];
  const extra = rng.chance(0.45)
    ? rng.pick(EXTRA_DISPATCH).replace('{n}', String(rng.int(1000, 9999)))
    : memberActive && rng.chance(0.3)
      ? 'Club member.'
      : cust.segment === 'pm'
        ? 'PM approval needed over $500.'
        : null;
  const latestOffice = world.asOf - HOUR;
  const officeNoteAt =
    completedOn !== null && rng.chance(0.08)
      ? Math.min(latestOffice, nextOfficeMoment(completedOn + rng.int(1, 3) * DAY))
      : null;
  const drafts = completed
    ? writeNotes(rng, {
        work,
        tech: lead,
        pb,
        visits: visits.map((v) => ({ arrive: v.crew[0]!.arrivedOn, done: v.crew[0]!.doneOn })),
        booked: plan.booked,
        completedOn: completedOn!,
        officeUserId: office.id,
        dispatcherUserId: dispatcher.id,
        extraDispatch: extra,
        officeNote:
          officeNoteAt !== null && officeNoteAt > completedOn!
            ? { at: officeNoteAt, text: rng.pick(OFFICE_NOTES) }
            : null,
        serviceCall: jt.cls === 'repair' || jt.cls === 'diagnostic' || jt.cls === 'emergency',
      })
    : {
        notes: [
          {
            text: `${work.complaint}.${extra ? ` ${extra}` : ''}`,
            at: plan.booked,
            author: 'dispatcher' as const,
            style: 'office',
            userId: dispatcher.id,
          },
          ...(canceledOn !== null
            ? [
                {
                  text: rng.pick([
                    'Customer canceled – fixed itself.',
                    'Canceled: customer went with another company.',
                    'Cust canceled, will reschedule.',
                    'Canceled per PM.',
                  ]),
                  at: canceledOn,
                  author: 'office' as const,
                  style: 'office',
                  userId: dispatcher.id,
                },
              ]
            : []),
        ],
        refs: [],
      };
  refs = drafts.refs;
  drafts.notes.forEach((n) => {
    const id = ids.note.next();
    noteIds.push(id);
    out.notes.push({
      id,
      jobId,
      text: n.text,
      isPinned: n.author === 'dispatcher' && rng.chance(0.2),
      createdById: n.userId,
      createdOn: stStamp(n.at),
      modifiedOn: stStamp(n.at),
      active: true,
    });
    truthNotes.push({ noteId: id, author: n.author, style: n.style });
  });
  const noteFor = (target: Line | Fact) => {
    const ref = refs.find((r) => r.target === target);
    return ref ? noteIds[ref.noteIndex]! : null;
  };

  // Invoice.
  const rates = ZONE_RATES.get(loc.zone.id)!;
  let items: Invoice['items'] = [];
  let techSub = '0.00';
  let finalTotal: Decimal | null = null;
  let missed: JobTruth['missed'] = [];
  let edits: JobTruth['edits'] = [];
  let modified = completedOn ?? canceledOn ?? plan.booked + 5000;
  let techTotal: Decimal | null = null;
  if (completed) {
    const billed = buildInvoiceItems({
      rng,
      pb,
      jt,
      work,
      lead,
      memberActive,
      residential: cust.segment === 'residential' || cust.segment === 'pm',
      afterHours,
      onsite: onsiteByTech(visits),
      // Technicians build the invoice on the final visit.
      firstArrive: visits[visits.length - 1]!.crew[0]!.arrivedOn,
      lastDone: visits[visits.length - 1]!.crew[0]!.doneOn,
      completedOn: completedOn!,
      asOf: world.asOf,
      officeUserId: office.id,
      invoiceId,
      bu: buRef,
      nextItemId: () => ids.item.next(),
      noteFor,
    });
    items = billed.items;
    missed = billed.missed;
    edits = billed.edits;
    modified = billed.lastModified;
    const techSubD = subTotal(billed.techLines);
    techSub = toMoneyString(techSubD);
    techTotal = techSubD.plus(salesTax(billed.techLines, rates, loc.taxExempt));
  }
  const sub = subTotal(items);
  const tax = salesTax(items, rates, loc.taxExempt);
  const total = sub.plus(tax);
  finalTotal = total;
  const net30 = cust.segment !== 'residential';
  const invoiceDay = completedOn ?? plan.booked;
  const discountTotal = items
    .filter((i) => i.type === 'PriceModifier' && i.total.startsWith('-'))
    .reduce<Decimal>((a, i) => a.minus(fromAmountString(i.total)), ZERO);
  const reviewed = completedOn !== null && modified < world.asOf - 2 * DAY;
  const address = {
    street: loc.street,
    unit: loc.unit,
    city: loc.city,
    state: 'TX',
    zip: loc.zip,
    country: 'USA',
  };
  const billing = cust.locations[0]!;
  out.invoices.push({
    id: invoiceId,
    syncStatus: completedOn !== null && completedOn < world.asOf - 14 * DAY ? 'Posted' : 'Pending',
    summary: jobSummary(work.complaint, null),
    referenceNumber: jobNumber,
    invoiceDate: stDate(invoiceDay),
    dueDate: stDate(invoiceDay + (net30 ? 30 * DAY : 0)),
    subTotal: toMoneyString(sub),
    salesTax: toMoneyString(tax),
    salesTaxCode: { id: loc.zone.id, name: loc.zone.name, taxRate: loc.taxExempt ? 0 : zoneLabel(loc.zone) },
    total: toMoneyString(total),
    balance: toMoneyString(total),
    discountTotal: toMoneyString(discountTotal),
    invoiceType: null,
    customer: { id: cust.id, name: cust.name },
    customerAddress: {
      street: billing.street,
      unit: billing.unit,
      city: billing.city,
      state: 'TX',
      zip: billing.zip,
      country: 'USA',
    },
    location: { id: loc.id, name: loc.name },
    locationAddress: address,
    businessUnit: buRef,
    termName: net30 ? 'Net 30' : 'Due Upon Receipt',
    createdBy: dispatcher.name,
    createdOn: stStamp(plan.booked + 2000),
    modifiedOn: stStamp(modified),
    adjustmentToId: null,
    job: { id: jobId, number: jobNumber, type: jt.name },
    projectId: null,
    sentStatus: reviewed
      ? rng.weighted([
          ['Sent', 60],
          ['Opened', 30],
          ['NotSent', 10],
        ] as const)
      : 'NotSent',
    reviewStatus:
      completedOn === null
        ? plan.status === 'Canceled'
          ? 'Reviewed'
          : 'NeedsReview'
        : reviewed
          ? rng.chance(0.02)
            ? 'OnHold'
            : 'Reviewed'
          : 'NeedsReview',
    assignedTo: reviewed ? { id: office.id, name: office.name } : null,
    items,
    customFields: [],
    active: true,
    membershipId: memberActive ? membership!.id : null,
    paidOn: null,
    taxZoneId: loc.zone.id,
    depositedOn: null,
    batch: null,
  });
  if (completed && total.greaterThan(0)) {
    world.metas.push({
      invoiceId,
      ref: jobNumber,
      cust,
      bu: buRef,
      booked: plan.booked,
      completedOn: completedOn!,
      techTotal: techTotal!,
      total,
      subTotal: sub,
      cls: jt.cls,
    });
  }

  // Job record.
  const tags: number[] = [];
  if (jt.cls === 'emergency') tags.push(TAG.emergency);
  if (memberActive) tags.push(TAG.member);
  if (cust.segment === 'pm') tags.push(TAG.propertyManagement);
  out.jobs.push({
    id: jobId,
    jobNumber,
    projectId: null,
    customerId: cust.id,
    locationId: loc.id,
    jobStatus: plan.status,
    completedOn: completedOn === null ? null : stStamp(completedOn),
    businessUnitId: buRef.id,
    jobTypeId: jt.id,
    priority: jt.priority,
    campaignId: memberActive ? CAMPAIGNS[4]! : rng.pick(CAMPAIGNS.slice(0, 4)),
    summary: jobSummary(
      work.complaint,
      extra,
      rng.chance(0.4)
        ? `On-site contact: ${cust.segment === 'residential' ? cust.name.split(' ')[0] : rng.pick(['Store manager', 'Facilities', 'Tenant', 'Office manager'])} 512-555-01${String(rng.int(0, 99)).padStart(2, '0')}`
        : null,
    ),
    customFields: [],
    appointmentCount: visits.length,
    firstAppointmentId: appointmentIds[0]!,
    lastAppointmentId: appointmentIds[appointmentIds.length - 1]!,
    recallForId: null,
    warrantyId: null,
    jobGeneratedLeadSource: { jobId: null, employeeId: null },
    noCharge: false,
    notificationsEnabled: true,
    createdOn: stStamp(plan.booked),
    createdById: dispatcher.id,
    modifiedOn: stStamp(completedOn ?? canceledOn ?? plan.booked + 1000),
    tagTypeIds: tags,
    leadCallId: null,
    bookingId: null,
    soldById: jt.cls === 'install' ? lead.id : null,
    externalData: null,
    customerPo: net30 && rng.chance(0.6) ? `PO-${rng.int(10000, 99999)}` : null,
    invoiceId,
    membershipId: memberActive ? membership!.id : null,
    total: Number(toMoneyString(total)),
    active: true,
    createdFromEstimateId: null,
    estimateIds: [],
  });

  // Photos and documents.
  if (completed && rng.chance(0.35)) {
    const v = visits[visits.length - 1]!.crew[0]!;
    const n = rng.int(1, 5);
    for (let i = 0; i < n; i++) {
      const at = v.arrivedOn + Math.floor((v.doneOn - v.arrivedOn) * rng.next());
      const l = toLocal(at);
      const stamp = `${l.year}${String(l.month).padStart(2, '0')}${String(l.day).padStart(2, '0')}_${String(l.hour).padStart(2, '0')}${String(l.minute).padStart(2, '0')}${String(rng.int(0, 59)).padStart(2, '0')}`;
      const [fileName, contentType] = rng.weighted([
        [[`IMG_${stamp}.jpg`, 'image/jpeg'], 45],
        [[`IMG_${stamp}.HEIC`, 'image/heic'], 20],
        [
          [
            rng.pick([
              'nameplate.jpg',
              'data-plate.jpg',
              'before.jpg',
              'after.jpg',
              'panel.jpg',
              'model-serial.jpg',
            ]),
            'image/jpeg',
          ],
          25,
        ],
        [[rng.pick(['signed-estimate.pdf', 'work-authorization.pdf']), 'application/pdf'], 10],
      ] as const);
      out.attachments.push({
        id: ids.attachment.next(),
        jobId,
        fileName,
        contentType,
        size: rng.int(180_000, 4_800_000),
        createdOn: stStamp(at),
        createdById: lead.userId,
        active: true,
      });
    }
  }

  if (!completed) return;
  const mentions: MentionTruth[] = refs
    .filter(
      (r): r is NoteRef & { target: Fact } =>
        'kind' in r.target &&
        (r.target.kind === 'declined' || r.target.kind === 'deferred' || r.target.kind === 'not_needed'),
    )
    .map((r) => {
      const sku = r.target.code ? pb.get(r.target.code) : null;
      return {
        noteId: noteIds[r.noteIndex]!,
        text: r.text,
        kind: r.target.kind,
        skuId: sku?.id ?? null,
        skuCode: sku?.code ?? null,
      };
    });
  world.truth.push({
    jobId,
    jobNumber,
    invoiceId,
    jobType: jt.name,
    businessUnit: buRef.name,
    billingMode: jt.cls === 'tm' ? 'time_and_materials' : 'flat_rate',
    customerType: cust.segment,
    memberActive,
    membershipId: memberActive ? membership!.id : null,
    afterHours,
    technicianId: lead.id,
    technicianIds: crew.map((t) => t.id),
    sloppiness: lead.profile,
    missed,
    edits,
    mentions,
    technicianSubTotal: techSub,
    finalSubTotal: toMoneyString(sub),
    finalTotal: toMoneyString(finalTotal),
    notes: truthNotes,
  });
}

/** Dispatcher-written HTML, like real job summaries: complaint, then access/contact lines. */
function jobSummary(complaint: string, extra: string | null, contact: string | null = null): string {
  const lines = [extra, contact].filter((x): x is string => !!x);
  return `<p>${complaint}</p>${lines.length ? `<p>${lines.join('<br>')}</p>` : ''}`;
}
