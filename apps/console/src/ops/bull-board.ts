// Bull Board at /admin/queues over every queue of the catalogue (same QUEUE_PREFIX as the
// workers). Its pages load their own scripts and styles, so it gets its own, looser CSP in its
// own plugin scope; access is checked by the role matrix like every other route. Engineers can
// retry and clean pipeline jobs; the posting queue is read-only.
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import type { ConsoleServices } from '../services.ts';

export const BULL_BOARD_PATH = '/admin/queues';
const READ_ONLY_QUEUES = new Set(['invoice.post']);

export async function registerBullBoard(app: FastifyInstance, services: ConsoleServices): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    // Posting is read-only here: no job can be added, retried or promoted on invoice.post from
    // the board (posting also refuses anything not approved at its revision, whoever asks).
    queues: [...services.queues.queues.values()].map(
      (q) => new BullMQAdapter(q, { readOnlyMode: READ_ONLY_QUEUES.has(q.name) }),
    ),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Invoicer queues' } },
  });
  await app.register(async (scope) => {
    await scope.register(helmet, {
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'", 'https://fonts.googleapis.com'],
          fontSrc: ["'self'", 'https://fonts.gstatic.com'],
          imgSrc: ["'self'", 'data:'],
          frameAncestors: ["'none'"],
          upgradeInsecureRequests: services.env.COOKIE_SECURE ? [] : null,
        },
      },
      strictTransportSecurity: services.env.COOKIE_SECURE,
    });
    await scope.register(serverAdapter.registerPlugin(), { prefix: BULL_BOARD_PATH });
  });
}
