// The queue list (HTML or JSON), "next item", the price-book search behind the SKU pickers,
// and the home redirect.
import {
  claimNextReviewItem,
  countReviewQueue,
  type Db,
  listReviewQueue,
  releaseReviewClaim,
  userNames,
} from '@invoicer/db';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isScoped, noTenant, visibleTenants } from '../auth/tenant-scope.ts';
import { HttpError, parseInput } from '../http/errors.ts';
import { sendHtml, wantsJson } from '../http/respond.ts';
import type { ConsoleServices } from '../services.ts';
import { inTimeZone, money } from '../views/format.ts';
import { href, html } from '../views/html.ts';
import { layout, viewerOf } from '../views/layout.ts';
import { queuePage } from '../views/queue.ts';
import { FLASH } from './item-routes.ts';
import { nextStatuses, QueueQuery, queryParams, toFilters } from './queue-query.ts';

const STAFF = new Set(['billing_specialist', 'billing_manager', 'admin']);

/** Each run's current draft revision: what a bulk approval of the page's rows approves. */
async function draftRevisions(db: Db, runIds: string[]): Promise<Map<string, number>> {
  if (!runIds.length) return new Map();
  const runs = await db.pipelineRun.findMany({
    where: { id: { in: runIds } },
    select: { id: true, draftRevision: true },
  });
  return new Map(runs.map((r) => [r.id, r.draftRevision]));
}

const SkuQuery = z.object({
  tenant: z.string().min(1, 'is missing').max(64),
  q: z.string().max(100).optional(),
  sku: z.string().max(100).optional(),
  /** The id of the input the results fill (the line editor's pickers). */
  pick: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,40}$/, 'is not an input id')
    .optional(),
});

export function registerQueueRoutes(app: FastifyInstance, services: ConsoleServices): void {
  const { db, runtime } = services;

  /** The tenant asked for, or the user's first; only among the tenants the user may see. */
  async function tenantFor(request: FastifyRequest, requested: string | undefined) {
    const tenants = await visibleTenants(db, request.auth!.user);
    const chosen = tenants.find((t) => t.id === requested) ?? tenants[0];
    if (requested && chosen?.id !== requested) throw new HttpError(404, noTenant(requested));
    return { tenants, tenantId: chosen?.id ?? null };
  }

  app.get('/', async (request, reply) => {
    const user = request.auth!.user;
    // The cluster overview spans every tenant: engineers limited to some tenants get the queue.
    return reply.redirect(user.role === 'engineer' && !isScoped(user) ? '/ops' : '/queue', 302);
  });

  app.get('/queue', async (request, reply) => {
    const user = request.auth!.user;
    const query = parseInput(QueueQuery, request.query);
    const { tenants, tenantId } = await tenantFor(request, query.tenant);
    if (!tenantId) {
      if (wantsJson(request))
        return reply.send({
          items: [],
          next: null,
          counts: { total: 0, byReason: {}, totalAmount: '0.00', amountByReason: {} },
        });
      const body = isScoped(user)
        ? html`<h1>Review queue</h1><p>None of the tenants your account is limited to is registered. Ask an admin.</p>`
        : html`<h1>Review queue</h1><p>No tenants are registered yet.</p>`;
      return sendHtml(reply, layout(viewerOf(request), { title: 'Review queue', active: 'queue', body }));
    }
    const filters = toFilters(query, tenantId, user.id);
    const [page, counts, catalog] = await Promise.all([
      listReviewQueue(db, filters, { sort: query.sort, limit: query.limit, after: query.after }),
      countReviewQueue(db, filters),
      runtime.catalog(tenantId).catch(() => null),
    ]);
    if (wantsJson(request)) return reply.send({ tenantId, ...page, counts });
    const [holders, revisions] = await Promise.all([
      userNames(
        db,
        page.items.flatMap((i) => (i.claimedBy ? [i.claimedBy] : [])),
      ),
      draftRevisions(
        db,
        page.items.flatMap((i) => (i.runId ? [i.runId] : [])),
      ),
    ]);
    const done = (request.query as { done?: string }).done;
    const settings = await runtime.settings(tenantId).catch(() => null);
    return sendHtml(
      reply,
      inTimeZone(settings?.rules.afterHours.timezone, () =>
        queuePage(viewerOf(request), {
          query,
          params: queryParams(query, tenantId),
          tenantId,
          tenants: tenants.map((t) => ({ id: t.id, name: t.name })),
          page,
          counts,
          holders,
          revisions,
          businessUnits: [...(catalog?.businessUnitNames ?? [])],
          jobTypes: [...(catalog?.jobTypeNames ?? [])],
          canWork: STAFF.has(user.role),
          flash: done ? FLASH[done] : undefined,
        }),
      ),
    );
  });

  app.post('/queue/next', async (request, reply) => {
    const user = request.auth!.user;
    const body = (request.body ?? {}) as Record<string, unknown>;
    const { current } = parseInput(z.object({ current: z.uuid().optional() }), body);
    const query = parseInput(QueueQuery, body);
    const { tenantId } = await tenantFor(request, query.tenant);
    if (!tenantId) return reply.redirect('/queue', 303);
    // Skipping: hand the current item back before taking the next one.
    if (current) await releaseReviewClaim(db, current, user.id);
    const filters = { ...toFilters(query, tenantId, user.id), statuses: nextStatuses(query, user.role) };
    const next = await claimNextReviewItem(
      db,
      filters,
      user.id,
      services.env.CLAIM_TTL * 1000,
      current ? [current] : [],
    );
    if (wantsJson(request)) return reply.send({ itemId: next });
    if (next) return reply.redirect(`/items/${next}`, 303);
    return reply.redirect(
      href('/queue', { ...queryParams(query, tenantId), done: current ? 'nothing_next' : 'clear' }),
      303,
    );
  });

  app.get('/skus', async (request, reply) => {
    const query = parseInput(SkuQuery, request.query);
    const needle = (query.q ?? query.sku ?? '').trim().toLowerCase();
    const catalog = await runtime.catalog(query.tenant);
    const hits = needle
      ? catalog.skus
          .filter(
            (s) =>
              s.active && (String(s.id) === needle || `${s.code} ${s.name}`.toLowerCase().includes(needle)),
          )
          .slice(0, 20)
      : [];
    if (wantsJson(request))
      return reply.send(hits.map((s) => ({ id: s.id, code: s.code, name: s.name, price: s.price })));
    if (query.pick)
      return sendHtml(
        reply,
        needle
          ? hits.length
            ? html`<ul class="sku-picks" role="list">${hits.map(
                (s) =>
                  html`<li><button type="button" class="link" data-sku-pick="${query.pick}" data-sku="${s.code}">${s.code} — ${s.name} <span class="muted">(${money(s.price)})</span></button></li>`,
              )}</ul>`
            : html`<p class="small muted">No SKU matches “${needle}”.</p>`
          : html``,
      );
    return sendHtml(
      reply,
      html`${hits.map((s) => html`<option value="${s.code}">${s.code} — ${s.name} (${money(s.price)})</option>`)}`,
    );
  });
}
