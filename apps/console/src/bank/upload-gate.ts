// The bank-upload gate: a POST takes an import slot before its body is read (so uploads waiting
// their turn hold no file in memory), or is answered 503 with Retry-After when too many are
// already running or waiting. The slot is given back when the response is done, but never
// before the import it started has finished (a client that hangs up does not free a slot while
// its file is still being imported).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendHtml, wantsJson } from '../http/respond.ts';
import { errorPage, viewerOf } from '../views/layout.ts';
import { ImportBusyError, type ImportSlots, type Release } from './import-slots.ts';

interface Turn {
  release?: Release;
  work?: Promise<unknown>;
  closed: boolean;
}

const turns = new WeakMap<FastifyRequest, Turn>();

function giveBack(turn: Turn) {
  const release = turn.release;
  if (!release) return;
  if (turn.work) void turn.work.finally(release).catch(() => {});
  else release();
}

export function gateUploads(app: FastifyInstance, slots: ImportSlots, url: string): void {
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'POST' || request.routeOptions.url !== url) return;
    const turn: Turn = { closed: false };
    turns.set(request, turn);
    reply.raw.once('close', () => {
      turn.closed = true;
      giveBack(turn);
    });
    try {
      turn.release = await slots.acquire();
    } catch (error) {
      if (!(error instanceof ImportBusyError)) throw error;
      return sendBusy(request, reply, error);
    }
    if (turn.closed) giveBack(turn); // the client left while it waited
  });
}

/** Keep the request's slot until `work` settles, even if the client hangs up first. */
export function holdSlotFor<T>(request: FastifyRequest, work: Promise<T>): Promise<T> {
  const turn = turns.get(request);
  if (turn) turn.work = work;
  return work;
}

function sendBusy(request: FastifyRequest, reply: FastifyReply, error: ImportBusyError) {
  reply.header('retry-after', String(error.retryAfterSeconds));
  // The body is left unread: Node discards it as it arrives (nothing is kept), so the client can
  // finish sending and read this answer. Closing the connection instead makes clients fail on a
  // broken pipe mid-upload, never seeing why.
  if (wantsJson(request)) return reply.code(503).send({ error: 'busy', message: error.message });
  return sendHtml(reply, errorPage(viewerOf(request), 503, 'Busy importing', error.message, []), 503);
}
