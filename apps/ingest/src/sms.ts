// Twilio webhooks for customer messages (issue 15): delivery status callbacks and inbound
// replies, per tenant at /sms/status/<tenant> and /sms/inbound/<tenant>. Each request must carry
// a valid X-Twilio-Signature for the tenant's auth token (named in its delivery settings by an
// environment variable) and the URL Twilio called (SMS_PUBLIC_BASE_URL when behind a proxy).
// A status moves the message ledger (a repeated callback is recorded once); a failure is handed
// to the workers (review item, fallback channel). STOP puts the number on our opt-out list and
// on ServiceTitan's (ledgered in st_writes, read back); START takes it off ours.
import {
  addOptOut,
  type Db,
  findMessageByProviderId,
  getTenantSettings,
  recordMessageEvent,
  removeOptOut,
  setMessageState,
} from '@invoicer/db';
import {
  inboundKeyword,
  ledgerStateForSmsStatus,
  normalisePhone,
  validTwilioSignature,
} from '@invoicer/messaging';
import { runSteps } from '@invoicer/pipeline';
import type { Logger, QueueSet } from '@invoicer/platform';
import { createOptOuts, getOptOuts, type OptOutEntry, type StClient } from '@invoicer/servicetitan';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface SmsRouteDeps {
  db: Db;
  queues: QueueSet;
  log: Logger;
  clientFor(tenantId: string): Promise<StClient>;
}

type Params = Record<string, string>;

async function verified(
  db: Db,
  request: FastifyRequest,
): Promise<{ tenantId: string; params: Params } | null> {
  const tenantId = (request.params as { tenant: string }).tenant;
  const settings = await getTenantSettings(db, tenantId).catch(() => null);
  const envName = settings?.delivery.sms?.authTokenEnv;
  const token = envName ? process.env[envName] : undefined;
  if (!token) return null;
  const base =
    process.env.SMS_PUBLIC_BASE_URL?.replace(/\/$/, '') ?? `${request.protocol}://${request.headers.host}`;
  const params = (request.body ?? {}) as Params;
  const signature = request.headers['x-twilio-signature'];
  return validTwilioSignature(
    token,
    typeof signature === 'string' ? signature : undefined,
    `${base}${request.url}`,
    params,
  )
    ? { tenantId, params }
    : null;
}

/** The message a callback is about: by provider id, or (a send whose response was lost) by recipient. */
async function messageFor(db: Db, tenantId: string, sid: string, to: string | undefined) {
  const bySid = await findMessageByProviderId(db, sid);
  if (bySid) return bySid.tenantId === tenantId ? bySid : null;
  if (!to) return null;
  const pending = await db.message.findFirst({
    where: {
      tenantId,
      channel: 'sms',
      recipient: to,
      state: { in: ['sending', 'unknown'] },
      providerId: null,
    },
    orderBy: { sendingAt: 'desc' },
  });
  if (!pending) return null;
  // The callback proves the provider accepted it: adopt its id, so no retry sends it again.
  if (!(await setMessageState(db, pending.id, 'accepted', ['sending', 'unknown'], { providerId: sid })))
    return null;
  await recordMessageEvent(db, {
    messageId: pending.id,
    tenantId,
    kind: 'accepted',
    detail: { providerId: sid, via: 'status callback' },
  });
  return { ...pending, providerId: sid, state: 'accepted' };
}

async function optOutInServiceTitan(deps: SmsRouteDeps, tenantId: string, number: string): Promise<void> {
  const client = await deps.clientFor(tenantId);
  const read = () => getOptOuts(client, [number]);
  await runSteps<{ contactNumber: string }, OptOutEntry[]>(
    deps.db,
    { tenantId },
    [
      {
        key: `optout:${tenantId}:${number}`,
        operation: 'telecom.optout',
        request: { contactNumbers: [number], optOutType: 'Global' },
        send: () => createOptOuts(client, [number]).then(() => undefined),
        find: (snapshot: unknown) =>
          (snapshot as OptOutEntry[]).some((o) => o.contactNumber === number)
            ? { contactNumber: number }
            : null,
      },
    ],
    await read(),
    read,
  );
}

export function registerSmsRoutes(http: FastifyInstance, deps: SmsRouteDeps): void {
  void http.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_req, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(String(body))));
      },
    );

    scope.post('/sms/status/:tenant', async (request: FastifyRequest, reply: FastifyReply) => {
      const ok = await verified(deps.db, request);
      if (!ok) return reply.code(403).send({ error: 'invalid signature' });
      const { MessageSid: sid, MessageStatus: status, ErrorCode: errorCode, To: to } = ok.params;
      if (!sid || !status)
        return reply.code(400).send({ error: 'MessageSid and MessageStatus are required' });
      const row = await messageFor(deps.db, ok.tenantId, sid, to);
      if (!row) {
        deps.log.warn({ tenant: ok.tenantId, status }, 'status callback for an unknown message');
        return reply.code(200).send();
      }
      const fresh = await recordMessageEvent(deps.db, {
        messageId: row.id,
        tenantId: ok.tenantId,
        kind:
          status === 'delivered' || status === 'read'
            ? 'delivered'
            : status === 'undelivered' || status === 'failed'
              ? 'failed'
              : 'status',
        providerEventId: `${sid}:${status}`,
        detail: { status, errorCode: errorCode ?? null },
      });
      if (!fresh) return reply.code(200).send();
      const next = ledgerStateForSmsStatus(status);
      if (next === 'delivered')
        await setMessageState(deps.db, row.id, 'delivered', ['accepted', 'sending', 'unknown']);
      if (next === 'failed') {
        const moved = await setMessageState(deps.db, row.id, 'failed', ['accepted', 'sending', 'unknown'], {
          lastError: `${status}${errorCode ? ` (error ${errorCode})` : ''}`,
        });
        // The workers open the review item and try the other channel.
        if (moved)
          await deps.queues.enqueue('message.send', {
            tenantId: ok.tenantId,
            messageId: row.id,
            notBefore: Date.now(),
          });
      }
      return reply.code(200).send();
    });

    scope.post('/sms/inbound/:tenant', async (request: FastifyRequest, reply: FastifyReply) => {
      const ok = await verified(deps.db, request);
      if (!ok) return reply.code(403).send({ error: 'invalid signature' });
      const number = normalisePhone(ok.params.From ?? '');
      const keyword = inboundKeyword(ok.params.Body ?? '');
      if (number) {
        const last = await deps.db.message.findFirst({
          where: { tenantId: ok.tenantId, channel: 'sms', recipient: number },
          orderBy: { createdAt: 'desc' },
        });
        if (last)
          await recordMessageEvent(deps.db, {
            messageId: last.id,
            tenantId: ok.tenantId,
            kind: 'replied',
            providerEventId: ok.params.MessageSid ?? null,
            detail: { keyword, body: (ok.params.Body ?? '').slice(0, 160) },
          });
        if (keyword === 'stop') {
          await addOptOut(deps.db, {
            tenantId: ok.tenantId,
            channel: 'sms',
            address: number,
            source: 'stop',
          });
          try {
            await optOutInServiceTitan(deps, ok.tenantId, number);
          } catch (error) {
            // Our list already stops every message; ServiceTitan's copy is retried when Twilio retries.
            deps.log.error(
              { tenant: ok.tenantId, err: (error as Error).message },
              'ServiceTitan opt-out failed',
            );
            return reply.code(503).send({ error: 'temporarily unavailable, retry later' });
          }
          deps.log.info({ tenant: ok.tenantId }, 'SMS opt-out recorded');
        }
        if (keyword === 'start') await removeOptOut(deps.db, ok.tenantId, 'sms', number);
      }
      return reply
        .code(200)
        .type('text/xml')
        .send('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
    });
  });
}
