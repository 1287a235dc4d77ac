// Evidence on the item page: the fragment (HTML or JSON), thumbnails inline. Access and
// tenant scoping come from the role matrix (auth/roles.ts), like every console route.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HttpError, parseInput } from '../http/errors.ts';
import { sendHtml, wantsJson } from '../http/respond.ts';
import type { ConsoleServices } from '../services.ts';
import { loadItemEvidence } from './load.ts';
import { evidenceFragment } from './view.ts';

const ItemParams = z.object({ id: z.uuid('is not a review item id') });

export function registerEvidenceRoutes(app: FastifyInstance, services: ConsoleServices): void {
  app.get('/items/:id/evidence', async (request, reply) => {
    const { id } = parseInput(ItemParams, request.params);
    const loaded = await loadItemEvidence(services, id);
    if (!loaded) throw new HttpError(404, 'There is no such review item, or it has no run.');
    if (wantsJson(request)) return reply.send(loaded);
    return sendHtml(reply, evidenceFragment(loaded));
  });
}
