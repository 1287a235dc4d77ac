// Sign-in and sign-out. The sign-in form is protected against login CSRF by a double-submit
// cookie (there is no session yet) and rate-limited per client address through Redis, so the
// limit holds across console processes.
import { randomBytes } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import { deleteSession, findUserByEmail, updateUser } from '@invoicer/db';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { auditUser, CONSOLE_AUDIT_CHAIN } from '../audit/record.ts';
import { parseInput } from '../http/errors.ts';
import { sendHtml, wantsJson } from '../http/respond.ts';
import type { ConsoleServices } from '../services.ts';
import { loginPage } from '../views/login.ts';
import { safeEqual } from './csrf.ts';
import { decoyHash, verifyPassword } from './password.ts';
import { loginCsrfCookieName, openSession, sessionCookieName } from './session.ts';

/** The sign-in form with a fresh double-submit token (cookie + hidden field). */
export function sendLoginForm(
  reply: FastifyReply,
  secure: boolean,
  status: number,
  form: { email?: string; next?: string; error?: string },
): FastifyReply {
  const csrf = randomBytes(24).toString('base64url');
  reply.setCookie(loginCsrfCookieName(secure), csrf, {
    path: '/',
    httpOnly: true,
    secure,
    sameSite: 'strict',
    maxAge: 3600,
  });
  return sendHtml(reply, loginPage({ user: null, csrf: '' }, { csrf, ...form }), status);
}

/** Only same-site paths: "/queue?x" yes, "//evil.example" or "https://…" no. */
export function safeNext(next: string | undefined): string {
  return next && /^\/(?![/\\])[^\s]*$/.test(next) && !next.startsWith('/login') ? next : '/';
}

const LoginForm = z.object({
  email: z.string().trim().toLowerCase().email('enter an email address').max(320),
  password: z.string().min(1, 'enter your password').max(1024),
  _csrf: z.string().max(200).optional(),
  next: z.string().max(2000).optional(),
});

export async function registerLoginRoutes(app: FastifyInstance, services: ConsoleServices): Promise<void> {
  const { env, db, metrics, log } = services;
  const secure = env.COOKIE_SECURE;
  const sessionCookie = sessionCookieName(secure);
  const loginCookie = loginCsrfCookieName(secure);
  const cookieBase = { path: '/', httpOnly: true, secure, sameSite: 'lax' as const };

  await app.register(rateLimit, {
    global: false,
    redis: services.redis,
    nameSpace: `${env.QUEUE_PREFIX}:console-login:`,
    // Redis down: let people sign in (the limit is a brake, not the lock) and say so in the log.
    skipOnError: true,
    onExceeded: () => metrics.logins.inc({ outcome: 'rate_limited' }),
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      code: 'rate_limited',
      message: `Too many sign-in attempts. Try again in ${Math.ceil(context.ttl / 1000)} seconds.`,
    }),
  });

  const renderForm = (request: FastifyRequest, reply: FastifyReply, status: number, extra: object = {}) =>
    sendLoginForm(reply, secure, status, { next: (request.query as { next?: string }).next, ...extra });

  app.get('/login', async (request, reply) => {
    if (request.auth) return reply.redirect(safeNext((request.query as { next?: string }).next), 302);
    return renderForm(request, reply, 200);
  });

  app.post(
    '/login',
    { config: { rateLimit: { max: env.LOGIN_RATE_LIMIT, timeWindow: env.LOGIN_RATE_WINDOW * 1000 } } },
    async (request, reply) => {
      const form = parseInput(LoginForm, request.body);
      const cookieToken = request.cookies[loginCookie];
      const json = wantsJson(request);
      // A JSON body cannot be sent cross-site without a CORS preflight (which is never granted),
      // so API clients skip the form cookie; they are still bound by the rate limit.
      const jsonBody = (request.headers['content-type'] ?? '').startsWith('application/json');
      if (!jsonBody && !(cookieToken && form._csrf && safeEqual(cookieToken, form._csrf))) {
        metrics.refusals.inc({ reason: 'csrf' });
        return renderForm(request, reply, 403, {
          email: form.email,
          next: form.next,
          error: 'The sign-in form expired. Please try again.',
        });
      }
      const user = await findUserByEmail(db, form.email);
      // Unknown or inactive accounts still cost one hash, so timing does not reveal them.
      const ok = await verifyPassword(form.password, user?.active ? user.passwordHash : await decoyHash());
      if (!user?.active || !ok) {
        metrics.logins.inc({ outcome: 'bad_credentials' });
        log.info({ email: form.email, ip: request.ip }, 'sign-in refused');
        if (json)
          return reply
            .code(401)
            .send({ error: 'bad_credentials', message: 'Email or password is incorrect.' });
        return renderForm(request, reply, 401, {
          email: form.email,
          next: form.next,
          error: 'Email or password is incorrect.',
        });
      }
      const { token, auth } = await openSession(db, user, env, request.headers['user-agent']);
      await db.$transaction(async (tx) => {
        await updateUser(tx, user.id, { lastLoginAt: new Date() });
        await auditUser(tx, auth.user, {
          tenantId: CONSOLE_AUDIT_CHAIN,
          action: 'user.login',
          data: { ip: request.ip },
        });
      });
      metrics.logins.inc({ outcome: 'ok' });
      log.info({ user: user.id }, 'signed in');
      reply.setCookie(sessionCookie, token, { ...cookieBase, maxAge: env.SESSION_TTL });
      reply.clearCookie(loginCookie, { path: '/' });
      if (json) return reply.send({ user: auth.user });
      return reply.redirect(safeNext(form.next), 303);
    },
  );

  app.post('/logout', async (request, reply) => {
    const auth = request.auth!;
    await db.$transaction(async (tx) => {
      await deleteSession(tx, auth.sessionId);
      await auditUser(tx, auth.user, { tenantId: CONSOLE_AUDIT_CHAIN, action: 'user.logout', data: {} });
    });
    reply.clearCookie(sessionCookie, { path: '/' });
    if (wantsJson(request)) return reply.send({ ok: true });
    return reply.redirect('/login', 303);
  });
}
