// Evidence on the item page: the fragment (HTML or JSON) and the photo thumbnails. Access and
// tenant scoping come from the role matrix (auth/roles.ts), like every console route.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HttpError, parseInput } from '../http/errors.ts';
import { sendHtml, wantsJson } from '../http/respond.ts';
import type { ConsoleServices } from '../services.ts';
import { loadItemEvidence, loadThumbnail } from './load.ts';
import { evidenceFragment } from './view.ts';

const ItemParams = z.object({ id: z.uuid('is not a review item id') });
const PhotoParams = ItemParams.extend({ attachmentId: z.coerce.number().int().positive() });

export function registerEvidenceRoutes(app: FastifyInstance, services: ConsoleServices): void {
  app.get('/items/:id/evidence', async (request, reply) => {
    const { id } = parseInput(ItemParams, request.params);
    const loaded = await loadItemEvidence(services, id);
    if (!loaded) throw new HttpError(404, 'There is no such review item, or it has no run.');
    if (wantsJson(request)) return reply.send(loaded);
    return sendHtml(reply, evidenceFragment(loaded));
  });

  app.get('/items/:id/evidence/photos/:attachmentId', async (request, reply) => {
    const { id, attachmentId } = parseInput(PhotoParams, request.params);
    let jpeg: Buffer | null;
    try {
      jpeg = await loadThumbnail(services, id, attachmentId);
    } catch {
      throw new HttpError(502, 'ServiceTitan did not give the photo; reload to try again.');
    }
    if (!jpeg) throw new HttpError(404, 'That photo is not part of this item’s evidence.');
    return reply.type('image/jpeg').header('cache-control', 'private, max-age=3600').send(jpeg);
  });
}
