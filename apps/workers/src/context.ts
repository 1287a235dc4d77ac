// Load one completed job's context from ServiceTitan with as few calls as possible: reference
// data (job types, technicians, tax zones, price book) comes from the tenant's cache, prior
// jobs at the location from the history tables; only the job's own records are fetched live.

import {
  type ExistingItem,
  type ItemType,
  isWorkingTime,
  type JobContext,
  type LaborEntry,
  laborTimeFrom,
} from '@invoicer/billing';
import { fromAmountString, fromNumber, InvalidInputError, toMoneyString } from '@invoicer/core';
import type { Db } from '@invoicer/db';
import { priorJobsAt } from '@invoicer/db';
import { parseStDate, type StClient } from '@invoicer/servicetitan';
import type { TenantRuntime } from '@invoicer/tenant';

const ITEM_TYPES = new Set(['Service', 'Material', 'Equipment', 'PriceModifier']);

function addressText(
  a:
    | { street?: string | null; city?: string | null; state?: string | null; zip?: string | null }
    | null
    | undefined,
): string {
  if (!a) return '';
  return [a.street, a.city, [a.state, a.zip].filter(Boolean).join(' ')].filter(Boolean).join(', ');
}

export async function loadJobContext(
  client: StClient,
  db: Db,
  runtime: TenantRuntime,
  tenantId: string,
  jobId: number,
): Promise<JobContext> {
  const job = await client.getJob(jobId);
  if (job.jobStatus !== 'Completed' || !job.completedOn) {
    throw new InvalidInputError(`job ${jobId} is ${job.jobStatus}, not Completed`);
  }
  const completedOn = parseStDate(job.completedOn);
  if (!completedOn)
    throw new InvalidInputError(`job ${jobId} has an unreadable completedOn "${job.completedOn}"`);
  const [
    invoice,
    notes,
    appointments,
    timesheets,
    attachments,
    customer,
    location,
    memberships,
    catalog,
    settings,
  ] = await Promise.all([
    job.invoiceId ? client.getInvoice(job.invoiceId) : client.getInvoiceForJob(jobId),
    client.listJobNotes(jobId),
    client.listAppointments(jobId),
    client.listTimesheets(jobId),
    client.listAttachments(jobId),
    client.getCustomer(job.customerId),
    client.getLocation(job.locationId),
    client.listMemberships(job.customerId),
    runtime.catalog(tenantId),
    runtime.settings(tenantId),
  ]);
  if (!invoice) throw new InvalidInputError(`job ${jobId} has no invoice`);

  // Gross pay items carry paid hours and overtime; one call per technician on the job.
  const technicianIds = [...new Set(timesheets.map((t) => t.technicianId))];
  const firstStart = appointments.map((a) => a.start).sort()[0] ?? job.completedOn;
  const day = (iso: string) => iso.slice(0, 10);
  const jobPay = (
    await Promise.all(
      technicianIds.map((employeeId) =>
        client.listGrossPayItems({
          employeeId,
          dateOnOrAfter: day(firstStart),
          dateOnOrBefore: day(job.completedOn!),
        }),
      ),
    )
  )
    .flat()
    .filter((p) => p.jobId === jobId);
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

  const items: ExistingItem[] = (invoice.items ?? [])
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
      id: job.id,
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
    priorJobs: await priorJobsAt(db, tenantId, job.locationId, completedOn),
  };
}

/** Custom fields with a name and a text value (others carry nothing a feature can use). */
export function customFieldsOf(fields: { name?: string | null; value?: unknown }[] | null | undefined) {
  return (fields ?? []).flatMap((f) =>
    f.name && (typeof f.value === 'string' || typeof f.value === 'number' || typeof f.value === 'boolean')
      ? [{ name: f.name, value: String(f.value) }]
      : [],
  );
}
