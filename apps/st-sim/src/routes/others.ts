// dispatch, payroll, settings, pricebook, crm, memberships and forms resources.
import { createHash } from 'node:crypto';
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
import type { Collection, SimRecord } from '../store.ts';
import { exported, found, idParam, moduleRoutes, publicRecord, type RouteContext } from './api.ts';

function simpleResource<T extends SimRecord>(
  api: ReturnType<typeof moduleRoutes>,
  path: string,
  collection: Collection<T>,
  label: string,
  options: { export?: boolean } = {},
) {
  api.get(`/${path}`, ({ query }) => {
    const ids = idsParam(query);
    const common = commonFilter(query as never);
    const base = ids
      ? ids.map((id) => collection.get(id)).filter((r) => r !== undefined)
      : [...collection.values()];
    return listResponse(
      base.filter((r) => common(r as never)),
      query,
      publicRecord,
    );
  });
  api.get(`/${path}/:id`, ({ params }) =>
    publicRecord(found(collection.get(idParam(params)), label, idParam(params))),
  );
  if (options.export) api.get(`/export/${path}`, ({ query }) => exportResponse(collection, query, exported));
}

export function registerOthers(app: FastifyInstance, ctx: RouteContext): void {
  const { tenant } = ctx;

  const dispatch = moduleRoutes(app, 'dispatch');
  dispatch.get('/appointment-assignments', ({ query }) => {
    const ids = idsParam(query);
    const jobId = intParam(query, 'jobId');
    const appointmentIds = all(query, 'appointmentIds').map(Number);
    const common = commonFilter(query);
    const base =
      jobId !== undefined ? tenant.assignments.by('jobId', jobId) : [...tenant.assignments.values()];
    const rows = base.filter(
      (a) =>
        common(a) &&
        (!ids || ids.includes(a.id)) &&
        (!appointmentIds.length || appointmentIds.includes(a.appointmentId)),
    );
    return listResponse(rows, query, publicRecord);
  });
  dispatch.get('/export/appointment-assignments', ({ query }) =>
    exportResponse(tenant.assignments, query, exported),
  );

  const payroll = moduleRoutes(app, 'payroll');
  payroll.get('/jobs/:job/timesheets', ({ params, query }) => {
    const jobId = idParam(params, 'job');
    const technicianId = intParam(query, 'technicianId');
    const rows = tenant.timesheets
      .by('jobId', jobId)
      .filter((t) => technicianId === undefined || t.technicianId === technicianId);
    return listResponse(rows, query, publicRecord);
  });
  payroll.get('/jobs/timesheets', ({ query }) => {
    const jobIds = all(query, 'jobIds').map(Number);
    const rows = jobIds.flatMap((id) => tenant.timesheets.by('jobId', id));
    return listResponse(rows, query, publicRecord);
  });
  payroll.get('/gross-pay-items', ({ query }) => {
    const employeeId = intParam(query, 'employeeId');
    const employeeType = first(query, 'employeeType');
    // Both date bounds are inclusive calendar days.
    const after = first(query, 'dateOnOrAfter')?.slice(0, 10);
    const before = first(query, 'dateOnOrBefore')?.slice(0, 10);
    const base =
      employeeId !== undefined ? tenant.grossPay.by('employeeId', employeeId) : [...tenant.grossPay.values()];
    const rows = base.filter((g) => {
      const day = (g.date ?? '').slice(0, 10);
      return (
        (!employeeType || g.employeeType === employeeType) &&
        (!after || day >= after) &&
        (!before || day <= before)
      );
    });
    return listResponse(rows, query, publicRecord);
  });
  payroll.get('/export/gross-pay-items', ({ query }) => exportResponse(tenant.grossPay, query, exported));
  payroll.get('/export/jobs/timesheets', ({ query }) => exportResponse(tenant.timesheets, query, exported));

  const settings = moduleRoutes(app, 'settings');
  simpleResource(settings, 'technicians', tenant.technicians, 'Technician', { export: true });
  simpleResource(settings, 'business-units', tenant.businessUnits, 'Business unit', { export: true });

  const pricebook = moduleRoutes(app, 'pricebook');
  simpleResource(pricebook, 'services', tenant.services, 'Service', { export: true });
  simpleResource(pricebook, 'materials', tenant.materials, 'Material', { export: true });
  simpleResource(pricebook, 'equipment', tenant.equipment, 'Equipment', { export: true });
  simpleResource(pricebook, 'discounts-and-fees', tenant.discountsAndFees, 'Discount or fee');
  simpleResource(pricebook, 'categories', tenant.categories, 'Category');

  const crm = moduleRoutes(app, 'crm');
  simpleResource(crm, 'customers', tenant.customers, 'Customer', { export: true });
  crm.get('/locations', ({ query }) => {
    const ids = idsParam(query);
    const customerId = intParam(query, 'customerId');
    const common = commonFilter(query);
    const base =
      customerId !== undefined
        ? tenant.locations.by('customerId', customerId)
        : [...tenant.locations.values()];
    return listResponse(
      base.filter((l) => common(l) && (!ids || ids.includes(l.id))),
      query,
      publicRecord,
    );
  });
  crm.get('/locations/:id', ({ params }) =>
    publicRecord(found(tenant.locations.get(idParam(params)), 'Location', idParam(params))),
  );
  crm.get('/export/locations', ({ query }) => exportResponse(tenant.locations, query, exported));

  const memberships = moduleRoutes(app, 'memberships');
  memberships.get('/memberships', ({ query }) => {
    const ids = idsParam(query);
    const customerIds = all(query, 'customerIds').map(Number);
    const status = first(query, 'status');
    const common = commonFilter(query);
    const base = customerIds.length
      ? customerIds.flatMap((c) => tenant.memberships.by('customerId', c))
      : [...tenant.memberships.values()];
    const rows = base.filter(
      (m) => common(m) && (!ids || ids.includes(m.id)) && (!status || m.status === status),
    );
    return listResponse(rows, query, publicRecord);
  });
  memberships.get('/memberships/:id', ({ params }) =>
    publicRecord(found(tenant.memberships.get(idParam(params)), 'Membership', idParam(params))),
  );
  memberships.get('/export/memberships', ({ query }) => exportResponse(tenant.memberships, query, exported));

  const forms = moduleRoutes(app, 'forms');
  forms.get('/jobs/:jobId/attachments', ({ params, query }) => {
    const jobId = idParam(params, 'jobId');
    const created = dateWindow(query, 'createdOnOrAfter', 'createdBefore');
    return listResponse(
      tenant.attachments.by('jobId', jobId).filter((a) => created(a.createdOn)),
      query,
      publicRecord,
    );
  });
  forms.get('/jobs/attachment/:id', ({ params, reply }) => {
    const id = idParam(params);
    found(tenant.attachments.get(id), 'Attachment', id);
    // Like other binary endpoints, redirect to file storage.
    return reply.redirect(`/_files/attachments/${id}`, 302);
  });
  app.get('/_files/attachments/:id', async (request, reply) => {
    const id = Number((request.params as { id: string }).id);
    const attachment = tenant.attachments.get(id);
    if (!attachment) return reply.code(404).send();
    // Deterministic placeholder bytes of the recorded size.
    const size = Math.min(attachment.size ?? 1024, 256 * 1024);
    const seed = createHash('sha256').update(String(id)).digest();
    const bytes = Buffer.alloc(size, seed);
    return reply.type(attachment.contentType ?? 'application/octet-stream').send(bytes);
  });
}
