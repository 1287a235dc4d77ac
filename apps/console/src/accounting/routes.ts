// GET /settings/accounting (admins): the books connection, mode, mappings to review, sync log
// and differences; POST …/mode changes the mode (invoices/journal refused while another export
// posts, with the evidence); POST …/mappings confirms one mapping (and queues the waiting
// invoices again); GET …/differences.csv the open differences.
import {
  type BooksRef,
  changeMode,
  confirmMapping,
  MODES,
  ModeRefusedError,
  openBooks,
  type Provider,
} from '@invoicer/accounting';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { auditUser } from '../audit/record.ts';
import { noTenant, visibleTenants } from '../auth/tenant-scope.ts';
import { HttpError, parseInput } from '../http/errors.ts';
import { sendHtml, wantsJson } from '../http/respond.ts';
import type { ConsoleServices } from '../services.ts';
import { href } from '../views/html.ts';
import { type Flash, viewerOf } from '../views/layout.ts';
import { accountingPage, type DayRow } from './view.ts';

const Target = z.object({ tenant: z.string().max(64).optional(), saved: z.string().max(40).optional() });
const ModeForm = z.object({ tenant: z.string().max(64), mode: z.enum(MODES) });
const MappingForm = z.object({
  tenant: z.string().max(64),
  kind: z.enum(['customer', 'account', 'tax', 'payment']),
  stKey: z.string().min(1).max(200),
  externalId: z.string().trim().min(1, 'choose one').max(200),
});

export function registerAccountingRoutes(app: FastifyInstance, services: ConsoleServices): void {
  const { db } = services;
  const books = (tenantId: string) => {
    const { redis, prefix, credentialsKey } = services.runtime.options;
    return openBooks({ db, redis, prefix, credentialsKey, maxInlineWaitMs: 2000 }, tenantId);
  };

  /** The three-way report's per-day totals, newest first. */
  async function dayRows(tenantId: string, take?: number): Promise<DayRow[]> {
    const rows = await db.accountingDocument.findMany({
      where: { tenantId, kind: 'day' },
      orderBy: { stId: 'desc' },
      ...(take ? { take } : {}),
    });
    return rows.map((r) => r.detail as unknown as DayRow);
  }

  async function tenantOf(request: FastifyRequest, requested: string | undefined) {
    const tenants = await visibleTenants(db, request.auth!.user);
    const tenant = requested ? tenants.find((t) => t.id === requested) : tenants[0];
    if (!tenant) throw new HttpError(404, requested ? noTenant(requested) : 'No tenants are registered yet.');
    return { tenants, tenantId: tenant.id };
  }

  async function render(
    request: FastifyRequest,
    reply: FastifyReply,
    tenantId: string,
    flash?: Flash,
    status = 200,
  ) {
    const { tenants } = await tenantOf(request, tenantId);
    const [connection, mappings, documents, grouped, findings, days] = await Promise.all([
      db.accountingConnection.findUnique({ where: { tenantId } }),
      db.accountingMapping.findMany({ where: { tenantId }, orderBy: [{ kind: 'asc' }, { stName: 'asc' }] }),
      db.accountingDocument.findMany({
        where: { tenantId, kind: { not: 'day' } },
        orderBy: { updatedAt: 'desc' },
        take: 100,
      }),
      db.accountingDocument.groupBy({
        by: ['status'],
        where: { tenantId, kind: { not: 'day' } },
        _count: { _all: true },
      }),
      db.accountingFinding.findMany({
        where: { tenantId, resolvedAt: null },
        orderBy: [{ day: 'desc' }, { key: 'asc' }],
        take: 500,
      }),
      dayRows(tenantId, 62),
    ]);
    const counts = Object.fromEntries(grouped.map((g) => [g.status, g._count._all]));
    if (wantsJson(request)) {
      const { tokensSealed: _sealed, ...safe } = connection ?? { tokensSealed: '' };
      return reply.code(status).send({
        tenantId,
        connection: connection ? safe : null,
        mappings,
        counts,
        documents,
        findings,
        days,
        flash,
      });
    }
    // The books' choices for the kinds still to review (one call per kind; none when all are confirmed).
    const candidates: Record<string, BooksRef[]> = {};
    const kinds = [...new Set(mappings.filter((m) => m.status !== 'confirmed').map((m) => m.kind))];
    if (connection && kinds.length) {
      const open = await books(tenantId).catch(() => null);
      for (const kind of kinds)
        if (kind !== 'customer')
          candidates[kind] = (await open?.books.mappingCandidates(kind as 'account').catch(() => [])) ?? [];
    }
    return sendHtml(
      reply,
      accountingPage(viewerOf(request), {
        tenantId,
        tenants: tenants.map((t) => ({ id: t.id, name: t.name })),
        connection,
        mappings,
        candidates,
        documents,
        counts,
        findings,
        days,
        flash,
      }),
      status,
    );
  }

  app.get('/settings/accounting', async (request, reply) => {
    const { tenant, saved } = parseInput(Target, request.query);
    const { tenantId } = await tenantOf(request, tenant);
    return render(
      request,
      reply,
      tenantId,
      saved ? { kind: 'ok', text: saved === 'mode' ? 'Mode changed.' : 'Mapping confirmed.' } : undefined,
    );
  });

  app.post('/settings/accounting/mode', async (request, reply) => {
    const form = parseInput(ModeForm, request.body);
    const { tenantId } = await tenantOf(request, form.tenant);
    try {
      const open = await books(tenantId).catch(() => null);
      await changeMode(db, tenantId, form.mode, open?.books ?? null);
    } catch (error) {
      if (!(error instanceof ModeRefusedError)) throw error;
      if (wantsJson(request)) return reply.code(409).send({ error: error.message, evidence: error.evidence });
      return render(request, reply, tenantId, { kind: 'error', text: error.message }, 409);
    }
    const user = request.auth!.user;
    await db.$transaction((tx) =>
      auditUser(tx, user, { tenantId, action: 'accounting.mode_changed', data: { mode: form.mode } }),
    );
    if (wantsJson(request)) return reply.send({ tenantId, mode: form.mode });
    return reply.redirect(href('/settings/accounting', { tenant: tenantId, saved: 'mode' }), 303);
  });

  app.post('/settings/accounting/mappings', async (request, reply) => {
    const form = parseInput(MappingForm, request.body);
    const { tenantId } = await tenantOf(request, form.tenant);
    const connection = await db.accountingConnection.findUnique({ where: { tenantId } });
    if (!connection) throw new HttpError(409, 'This tenant has no books connection.');
    const provider = connection.provider as Provider;
    const key = { tenantId, provider, kind: form.kind, stKey: form.stKey };
    const row = await db.accountingMapping.findUnique({ where: { tenantId_provider_kind_stKey: key } });
    if (!row) throw new HttpError(404, 'There is no such mapping.');
    const open = form.kind === 'customer' ? null : await books(tenantId).catch(() => null);
    const choice = open
      ? (await open.books.mappingCandidates(form.kind as 'account')).find((r) => r.id === form.externalId)
      : null;
    if (open && !choice) throw new HttpError(400, `The books have no ${form.kind} "${form.externalId}".`);
    const user = request.auth!.user;
    await confirmMapping(
      db,
      key,
      {
        id: form.externalId,
        name: choice
          ? choice.code && choice.code !== choice.id
            ? `${choice.code} ${choice.name}`
            : choice.name
          : null,
      },
      user.email,
    );
    await db.$transaction((tx) =>
      auditUser(tx, user, {
        tenantId,
        action: 'accounting.mapping_confirmed',
        data: { ...key, externalId: form.externalId },
      }),
    );
    // Invoices waiting for this mapping are queued again by the next reconcile; start one now.
    await services.queues.enqueue('accounting.reconcile', { tenantId, version: `m${Date.now()}` });
    if (wantsJson(request)) return reply.send({ ...key, externalId: form.externalId, status: 'confirmed' });
    return reply.redirect(href('/settings/accounting', { tenant: tenantId, saved: 'mapping' }), 303);
  });

  app.get('/settings/accounting/days.csv', async (request, reply) => {
    const { tenant } = parseInput(Target, request.query);
    const { tenantId } = await tenantOf(request, tenant);
    const rows = (await dayRows(tenantId)).reverse();
    const lines = [
      'day,st_invoiced,books_invoiced,st_received,bank_deposited,differences',
      ...rows.map((d) =>
        [d.day, d.stInvoiced, d.booksInvoiced ?? '', d.stReceived, d.bankDeposited, d.differences].join(','),
      ),
    ];
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="accounting-days-${tenantId}.csv"`)
      .send(`${lines.join('\n')}\n`);
  });

  app.get('/settings/accounting/differences.csv', async (request, reply) => {
    const { tenant } = parseInput(Target, request.query);
    const { tenantId } = await tenantOf(request, tenant);
    const rows = await db.accountingFinding.findMany({
      where: { tenantId, resolvedAt: null },
      orderBy: [{ day: 'asc' }, { key: 'asc' }],
    });
    const cell = (v: unknown) => {
      const s = v === null || v === undefined ? '' : String(v);
      // Quote, and defuse spreadsheet formulas.
      return `"${(/^[=+\-@]/.test(s) ? `'${s}` : s).replace(/"/g, '""')}"`;
    };
    const lines = [
      'day,kind,invoice,st_id,books_id,st_amount,books_amount,detail',
      ...rows.map((f) =>
        [
          f.day?.toISOString().slice(0, 10),
          f.kind,
          f.number,
          f.stId,
          f.externalId,
          f.stAmount?.toFixed(2),
          f.booksAmount?.toFixed(2),
          f.detail,
        ]
          .map(cell)
          .join(','),
      ),
    ];
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="accounting-differences-${tenantId}.csv"`)
      .send(`${lines.join('\n')}\n`);
  });
}
