// Payment plans in the console. GET /collections/plans?tenant=…: proposed plans with their
// options, reasons and the CSR's draft message, and the running ones. POST
// /collections/plans/accept: a CSR accepts one option; the plan pauses dunning for the invoice
// (the delivery's 'plan' pause) and collections.act writes its ServiceTitan objects. Accepting
// again changes nothing and writes nothing new (the act is ledgered).
import { checkPlanDraft, draftPlanMessage, type PlanOption } from '@invoicer/collections';
import { acceptPaymentPlan, appendAudit, getPaymentPlan, livePaymentPlans, setPause } from '@invoicer/db';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { isManager } from '../auth/roles.ts';
import { noTenant, visibleTenants } from '../auth/tenant-scope.ts';
import { HttpError, parseInput } from '../http/errors.ts';
import { done, sendHtml, wantsJson } from '../http/respond.ts';
import type { ConsoleServices } from '../services.ts';
import { href } from '../views/html.ts';
import { layout, viewerOf } from '../views/layout.ts';
import { plansPage } from './plan-view.ts';

const PlansQuery = z.object({ tenant: z.string().max(64).optional() });
const AcceptForm = z.object({
  tenant: z.string().min(1, 'is missing').max(64),
  plan: z.uuid('is not a plan id'),
  count: z.coerce.number().int().min(1).max(24),
});

export function registerPlanRoutes(app: FastifyInstance, services: ConsoleServices): void {
  const { db } = services;
  app.get('/collections/plans', async (request, reply) => {
    const query = parseInput(PlansQuery, request.query);
    const viewer = viewerOf(request);
    const tenants = await visibleTenants(db, request.auth!.user);
    const chosen = query.tenant ? tenants.find((t) => t.id === query.tenant) : tenants[0];
    if (query.tenant && !chosen) throw new HttpError(404, noTenant(query.tenant));
    const plans = chosen ? await livePaymentPlans(db, chosen.id) : [];
    if (wantsJson(request)) return reply.send({ tenantId: chosen?.id ?? null, plans });
    const role = viewer.user?.role;
    const canAct = role === 'billing_specialist' || (role !== undefined && isManager(role));
    const body = plansPage(chosen?.id ?? null, plans, viewer, canAct);
    return sendHtml(reply, layout(viewer, { title: 'Payment plans', body, active: 'collections' }));
  });

  app.post('/collections/plans/accept', async (request, reply) => {
    const form = parseInput(AcceptForm, request.body);
    const user = viewerOf(request).user!;
    const plan = await getPaymentPlan(db, form.plan);
    if (!plan || plan.tenantId !== form.tenant) throw new HttpError(404, 'There is no such payment plan.');
    const option = (plan.options as unknown as PlanOption[]).find((o) => o.count === form.count);
    if (!option) throw new HttpError(400, `The plan has no ${form.count}-installment option.`);
    let accepted = false;
    if (plan.state === 'proposed') {
      const tenantName =
        (await services.runtime.settings(plan.tenantId)).delivery.businessName ?? 'our office';
      const draft = draftPlanMessage({
        businessName: tenantName,
        customerName: `customer ${plan.customerId}`,
        invoiceNumber: String(plan.invoiceId),
        balanceCents: Number(plan.balanceCents),
        option,
      });
      const problems = checkPlanDraft(draft, Number(plan.balanceCents), option);
      if (problems.length)
        throw new HttpError(500, `The draft message failed its check: ${problems.join('; ')}`);
      // The suggested draft states the shortest option: kept only when it states the chosen one.
      const suggested =
        plan.draft && !checkPlanDraft(plan.draft, Number(plan.balanceCents), option).length
          ? plan.draft
          : null;
      accepted = await acceptPaymentPlan(db, plan.id, option.installments, user.id, suggested ?? draft);
    } else if (JSON.stringify(plan.installments) !== JSON.stringify(option.installments))
      throw new HttpError(409, 'This plan was already accepted with another option.');
    if (accepted) {
      await setPause(db, {
        tenantId: plan.tenantId,
        subjectKind: 'invoice',
        subjectId: String(plan.invoiceId),
        reason: 'plan',
        note: `payment plan ${plan.id}`,
      });
      await appendAudit(db, {
        tenantId: plan.tenantId,
        actorType: 'user',
        actor: user.id,
        action: 'collections.plan_accepted',
        data: { planId: plan.id, invoiceId: String(plan.invoiceId), count: option.count },
      });
    }
    // Always (a retry after a lost enqueue): the act is ledgered, so a repeat writes nothing.
    await services.queues.enqueue('collections.act', {
      tenantId: plan.tenantId,
      kind: 'plan',
      subjectId: plan.id,
      step: 'represent',
    });
    return done(request, reply, href('/collections/plans', { tenant: plan.tenantId }), {
      planId: plan.id,
      accepted,
    });
  });
}
