// The console's Fastify instance: cookies, form bodies, the role-matrix guard, error pages,
// strict security headers for its own pages, static assets (its CSS/JS and htmx from
// node_modules, no build step), and Bull Board in a scope of its own.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import { InvalidCursorError } from '@invoicer/db';
import { logRequests, registerHealthRoutes } from '@invoicer/platform';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { registerAccountingRoutes } from '../accounting/routes.ts';
import { registerAuditRoutes } from '../audit/routes.ts';
import { registerLoginRoutes, sendLoginForm } from '../auth/login-routes.ts';
import { ruleFor } from '../auth/roles.ts';
import { registerBankStatementRoutes } from '../bank/routes.ts';
import { registerCollectionsRoutes } from '../collections/routes.ts';
import { registerDocumentRoutes } from '../documents/routes.ts';
import { registerEvidenceRoutes } from '../evidence/routes.ts';
import { registerMessageRoutes } from '../messages/routes.ts';
import { registerBullBoard } from '../ops/bull-board.ts';
import { registerOpsRoutes } from '../ops/routes.ts';
import { registerConversationRoutes } from '../policies/conversations.ts';
import { registerPolicyRoutes } from '../policies/routes.ts';
import { registerItemRoutes } from '../review/item-routes.ts';
import { registerQueueRoutes } from '../review/queue-routes.ts';
import { registerWorkflowRoutes } from '../review/workflow-routes.ts';
import type { ConsoleServices } from '../services.ts';
import { registerSettingsRoutes } from '../settings/routes.ts';
import { registerUserRoutes } from '../users/routes.ts';
import { errorPage, viewerOf } from '../views/layout.ts';
import { HttpError, ValidationError } from './errors.ts';
import { installGuard } from './guard.ts';
import { sendHtml, wantsJson } from './respond.ts';

const PUBLIC_DIR = fileURLToPath(new URL('../../public', import.meta.url));
const HTMX_DIR = path.dirname(createRequire(import.meta.url).resolve('htmx.org/dist/htmx.min.js'));

export async function buildConsoleServer(services: ConsoleServices): Promise<FastifyInstance> {
  const { env, log } = services;
  const app = Fastify({ logger: false, trustProxy: env.TRUST_PROXY, bodyLimit: 256 * 1024 });
  // Prisma returns BIGINT as bigint; JSON has no such type.
  app.setReplySerializer((payload) =>
    JSON.stringify(payload, (_key, value) => (typeof value === 'bigint' ? value.toString() : value)),
  );
  // Boot refuses a route the role matrix does not list (the guard would refuse it anyway).
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat())
      if (method !== 'OPTIONS' && !ruleFor(method, route.url))
        throw new Error(`route ${method} ${route.url} is missing from the role matrix (auth/roles.ts)`);
  });
  await app.register(cookie);
  await app.register(formbody);
  installGuard(app, services);

  // One line per request at info (4xx at warn, so refused sign-ins and CSRF failures show):
  // the route pattern, status, duration and user id; never headers, cookies or bodies.
  logRequests(app, log, { user: (request) => request.auth?.user.id });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    let status = error instanceof HttpError ? error.status : (error.statusCode ?? 500);
    let message = error.message;
    if (error instanceof InvalidCursorError) status = 400;
    if (status === 429 && request.routeOptions.url === '/login' && !wantsJson(request))
      return sendLoginForm(reply, env.COOKIE_SECURE, 429, { error: message });
    if (status >= 500) {
      log.error(
        { err: error.message, stack: error.stack, route: request.routeOptions.url },
        'request failed',
      );
      message = 'Something went wrong on our side. It has been logged; please try again.';
    }
    const issues = error instanceof ValidationError ? error.issues : [];
    if (wantsJson(request))
      return reply.code(status).send({ error: issues.length ? 'invalid_input' : 'error', message, issues });
    const title =
      status === 400
        ? 'Please check your input'
        : status === 404
          ? 'Not found'
          : status === 429
            ? 'Slow down'
            : 'Could not do that';
    return sendHtml(reply, errorPage(viewerOf(request), status, title, message, issues), status);
  });

  app.setNotFoundHandler((request, reply) => {
    if (wantsJson(request)) return reply.code(404).send({ error: 'not_found' });
    return sendHtml(
      reply,
      errorPage(viewerOf(request), 404, 'Not found', 'There is nothing at this address.'),
      404,
    );
  });

  await app.register(async (ui) => {
    await ui.register(helmet, {
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'self'"],
          objectSrc: ["'none'"],
          upgradeInsecureRequests: env.COOKIE_SECURE ? [] : null,
        },
      },
      strictTransportSecurity: env.COOKIE_SECURE,
      referrerPolicy: { policy: 'same-origin' },
    });
    await ui.register(fastifyStatic, { root: [PUBLIC_DIR, HTMX_DIR], prefix: '/static/', maxAge: '1h' });
    registerHealthRoutes(ui, {
      postgres: async () => {
        await services.db.$queryRaw`SELECT 1`;
      },
      redis: async () => {
        await services.redis.ping();
      },
    });
    await registerLoginRoutes(ui, services);
    registerQueueRoutes(ui, services);
    registerItemRoutes(ui, services);
    registerDocumentRoutes(ui, services);
    registerEvidenceRoutes(ui, services);
    registerMessageRoutes(ui, services);
    registerCollectionsRoutes(ui, services);
    registerWorkflowRoutes(ui, services);
    registerAuditRoutes(ui, services);
    registerSettingsRoutes(ui, services);
    registerPolicyRoutes(ui, services);
    registerConversationRoutes(ui, services);
    registerAccountingRoutes(ui, services);
    // Its own scope: multipart bodies are parsed for the bank-file upload and nowhere else.
    await ui.register((bank) => registerBankStatementRoutes(bank, services));
    registerUserRoutes(ui, services);
    registerOpsRoutes(ui, services);
  });
  await registerBullBoard(app, services);
  return app;
}
