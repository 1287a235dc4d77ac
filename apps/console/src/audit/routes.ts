// GET /audit?run=…|item=…&format=html|csv|json: a run's (and its review item's) audit history.
// GET /audit (no run or item): the shop-wide history, newest first, paged, filtered by tenant,
// action and user, limited to the tenants the viewer may see.
import { getReviewItemForRun } from '@invoicer/db';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { noTenant, visibleTenants } from '../auth/tenant-scope.ts';
import { HttpError, parseInput } from '../http/errors.ts';
import { sendHtml } from '../http/respond.ts';
import type { ConsoleServices } from '../services.ts';
import { auditPage, recentAuditPage } from '../views/audit.ts';
import { inTimeZone } from '../views/format.ts';
import { viewerOf } from '../views/layout.ts';
import { auditCsv, toAuditRow } from './export.ts';

const blank = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' || v === null ? undefined : v), schema);

const AuditQuery = z
  .object({
    run: z.uuid('is not a run id').optional(),
    item: z.uuid('is not a review item id').optional(),
    format: z.enum(['html', 'csv', 'json'], { message: 'must be html, csv or json' }).default('html'),
    tenant: blank(z.string().max(64).optional()),
    action: blank(z.string().max(100).optional()),
    actor: blank(z.string().max(200).optional()),
    before: blank(
      z
        .string()
        .regex(/^\d{1,19}$/, 'is not an event id')
        .optional(),
    ),
    limit: blank(z.coerce.number().int().min(1).max(500).default(100)),
  })
  .refine((q) => !(q.run && q.item), { message: 'give either run or item', path: ['run'] });

export function registerAuditRoutes(app: FastifyInstance, services: ConsoleServices): void {
  const { db } = services;
  app.get('/audit', async (request, reply) => {
    const query = parseInput(AuditQuery, request.query);
    if (!query.run && !query.item) {
      // Shop-wide: only the viewer's tenants (a `tenant` outside them was refused by the guard).
      const tenants = await visibleTenants(db, request.auth!.user);
      const ids = tenants.map((t) => t.id);
      if (query.tenant && !ids.includes(query.tenant)) throw new HttpError(404, noTenant(query.tenant));
      const events = await db.auditEvent.findMany({
        where: {
          tenantId: query.tenant ? query.tenant : { in: ids },
          ...(query.action ? { action: { startsWith: query.action } } : {}),
          ...(query.actor ? { actor: { contains: query.actor, mode: 'insensitive' as const } } : {}),
          ...(query.before ? { id: { lt: BigInt(query.before) } } : {}),
        },
        orderBy: { id: 'desc' },
        take: query.limit + 1,
      });
      const page = events.slice(0, query.limit);
      const next = events.length > query.limit ? String(page.at(-1)!.id) : null;
      if (query.format !== 'html') {
        const rows = page.map(toAuditRow);
        return query.format === 'csv'
          ? reply
              .type('text/csv; charset=utf-8')
              .header('content-disposition', 'attachment; filename="audit.csv"')
              .send(auditCsv(rows))
          : reply
              .type('application/json; charset=utf-8')
              .header('content-disposition', 'attachment; filename="audit.json"')
              .send(JSON.stringify({ events: rows, next }, null, 2));
      }
      const actions = await db.auditEvent.findMany({
        where: { tenantId: { in: ids } },
        distinct: ['action'],
        select: { action: true },
        orderBy: { action: 'asc' },
      });
      // Each row's time in its shop's zone.
      const shown = [...new Set(page.map((e) => e.tenantId))];
      const zones = new Map(
        await Promise.all(
          shown.map(async (id) => {
            const settings = await services.runtime.settings(id).catch(() => null);
            return [id, settings?.rules.afterHours.timezone ?? null] as const;
          }),
        ),
      );
      return sendHtml(
        reply,
        recentAuditPage(viewerOf(request), {
          events: page,
          zones,
          next,
          tenants: tenants.map((t) => ({ id: t.id, name: t.name })),
          actions: actions.map((a) => a.action),
          filters: { tenant: query.tenant, action: query.action, actor: query.actor, limit: query.limit },
        }),
      );
    }
    let runId = query.run ?? null;
    let itemId = query.item ?? null;
    if (itemId) {
      const item = await db.reviewItem.findUnique({ where: { id: itemId }, select: { runId: true } });
      if (!item) throw new HttpError(404, 'There is no such review item.');
      runId = item.runId;
    } else if (runId) {
      const run = await db.pipelineRun.findUnique({ where: { id: runId }, select: { id: true } });
      if (!run) throw new HttpError(404, 'There is no such run.');
      itemId = (await getReviewItemForRun(db, runId))?.id ?? null;
    }
    const events = await db.auditEvent.findMany({
      where: { OR: [...(runId ? [{ runId }] : []), ...(itemId ? [{ reviewItemId: itemId }] : [])] },
      orderBy: { id: 'asc' },
    });
    const name = `audit-${runId ? `run-${runId}` : `item-${itemId}`}`;
    if (query.format === 'csv')
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}.csv"`)
        .send(auditCsv(events.map(toAuditRow)));
    if (query.format === 'json')
      return reply
        .type('application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}.json"`)
        .send(JSON.stringify(events.map(toAuditRow), null, 2));
    const tenantId = events[0]?.tenantId;
    const zone = tenantId
      ? ((await services.runtime.settings(tenantId).catch(() => null))?.rules.afterHours.timezone ?? null)
      : null;
    return sendHtml(
      reply,
      inTimeZone(zone, () =>
        auditPage(
          viewerOf(request),
          runId ? `Audit history of run ${runId}` : `Audit history of item ${itemId}`,
          events,
          { run: runId, item: itemId },
        ),
      ),
    );
  });
}
