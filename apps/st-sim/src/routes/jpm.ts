import type { FastifyInstance } from 'fastify';
import {
  all,
  commonFilter,
  dateWindow,
  exportResponse,
  first,
  idsParam,
  intParam,
  listResponse,
} from '../http-helpers.ts';
import { exported, found, idParam, moduleRoutes, publicRecord, type RouteContext } from './api.ts';

export function registerJpm(app: FastifyInstance, ctx: RouteContext): void {
  const api = moduleRoutes(app, 'jpm');
  const { tenant } = ctx;

  api.get('/jobs', ({ query }) => {
    const ids = idsParam(query);
    const locationId = intParam(query, 'locationId');
    const customerId = intParam(query, 'customerId');
    let rows = ids
      ? ids.map((id) => tenant.jobs.get(id)).filter((j) => j !== undefined)
      : locationId !== undefined
        ? tenant.jobs.by('locationId', locationId)
        : customerId !== undefined
          ? tenant.jobs.by('customerId', customerId)
          : [...tenant.jobs.values()];
    const status = first(query, 'jobStatus');
    const jobTypeId = intParam(query, 'jobTypeId');
    const businessUnitId = intParam(query, 'businessUnitId');
    const invoiceId = intParam(query, 'invoiceId');
    const completed = dateWindow(query, 'completedOnOrAfter', 'completedBefore');
    const common = commonFilter(query);
    rows = rows.filter(
      (j) =>
        common(j) &&
        (!status || j.jobStatus === status) &&
        (jobTypeId === undefined || j.jobTypeId === jobTypeId) &&
        (businessUnitId === undefined || j.businessUnitId === businessUnitId) &&
        (invoiceId === undefined || j.invoiceId === invoiceId) &&
        (locationId === undefined || j.locationId === locationId) &&
        (customerId === undefined || j.customerId === customerId) &&
        completed(j.completedOn),
    );
    return listResponse(rows, query, publicRecord);
  });
  api.get('/jobs/:id', ({ params }) =>
    publicRecord(found(tenant.jobs.get(idParam(params)), 'Job', idParam(params))),
  );
  api.put('/jobs/:id/complete', ({ params, body }) => {
    const id = idParam(params);
    found(tenant.jobs.get(id), 'Job', id);
    const completedOn = (body as { completedOn?: unknown } | null)?.completedOn;
    const when = typeof completedOn === 'string' ? completedOn : new Date().toISOString();
    tenant.complete(id, when);
    ctx.onWrite('complete', { jobId: id, completedOn: when });
    ctx.onCompleted(id);
    return undefined;
  });
  api.get('/jobs/:id/notes', ({ params, query }) => {
    const id = idParam(params);
    found(tenant.jobs.get(id), 'Job', id);
    // The transactional shape has no note id or jobId.
    return listResponse(tenant.notes.by('jobId', id), query, (n) => ({
      text: n.text,
      isPinned: n.isPinned ?? false,
      createdById: n.createdById ?? 0,
      createdOn: n.createdOn,
      modifiedOn: n.modifiedOn ?? n.createdOn,
    }));
  });
  api.get('/job-types', ({ query }) => {
    const ids = idsParam(query);
    const common = commonFilter(query);
    const rows = [...tenant.jobTypes.values()].filter((t) => common(t) && (!ids || ids.includes(t.id)));
    return listResponse(rows, query, publicRecord);
  });
  api.get('/job-types/:id', ({ params }) =>
    publicRecord(found(tenant.jobTypes.get(idParam(params)), 'Job type', idParam(params))),
  );
  api.get('/appointments', ({ query }) => {
    const ids = idsParam(query);
    const jobId = intParam(query, 'jobId');
    const starts = dateWindow(query, 'startsOnOrAfter', 'startsBefore');
    const statuses = all(query, 'status');
    const common = commonFilter(query);
    const base =
      jobId !== undefined ? tenant.appointments.by('jobId', jobId) : [...tenant.appointments.values()];
    const rows = base.filter(
      (a) =>
        common(a) &&
        (!ids || ids.includes(a.id)) &&
        starts(a.start) &&
        (!statuses.length || statuses.includes(String(a.status))),
    );
    return listResponse(rows, query, publicRecord);
  });
  api.get('/appointments/:id', ({ params }) =>
    publicRecord(found(tenant.appointments.get(idParam(params)), 'Appointment', idParam(params))),
  );
  api.get('/export/jobs', ({ query }) => exportResponse(tenant.jobs, query, exported));
  api.get('/export/job-notes', ({ query }) =>
    exportResponse(tenant.notes, query, exported, (n) => n.modifiedOn ?? n.createdOn),
  );
  api.get('/export/appointments', ({ query }) => exportResponse(tenant.appointments, query, exported));
}
