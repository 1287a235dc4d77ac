// Authentication, authorisation and CSRF for every request, driven by the role matrix:
//   onRequest  — resume the session from its cookie; refuse routes missing from the matrix;
//                send the signed-out to the sign-in page (401 for API clients); 403 for roles
//                the matrix does not list.
//   preHandler — (after the body is parsed) unsafe requests must be same-origin and, except for
//                Bull Board's own API (origin-checked only), carry the session's CSRF token;
//                then tenant scoping: a user limited to some tenants gets 404 for another
//                tenant's item, run or tenant id (as if it did not exist) and 403 for pages that
//                span every tenant (auth/tenant-scope.ts, driven by the matrix's `tenant` column).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sameOrigin, verifyCsrfToken } from '../auth/csrf.ts';
import { allows, ROLE_LABELS, type RouteRule, ruleFor } from '../auth/roles.ts';
import { type Auth, resumeSession, sessionCookieName } from '../auth/session.ts';
import { checkTenantScope, OutOfScopeError } from '../auth/tenant-scope.ts';
import type { ConsoleServices } from '../services.ts';
import { href } from '../views/html.ts';
import { errorPage, viewerOf } from '../views/layout.ts';
import { HttpError } from './errors.ts';
import { sendHtml, wantsJson } from './respond.ts';

declare module 'fastify' {
  interface FastifyRequest {
    auth: Auth | null;
    rule: RouteRule | null;
  }
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export function refuse(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  title: string,
  message: string,
): FastifyReply {
  if (wantsJson(request)) return reply.code(status).send({ error: title, message });
  return sendHtml(reply, errorPage(viewerOf(request), status, title, message), status);
}

export function installGuard(app: FastifyInstance, services: ConsoleServices): void {
  const { env, db, log, metrics } = services;
  const cookie = sessionCookieName(env.COOKIE_SECURE);
  app.decorateRequest('auth', null);
  app.decorateRequest('rule', null);

  app.addHook('onRequest', async (request, reply) => {
    const url = request.routeOptions.url;
    if (!url) return; // no such route: the 404 handler answers
    const rule = ruleFor(request.method, url);
    if (!rule) {
      log.error({ method: request.method, url }, 'route is not in the role matrix; refusing');
      metrics.refusals.inc({ reason: 'unlisted' });
      return refuse(request, reply, 403, 'Not allowed', 'This address is not open to anyone.');
    }
    request.rule = rule;
    if (rule.access === 'public' && url !== '/login') return;
    const token = request.cookies[cookie];
    request.auth = token ? await resumeSession(db, token, env) : null;
    if (token && !request.auth) reply.clearCookie(cookie, { path: '/' });
    if (rule.access === 'public') return;
    if (!request.auth) {
      // htmx swaps fragments: tell it to load the sign-in page instead of swapping an error.
      if (request.headers['hx-request']) return reply.header('hx-redirect', '/login').code(401).send();
      if (request.method === 'GET' && !wantsJson(request))
        return reply.redirect(href('/login', { next: request.url }), 302);
      return reply.code(401).send({ error: 'signed_out', message: 'Sign in first.' });
    }
    if (!allows(rule, request.auth.user.role)) {
      metrics.refusals.inc({ reason: 'role' });
      return refuse(
        request,
        reply,
        403,
        'Not allowed',
        `${ROLE_LABELS[request.auth.user.role]}s cannot use this page (${rule.what}).`,
      );
    }
  });

  app.addHook('preHandler', async (request, reply) => {
    const rule = request.rule;
    if (SAFE.has(request.method) || !rule || rule.access === 'public' || !request.auth) return;
    const mustHaveOrigin = rule.csrf === 'origin';
    let ok = sameOrigin(request.headers, request.host, mustHaveOrigin);
    if (ok && !mustHaveOrigin) {
      const body = request.body as Record<string, unknown> | undefined;
      const token = body?._csrf ?? request.headers['x-csrf-token'];
      ok = verifyCsrfToken(request.auth.csrfSecret, token);
    }
    if (!ok) {
      metrics.refusals.inc({ reason: 'csrf' });
      log.warn({ route: rule.url, user: request.auth.user.id }, 'CSRF check failed');
      if (request.headers['hx-request']) reply.header('hx-refresh', 'true');
      return refuse(
        request,
        reply,
        403,
        'Form expired',
        'This form could not be verified (it may have come from another site or an old page). Reload the page and try again.',
      );
    }
  });

  app.addHook('preHandler', async (request, reply) => {
    const rule = request.rule;
    if (!rule || !request.auth || rule.tenant === 'none') return;
    try {
      await checkTenantScope(db, request, rule.tenant, request.auth.user);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      metrics.refusals.inc({ reason: 'tenant' });
      log.info(
        { route: rule.url, user: request.auth.user.id, status: error.status },
        'outside the user’s tenants',
      );
      // 404s go through the error handler, word for word what a missing item or tenant gets.
      if (error instanceof OutOfScopeError) throw error;
      return refuse(request, reply, error.status, 'Not allowed', error.message);
    }
  });
}
