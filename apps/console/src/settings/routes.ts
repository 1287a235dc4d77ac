// GET/POST /settings (admins): the rollout policy per tenant, saved with putTenantSettings,
// refused if someone else saved since the form was loaded, and audited with before/after.
// GET /settings?show=conventions: what was learned from past invoices (read-only).
// The recommended auto-approval threshold is shown beside the one in force; POST /settings with
// action=accept_threshold accepts it (recommendation.ts).
import { PolicySettings } from '@invoicer/core';
import { getTenantSettings, putTenantSettings } from '@invoicer/db';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { auditUser } from '../audit/record.ts';
import type { SessionUser } from '../auth/session.ts';
import { noTenant, visibleTenants } from '../auth/tenant-scope.ts';
import { HttpError, parseInput, ValidationError } from '../http/errors.ts';
import { sendHtml, wantsJson } from '../http/respond.ts';
import type { ConsoleServices } from '../services.ts';
import { href } from '../views/html.ts';
import { type Flash, viewerOf } from '../views/layout.ts';
import { settingsPage } from '../views/settings.ts';
import { conventionsPage, conventionsView } from './conventions.ts';
import { type PolicyValues, policyFromValues, policyValues, valuesFromForm } from './form.ts';
import { ACCEPT_THRESHOLD, acceptRecommendedThreshold, recommendationSection } from './recommendation.ts';

const Target = z.object({
  tenant: z.string().max(64).optional(),
  version: z.coerce.number({ message: 'must be a number' }).int().min(0).optional(),
  /** `conventions`: the read-only page of what was learned from past invoices. */
  show: z.enum(['conventions']).optional(),
});

export function registerSettingsRoutes(app: FastifyInstance, services: ConsoleServices): void {
  const { db, runtime } = services;

  // Admins only today (who see every tenant); limited to the user's tenants all the same.
  async function tenantOf(user: SessionUser, requested: string | undefined) {
    const tenants = await visibleTenants(db, user);
    const tenant = requested ? tenants.find((t) => t.id === requested) : tenants[0];
    if (!tenant) throw new HttpError(404, requested ? noTenant(requested) : 'No tenants are registered yet.');
    return { tenants, tenantId: tenant.id };
  }

  async function render(
    request: FastifyRequest,
    reply: FastifyReply,
    tenantId: string,
    extra: { values?: PolicyValues; issues?: ValidationError['issues']; flash?: Flash; status?: number } = {},
  ) {
    const { tenants } = await tenantOf(request.auth!.user, tenantId);
    const [settings, row, catalog] = await Promise.all([
      getTenantSettings(db, tenantId),
      db.tenantSettings.findUnique({ where: { tenantId } }),
      runtime.catalog(tenantId).catch(() => null),
    ]);
    return sendHtml(
      reply,
      settingsPage(viewerOf(request), {
        tenantId,
        tenants: tenants.map((t) => ({ id: t.id, name: t.name })),
        version: row?.version ?? 0,
        updatedBy: row?.updatedBy ?? 'nobody',
        values: extra.values ?? policyValues(settings.policy),
        businessUnits: [...(catalog?.businessUnitNames ?? [])],
        jobTypes: [...(catalog?.jobTypeNames ?? [])],
        issues: extra.issues,
        flash: extra.flash,
        recommendation: recommendationSection(viewerOf(request), {
          tenantId,
          version: row?.version ?? 0,
          policy: settings.policy,
          businessUnits: catalog?.businessUnitNames ?? new Map(),
        }),
      }),
      extra.status ?? 200,
    );
  }

  app.get('/settings', async (request, reply) => {
    const { tenant, show } = parseInput(Target, request.query);
    const { tenantId } = await tenantOf(request.auth!.user, tenant);
    if (wantsJson(request)) {
      const row = await db.tenantSettings.findUnique({ where: { tenantId } });
      return reply.send({
        tenantId,
        version: row?.version ?? 0,
        policy: (await getTenantSettings(db, tenantId)).policy,
        conventions: await conventionsView(services, tenantId),
      });
    }
    if (show === 'conventions')
      return sendHtml(
        reply,
        conventionsPage(viewerOf(request), { tenantId, view: await conventionsView(services, tenantId) }),
      );
    const saved = (request.query as { saved?: string }).saved;
    const text = saved === 'threshold' ? 'The recommended threshold is in force.' : 'Settings saved.';
    return render(request, reply, tenantId, saved ? { flash: { kind: 'ok', text } } : {});
  });

  app.post('/settings', async (request, reply) => {
    const user = request.auth!.user;
    const body = (request.body ?? {}) as Record<string, unknown>;
    const target = parseInput(Target, body);
    const { tenantId } = await tenantOf(user, target.tenant);
    const current = await getTenantSettings(db, tenantId);
    const json = typeof body.policy === 'object' && body.policy !== null;
    const accepting = body.action === ACCEPT_THRESHOLD;
    const values = json || accepting ? policyValues(current.policy) : valuesFromForm(body);
    try {
      if (accepting) {
        const version = await acceptRecommendedThreshold(db, tenantId, user, target.version);
        services.metrics.actions.inc({ action: 'settings' });
        if (wantsJson(request))
          return reply.send({ tenantId, version, policy: (await getTenantSettings(db, tenantId)).policy });
        return reply.redirect(href('/settings', { tenant: tenantId, saved: 'threshold' }), 303);
      }
      const policy = json
        ? parseInput(PolicySettings, { ...current.policy, ...(body.policy as object) })
        : policyFromValues(values, current.policy);
      const version = await db.$transaction(async (tx) => {
        const row = await tx.tenantSettings.findUnique({ where: { tenantId } });
        if (target.version !== undefined && (row?.version ?? 0) !== target.version)
          throw new HttpError(
            409,
            `${row?.updatedBy ?? 'Someone'} changed these settings since you opened them. Reload and apply your change again.`,
          );
        const saved = await putTenantSettings(tx, tenantId, { ...current, policy }, user.email);
        await auditUser(tx, user, {
          tenantId,
          action: 'settings.policy_changed',
          data: { before: current.policy, after: saved.settings.policy, version: saved.version },
        });
        return saved.version;
      });
      services.metrics.actions.inc({ action: 'settings' });
      if (wantsJson(request)) return reply.send({ tenantId, version, policy });
      return reply.redirect(href('/settings', { tenant: tenantId, saved: '1' }), 303);
    } catch (error) {
      if (!(error instanceof HttpError) || wantsJson(request)) throw error;
      const issues =
        error instanceof ValidationError ? error.issues : [{ field: 'settings', message: error.message }];
      return render(request, reply, tenantId, { values, issues, status: error.status });
    }
  });
}
