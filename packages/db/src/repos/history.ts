// Derived history for learning: one row per completed past job (its features) and one per
// invoice line (office-added or not), bulk-upserted, read back as time-ordered events.

import { randomUUID } from 'node:crypto';
import {
  type HistoryJobEvent,
  type HistoryLineEvent,
  type LaborTime,
  laborTimeFrom,
  type RawTime,
} from '@invoicer/billing';
import { type Db, sql } from '../client.ts';
import { HISTORY_VERSION_CURSOR } from '../retrieval/history-index.ts';

export interface HistoryJobRow {
  stJobId: number;
  jobTypeId: number | null;
  businessUnitId: number | null;
  locationId: number | null;
  customerId: number | null;
  completedOn: string;
  noteText: string;
  features: string[];
  laborHours: string | null;
}

export interface HistoryLineRow {
  stItemId: number;
  stJobId: number;
  stInvoiceId: number;
  skuId: number | null;
  itemType: string;
  description: string;
  quantity: string;
  unitPrice: string;
  createdOn: string;
  officeAdded: boolean;
}

const CHUNK = 1000;

export async function upsertHistoryJobs(db: Db, tenantId: string, rows: HistoryJobRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const c = rows.slice(i, i + CHUNK);
    await sql(
      db,
      `INSERT INTO history_jobs (tenant_id, st_job_id, job_type_id, business_unit_id, location_id, customer_id, completed_on, note_text, features, labor_hours)
       SELECT $1, u.a, u.b, u.c, u.d, u.e, u.f, u.g, string_to_array(u.h, E'\\x1f'), u.i
       FROM unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::timestamptz[], $8::text[], $9::text[], $10::numeric[])
         AS u(a, b, c, d, e, f, g, h, i)
       ON CONFLICT (tenant_id, st_job_id) DO UPDATE SET job_type_id = EXCLUDED.job_type_id, business_unit_id = EXCLUDED.business_unit_id,
         location_id = EXCLUDED.location_id, customer_id = EXCLUDED.customer_id, completed_on = EXCLUDED.completed_on,
         note_text = EXCLUDED.note_text, features = EXCLUDED.features, labor_hours = EXCLUDED.labor_hours`,
      [
        tenantId,
        c.map((r) => r.stJobId),
        c.map((r) => r.jobTypeId),
        c.map((r) => r.businessUnitId),
        c.map((r) => r.locationId),
        c.map((r) => r.customerId),
        c.map((r) => r.completedOn),
        c.map((r) => r.noteText),
        c.map((r) => r.features.join('\x1f')),
        c.map((r) => r.laborHours),
      ],
    );
  }
}

/** Replace the lines of the given jobs (an invoice's lines change as the office edits it). */
export async function replaceHistoryLines(
  db: Db,
  tenantId: string,
  jobIds: number[],
  rows: HistoryLineRow[],
): Promise<void> {
  for (let i = 0; i < jobIds.length; i += CHUNK) {
    await sql(db, `DELETE FROM history_lines WHERE tenant_id = $1 AND st_job_id = ANY($2::bigint[])`, [
      tenantId,
      jobIds.slice(i, i + CHUNK),
    ]);
  }
  for (let i = 0; i < rows.length; i += CHUNK) {
    const c = rows.slice(i, i + CHUNK);
    await sql(
      db,
      `INSERT INTO history_lines (tenant_id, st_item_id, st_job_id, st_invoice_id, sku_id, item_type, description, quantity, unit_price, created_on, office_added)
       SELECT $1, u.a, u.b, u.c, u.d, u.e, u.f, u.g, u.h, u.i, u.j
       FROM unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::text[], $7::text[], $8::numeric[], $9::numeric[], $10::timestamptz[], $11::boolean[])
         AS u(a, b, c, d, e, f, g, h, i, j)
       ON CONFLICT (tenant_id, st_item_id) DO UPDATE SET st_job_id = EXCLUDED.st_job_id, sku_id = EXCLUDED.sku_id,
         quantity = EXCLUDED.quantity, unit_price = EXCLUDED.unit_price, created_on = EXCLUDED.created_on, office_added = EXCLUDED.office_added`,
      [
        tenantId,
        c.map((r) => r.stItemId),
        c.map((r) => r.stJobId),
        c.map((r) => r.stInvoiceId),
        c.map((r) => r.skuId),
        c.map((r) => r.itemType),
        c.map((r) => r.description),
        c.map((r) => r.quantity),
        c.map((r) => r.unitPrice),
        c.map((r) => r.createdOn),
        c.map((r) => r.officeAdded),
      ],
    );
    await sql(
      db,
      `INSERT INTO history_descriptions (tenant_id, digest, description)
       SELECT DISTINCT $1, md5(d), d FROM unnest($2::text[]) AS d WHERE d <> ''
       ON CONFLICT DO NOTHING`,
      [tenantId, c.map((r) => r.description)],
    );
  }
  // Moves the history's version, so in-memory retrieval indexes of it are reloaded.
  if (jobIds.length || rows.length)
    await sql(
      db,
      `INSERT INTO ingest_cursors (tenant_id, feed, token, updated_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (tenant_id, feed) DO UPDATE SET token = EXCLUDED.token, updated_at = now()`,
      [tenantId, HISTORY_VERSION_CURSOR, `${Date.now()}-${randomUUID()}`],
    );
}

/** Mirrored export feeds a job's recorded time is read from (labor conventions). */
export const TIME_RESOURCES = {
  appointments: 'jpm/appointments',
  timesheets: 'payroll/jobs/timesheets',
  payItems: 'payroll/gross-pay-items',
} as const;

/**
 * Events in (after, until], time-respecting: jobs by completion, lines by creation. Each job
 * carries its recorded time (visits, timesheets, paid working hours) from the mirror, for the
 * labor convention learned from past invoices.
 */
export async function historyEvents(
  db: Db,
  tenantId: string,
  after: Date | null,
  until: Date,
): Promise<{ jobs: (HistoryJobEvent & { time: LaborTime | null })[]; lines: HistoryLineEvent[] }> {
  const from = after ?? new Date(0);
  const jobs = await db.$queryRawUnsafe<
    {
      st_job_id: bigint;
      completed_on: Date;
      job_type_id: bigint | null;
      features: string[];
      labor_hours: string | null;
      appointments: RawTime['appointments'] | null;
      timesheets: RawTime['timesheets'] | null;
      pay_items: RawTime['payItems'] | null;
    }[]
  >(
    `SELECT j.st_job_id, j.completed_on, j.job_type_id, j.features, j.labor_hours::text,
       (SELECT jsonb_agg(jsonb_build_object('id', r.st_id, 'start', r.data->'start', 'end', r.data->'end'))
          FROM st_records r WHERE r.tenant_id = j.tenant_id AND r.resource = $4 AND r.parent_id = j.st_job_id) AS appointments,
       (SELECT jsonb_agg(jsonb_build_object('technicianId', r.data->'technicianId', 'appointmentId', r.data->'appointmentId',
            'arrivedOn', r.data->'arrivedOn', 'doneOn', r.data->'doneOn', 'canceledOn', r.data->'canceledOn', 'active', r.data->'active'))
          FROM st_records r WHERE r.tenant_id = j.tenant_id AND r.resource = $5 AND r.parent_id = j.st_job_id) AS timesheets,
       (SELECT jsonb_agg(jsonb_build_object('employeeId', r.data->'employeeId', 'paidDurationHours', r.data->'paidDurationHours',
            'paidTimeType', r.data->'paidTimeType', 'startedOn', r.data->'startedOn', 'date', r.data->'date',
            'activity', r.data->'activity', 'activityCode', r.data->'activityCode'))
          FROM st_records r WHERE r.tenant_id = j.tenant_id AND r.resource = $6 AND r.parent_id = j.st_job_id) AS pay_items
     FROM history_jobs j
     WHERE j.tenant_id = $1 AND j.completed_on > $2 AND j.completed_on <= $3 ORDER BY j.completed_on, j.st_job_id`,
    tenantId,
    from,
    until,
    TIME_RESOURCES.appointments,
    TIME_RESOURCES.timesheets,
    TIME_RESOURCES.payItems,
  );
  const lines = await db.$queryRawUnsafe<
    {
      st_job_id: bigint;
      sku_id: bigint;
      quantity: string;
      created_on: Date;
      office_added: boolean;
      features: string[];
    }[]
  >(
    // A line is known from the later of its creation and its job's completion: the technician's
    // items exist before completion but count only once the job is done.
    `SELECT l.st_job_id, l.sku_id, l.quantity::text, GREATEST(l.created_on, j.completed_on) AS created_on, l.office_added, j.features
     FROM history_lines l JOIN history_jobs j ON j.tenant_id = l.tenant_id AND j.st_job_id = l.st_job_id
     WHERE l.tenant_id = $1 AND l.sku_id IS NOT NULL
       AND GREATEST(l.created_on, j.completed_on) > $2 AND GREATEST(l.created_on, j.completed_on) <= $3
     -- Ties broken by job and item: a model built in one go and one extended day by day apply
     -- the same events in the same order.
     ORDER BY 4, l.st_job_id, l.st_item_id`,
    tenantId,
    from,
    until,
  );
  return {
    jobs: jobs.map((j) => ({
      jobId: Number(j.st_job_id),
      completedOn: j.completed_on.toISOString(),
      jobTypeId: j.job_type_id === null ? null : Number(j.job_type_id),
      features: j.features,
      laborHours: j.labor_hours === null ? null : Number(j.labor_hours),
      time:
        j.timesheets || j.pay_items
          ? laborTimeFrom({
              appointments: (j.appointments ?? []).map((a) => ({ ...a, id: Number(a.id) })),
              timesheets: j.timesheets ?? [],
              payItems: j.pay_items ?? [],
            })
          : null,
    })),
    lines: lines.map((l) => ({
      jobId: Number(l.st_job_id),
      skuId: Number(l.sku_id),
      quantity: Number(l.quantity),
      createdOn: l.created_on.toISOString(),
      officeAdded: l.office_added,
      features: l.features,
    })),
  };
}

/** Prior completed jobs at a location before a time, newest first, with their SKUs. */
export async function priorJobsAt(db: Db, tenantId: string, locationId: number, before: Date, limit = 10) {
  const rows = await db.$queryRawUnsafe<
    { st_job_id: bigint; job_type_id: bigint | null; completed_on: Date; sku_ids: bigint[] | null }[]
  >(
    `SELECT j.st_job_id, j.job_type_id, j.completed_on,
            (SELECT array_agg(DISTINCT l.sku_id) FROM history_lines l WHERE l.tenant_id = j.tenant_id AND l.st_job_id = j.st_job_id AND l.created_on < $3) AS sku_ids
     FROM history_jobs j WHERE j.tenant_id = $1 AND j.location_id = $2 AND j.completed_on < $3
     ORDER BY j.completed_on DESC LIMIT $4`,
    tenantId,
    locationId,
    before,
    limit,
  );
  return rows.map((r) => ({
    jobId: Number(r.st_job_id),
    jobTypeId: r.job_type_id === null ? 0 : Number(r.job_type_id),
    completedOn: r.completed_on.toISOString(),
    skuIds: (r.sku_ids ?? []).filter((x) => x !== null).map(Number),
  }));
}

export interface HistoryInvoiceRow {
  stJobId: number;
  completedOn: string;
  /** The mirrored invoice, cut down to what convention learning reads. */
  invoice: {
    id: number;
    salesTax: string;
    subTotal: string | null;
    taxZoneId: number | null;
    salesTaxCode: { id?: number | null; taxRate?: number | null } | null;
    items: {
      skuId: number | null;
      type: string | null;
      quantity: string | null;
      price: string | null;
      total: string | null;
      taxable: boolean | null;
      active: boolean | null;
    }[];
  };
}

/**
 * The mirrored invoices of jobs completed by `until` (time-respecting, like historyEvents), the
 * most recent `limit` of them, newest first. Header amounts and each item's SKU, type, amounts
 * and taxability only: the convention inference needs no more.
 */
export async function historyInvoices(
  db: Db,
  tenantId: string,
  until: Date,
  limit: number,
): Promise<HistoryInvoiceRow[]> {
  const rows = await db.$queryRawUnsafe<
    { st_job_id: bigint; completed_on: Date; invoice: HistoryInvoiceRow['invoice'] }[]
  >(
    `SELECT j.st_job_id, j.completed_on,
       jsonb_build_object(
         'id', r.st_id, 'salesTax', r.data->'salesTax', 'subTotal', r.data->'subTotal',
         'taxZoneId', r.data->'taxZoneId', 'salesTaxCode', r.data->'salesTaxCode',
         'items', COALESCE((
           SELECT jsonb_agg(jsonb_build_object(
             'skuId', i->'skuId', 'type', i->'type', 'quantity', i->'quantity', 'price', i->'price',
             'total', i->'total', 'taxable', i->'taxable', 'active', i->'active') ORDER BY ord)
           FROM jsonb_array_elements(CASE WHEN jsonb_typeof(r.data->'items') = 'array' THEN r.data->'items' ELSE '[]'::jsonb END)
             WITH ORDINALITY AS e(i, ord)
         ), '[]'::jsonb)) AS invoice
     FROM history_jobs j
     JOIN st_records r ON r.tenant_id = j.tenant_id AND r.resource = 'accounting/invoices' AND r.parent_id = j.st_job_id
     WHERE j.tenant_id = $1 AND j.completed_on <= $2
       AND COALESCE(r.data->>'active', 'true') <> 'false' AND r.data->>'salesTax' IS NOT NULL
     ORDER BY j.completed_on DESC, r.st_id DESC
     LIMIT $3`,
    tenantId,
    until,
    limit,
  );
  return rows.map((r) => ({
    stJobId: Number(r.st_job_id),
    completedOn: r.completed_on.toISOString(),
    invoice: { ...r.invoice, id: Number(r.invoice.id) },
  }));
}
