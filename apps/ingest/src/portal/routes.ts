// The public customer page behind a signed invoice link, and its assistant. The token in the path
// decides tenant, customer and invoice; nothing in a form, a header or a model's answer can change
// them. Forms post back here (no script); questions are rate limited per link and per address.
import {
  type AssistantProvider,
  ask,
  conversationTurns,
  FactsUnavailableError,
  type LinkCheck,
  linkDigest,
  loadCustomerFacts,
  MAX_QUESTION_CHARS,
  verifyLink,
} from '@invoicer/assistant';
import { type Db, getTenantSettings } from '@invoicer/db';
import type { Logger } from '@invoicer/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { cspFor, invoicePage, messagePage, newNonce } from './page.ts';
import { type Limit, withinLimits } from './rate-limit.ts';

export interface PortalConfig {
  secret: string;
  asksPerLinkPerHour: number;
  asksPerIpPerHour: number;
  viewsPerIpPerMinute: number;
}

export interface PortalDeps {
  db: Db;
  redis: Redis;
  prefix: string;
  log: Logger;
  config: PortalConfig;
  /** The tenant's assistant provider (its `ai` settings). */
  providerFor(tenantId: string): Promise<AssistantProvider>;
  now?: () => Date;
}

const HOUR = 3_600_000;
/** A link stops working this long after its invoice is paid in full. */
export const PAID_LINK_GRACE_MS = 7 * 86_400_000;

function send(reply: FastifyReply, status: number, render: (nonce: string) => string) {
  const nonce = newNonce();
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('content-security-policy', cspFor(nonce))
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .send(render(nonce));
}

/** The form or JSON body; ingest keeps JSON bodies as raw strings (webhook signatures need them). */
function bodyOf(raw: unknown): { question?: unknown } {
  if (typeof raw !== 'string') return (raw ?? {}) as { question?: unknown };
  try {
    const parsed: unknown = JSON.parse(raw);
    return parsed && typeof parsed === 'object' ? (parsed as { question?: unknown }) : {};
  } catch {
    return {};
  }
}

export function registerPortalRoutes(http: FastifyInstance, deps: PortalDeps): void {
  const { db, log, config } = deps;
  const now = deps.now ?? (() => new Date());
  const wantsJson = (request: FastifyRequest) => (request.headers.accept ?? '').includes('application/json');

  const refuse = (reply: FastifyReply, check: Exclude<LinkCheck, { ok: true }>) =>
    check.reason === 'expired'
      ? send(reply, 410, (n) =>
          messagePage(
            n,
            'This link has expired',
            'Please use the link in your latest invoice message, or contact the shop.',
          ),
        )
      : send(reply, 404, (n) => messagePage(n, 'Link not valid', 'This invoice link is not valid.'));
  const limited = (reply: FastifyReply) =>
    send(reply.header('retry-after', '60'), 429, (n) =>
      messagePage(n, 'Too many requests', 'Please wait a minute and try again.'),
    );
  const unavailable = (reply: FastifyReply) =>
    send(reply, 404, (n) =>
      messagePage(n, 'Invoice not available', 'This invoice is not available here. Please contact the shop.'),
    );

  void http.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 8192 },
      (_req, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(String(body))));
      },
    );

    scope.get('/portal/:token', async (request, reply) => {
      const { token } = request.params as { token: string };
      const allowed = await withinLimits(deps.redis, deps.prefix, [
        { key: `view-ip:${request.ip}`, max: config.viewsPerIpPerMinute, windowMs: 60_000 },
      ]).catch(() => true);
      if (!allowed) return limited(reply);
      const check = verifyLink(config.secret, token, now());
      if (!check.ok) return refuse(reply, check);
      const facts = await loadCustomerFacts(db, check.link);
      if (!facts) return unavailable(reply);
      if (facts.paidInFullOn && now().getTime() - facts.paidInFullOn.getTime() > PAID_LINK_GRACE_MS)
        return refuse(reply, { ok: false, reason: 'expired' });
      const digest = linkDigest(token);
      const [turns, conversation] = await Promise.all([
        conversationTurns(db, digest),
        db.assistantConversation.findUnique({
          where: { linkDigest: digest },
          select: { reviewItemId: true },
        }),
      ]);
      const notice = (request.query as { limited?: string }).limited
        ? 'Too many questions; please wait and try again.'
        : null;
      return send(reply, 200, (n) =>
        invoicePage(n, facts, {
          turns,
          action: `/portal/${token}/ask`,
          personAction: `/portal/${token}/person`,
          notice,
          handedOff: Boolean(conversation?.reviewItemId),
        }),
      );
    });

    const answer = async (request: FastifyRequest, reply: FastifyReply, question: string) => {
      const { token } = request.params as { token: string };
      const check = verifyLink(config.secret, token, now());
      if (!check.ok) {
        // Forged or stale links count against the address too.
        await withinLimits(deps.redis, deps.prefix, [
          { key: `ask-ip:${request.ip}`, max: config.asksPerIpPerHour, windowMs: HOUR },
        ]).catch(() => false);
        return refuse(reply, check);
      }
      const digest = linkDigest(token);
      const limits: Limit[] = [
        { key: `ask-link:${digest}`, max: config.asksPerLinkPerHour, windowMs: HOUR },
        { key: `ask-ip:${request.ip}`, max: config.asksPerIpPerHour, windowMs: HOUR },
      ];
      const allowed = await withinLimits(deps.redis, deps.prefix, limits).catch((error: Error) => {
        log.warn({ err: error.message }, 'portal rate limit unavailable; refusing questions');
        return false;
      });
      if (!allowed)
        return wantsJson(request)
          ? reply.code(429).header('retry-after', '60').send({ error: 'too many requests' })
          : limited(reply);
      const text = question.trim();
      if (!text || text.length > MAX_QUESTION_CHARS)
        return wantsJson(request)
          ? reply.code(400).send({ error: `ask a question of 1 to ${MAX_QUESTION_CHARS} characters` })
          : reply.redirect(`/portal/${token}#chat`, 303);
      const { link } = check;
      try {
        const [provider, settings] = await Promise.all([
          deps.providerFor(link.tenantId),
          getTenantSettings(db, link.tenantId),
        ]);
        const facts = await loadCustomerFacts(db, link);
        if (!facts) return unavailable(reply);
        if (facts.paidInFullOn && now().getTime() - facts.paidInFullOn.getTime() > PAID_LINK_GRACE_MS)
          return refuse(reply, { ok: false, reason: 'expired' });
        const result = await ask(db, {
          scope: link,
          linkDigest: digest,
          question: text,
          provider,
          slaHours: settings.policy.reviewSlaHours,
          facts,
        });
        log.info(
          {
            tenant: link.tenantId,
            intent: result.intent,
            provider: result.provider,
            action: result.action,
            guardReplaced: result.guard.replaced,
          },
          'portal question answered',
        );
        if (wantsJson(request))
          return reply
            .header('cache-control', 'no-store')
            .send({ reply: result.reply, action: result.action });
        return reply.redirect(`/portal/${token}#chat`, 303);
      } catch (error) {
        if (error instanceof FactsUnavailableError) return unavailable(reply);
        throw error;
      }
    };

    scope.post('/portal/:token/ask', async (request, reply) => {
      const body = bodyOf(request.body);
      return answer(request, reply, typeof body.question === 'string' ? body.question : '');
    });
    scope.post('/portal/:token/person', async (request, reply) =>
      answer(request, reply, 'I would like to talk to a person.'),
    );
  });
}
