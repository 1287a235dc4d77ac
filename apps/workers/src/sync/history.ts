// Keep the tenant's mirror and learning history current. Export feeds (jobs, customers,
// locations, memberships, notes, appointments, invoices, payments, gross pay, job timesheets)
// land in st_records from their saved tokens; each feed's watermark (when its last complete pass
// started) says which mirrored records a reader can trust together (see context.ts). Then every
// completed job touched since the last derivation is (re)described: its features as known at
// completion and its invoice lines, each marked office-added when it was created after the job
// was completed.

import {
  type CatalogSku,
  findMentions,
  htmlToText,
  jobFeatures,
  skuTags,
  technicianItemInputs,
  type Vocabulary,
  workingHours,
} from '@invoicer/billing';
import type { TenantSettings } from '@invoicer/core';
import type { Db, HistoryJobRow, HistoryLineRow } from '@invoicer/db';
import {
  getCursor,
  markMirrorFeed,
  mirrorChangedSince,
  mirrorChildren,
  mirrorClock,
  mirrorFeedMarks,
  mirrorRecords,
  replaceHistoryLines,
  setCursor,
  upsertHistoryJobs,
  upsertMirror,
} from '@invoicer/db';
import type { Logger } from '@invoicer/platform';
import {
  Appointment,
  Customer,
  GrossPayItem,
  Invoice,
  Job,
  JobNote,
  JobTimesheet,
  Location,
  Membership,
  Payment,
  parseStDate,
  StApiError,
  type StClient,
  StFeedStuckError,
} from '@invoicer/servicetitan';
import type { z } from 'zod';
import { ESTIMATES_FEED, soldSkusOfJobs } from '../evidence/estimates-feed.ts';
import { cityOf, customFieldsOf } from './fields.ts';

export interface MirrorFeed {
  module: string;
  resource: string;
  schema: z.ZodType;
  parent: (r: Record<string, unknown>) => number | null;
  /** A feed a tenant's API may not offer (newer, or outside the app's scopes): skipped when refused. */
  optional?: boolean;
}

const parentField =
  (field: string) =>
  (r: Record<string, unknown>): number | null =>
    typeof r[field] === 'number' ? (r[field] as number) : null;

/** In sync order: jobs first, so every other feed's pass starts after the jobs it saw. */
export const FEEDS: MirrorFeed[] = [
  { module: 'jpm', resource: 'jobs', schema: Job, parent: () => null },
  { module: 'crm', resource: 'customers', schema: Customer, parent: () => null },
  // The job context reads a job's location and its customer's memberships from these two.
  {
    module: 'crm',
    resource: 'locations',
    schema: Location,
    parent: parentField('customerId'),
    optional: true,
  },
  {
    module: 'memberships',
    resource: 'memberships',
    schema: Membership,
    parent: parentField('customerId'),
    optional: true,
  },
  { module: 'jpm', resource: 'job-notes', schema: JobNote, parent: parentField('jobId') },
  { module: 'jpm', resource: 'appointments', schema: Appointment, parent: parentField('jobId') },
  {
    module: 'accounting',
    resource: 'invoices',
    schema: Invoice,
    parent: (r) => (r.job as { id?: number } | null)?.id ?? null,
  },
  {
    module: 'accounting',
    resource: 'payments',
    schema: Payment,
    parent: (r) => (r.customer as { id?: number } | null)?.id ?? null,
  },
  { module: 'payroll', resource: 'gross-pay-items', schema: GrossPayItem, parent: parentField('jobId') },
  // On-site time (arrived → done) per technician per visit: past jobs' labor convention is
  // learned from it (historyEvents reads it from the mirror).
  {
    module: 'payroll',
    resource: 'jobs/timesheets',
    schema: JobTimesheet,
    parent: parentField('jobId'),
    optional: true,
  },
];

export const feedName = (feed: MirrorFeed) => `${feed.module}/${feed.resource}`;

export interface SyncMirrorOptions {
  /** Only these feeds (names as `module/resource`); default all. */
  feeds?: readonly string[];
  /**
   * Skip feeds whose last complete pass started at or after this (database clock): the jobs
   * feed, and the others only when the jobs feed was skipped too.
   */
  freshSince?: Date;
  /** Skip feeds whose last pass found them refused or stuck (the periodic sync retries them). */
  skipUnavailable?: boolean;
  log?: Logger;
}

/**
 * Follow each feed from its saved token to its end: the jobs feed first, then the others side by
 * side (each starts after the jobs feed's records landed, which is what lets a reader trust them
 * together). Counts per feed: records read, -1 when an optional feed is refused, -2 when a feed
 * is stuck (it is stopped for this pass and logged). Any other error is recorded on its feed
 * and thrown once the other feeds have finished.
 */
export async function syncMirror(
  client: StClient,
  db: Db,
  tenantId: string,
  options: SyncMirrorOptions = {},
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const marks = options.freshSince || options.skipUnavailable ? await mirrorFeedMarks(db, tenantId) : null;
  const wanted = FEEDS.filter((feed) => {
    const mark = marks?.get(feedName(feed));
    return (
      (!options.feeds || options.feeds.includes(feedName(feed))) &&
      !(options.skipUnavailable && (mark?.state === 'refused' || mark?.state === 'stuck'))
    );
  });
  const freshSince = (feed: MirrorFeed) => {
    const caughtUpFrom = marks?.get(feedName(feed))?.caughtUpFrom;
    return Boolean(options.freshSince && caughtUpFrom && caughtUpFrom >= options.freshSince);
  };
  const [first, ...rest] = wanted;
  const follow = async (feed: MirrorFeed) => {
    // The watermark is the database's time before the first request: every change the feed had
    // before then is in the mirror once the pass reaches the end.
    counts[feedName(feed)] = await followFeed(client, db, tenantId, feed, await mirrorClock(db), options.log);
  };
  let jobsRan = false;
  if (first && feedName(first) === 'jpm/jobs' && !freshSince(first)) {
    await follow(first);
    jobsRan = true;
  }
  const others = (first && feedName(first) === 'jpm/jobs' ? rest : wanted).filter(
    (feed) => jobsRan || !freshSince(feed),
  );
  const results = await Promise.allSettled(others.map(follow));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return counts;
}

async function followFeed(
  client: StClient,
  db: Db,
  tenantId: string,
  feed: MirrorFeed,
  started: Date,
  log: Logger | undefined,
): Promise<number> {
  const name = feedName(feed);
  let n = 0;
  let token = await getCursor(db, tenantId, name);
  try {
    for await (const page of client.exportFeed(feed.module, feed.resource, feed.schema, token, {
      includeRecentChanges: true,
    })) {
      await upsertMirror(
        db,
        tenantId,
        name,
        (page.data as Record<string, unknown>[]).map((r) => ({
          stId: r.id as number,
          parentId: feed.parent(r),
          data: r,
          modifiedOn: (r.modifiedOn as string | null) ?? null,
        })),
      );
      if (page.continueFrom !== token) await setCursor(db, tenantId, name, page.continueFrom);
      token = page.continueFrom;
      n += page.data.length;
    }
  } catch (error) {
    if (error instanceof StFeedStuckError) {
      // Stop this feed for this pass; the records before it are kept, readers of its records
      // fall back to direct reads until a later pass gets through.
      log?.error(
        { tenant: tenantId, feed: name, token: error.token, pages: error.pages, records: n },
        `${error.message}; skipped for this sync`,
      );
      await markMirrorFeed(db, tenantId, name, 'stuck', null, error.message);
      return -2;
    }
    // A feed the tenant's API does not offer: learning goes on without it.
    const refused = error instanceof StApiError && (error.status === 404 || error.status === 403);
    if (feed.optional && refused && n === 0) {
      await markMirrorFeed(db, tenantId, name, 'refused', null, error.message);
      return -1;
    }
    await markMirrorFeed(db, tenantId, name, 'failed', null, (error as Error).message).catch(() => {});
    throw error;
  }
  await markMirrorFeed(db, tenantId, name, 'caught-up', started);
  return n;
}

// 5: "was on a sold estimate" (est:<sku>), from the mirrored Sales estimates.
// 6: which federal holiday a visit started on (hol:<name>, hol:major, hol:shifted), beside "holiday".
// 7: the location's city (city:<name>), beside its tax zone.
const FEATURES_VERSION = 7;

function recallDaysOf(job: Job, completed: Date, recalled: Map<number, number | null>): number | null {
  const original = job.recallForId ? recalled.get(job.recallForId) : null;
  return original ? (completed.getTime() - original) / 86_400_000 : null;
}

/** Re-derive history for every completed job whose mirror records changed since last time. */
export async function deriveHistory(
  db: Db,
  tenantId: string,
  vocabulary: Vocabulary,
  settings: TenantSettings,
  catalogById: Map<number, CatalogSku> = new Map(),
): Promise<number> {
  // Versioned: when the features change, every job is described again.
  const cursorName = `history/derived-at/v${FEATURES_VERSION}`;
  const since = new Date((await getCursor(db, tenantId, cursorName)) ?? 0);
  const started = new Date();
  const touched = new Set<number>();
  const tagsOf = (id: number) => {
    const sku = catalogById.get(id);
    return sku ? skuTags(sku) : [];
  };
  for (const resource of [
    'jpm/jobs',
    'jpm/job-notes',
    'jpm/appointments',
    'accounting/invoices',
    'payroll/gross-pay-items',
    ESTIMATES_FEED,
  ]) {
    for (const r of await mirrorChangedSince(db, tenantId, resource, since))
      touched.add(resource === 'jpm/jobs' ? r.stId : (r.parentId ?? -1));
  }
  touched.delete(-1);
  const ids = [...touched];
  let derived = 0;
  for (let i = 0; i < ids.length; i += 500) {
    const batch = ids.slice(i, i + 500);
    const jobs = (await mirrorRecords<Job>(db, tenantId, 'jpm/jobs', batch)).filter(
      (j) => j.jobStatus === 'Completed' && j.completedOn,
    );
    const jobIds = jobs.map((j) => j.id);
    const customers = await mirrorRecords<Customer>(db, tenantId, 'crm/customers', [
      ...new Set(jobs.map((j) => j.customerId)),
    ]);
    const customerTypes = new Map(customers.map((c) => [c.id, c.type ?? null]));
    const customerById = new Map(customers.map((c) => [c.id, c]));
    const locations = await mirrorRecords<Location>(db, tenantId, 'crm/locations', [
      ...new Set(jobs.map((j) => j.locationId)),
    ]);
    const cityAt = new Map(locations.map((l) => [l.id, cityOf(l.address)]));
    const recalled = new Map(
      (
        await mirrorRecords<Job>(db, tenantId, 'jpm/jobs', [
          ...new Set(jobs.flatMap((j) => (j.recallForId ? [j.recallForId] : []))),
        ])
      ).map((j) => [j.id, parseStDate(j.completedOn)?.getTime() ?? null]),
    );
    const [notes, appointments, invoices, pay] = await Promise.all([
      mirrorChildren<JobNote>(db, tenantId, 'jpm/job-notes', jobIds),
      mirrorChildren<Appointment>(db, tenantId, 'jpm/appointments', jobIds),
      mirrorChildren<Invoice>(db, tenantId, 'accounting/invoices', jobIds),
      mirrorChildren<GrossPayItem>(db, tenantId, 'payroll/gross-pay-items', jobIds),
    ]);
    const sold = await soldSkusOfJobs(db, tenantId, jobs);
    const jobRows: HistoryJobRow[] = [];
    const lineRows: HistoryLineRow[] = [];
    for (const job of jobs) {
      const completed = parseStDate(job.completedOn)!;
      const invoice = invoices.find((inv) => inv.job?.id === job.id);
      const items = (invoice?.items ?? []).filter((it) => it.active !== false);
      const officeAdded = (createdOn: string | null | undefined) => {
        const created = parseStDate(createdOn);
        return created !== null && created.getTime() > completed.getTime();
      };
      const techItems = items.filter((it) => !officeAdded(it.createdOn));
      const texts = [
        ...notes.filter((n) => n.jobId === job.id).map((n, index) => ({ index, text: n.text })),
        ...(job.summary ? [{ index: -1, text: htmlToText(job.summary) }] : []),
      ];
      const { mentions } = findMentions(texts, vocabulary);
      const hours = pay.filter((p) => p.jobId === job.id).reduce((s, p) => s + (p.paidDurationHours ?? 0), 0);
      jobRows.push({
        stJobId: job.id,
        jobTypeId: job.jobTypeId,
        businessUnitId: job.businessUnitId,
        locationId: job.locationId,
        customerId: job.customerId,
        completedOn: completed.toISOString(),
        noteText: texts
          .map((t) => t.text)
          .join('\n')
          .slice(0, 8000),
        features: jobFeatures(
          {
            ...technicianItemInputs(techItems, tagsOf),
            appointmentCount: appointments.filter((a) => a.jobId === job.id).length,
            taxZoneId: (invoice as { taxZoneId?: number | null } | undefined)?.taxZoneId ?? null,
            city: cityAt.get(job.locationId) ?? null,
            jobTypeId: job.jobTypeId,
            businessUnitId: job.businessUnitId,
            appointmentStarts: appointments.filter((a) => a.jobId === job.id).map((a) => a.start),
            technicianSkuIds: techItems.flatMap((it) => (it.skuId ? [it.skuId] : [])),
            technicianItemTypes: [...new Set(techItems.map((it) => it.type))],
            membershipActive: Boolean(job.membershipId),
            customerType: customerTypes.get(job.customerId) ?? null,
            technicianIds: [...new Set(pay.filter((p) => p.jobId === job.id).map((p) => p.employeeId))],
            recall: Boolean(job.recallForId),
            recallDays: recallDaysOf(job, completed, recalled),
            customerTagIds: customerById.get(job.customerId)?.tagTypeIds ?? [],
            customerFields: customFieldsOf(customerById.get(job.customerId)?.customFields),
            soldEstimateSkuIds: sold.get(job.id),
            mentions,
          },
          workingHours(settings),
        ),
        laborHours: hours > 0 ? hours.toFixed(2) : null,
      });
      for (const it of items) {
        lineRows.push({
          stItemId: it.id,
          stJobId: job.id,
          stInvoiceId: invoice!.id,
          skuId: it.skuId ?? null,
          itemType: it.type,
          description: htmlToText(it.description ?? it.skuName ?? ''),
          quantity: it.quantity,
          unitPrice: it.price,
          createdOn: parseStDate(it.createdOn)?.toISOString() ?? completed.toISOString(),
          officeAdded: officeAdded(it.createdOn),
        });
      }
    }
    await upsertHistoryJobs(db, tenantId, jobRows);
    await replaceHistoryLines(
      db,
      tenantId,
      jobRows.map((j) => j.stJobId),
      lineRows,
    );
    derived += jobRows.length;
  }
  await setCursor(db, tenantId, cursorName, started.toISOString());
  return derived;
}
