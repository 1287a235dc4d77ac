// One-click unsubscribe from reminder emails (RFC 8058): the List-Unsubscribe link of a reminder
// names its message with a signed token (UNSUBSCRIBE_SECRET). GET shows a confirmation page (a
// link scanner's GET changes nothing); POST — the mail client's one-click, or the page's button —
// puts the address on the tenant's email opt-out list, which stops reminders, not invoices.
import { addOptOut, type Db, recordMessageEvent } from '@invoicer/db';
import { readUnsubscribeToken } from '@invoicer/messaging';
import type { Logger } from '@invoicer/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family:sans-serif;max-width:40em;margin:3em auto"><h1>${title}</h1>${body}</body></html>`;

async function messageOf(db: Db, request: FastifyRequest) {
  const { tenant, token } = request.params as { tenant: string; token: string };
  const secret = process.env.UNSUBSCRIBE_SECRET;
  const messageId = secret ? readUnsubscribeToken(secret, tenant, token) : null;
  if (!messageId) return null;
  const message = await db.message.findUnique({ where: { id: messageId } });
  return message && message.tenantId === tenant && message.channel === 'email' && message.recipient
    ? message
    : null;
}

export function registerUnsubscribeRoutes(http: FastifyInstance, deps: { db: Db; log: Logger }): void {
  void http.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_req, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(String(body))));
      },
    );
    const missing = (reply: FastifyReply) =>
      reply
        .code(404)
        .type('text/html')
        .send(page('Link not valid', '<p>This unsubscribe link is not valid.</p>'));

    scope.get('/email/unsubscribe/:tenant/:token', async (request, reply) => {
      const message = await messageOf(deps.db, request);
      if (!message) return missing(reply);
      return reply
        .type('text/html')
        .header('cache-control', 'no-store')
        .send(
          page(
            'Stop payment reminders?',
            '<p>You will still receive invoices, but no more reminder emails.</p><form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe from reminders</button></form>',
          ),
        );
    });

    scope.post('/email/unsubscribe/:tenant/:token', async (request, reply) => {
      const message = await messageOf(deps.db, request);
      if (!message) return missing(reply);
      const added = await addOptOut(deps.db, {
        tenantId: message.tenantId,
        channel: 'email',
        address: message.recipient!,
        source: 'unsubscribe',
      });
      if (added) {
        await recordMessageEvent(deps.db, {
          messageId: message.id,
          tenantId: message.tenantId,
          kind: 'unsubscribed',
          detail: { channel: 'email' },
        });
        deps.log.info({ tenant: message.tenantId }, 'reminder emails unsubscribed');
      }
      return reply
        .type('text/html')
        .send(page('Unsubscribed', '<p>You will not receive payment reminders by email.</p>'));
    });
  });
}
