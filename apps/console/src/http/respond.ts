// Content negotiation: the same routes serve the web UI (HTML, redirects) and API clients
// (JSON). A client that asks for JSON and not HTML gets JSON.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SafeHtml } from '../views/html.ts';

export function wantsJson(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

export function sendHtml(reply: FastifyReply, page: SafeHtml | string, status = 200): FastifyReply {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(String(page));
}

/** After a successful form post: JSON clients get `body`, browsers are redirected (303). */
export function done(
  request: FastifyRequest,
  reply: FastifyReply,
  location: string,
  body: unknown,
): FastifyReply {
  if (wantsJson(request)) return reply.code(200).send(body);
  return reply.redirect(location, 303);
}
