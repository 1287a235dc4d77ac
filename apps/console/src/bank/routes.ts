// GET/POST /bank-statements (billing staff): upload a bank file (OFX, camt, BAI2, NACHA, CSV)
// and import it with the same `importBankStatement` the CLI uses; see the recent imports and
// where reconciliation stands. Multipart is parsed in this scope only, fields and the file
// onto the body, so the guard's CSRF check reads the `_csrf` field as it does for every form
// (or the x-csrf-token header an API client sends); the file is held in memory, 20 MB at most.
// Imports run on a worker thread (importer.ts), one at a time, each upload taking its turn before
// its body is read (upload-gate.ts), so large files neither stall other requests nor pile up.
import { createHash } from 'node:crypto';
import multipart from '@fastify/multipart';
import { errorMessage, fromAmountString, InvalidInputError } from '@invoicer/core';
import type { Db } from '@invoicer/db';
import { describeImport, ImportNeedsConfirmation, reconciliationSummary } from '@invoicer/pipeline';
import { describeIssue, StatementParseError } from '@invoicer/reconcile';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { auditUser } from '../audit/record.ts';
import { visibleTenants } from '../auth/tenant-scope.ts';
import { HttpError, parseInput, ValidationError } from '../http/errors.ts';
import { sendHtml, wantsJson } from '../http/respond.ts';
import type { ConsoleServices } from '../services.ts';
import {
  type BankPageModel,
  bankStatementsPage,
  type ImportReport,
  type ImportRow,
  type Mismatch,
  type Unreadable,
} from '../views/bank.ts';
import { viewerOf } from '../views/layout.ts';
import {
  EMPTY_VALUES,
  MAX_UPLOAD_BYTES,
  MAX_UPLOAD_LABEL,
  parseUpload,
  type UploadValues,
  valuesOf,
} from './form.ts';
import { UploadTooLargeError } from './import-protocol.ts';
import { ImportSlots } from './import-slots.ts';
import { BankImporter } from './importer.ts';
import { gateUploads, holdSlotFor } from './upload-gate.ts';

const RECENT = 20;

const PageQuery = z.object({
  tenant: z.preprocess((v) => (v === '' ? undefined : v), z.string().max(64).optional()),
});

const IMPORT_GAP_MS = 2 * 60_000;

interface StatementDbRow {
  file_name: string | null;
  format: string;
  account_id: string | null;
  currency: string;
  period_start: string | null;
  period_end: string | null;
  transaction_count: number;
  imported_by: string;
  created_at: Date;
  issues: number;
  credits: number;
  credit_total: string;
}

/**
 * The tenant's most recent imports, newest first. A file holds one statement per account and
 * day (a month of BAI2 is some twenty), stored one row each; rows of one upload (same file
 * name, importer and format, written within minutes of each other) are shown as one import.
 */
export async function recentImports(db: Db, tenantId: string, take = RECENT): Promise<ImportRow[]> {
  const rows = await db.$queryRaw<StatementDbRow[]>`
    SELECT s.file_name, s.format, s.account_id, s.currency, s.period_start, s.period_end,
           s.transaction_count, s.imported_by, s.created_at,
           jsonb_array_length(s.issues)::int AS issues,
           COALESCE(c.n, 0)::int AS credits, COALESCE(c.total, 0)::text AS credit_total
    FROM bank_statements s
    LEFT JOIN LATERAL (
      SELECT count(*) AS n, sum(t.amount) AS total FROM bank_transactions t
      WHERE t.statement_id = s.id AND t.amount > 0) c ON true
    WHERE s.tenant_id = ${tenantId}
    ORDER BY s.created_at DESC, s.id
    LIMIT ${take * 40}`;
  const imports: (ImportRow & { last: Date })[] = [];
  for (const r of rows) {
    const current = imports.at(-1);
    const same =
      current &&
      current.fileName === r.file_name &&
      current.importedBy === r.imported_by &&
      current.format === r.format &&
      current.last.getTime() - r.created_at.getTime() <= IMPORT_GAP_MS;
    if (!same) {
      if (imports.length === take) break;
      imports.push({
        fileName: r.file_name,
        format: r.format,
        importedBy: r.imported_by,
        importedAt: r.created_at,
        last: r.created_at,
        statements: 0,
        accounts: [],
        currencies: [],
        periodStart: null,
        periodEnd: null,
        transactions: 0,
        credits: 0,
        creditTotal: '0',
        issues: 0,
      });
    }
    const row = imports.at(-1)!;
    row.last = r.created_at;
    row.statements += 1;
    if (r.account_id && !row.accounts.includes(r.account_id)) row.accounts.push(r.account_id);
    if (!row.currencies.includes(r.currency)) row.currencies.push(r.currency);
    if (r.period_start && (!row.periodStart || r.period_start < row.periodStart))
      row.periodStart = r.period_start;
    if (r.period_end && (!row.periodEnd || r.period_end > row.periodEnd)) row.periodEnd = r.period_end;
    row.transactions += r.transaction_count;
    row.credits += r.credits;
    row.creditTotal = fromAmountString(row.creditTotal).plus(fromAmountString(r.credit_total)).toFixed();
    row.issues += r.issues;
  }
  return imports.map(({ last: _last, ...row }) => row);
}

export async function registerBankStatementRoutes(
  app: FastifyInstance,
  services: ConsoleServices,
): Promise<void> {
  const { db, log, env } = services;
  const importer = new BankImporter({
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    queuePrefix: env.QUEUE_PREFIX,
    log,
  });
  app.addHook('onClose', () => importer.close());
  gateUploads(app, new ImportSlots(), '/bank-statements');

  // Only this scope parses multipart. Fields and the one file land on request.body before the
  // guard's preHandler runs; a bigger file is refused while it streams in.
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 20, parts: 25, fieldSize: 64 * 1024 },
    async onFile(part) {
      try {
        const data = await part.toBuffer();
        part.value = { filename: part.filename, mimetype: part.mimetype, data };
      } catch (error) {
        if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE')
          throw new HttpError(
            413,
            `The file is larger than ${MAX_UPLOAD_LABEL}, the most the console accepts. Split it, or import it with \`npm run reconcile:import\`.`,
          );
        throw error;
      }
    },
  });

  /** The tenant asked for (or the user's first), among the tenants this user may see. */
  async function resolveTenant(request: FastifyRequest, requested: string | undefined) {
    const tenants = (await visibleTenants(db, request.auth!.user)).map((t) => ({ id: t.id, name: t.name }));
    const chosen = requested ? tenants.find((t) => t.id === requested) : tenants[0];
    return { tenants, chosen: chosen?.id ?? null };
  }

  async function render(
    request: FastifyRequest,
    reply: FastifyReply,
    requested: string | undefined,
    extra: Partial<
      Pick<BankPageModel, 'report' | 'lines' | 'unreadable' | 'mismatch' | 'issues' | 'flash'>
    > & {
      values?: UploadValues;
      status?: number;
    } = {},
  ) {
    const { tenants, chosen } = await resolveTenant(request, requested);
    const tenantId = chosen ?? tenants[0]?.id ?? null;
    const [imports, summary] = tenantId
      ? await Promise.all([recentImports(db, tenantId), reconciliationSummary(db, tenantId)])
      : [[], null];
    return sendHtml(
      reply,
      bankStatementsPage(viewerOf(request), {
        tenantId,
        tenants,
        values: { ...(extra.values ?? EMPTY_VALUES), tenant: tenantId ?? '' },
        imports,
        summary,
        maxUpload: MAX_UPLOAD_LABEL,
        report: extra.report,
        lines: extra.lines,
        unreadable: extra.unreadable,
        mismatch: extra.mismatch,
        issues: extra.issues,
        flash: extra.flash,
      }),
      extra.status ?? 200,
    );
  }

  app.get('/bank-statements', async (request, reply) => {
    const { tenant } = parseInput(PageQuery, request.query);
    const { chosen } = await resolveTenant(request, tenant);
    if (tenant && !chosen) throw new HttpError(404, `There is no tenant "${tenant}".`);
    if (wantsJson(request)) {
      if (!chosen) return reply.send({ tenantId: null, imports: [], summary: null });
      const [imports, summary] = await Promise.all([
        recentImports(db, chosen),
        reconciliationSummary(db, chosen),
      ]);
      return reply.send({ tenantId: chosen, maxUploadBytes: MAX_UPLOAD_BYTES, imports, summary });
    }
    return render(request, reply, chosen ?? undefined);
  });

  app.post('/bank-statements', async (request, reply) => {
    const user = request.auth!.user;
    const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<
      string,
      unknown
    >;
    const values = valuesOf(body);
    const json = wantsJson(request);
    try {
      const upload = parseUpload(body);
      const { tenants, chosen } = await resolveTenant(request, upload.tenant);
      if (!chosen)
        throw new ValidationError([
          {
            field: 'tenant',
            message: upload.tenant ? `there is no tenant "${upload.tenant}"` : 'no tenant is registered yet',
          },
        ]);
      if (!upload.tenant && tenants.length > 1)
        throw new ValidationError([
          { field: 'tenant', message: `choose a tenant (${tenants.map((t) => t.id).join(', ')})` },
        ]);
      const tenantId = chosen;
      const digest = createHash('sha256').update(upload.file.data).digest('hex');
      const bytes = upload.file.data.length; // the bytes are handed to the import thread
      let report: ImportReport;
      try {
        report = await holdSlotFor(
          request,
          importer.run(tenantId, upload.file.data, {
            fileName: upload.fileName,
            format: upload.format,
            csvMapping: upload.csvMapping,
            dryRun: upload.dryRun,
            confirm: upload.confirm,
            importedBy: user.email,
          }),
        );
      } catch (error) {
        if (error instanceof ImportNeedsConfirmation) {
          log.info(
            {
              user: user.id,
              tenantId,
              fileName: upload.fileName,
              digest,
              checks: error.checks.map((c) => c.code),
            },
            'bank file refused: does not fit the shop',
          );
          services.metrics.refusals.inc({ reason: 'validation' });
          if (json)
            return reply.code(409).send({
              error: 'needs_confirmation',
              message: error.message,
              checks: error.checks,
            });
          const mismatch: Mismatch = { fileName: upload.fileName, checks: error.checks };
          return render(request, reply, tenantId, { values, mismatch, status: 409 });
        }
        if (error instanceof StatementParseError) {
          log.info(
            { user: user.id, tenantId, fileName: upload.fileName, digest, line: error.line },
            'bank file refused: unreadable',
          );
          services.metrics.refusals.inc({ reason: 'validation' });
          const unreadable: Unreadable = {
            fileName: upload.fileName,
            format: error.format ?? null,
            line: error.line ?? null,
            issues: error.parseIssues.map(describeIssue),
          };
          if (json)
            return reply.code(400).send({
              error: 'unreadable_file',
              message: `${upload.fileName} could not be read; nothing was stored. ${error.message}`,
              format: unreadable.format,
              line: unreadable.line,
              issues: error.parseIssues.map((issue) => ({ ...issue, text: describeIssue(issue) })),
            });
          return render(request, reply, tenantId, { values, unreadable, status: 400 });
        }
        if (error instanceof UploadTooLargeError) throw new HttpError(413, error.message);
        if (error instanceof InvalidInputError) throw new HttpError(400, error.message);
        log.error(
          { err: errorMessage(error), user: user.id, tenantId, fileName: upload.fileName, digest },
          'bank file import failed',
        );
        throw new HttpError(
          503,
          upload.dryRun
            ? `The preview of ${upload.fileName} could not be finished (${errorMessage(error)}). Please try again.`
            : `The import of ${upload.fileName} did not finish (${errorMessage(error)}). Uploading the same file again is safe: nothing is stored twice, and credits that were not queued yet are queued then.`,
        );
      }
      if (!report.dryRun)
        await db.$transaction((tx) =>
          auditUser(tx, user, {
            tenantId,
            action: 'bank_statement.imported',
            data: {
              fileName: upload.fileName,
              digest,
              bytes,
              format: report.format,
              requestedFormat: upload.format ?? 'auto',
              csvMapping: upload.csvMapping ?? null,
              confirmedMismatches: report.confirmed ? report.checks : [],
              statements: report.statements.length,
              transactions: report.transactions,
              newTransactions: report.newTransactions,
              duplicates: report.duplicates,
              newCredits: report.newCredits,
              enqueued: report.enqueued,
              issues: report.issues.length,
            },
          }),
        );
      services.metrics.actions.inc({ action: report.dryRun ? 'bank_preview' : 'bank_import' });
      const lines = describeImport(report);
      if (json) return reply.send({ tenantId, digest, report, lines });
      return render(request, reply, tenantId, {
        values,
        report,
        lines,
        flash: flashFor(report),
      });
    } catch (error) {
      if (!(error instanceof HttpError) || json) throw error;
      const issues =
        error instanceof ValidationError ? error.issues : [{ field: 'file', message: error.message }];
      if (error instanceof ValidationError) services.metrics.refusals.inc({ reason: 'validation' });
      return render(request, reply, values.tenant || undefined, { values, issues, status: error.status });
    }
  });
}

function flashFor(report: ImportReport): { kind: 'ok' | 'warn'; text: string } {
  if (report.dryRun && report.checks.length)
    return {
      kind: 'warn',
      text: `Preview only, nothing was stored. This file does not fit the shop (${report.checks.map((c) => c.message).join('; ')}): importing it needs "Import anyway" ticked.`,
    };
  if (report.dryRun)
    return {
      kind: 'ok',
      text: `Preview only, nothing was stored: ${report.newTransactions} of ${report.transactions} transaction(s) would be added (${report.newCredits} credit(s)).`,
    };
  if (report.transactions > 0 && report.newTransactions === 0)
    return {
      kind: 'warn',
      text: `Nothing new: all ${report.transactions} transaction(s) in this file were imported before.`,
    };
  if (report.transactions === 0) return { kind: 'warn', text: 'The file holds no transactions.' };
  return {
    kind: 'ok',
    text: `Imported: ${report.newTransactions} new transaction(s) with ${report.newCredits} credit(s); ${report.enqueued} credit(s) queued for reconciliation${report.duplicates ? `; ${report.duplicates} already known` : ''}.`,
  };
}
