// Engineers' views: /metrics for Prometheus and /ops, a one-page cluster overview (queue depth
// and age, review backlog, Redis eviction policy) linking to Bull Board.
//
// /metrics access: with METRICS_TOKEN set, a matching `Authorization: Bearer` header is
// required. Without it, only direct loopback connections are answered (a proxied request,
// one carrying X-Forwarded-For, is not loopback), so nothing is exposed beyond this machine.

import { reviewBacklogByAge } from '@invoicer/db';
import { redisEvictionPolicy } from '@invoicer/platform';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { safeEqual } from '../auth/csrf.ts';
import { sendHtml } from '../http/respond.ts';
import type { ConsoleServices } from '../services.ts';
import { viewerOf } from '../views/layout.ts';
import { opsPage } from '../views/ops.ts';
import { collectMetrics, snapshotQueues } from './collect.ts';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export function metricsAllowed(request: FastifyRequest, token: string | undefined): boolean {
  if (token) {
    const header = request.headers.authorization ?? '';
    return header.startsWith('Bearer ') && safeEqual(header.slice(7), token);
  }
  return LOOPBACK.has(request.socket.remoteAddress ?? '') && !request.headers['x-forwarded-for'];
}

export function registerOpsRoutes(app: FastifyInstance, services: ConsoleServices): void {
  app.get('/metrics', async (request, reply) => {
    if (!metricsAllowed(request, services.env.METRICS_TOKEN)) {
      services.metrics.refusals.inc({ reason: 'metrics' });
      if (services.env.METRICS_TOKEN) reply.header('www-authenticate', 'Bearer');
      return reply
        .code(services.env.METRICS_TOKEN ? 401 : 403)
        .type('text/plain')
        .send(
          services.env.METRICS_TOKEN
            ? 'bearer token required\n'
            : 'set METRICS_TOKEN to scrape from another host\n',
        );
    }
    await collectMetrics(services);
    return reply.type(services.metrics.base.contentType).send(await services.metrics.base.text());
  });

  app.get('/ops', async (request, reply) => {
    const [queues, backlog, eviction] = await Promise.all([
      snapshotQueues(services).catch(() => null),
      reviewBacklogByAge(services.db),
      redisEvictionPolicy(services.redis).catch(() => 'unknown (Redis unreachable)'),
    ]);
    return sendHtml(
      reply,
      opsPage(viewerOf(request), { queues, backlog, eviction, prefix: services.env.QUEUE_PREFIX }),
    );
  });
}
