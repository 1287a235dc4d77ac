// A local fake of Twilio's Messages API (2010-04-01), for tests and the demo: create a message
// (form-encoded To, From, Body, StatusCallback; Basic auth), list messages (To, DateSent>), and
// then POST signed status callbacks (queued → sending → sent → delivered | undelivered) to the
// StatusCallback, like Twilio (no callback for the initial status). It can send a signed
// inbound message (a STOP) to a URL, hang after accepting (a timeout after commit), and repeat
// callbacks (a duplicate webhook delivery).
import { randomBytes } from 'node:crypto';
import { twilioSignature } from '@invoicer/messaging';
import Fastify from 'fastify';

export interface FakeSms {
  sid: string;
  to: string;
  from: string;
  body: string;
  status: string;
  statusCallback: string | null;
  dateCreated: Date;
}

export interface FakeTwilio {
  url: string;
  accountSid: string;
  authToken: string;
  messages: FakeSms[];
  /** Numbers whose messages end 'undelivered' (error 30003). */
  undeliverable: Set<string>;
  /** Numbers Twilio refuses (21610: the recipient replied STOP to this sender). */
  blocked: Set<string>;
  /** The next N creates are stored, then the response never comes (the connection is dropped after `hangMs`). */
  hangAfterAccept: number;
  hangMs: number;
  /** Send every status callback twice. */
  duplicateCallbacks: boolean;
  /** Callbacks that reached the app with a 2xx, and those that failed. */
  callbacks: { ok: number; failed: number };
  /** Post a signed inbound SMS (e.g. "STOP") from `from` to `url`. Returns the HTTP status. */
  inbound(url: string, from: string, body: string, to?: string): Promise<number>;
  close(): Promise<void>;
}

export async function startFakeTwilio(
  options: { accountSid?: string; authToken?: string; callbackDelayMs?: number } = {},
): Promise<FakeTwilio> {
  const accountSid = options.accountSid ?? `AC${randomBytes(16).toString('hex')}`;
  const authToken = options.authToken ?? randomBytes(16).toString('hex');
  const delay = options.callbackDelayMs ?? 20;
  const app = Fastify({ logger: false });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  const pending = new Set<NodeJS.Timeout>();
  let closed = false;

  const post = async (url: string, params: Record<string, string>): Promise<number> => {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature(authToken, url, params),
      },
      body: new URLSearchParams(params).toString(),
    }).catch(() => null);
    if (response?.ok) fake.callbacks.ok += 1;
    else fake.callbacks.failed += 1;
    await response?.body?.cancel();
    return response?.status ?? 0;
  };
  const later = (ms: number, run: () => Promise<unknown>) => {
    const timer = setTimeout(() => {
      pending.delete(timer);
      if (!closed) void run();
    }, ms);
    pending.add(timer);
  };
  const progress = (message: FakeSms) => {
    const finalStatus = fake.undeliverable.has(message.to) ? 'undelivered' : 'delivered';
    for (const [i, status] of ['sending', 'sent', finalStatus].entries()) {
      later(delay * (i + 1), async () => {
        message.status = status;
        if (!message.statusCallback) return;
        const params: Record<string, string> = {
          AccountSid: accountSid,
          MessageSid: message.sid,
          SmsSid: message.sid,
          MessageStatus: status,
          SmsStatus: status,
          To: message.to,
          From: message.from,
          ApiVersion: '2010-04-01',
          ...(status === 'undelivered' ? { ErrorCode: '30003' } : {}),
        };
        await post(message.statusCallback, params);
        if (fake.duplicateCallbacks) await post(message.statusCallback, params);
      });
    }
  };
  const authorised = (header: string | undefined) =>
    header === `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;

  app.post('/2010-04-01/Accounts/:sid/Messages.json', async (request, reply) => {
    if (!authorised(request.headers.authorization) || (request.params as { sid: string }).sid !== accountSid)
      return reply.code(401).send({ code: 20003, message: 'Authenticate', status: 401 });
    const body = (request.body ?? {}) as Record<string, string>;
    if (!body.To || !/^\+\d{10,15}$/.test(body.To))
      return reply.code(400).send({
        code: 21211,
        message: `The 'To' number ${body.To} is not a valid phone number.`,
        status: 400,
      });
    if (!body.Body)
      return reply.code(400).send({ code: 21602, message: 'Message body is required.', status: 400 });
    if (fake.blocked.has(body.To))
      return reply
        .code(400)
        .send({ code: 21610, message: 'Attempt to send to unsubscribed recipient', status: 400 });
    const message: FakeSms = {
      sid: `SM${randomBytes(16).toString('hex')}`,
      to: body.To,
      from: body.From ?? '',
      body: body.Body,
      status: 'queued',
      statusCallback: body.StatusCallback ?? null,
      dateCreated: new Date(),
    };
    fake.messages.push(message);
    progress(message);
    if (fake.hangAfterAccept > 0) {
      fake.hangAfterAccept -= 1;
      await new Promise((r) => later(fake.hangMs, async () => r(undefined)));
      request.raw.socket.destroy();
      return reply;
    }
    return reply.code(201).send({
      sid: message.sid,
      account_sid: accountSid,
      to: message.to,
      from: message.from,
      body: message.body,
      status: 'queued',
      date_created: message.dateCreated.toUTCString(),
      num_segments: '1',
    });
  });
  app.get('/2010-04-01/Accounts/:sid/Messages.json', async (request, reply) => {
    if (!authorised(request.headers.authorization)) return reply.code(401).send({ code: 20003, status: 401 });
    const q = request.query as Record<string, string | undefined>;
    const since = q['DateSent>'] ? new Date(`${q['DateSent>']}T00:00:00Z`) : null;
    const rows = fake.messages.filter((m) => (!q.To || m.to === q.To) && (!since || m.dateCreated >= since));
    return {
      messages: rows.map((m) => ({
        sid: m.sid,
        to: m.to,
        from: m.from,
        body: m.body,
        status: m.status,
        date_created: m.dateCreated.toUTCString(),
      })),
    };
  });

  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const fake: FakeTwilio = {
    url: address,
    accountSid,
    authToken,
    messages: [],
    undeliverable: new Set(),
    blocked: new Set(),
    hangAfterAccept: 0,
    hangMs: 1500,
    duplicateCallbacks: false,
    callbacks: { ok: 0, failed: 0 },
    inbound: (url, from, body, to = '+15005550006') =>
      post(url, {
        AccountSid: accountSid,
        MessageSid: `SM${randomBytes(16).toString('hex')}`,
        From: from,
        To: to,
        Body: body,
        NumSegments: '1',
        ...(body.trim().toUpperCase() === 'STOP' ? { OptOutType: 'STOP' } : {}),
      }),
    async close() {
      closed = true;
      for (const t of pending) clearTimeout(t);
      await app.close();
    },
  };
  return fake;
}
