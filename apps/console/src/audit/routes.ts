// GET /audit?run=…|item=…&format=html|csv|json: a run's (and its review item's) audit history.
import { getReviewItemForRun } from '@invoicer/db';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HttpError, parseInput } from '../http/errors.ts';
import { sendHtml } from '../http/respond.ts';
import type { ConsoleServices } from '../services.ts';
import { auditPage } from '../views/audit.ts';
import { viewerOf } from '../views/layout.ts';
import { auditCsv, toAuditRow } from './export.ts';

const AuditQuery = z
  .object({
    run: z.uuid('is not a run id').optional(),
    item: z.uuid('is not a review item id').optional(),
    format: z.enum(['html', 'csv', 'json'], { message: 'must be html, csv or json' }).default('html'),
  })
  .refine((q) => Boolean(q.run) !== Boolean(q.item), { message: 'give either run or item', path: ['run'] });

export function registerAuditRoutes(app: FastifyInstance, services: ConsoleServices): void {
  const { db } = services;
  app.get('/audit', async (request, reply) => {
    const query = parseInput(AuditQuery, request.query);
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
    return sendHtml(
      reply,
      auditPage(
        viewerOf(request),
        runId ? `Audit history of run ${runId}` : `Audit history of item ${itemId}`,
        events,
        { run: runId, item: itemId },
      ),
    );
  });
}
