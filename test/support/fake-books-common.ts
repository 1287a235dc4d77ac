// What the Xero and QuickBooks Online fakes share: OAuth 2.0 (authorize that consents at once,
// code exchange, rotating refresh tokens, access tokens that expire), per-company rate limits
// that answer 429 + Retry-After, faults after commit (the write is applied, the answer is
// lost: a 500, or a hang the client times out on), and a log of every call.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface AfterCommitFault {
  /** Share (0..1) of matching successful writes whose answer is lost. */
  rate: number;
  mode: 'error' | 'timeout';
  /** Only writes whose "METHOD path" contains this. */
  match?: string;
  /** At most this many, then off. */
  times?: number;
}

export interface FakeLimits {
  /** The "minute" window (tests shorten it). */
  windowMs: number;
  perMinute: number;
  perDay: number;
  concurrent: number;
  /** Retry-After seconds on a 429. */
  retryAfterS: number;
}

export interface CallRecord {
  /** When it arrived (ms). */
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
  status: number;
  response: unknown;
}

export interface BooksFakeState {
  clientId: string;
  clientSecret: string;
  accessTtlS: number;
  limits: FakeLimits;
  afterCommit: AfterCommitFault | null;
  /** How long a 'timeout' fault holds the answer before dropping the connection. */
  hangMs: number;
  /** Latency of every call (so concurrency is real; load tests raise it so kills land mid-job). */
  latencyMs: number;
  calls: CallRecord[];
  stats: { throttled: number; afterCommit: number; maxConcurrent: number; idempotentReplays: number };
  /** Access tokens in force (token → expiry ms); refresh tokens in force. */
  accessTokens: Map<string, number>;
  refreshTokens: Set<string>;
  codes: Map<string, string>;
  /** Forget every access token now (as if they expired). */
  expireAccessTokens(): void;
}

export function newState(limits: FakeLimits): BooksFakeState {
  const state: BooksFakeState = {
    clientId: `client-${randomBytes(4).toString('hex')}`,
    clientSecret: randomBytes(16).toString('hex'),
    accessTtlS: 1800,
    limits,
    afterCommit: null,
    hangMs: 1500,
    latencyMs: 5,
    calls: [],
    stats: { throttled: 0, afterCommit: 0, maxConcurrent: 0, idempotentReplays: 0 },
    accessTokens: new Map(),
    refreshTokens: new Set(),
    codes: new Map(),
    expireAccessTokens() {
      state.accessTokens.clear();
    },
  };
  return state;
}

/** OAuth routes: authorize (consents at once and redirects with a code) and the token endpoint. */
export function registerOAuth(
  app: FastifyInstance,
  state: BooksFakeState,
  paths: { authorize: string; token: string },
  extra: (q: Record<string, string>) => Record<string, string> = () => ({}),
) {
  app.get(paths.authorize, async (request, reply) => {
    const q = request.query as Record<string, string>;
    if (q.client_id !== state.clientId || q.response_type !== 'code' || !q.redirect_uri || !q.state)
      return reply.code(400).send({ error: 'invalid_request' });
    const code = randomBytes(12).toString('hex');
    state.codes.set(code, q.redirect_uri);
    const to = new URL(q.redirect_uri);
    to.searchParams.set('code', code);
    to.searchParams.set('state', q.state);
    for (const [k, v] of Object.entries(extra(q))) to.searchParams.set(k, v);
    return reply.redirect(to.toString(), 302);
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  app.post(paths.token, async (request, reply) => {
    const basic = Buffer.from(`${state.clientId}:${state.clientSecret}`).toString('base64');
    if (request.headers.authorization !== `Basic ${basic}`)
      return reply.code(401).send({ error: 'invalid_client' });
    const form = request.body as Record<string, string>;
    if (form.grant_type === 'authorization_code') {
      if (state.codes.get(form.code ?? '') !== form.redirect_uri)
        return reply.code(400).send({ error: 'invalid_grant' });
      state.codes.delete(form.code!);
    } else if (form.grant_type === 'refresh_token') {
      // Rotation: a refresh token works once.
      if (!state.refreshTokens.delete(form.refresh_token ?? ''))
        return reply.code(400).send({ error: 'invalid_grant' });
    } else return reply.code(400).send({ error: 'unsupported_grant_type' });
    const access = randomBytes(24).toString('hex');
    const refresh = randomBytes(24).toString('hex');
    state.accessTokens.set(access, Date.now() + state.accessTtlS * 1000);
    state.refreshTokens.add(refresh);
    return {
      access_token: access,
      refresh_token: refresh,
      expires_in: state.accessTtlS,
      token_type: 'Bearer',
    };
  });
}

export function bearerOk(state: BooksFakeState, request: FastifyRequest): boolean {
  const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
  const expiry = token ? state.accessTokens.get(token) : undefined;
  return expiry !== undefined && expiry > Date.now();
}

/** Per-company limiter: sliding minute and day logs and a concurrency count. */
export class FakeLimiter {
  private minute: number[] = [];
  private day: number[] = [];
  active = 0;
  constructor(private readonly state: BooksFakeState) {}

  /** Null when the call may go on (and is counted), else the problem for the 429. */
  enter(): 'minute' | 'day' | 'concurrent' | null {
    const now = Date.now();
    const { limits } = this.state;
    this.minute = this.minute.filter((t) => t > now - limits.windowMs);
    this.day = this.day.filter((t) => t > now - 86_400_000);
    if (this.active >= limits.concurrent) return 'concurrent';
    if (this.minute.length >= limits.perMinute) return 'minute';
    if (this.day.length >= limits.perDay) return 'day';
    this.minute.push(now);
    this.day.push(now);
    this.active += 1;
    this.state.stats.maxConcurrent = Math.max(this.state.stats.maxConcurrent, this.active);
    return null;
  }

  leave(): void {
    this.active = Math.max(0, this.active - 1);
  }
}

/** Whether this successful write's answer is to be lost (and counts it). */
export function loseAnswer(
  state: BooksFakeState,
  method: string,
  path: string,
): AfterCommitFault['mode'] | null {
  const fault = state.afterCommit;
  if (!fault || fault.rate <= 0) return null;
  if (fault.match && !`${method} ${path}`.includes(fault.match)) return null;
  if (Math.random() >= fault.rate) return null;
  if (fault.times !== undefined)
    state.afterCommit = fault.times > 1 ? { ...fault, times: fault.times - 1 } : null;
  state.stats.afterCommit += 1;
  return fault.mode;
}

/** Send the answer, or lose it after the write was applied. */
export async function answer(
  state: BooksFakeState,
  reply: FastifyReply,
  method: string,
  path: string,
  status: number,
  body: unknown,
  write: boolean,
): Promise<FastifyReply> {
  const lost = write && status < 400 ? loseAnswer(state, method, path) : null;
  if (lost === 'timeout') {
    await new Promise((r) => setTimeout(r, state.hangMs));
    reply.raw.socket?.destroy();
    return reply;
  }
  if (lost === 'error')
    return reply.code(500).send({ Message: 'An error occurred in Xero. Check the API Status page.' });
  return reply.code(status).send(body);
}
