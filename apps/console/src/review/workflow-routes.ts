// Queue workflow routes: bulk approve, undoing an approval inside its window (and the banner
// that offers it), and the managers' escalations page with "send back".
import { ClaimConflictError, userNames } from '@invoicer/db';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { canSeeTenant, noTenant, visibleTenants } from '../auth/tenant-scope.ts';
import { HttpError, parseInput } from '../http/errors.ts';
import { sendHtml, wantsJson } from '../http/respond.ts';
import type { ConsoleServices } from '../services.ts';
import { bulkResultPage, pendingApprovalsFragment } from '../views/approvals.ts';
import { escalationsPage } from '../views/escalations.ts';
import { inTimeZone } from '../views/format.ts';
import { href } from '../views/html.ts';
import { viewerOf } from '../views/layout.ts';
import { BulkApproveForm, bulkApprove, parsePicks } from './bulk.ts';
import { listEscalations, SendBackForm, sendBack } from './escalations.ts';
import { ItemParams } from './forms.ts';
import { undoApproval, undoableApproval } from './undo.ts';

/** The longest undo window the settings allow (APPROVAL_UNDO_SECONDS ≤ 300). */
const LONGEST_WINDOW_MS = 301_000;

async function claimConflict(services: ConsoleServices, error: unknown): Promise<never> {
  if (!(error instanceof ClaimConflictError)) throw error;
  if (error.result.reason === 'held') {
    const name = (await userNames(services.db, [error.result.heldBy])).get(error.result.heldBy);
    throw new HttpError(409, `${name ?? 'Someone else'} is working this item; try again when they finish.`);
  }
  throw new HttpError(409, `This item cannot be changed: ${error.message}.`);
}

export function registerWorkflowRoutes(app: FastifyInstance, services: ConsoleServices): void {
  const { db, runtime } = services;

  async function tenantFor(request: FastifyRequest, requested: string | undefined) {
    const tenants = await visibleTenants(db, request.auth!.user);
    const chosen = tenants.find((t) => t.id === requested) ?? tenants[0];
    if (requested && chosen?.id !== requested) throw new HttpError(404, noTenant(requested));
    return { tenants, tenantId: chosen?.id ?? null };
  }

  const zoneOf = (tenantId: string) =>
    runtime
      .settings(tenantId)
      .then((s) => s.rules.afterHours.timezone)
      .catch(() => null);

  app.post('/queue/approve', async (request, reply) => {
    const user = request.auth!.user;
    const form = parseInput(BulkApproveForm, request.body);
    const { tenantId } = await tenantFor(request, form.tenant);
    if (!tenantId) throw new HttpError(404, noTenant(form.tenant));
    const outcomes = await bulkApprove(services, user, tenantId, parsePicks(form));
    if (wantsJson(request)) return reply.send({ tenantId, results: outcomes });
    const zone = await zoneOf(tenantId);
    return sendHtml(
      reply,
      inTimeZone(zone, () => bulkResultPage(viewerOf(request), tenantId, outcomes)),
    );
  });

  app.post('/items/:id/undo', async (request, reply) => {
    const { id } = parseInput(ItemParams, request.params);
    const result = await undoApproval(services, request.auth!.user, id);
    if (wantsJson(request)) return reply.send({ ok: true, ...result });
    return reply.redirect(href(`/items/${id}`, { done: 'undone' }), 303);
  });

  app.get('/approvals/pending', async (request, reply) => {
    const user = request.auth!.user;
    const query = parseInput(z.object({ tenant: z.string().max(64).optional() }), request.query);
    const now = new Date();
    const rows = await db.reviewItem.findMany({
      where: {
        status: 'approved',
        resolvedBy: user.id,
        resolvedAt: { gt: new Date(now.getTime() - LONGEST_WINDOW_MS) },
        ...(query.tenant ? { tenantId: query.tenant } : {}),
      },
      orderBy: { resolvedAt: 'desc' },
      take: 20,
    });
    const pending = rows.flatMap((item) => {
      const approval = canSeeTenant(user, item.tenantId) ? undoableApproval(item, now) : null;
      if (!approval) return [];
      return [
        {
          itemId: item.id,
          label: `${item.customerName ?? '(no customer)'}${item.stJobId ? ` · job ${item.stJobId}` : ''}`,
          amount: item.amount.toString(),
          undoUntil: approval.until,
        },
      ];
    });
    if (wantsJson(request)) return reply.send({ pending });
    // Nothing to undo: htmx leaves the placeholder as it is.
    if (!pending.length) return reply.code(204).send();
    return sendHtml(reply, pendingApprovalsFragment(viewerOf(request), pending));
  });

  app.get('/escalations', async (request, reply) => {
    const query = parseInput(
      z.object({ tenant: z.string().max(64).optional(), done: z.string().max(40).optional() }),
      request.query,
    );
    const { tenants, tenantId } = await tenantFor(request, query.tenant || undefined);
    if (!tenantId) throw new HttpError(404, 'No tenants are registered yet.');
    const items = await listEscalations(db, tenantId);
    if (wantsJson(request)) return reply.send({ tenantId, items });
    const holders = await userNames(
      db,
      items.flatMap((i) => (i.claimedBy ? [i.claimedBy] : [])),
    );
    const zone = await zoneOf(tenantId);
    return sendHtml(
      reply,
      inTimeZone(zone, () =>
        escalationsPage(viewerOf(request), {
          tenantId,
          tenants: tenants.map((t) => ({ id: t.id, name: t.name })),
          items,
          holders,
          flash:
            query.done === 'sent_back'
              ? { kind: 'ok', text: 'Sent back to the queue with your answer.' }
              : undefined,
        }),
      ),
    );
  });

  app.post('/items/:id/send-back', async (request, reply) => {
    const { id } = parseInput(ItemParams, request.params);
    const form = parseInput(SendBackForm, request.body);
    const result = await sendBack(services, request.auth!.user, id, form).catch((error) =>
      claimConflict(services, error),
    );
    if (wantsJson(request)) return reply.send({ ok: true, ...result });
    const item = await db.reviewItem.findUnique({ where: { id }, select: { tenantId: true } });
    return reply.redirect(href('/escalations', { tenant: item?.tenantId, done: 'sent_back' }), 303);
  });
}
