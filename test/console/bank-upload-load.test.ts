// Concurrent large uploads (issue 13): three 19 MB bank files posted at once to a console running
// as a process of its own. Its RSS (read from /proc) must stay within a stated bound, /healthz
// must keep answering quickly while the files are read and imported, and every file must be
// imported. A 19 MB CSV of 180,000 rows is refused with a clear 413 before it is parsed.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ensureUser } from '@invoicer/console';
import { upsertTenant } from '@invoicer/db';
import { createTestDatabase, type TestDatabase, testQueuePrefix, testRedisUrl } from '@invoicer/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { largeCamt, largeStripeCsv } from './bank-load-files.ts';
import { PASSWORD } from './support.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MB = 1024 * 1024;
const FILE_BYTES = 19 * MB;
/** Credits per file: about 4 KB of remittance text each. */
const ENTRIES = 5_000;
/**
 * RSS the console may gain over its warmed-up figure while the three files are imported (one
 * import at a time; most of it is the database client's while it stores a file). Before the
 * import thread and the slots: +2,077 MB, /healthz 48 s.
 */
const RSS_GROWTH_BOUND_MB = 800;
/** The slowest /healthz answer allowed while they are (on a busy 2-core machine). */
const HEALTHZ_BOUND_MS = 2_000;
const TENANT = 'loadshop';
const EMAIL = 'billing.load@example.test';

let tdb: TestDatabase;
let child: ChildProcess;
let base: string;
const jar = new Map<string, string>();
let csrf = '';

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
  return line ? Number(line[1]) / 1024 : Number.NaN;
}

async function request(url: string, init: RequestInit = {}): Promise<Response> {
  const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const res = await fetch(`${base}${url}`, {
    redirect: 'manual',
    ...init,
    headers: { cookie, ...(init.headers as Record<string, string>) },
  });
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const at = pair!.indexOf('=');
    jar.set(pair!.slice(0, at), pair!.slice(at + 1));
  }
  return res;
}

async function signIn(): Promise<void> {
  const form = await (await request('/login')).text();
  const token = /name="_csrf" value="([^"]+)"/.exec(form)?.[1] ?? '';
  const body = new URLSearchParams({ email: EMAIL, password: PASSWORD, _csrf: token });
  const res = await request('/login', {
    method: 'POST',
    body: body.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  expect(res.status).toBe(303);
  const page = await (await request('/bank-statements')).text();
  csrf = /<meta name="csrf-token" content="([^"]*)">/.exec(page)?.[1] ?? '';
  expect(csrf).not.toBe('');
}

async function upload(name: string, data: Buffer, fields: Record<string, string> = {}) {
  const form = new FormData();
  form.append('_csrf', csrf);
  form.append('tenant', TENANT);
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([new Uint8Array(data)]), name);
  const res = await request('/bank-statements', {
    method: 'POST',
    body: form,
    headers: { accept: 'application/json' },
  });
  const body = (await res.json()) as { message?: string; report?: { newTransactions: number } };
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body };
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  await upsertTenant(tdb.db, {
    id: TENANT,
    stTenantId: 7001,
    name: 'Load Shop',
    apiBaseUrl: 'http://127.0.0.1:1',
    authUrl: 'http://127.0.0.1:1/connect/token',
  });
  await ensureUser(tdb.db, { email: EMAIL, name: 'Load', role: 'billing_specialist', password: PASSWORD });
  child = spawn(process.execPath, ['--import', 'tsx', 'test/console/bank-load-console.ts'], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'], // its stdin closing stops it, should this process die
    env: {
      ...process.env,
      DATABASE_URL: tdb.url,
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: testQueuePrefix('bankload'),
      CREDENTIALS_KEY: randomBytes(32).toString('base64'),
      CONSOLE_PORT: '0',
      COOKIE_SECURE: 'false',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    },
  });
  base = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const url = /^READY (\S+)/.exec(line)?.[1];
      if (url) resolve(url);
      else process.stderr.write(`console: ${line}\n`);
    });
    child.once('exit', (code) => reject(new Error(`the console exited (${code}) before it was ready`)));
  });
  await signIn();
}, 120_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(kill);
  }
  await tdb?.drop();
});

describe('bank uploads under load', () => {
  it('three at 19 MB at once keep the console within its memory bound and /healthz answering, and all import', async () => {
    // Warm up: the first import loads what importing needs; growth is measured from after it.
    const warm = await upload('warm.xml', largeCamt(64 * 1024, 20, 9));
    expect(warm.status).toBe(200);
    const pid = child.pid!;
    const baseline = rssMb(pid);

    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssMb(pid));
    }, 50);
    let slowest = 0;
    let polls = 0;
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const started = performance.now();
        const res = await fetch(`${base}/healthz`);
        await res.text();
        slowest = Math.max(slowest, performance.now() - started);
        polls += 1;
        await new Promise((r) => setTimeout(r, 50));
      }
    })();

    const files = [1, 2, 3].map((batch) => largeCamt(FILE_BYTES, ENTRIES, batch));
    const started = performance.now();
    const results = await Promise.all(files.map((file, i) => upload(`statement-${i + 1}.xml`, file)));
    const elapsed = performance.now() - started;
    polling = false;
    await poller;
    clearInterval(sampler);
    peak = Math.max(peak, rssMb(pid));

    const growth = peak - baseline;
    console.log(
      `3 x ${(files[0]!.length / MB).toFixed(1)} MB camt: statuses ${results.map((r) => r.status).join(', ')}; ` +
        `RSS ${baseline.toFixed(0)} MB -> peak ${peak.toFixed(0)} MB (+${growth.toFixed(0)} MB); ` +
        `/healthz slowest ${slowest.toFixed(0)} ms over ${polls} polls; all done in ${(elapsed / 1000).toFixed(1)} s`,
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(results.map((r) => r.body.report?.newTransactions)).toEqual([ENTRIES, ENTRIES, ENTRIES]);
    expect(growth).toBeLessThan(RSS_GROWTH_BOUND_MB);
    expect(slowest).toBeLessThan(HEALTHZ_BOUND_MS);
    expect(polls).toBeGreaterThan(10);
  }, 600_000);

  it('answers an upload past the running and waiting ones 503 with Retry-After, and imports the rest', async () => {
    // One import runs and three wait (the defaults): of five at once, one is told to come back.
    const files = [11, 12, 13, 14, 15].map((batch) => largeCamt(3 * MB, 1_000, batch));
    const results = await Promise.all(files.map((file, i) => upload(`burst-${i + 1}.xml`, file)));
    const busy = results.filter((r) => r.status === 503);
    console.log(`5 concurrent 3 MB uploads: ${results.map((r) => r.status).join(', ')}`);
    expect(busy).toHaveLength(1);
    expect(Number(busy[0]!.retryAfter)).toBeGreaterThan(0);
    expect(busy[0]!.body.message).toMatch(/already importing 1 bank file\(s\) with 3 more waiting/);
    expect(results.filter((r) => r.status === 200)).toHaveLength(4);
  }, 300_000);

  it('refuses a file of more transactions than the console imports with 413, before parsing it', async () => {
    const started = performance.now();
    const res = await upload('stripe.csv', largeStripeCsv(FILE_BYTES), {
      csvPreset: 'stripe_balance_transactions',
    });
    const ms = performance.now() - started;
    console.log(`19 MB Stripe CSV: ${res.status} in ${ms.toFixed(0)} ms: ${res.body.message}`);
    expect(res.status).toBe(413);
    expect(res.body.message).toMatch(/reconcile:import/);
    expect(ms).toBeLessThan(5_000);
  }, 120_000);
});
