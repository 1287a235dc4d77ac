// The review console's queue list (GET /queue as JSON: one page of items plus the counts per
// reason) with a large backlog. K open review items are bulk-inserted with one
// INSERT … SELECT generate_series, the console is started on the bench database, a billing
// manager signs in over HTTP, and every filter and sort the list supports is called a few
// times, following the keyset cursor for a few pages.
//
// Server time is measured inside the server: from the moment Node's HTTP server has parsed the
// request (`http.server.request.start`) to the moment the response is finished
// (`http.server.response.finish`), through Node's diagnostics channels, so it covers routing,
// the session lookup, both queries and serialization and excludes the client. The client's own
// round trip on loopback is reported next to it.
import diagnostics from 'node:diagnostics_channel';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { type ConsoleApp, ConsoleEnv, ensureUser, startConsoleApp } from '@invoicer/console';
import { INVOICE_REASONS, PAYMENT_REASONS } from '@invoicer/core';
import { createLogger, loadConfig } from '@invoicer/platform';
import pg from 'pg';
import { round, type Summary, summarize } from './stats.ts';

const PASSWORD = 'bench password 0123456789';
const EMAIL = 'bench.manager@example.test';

export interface ConsoleOptions {
  env: NodeJS.ProcessEnv;
  databaseUrl: string;
  tenantId: string;
  items: number;
  /** Measured calls per scenario (each following `pages` pages), after one unmeasured call. */
  rounds: number;
  businessUnitIds: number[];
  jobTypeIds: number[];
}

export interface ScenarioResult {
  name: string;
  query: string;
  pages: number;
  calls: number;
  serverMs: Summary;
  clientMs: Summary;
  /** counts.total the endpoint reported (items matching the filters). */
  matching: number;
}

export interface ConsoleResult {
  reviewItems: number;
  openItemsInQueue: number;
  insertSeconds: number;
  calls: number;
  serverMs: Summary;
  clientMs: Summary;
  scenarios: ScenarioResult[];
}

async function seedReviewItems(
  databaseUrl: string,
  o: { tenantId: string; items: number; userId: string; businessUnitIds: number[]; jobTypeIds: number[] },
): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const started = performance.now();
  try {
    // Deterministic spread (multiplicative hashing of g): statuses 85% open, 10% escalated,
    // 5% on hold; 10% payment items; one or two reasons; amounts $20–$5,000; ages up to 14 days;
    // every 50th item claimed by the bench user, every 25th needing a manager.
    await client.query(
      `INSERT INTO review_items (id, tenant_id, kind, subject_key, status, reasons, amount, st_job_id,
          business_unit_id, job_type_id, customer_name, summary, details, claimed_by, claim_expires_at,
          needs_manager, sla_due_at, created_at, updated_at)
       SELECT gen_random_uuid(), $1,
              CASE WHEN g % 10 = 0 THEN 'payment' ELSE 'invoice' END,
              'bench:' || g,
              CASE WHEN g % 20 = 7 THEN 'on_hold' WHEN g % 10 = 3 THEN 'escalated' ELSE 'open' END,
              CASE WHEN g % 10 = 0 THEN ARRAY[($3::text[])[1 + (g / 10) % cardinality($3::text[])]]
                   WHEN g % 3 = 0 THEN ARRAY[($2::text[])[1 + g % cardinality($2::text[])],
                                             ($2::text[])[1 + (g / 7 + 1) % cardinality($2::text[])]]
                   ELSE ARRAY[($2::text[])[1 + g % cardinality($2::text[])]] END,
              (2000 + (g::bigint * 48271) % 498000) / 100.0,
              90000000 + g,
              ($4::bigint[])[1 + (g / 3) % cardinality($4::bigint[])],
              ($5::bigint[])[1 + (g / 5) % cardinality($5::bigint[])],
              'Customer ' || (g % 7919),
              'bench item ' || g,
              '{}'::jsonb,
              CASE WHEN g % 50 = 0 THEN $6 END,
              CASE WHEN g % 50 = 0 THEN now() + interval '15 minutes' END,
              g % 25 = 0,
              c.created_at + interval '24 hours', c.created_at, c.created_at
         FROM generate_series(1, $7::int) AS g
         CROSS JOIN LATERAL (
           SELECT now() - ((g::bigint * 2654435761) % 1209600) * interval '1 second' AS created_at
         ) AS c`,
      [
        o.tenantId,
        [...INVOICE_REASONS],
        [...PAYMENT_REASONS],
        o.businessUnitIds,
        o.jobTypeIds,
        o.userId,
        o.items,
      ],
    );
    await client.query('ANALYZE review_items');
    return (performance.now() - started) / 1000;
  } finally {
    await client.end();
  }
}

/** Server-side timing of every request to `server`, keyed by the x-bench-seq header. */
function serverTimer(server: Server) {
  const starts = new WeakMap<ServerResponse, number>();
  const times = new Map<string, number>();
  const onStart = (message: unknown) => {
    const m = message as { server: Server; response: ServerResponse };
    if (m.server === server) starts.set(m.response, performance.now());
  };
  const onFinish = (message: unknown) => {
    const m = message as { server: Server; request: IncomingMessage; response: ServerResponse };
    const started = starts.get(m.response);
    const seq = m.request.headers['x-bench-seq'];
    if (m.server === server && started !== undefined && typeof seq === 'string')
      times.set(seq, performance.now() - started);
  };
  diagnostics.subscribe('http.server.request.start', onStart);
  diagnostics.subscribe('http.server.response.finish', onFinish);
  return {
    async take(seq: string): Promise<number> {
      for (let i = 0; i < 100 && !times.has(seq); i++) await new Promise((r) => setImmediate(r));
      const ms = times.get(seq);
      times.delete(seq);
      if (ms === undefined) throw new Error('no server timing recorded for a request');
      return ms;
    },
    stop() {
      diagnostics.unsubscribe('http.server.request.start', onStart);
      diagnostics.unsubscribe('http.server.response.finish', onFinish);
    },
  };
}

class Browser {
  private cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  private remember(response: Response) {
    for (const c of response.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
  }

  private cookieHeader(): string {
    return [...this.cookies]
      .filter(([, v]) => v !== '')
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
  }

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(`${this.base}${path}`, {
      ...init,
      redirect: 'manual',
      headers: { cookie: this.cookieHeader(), ...(init.headers as Record<string, string>) },
    });
    this.remember(response);
    return response;
  }

  async signIn(email: string, password: string): Promise<void> {
    const form = await (await this.request('/login')).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form)?.[1] ?? '';
    const response = await this.request('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: this.base },
      body: new URLSearchParams({ email, password, _csrf: csrf }).toString(),
    });
    await response.arrayBuffer();
    if (response.status !== 303) throw new Error(`console sign-in failed with HTTP ${response.status}`);
  }
}

interface QueueJson {
  items: unknown[];
  next: string | null;
  counts: { total: number };
}

export async function runConsoleBench(options: ConsoleOptions): Promise<ConsoleResult> {
  const env = loadConfig(ConsoleEnv, {
    ...options.env,
    CONSOLE_PORT: '0',
    COOKIE_SECURE: 'false',
    LOG_LEVEL: 'warn',
  });
  const app: ConsoleApp = await startConsoleApp(env, createLogger({ name: 'console', level: 'warn' }));
  const timer = serverTimer(app.app.server);
  try {
    const { user } = await ensureUser(app.db, {
      email: EMAIL,
      name: 'Bench manager',
      role: 'billing_manager',
      password: PASSWORD,
    });
    const insertSeconds = await seedReviewItems(options.databaseUrl, {
      tenantId: options.tenantId,
      items: options.items,
      userId: user.id,
      businessUnitIds: options.businessUnitIds,
      jobTypeIds: options.jobTypeIds,
    });
    const browser = new Browser(app.url);
    await browser.signIn(EMAIL, PASSWORD);

    const t = options.tenantId;
    const bu = options.businessUnitIds[0];
    const jobType = options.jobTypeIds[1] ?? options.jobTypeIds[0];
    const scenarios: { name: string; query: string; pages: number }[] = [
      { name: 'default (open, oldest first)', query: `tenant=${t}`, pages: 5 },
      { name: 'newest first', query: `tenant=${t}&sort=newest`, pages: 3 },
      { name: 'largest amount first', query: `tenant=${t}&sort=amount_desc`, pages: 3 },
      { name: 'smallest amount first, 200/page', query: `tenant=${t}&sort=amount_asc&limit=200`, pages: 2 },
      { name: 'reason filter', query: `tenant=${t}&reason=low_confidence`, pages: 3 },
      { name: 'business unit + job type', query: `tenant=${t}&bu=${bu}&jobType=${jobType}`, pages: 2 },
      { name: 'amount range', query: `tenant=${t}&min=100&max=500&sort=amount_desc`, pages: 2 },
      { name: 'older than 24 h, unclaimed', query: `tenant=${t}&age=24h&assignee=unclaimed`, pages: 2 },
      { name: 'claimed by me', query: `tenant=${t}&assignee=me`, pages: 1 },
      { name: 'escalated only', query: `tenant=${t}&status=escalated&sort=newest`, pages: 2 },
      { name: 'payments only', query: `tenant=${t}&kind=payment`, pages: 2 },
    ];

    let seq = 0;
    const call = async (query: string) => {
      const id = String(++seq);
      const started = performance.now();
      const response = await browser.request(`/queue?${query}`, {
        headers: { accept: 'application/json', 'x-bench-seq': id },
      });
      const body = (await response.json()) as QueueJson;
      const clientMs = performance.now() - started;
      if (response.status !== 200)
        throw new Error(`GET /queue?${query} answered ${response.status}: ${JSON.stringify(body)}`);
      return { body, clientMs, serverMs: await timer.take(id) };
    };

    const results: ScenarioResult[] = [];
    const allServer: number[] = [];
    const allClient: number[] = [];
    for (const scenario of scenarios) {
      const first = await call(scenario.query); // unmeasured: plans and caches warm up
      const server: number[] = [];
      const client: number[] = [];
      for (let r = 0; r < options.rounds; r++) {
        let next: string | null = null;
        for (let page = 0; page < scenario.pages; page++) {
          const query: string = next ? `${scenario.query}&after=${encodeURIComponent(next)}` : scenario.query;
          const { body, clientMs, serverMs } = await call(query);
          server.push(serverMs);
          client.push(clientMs);
          next = body.next;
          if (!next) break;
        }
      }
      allServer.push(...server);
      allClient.push(...client);
      results.push({
        ...scenario,
        calls: server.length,
        serverMs: summarize(server),
        clientMs: summarize(client),
        matching: first.body.counts.total,
      });
    }
    const open = await call(`tenant=${t}`);
    return {
      reviewItems: options.items,
      openItemsInQueue: open.body.counts.total,
      insertSeconds: round(insertSeconds, 2),
      calls: allServer.length,
      serverMs: summarize(allServer),
      clientMs: summarize(allClient),
      scenarios: results,
    };
  } finally {
    timer.stop();
    await app.close();
  }
}
