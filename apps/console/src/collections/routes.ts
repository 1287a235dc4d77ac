// GET /collections?tenant=…: the receivables page (JSON for API clients). POST
// /collections/outcomes: a collector records a call's outcome for an invoice; it is audited and
// feeds the risk score (disputes leave the call list, promises and broken promises move scores).
import { COLLECTOR_OUTCOMES } from '@invoicer/collections';
import { appendAuditTx, recordCollectionOutcome, setPause, sql } from '@invoicer/db';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { isManager } from '../auth/roles.ts';
import { noTenant, visibleTenants } from '../auth/tenant-scope.ts';
import { HttpError, parseInput } from '../http/errors.ts';
import { done, sendHtml, wantsJson } from '../http/respond.ts';
import type { ConsoleServices } from '../services.ts';
import { href, html } from '../views/html.ts';
import { layout, viewerOf } from '../views/layout.ts';
import { loadReceivables } from './load.ts';
import { registerPlanRoutes } from './plan-routes.ts';
import { receivablesPage } from './view.ts';

const PageQuery = z.object({ tenant: z.string().max(64).optional() });
const OutcomeForm = z.object({
  tenant: z.string().min(1, 'is missing').max(64),
  invoice: z.string().regex(/^\d{1,18}$/, 'is not an invoice id'),
  outcome: z.enum(COLLECTOR_OUTCOMES as [string, ...string[]], { message: 'is not a known outcome' }),
  promisedFor: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || null)
    .refine((v) => v === null || /^\d{4}-\d{2}-\d{2}$/.test(v), 'is not a date'),
  note: z
    .string()
    .trim()
    .max(500, 'is longer than 500 characters')
    .optional()
    .transform((v) => v || null),
});

export function registerCollectionsRoutes(app: FastifyInstance, services: ConsoleServices): void {
  const { db } = services;
  registerPlanRoutes(app, services);
  app.get('/collections', async (request, reply) => {
    const query = parseInput(PageQuery, request.query);
    const viewer = viewerOf(request);
    const tenants = await visibleTenants(db, request.auth!.user);
    const chosen = query.tenant ? tenants.find((t) => t.id === query.tenant) : tenants[0];
    if (query.tenant && !chosen) throw new HttpError(404, noTenant(query.tenant));
    if (!chosen)
      return sendHtml(
        reply,
        layout(viewer, {
          title: 'Receivables',
          body: html`<h1>Receivables</h1><p>No tenants are registered (or none your account may see).</p>`,
        }),
      );
    const view = await loadReceivables(db, chosen.id, new Date());
    if (wantsJson(request)) return reply.send(view);
    const role = viewer.user?.role;
    const canAct = role === 'billing_specialist' || (role !== undefined && isManager(role));
    const body = receivablesPage(
      view,
      viewer,
      canAct,
      tenants.map((t) => ({ id: t.id, name: t.name })),
    );
    return sendHtml(reply, layout(viewer, { title: 'Receivables', body, active: 'collections' }));
  });

  app.post('/collections/outcomes', async (request, reply) => {
    const form = parseInput(OutcomeForm, request.body);
    const user = viewerOf(request).user!;
    if (form.outcome === 'promise_to_pay' && !form.promisedFor)
      throw new HttpError(400, 'A promise to pay needs the date promised.');
    const [invoice] = await sql<{ customer_id: string | null }>(
      db,
      `SELECT data->'customer'->>'id' AS customer_id FROM st_records
       WHERE tenant_id = $1 AND resource = 'invoices' AND st_id = $2`,
      [form.tenant, form.invoice],
    );
    if (!invoice?.customer_id)
      throw new HttpError(404, `There is no invoice ${form.invoice} in this tenant's mirror.`);
    const row = await db.$transaction(async (tx) => {
      const saved = await recordCollectionOutcome(tx, {
        tenantId: form.tenant,
        invoiceId: Number(form.invoice),
        customerId: Number(invoice.customer_id),
        outcome: form.outcome,
        promisedFor: form.promisedFor ? new Date(`${form.promisedFor}T00:00:00Z`) : null,
        note: form.note,
        recordedBy: user.id,
      });
      await appendAuditTx(tx, {
        tenantId: form.tenant,
        actorType: 'user',
        actor: user.id,
        action: 'collections.outcome',
        data: {
          invoiceId: form.invoice,
          outcome: form.outcome,
          promisedFor: form.promisedFor,
          note: form.note,
        },
      });
      return saved;
    });
    // A dispute pauses the invoice's reminders and dunning (the delivery's contact policy).
    if (form.outcome === 'dispute')
      await setPause(db, {
        tenantId: form.tenant,
        subjectKind: 'invoice',
        subjectId: form.invoice,
        reason: 'dispute',
        note: `collector ${user.id}`,
      });
    return done(request, reply, href('/collections', { tenant: form.tenant }), {
      outcomeId: String(row.id),
      outcome: row.outcome,
    });
  });
}
