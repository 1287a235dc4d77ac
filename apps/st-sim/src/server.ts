// The ServiceTitan v2 API simulator as an embeddable server: `startSim()` for tests and the
// demo, `main.ts` for the command line. Control endpoints under /_sim are for local use only.

import { loadTenantFixture, type TenantFixture } from '@invoicer/servicetitan';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerAfterCommit } from './after-commit.ts';
import { type SimCredentials, TokenIssuer } from './auth.ts';
import { CallStats, type FaultConfig, Faults, registerWrongShape, type ScriptedResponse } from './faults.ts';
import { encodeToken, sendError } from './http-helpers.ts';
import { Journal } from './journal.ts';
import { registerAccounting } from './routes/accounting.ts';
import type { RouteContext } from './routes/api.ts';
import { registerAttachmentRoutes } from './routes/attachments.ts';
import { registerCollections } from './routes/collections.ts';
import { registerCrmTelecom } from './routes/crm-telecom.ts';
import { registerEquipment } from './routes/equipment.ts';
import { loadSimEvidence, registerEvidenceData, type SimEvidence } from './routes/evidence-data.ts';
import { registerExportMarks } from './routes/export-marks.ts';
import { registerJpm } from './routes/jpm.ts';
import { registerOthers } from './routes/others.ts';
import { registerSales } from './routes/sales.ts';
import { SimTenant } from './tenant.ts';
import { DEFAULT_WEBHOOK_SIGNATURE, type WebhookConfig, WebhookEmitter } from './webhooks.ts';
import type { UnitPricePolicy } from './writes.ts';

export interface SimOptions {
  fixture?: TenantFixture;
  tenantDir?: string;
  port?: number;
  host?: string;
  /** Hold completed jobs back and complete them on `play()`. */
  replay?: boolean;
  /** With replay: hold back only this many of the most recent completed jobs (the rest is history). */
  replayLast?: number;
  /** With replay: hold back the jobs completed from this time on. */
  replayFrom?: string;
  /** With replay: office items reappear on their invoices as the clock passes them (backtests). */
  revealOfficeItems?: boolean;
  credentials?: Partial<SimCredentials>;
  tokenLifetimeSeconds?: number;
  faults?: Partial<FaultConfig>;
  webhook?: Partial<WebhookConfig> & { url: string; secret: string };
  unitPricePolicy?: UnitPricePolicy;
  /** Estimates, installed equipment and photos of a generated shop (default: the tenantDir's files). */
  evidence?: SimEvidence;
  /** Persist writes here and re-apply them at start. */
  stateFile?: string;
  logger?: boolean;
}

export const DEFAULT_SIM_CREDENTIALS: SimCredentials = {
  clientId: 'cid.simulator',
  clientSecret: 'cs1.simulator-secret',
  appKey: 'ak1.simulator-app-key',
};

export interface RunningSim {
  url: string;
  tenantId: number;
  credentials: SimCredentials;
  tenant: SimTenant;
  faults: Faults;
  stats: CallStats;
  tokens: TokenIssuer;
  webhooks: WebhookEmitter | null;
  app: FastifyInstance;
  /** Complete held-back jobs (emitting webhooks); returns the played job ids. */
  play(count?: number): number[];
  /** Complete the held-back jobs completed before `until`. */
  playUntil(until: Date): number[];
  close(): Promise<void>;
}

export async function startSim(options: SimOptions): Promise<RunningSim> {
  const fixture = options.fixture ?? (options.tenantDir ? loadTenantFixture(options.tenantDir) : undefined);
  if (!fixture) throw new Error('startSim needs a fixture or a tenantDir');
  const tenant = new SimTenant(fixture, {
    replay: options.replay ?? false,
    replayLast: options.replayLast,
    replayFrom: options.replayFrom,
    revealOfficeItems: options.revealOfficeItems,
  });
  const credentials = { ...DEFAULT_SIM_CREDENTIALS, ...options.credentials };
  const tokens = new TokenIssuer(credentials, options.tokenLifetimeSeconds ?? 900);
  const faults = new Faults(options.faults);
  const stats = new CallStats();
  const policy = options.unitPricePolicy ?? 'honor';
  const journal = options.stateFile ? new Journal(options.stateFile) : null;
  journal?.replay(tenant, policy);
  const webhooks = options.webhook
    ? new WebhookEmitter({
        ...DEFAULT_WEBHOOK_SIGNATURE,
        retryDelaysMs: [10_000, 30_000, 60_000, 300_000],
        ...options.webhook,
      })
    : null;

  const emitCompleted = (jobId: number) => {
    const job = tenant.jobs.get(jobId);
    if (!job || !webhooks) return;
    webhooks.emit({
      eventType: 'job.completed',
      tenantId: tenant.meta.tenantId,
      data: { jobId: job.id, jobNumber: job.jobNumber ?? null, completedOn: job.completedOn ?? null },
    });
  };

  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 10 * 1024 * 1024 });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  app.post('/connect/token', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, string>;
    if (body.grant_type !== 'client_credentials')
      return reply.code(400).send({ error: 'unsupported_grant_type' });
    const token = tokens.issue(body.client_id, body.client_secret);
    if (!token) return reply.code(400).send({ error: 'invalid_client' });
    return {
      ...token,
      token_type: 'Bearer',
      scope: 'tn.jpm tn.acc tn.crm tn.pb tn.dsp tn.pay tn.set tn.mem tn.frm',
    };
  });

  // Every API route: count, authenticate, check the tenant, then apply fault knobs.
  app.addHook('onRequest', async (request, reply) => {
    const match = /^\/([a-z-]+)\/v2\/tenant\/([^/]+)(\/.*)?$/.exec(request.url.split('?')[0] ?? '');
    if (!match) return;
    const endpoint = `${request.method} ${request.routeOptions.url ?? request.url}`;
    stats.record(endpoint);
    const query = request.query as Record<string, string | undefined>;
    const denied = tokens.check(
      request.headers.authorization,
      (request.headers['st-app-key'] as string) ?? query.servicetitanapplicationkey,
    );
    if (denied) {
      stats.status(401);
      return reply.code(401).send({
        type: null,
        title: 'Unauthorized',
        status: 401,
        traceId: null,
        errors: { auth: [denied] },
        data: {},
      });
    }
    if (match[2] !== String(tenant.meta.tenantId)) {
      stats.status(403);
      return sendError(reply, 403, `Tenant ${match[2]} is not accessible with these credentials`);
    }
    const decision = faults.decide(endpoint);
    if (decision.delayMs > 0) await new Promise((r) => setTimeout(r, decision.delayMs));
    const feed = /^\/export\/(.+)$/.exec(match[3] ?? '')?.[1];
    if (decision.kind === 'pass' && feed && faults.config.stuckExportFeeds.includes(`${match[1]}/${feed}`)) {
      // A feed that never moves: more to come, from where you already are.
      return reply.send({ hasMore: true, continueFrom: query.from || encodeToken(0), data: [] });
    }
    if (decision.kind === 'error') {
      stats.status(decision.status);
      if (decision.retryAfterSeconds !== undefined)
        reply.header('retry-after', String(decision.retryAfterSeconds));
      return sendError(
        reply,
        decision.status,
        decision.status === 429 ? 'Too many requests' : 'Internal server error',
      );
    }
  });
  app.addHook('onResponse', async (request, reply) => {
    if (/\/v2\/tenant\//.test(request.url) && reply.statusCode < 400) stats.status(reply.statusCode);
  });
  registerAfterCommit(app, faults, stats);
  registerWrongShape(app, faults);

  const ctx: RouteContext = {
    tenant,
    unitPricePolicy: policy,
    onWrite: (op, args) => journal?.append({ op, args }),
    onCompleted: emitCompleted,
  };
  registerJpm(app, ctx);
  registerAccounting(app, ctx);
  registerOthers(app, ctx);
  registerCrmTelecom(app, ctx, tokens);
  registerAttachmentRoutes(app, ctx);
  registerCollections(app, ctx);
  registerSales(app, ctx);
  registerEquipment(app, ctx);
  registerEvidenceData(
    app,
    ctx,
    options.evidence ?? (options.tenantDir ? loadSimEvidence(options.tenantDir) : null),
  );
  registerExportMarks(app, ctx);

  const play = (count?: number) => {
    const played = tenant.play(count);
    if (played.length) journal?.append({ op: 'play', args: { count: played.length } });
    for (const { job } of played) emitCompleted(job.id);
    return played.map((p) => p.job.id);
  };
  const playUntil = (until: Date) => {
    const played = tenant.playUntil(until);
    journal?.append({ op: 'playUntil', args: { until: until.toISOString() } });
    for (const { job } of played) emitCompleted(job.id);
    return played.map((p) => p.job.id);
  };

  // Local control surface for tests, the demo and benchmarks.
  app.get('/_sim/stats', async () => ({
    calls: stats.snapshot(),
    tokensIssued: tokens.issued,
    pendingJobs: tenant.pendingCount,
    webhooks: webhooks ? { delivered: webhooks.delivered, failed: webhooks.failed } : null,
  }));
  app.post('/_sim/stats/reset', async () => {
    stats.reset();
    return { ok: true };
  });
  app.post('/_sim/faults', async (request) => {
    const body = (request.body ?? {}) as Partial<FaultConfig> & { script?: ScriptedResponse[] };
    const { script, ...config } = body;
    faults.update(config);
    if (script?.length) faults.script(...script);
    return faults.config;
  });
  app.post('/_sim/play', async (request) => {
    const count = Number((request.body as { count?: number } | null)?.count ?? Number.POSITIVE_INFINITY);
    return { played: play(count) };
  });

  const address = await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  return {
    url: address.replace('[::1]', '127.0.0.1'),
    tenantId: tenant.meta.tenantId,
    credentials,
    tenant,
    faults,
    stats,
    tokens,
    webhooks,
    app,
    play,
    playUntil,
    async close() {
      webhooks?.stop();
      await app.close();
    },
  };
}
