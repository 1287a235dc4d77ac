// SMS through a Twilio-compatible Messages API with plain fetch. Twilio has no idempotency key,
// so the ledger is the guard: a send whose outcome is unknown (a timeout after the request left)
// is looked up with findSms before anything is sent again.
export interface TwilioSettings {
  /** https://api.twilio.com, or a compatible provider / the local fake. */
  baseUrl: string;
  accountSid: string;
  authToken: string;
  from: string;
  /** Our public URL for status callbacks (apps/ingest /sms/status). */
  statusCallbackUrl?: string;
}

export type SmsOutcome =
  | { outcome: 'accepted'; sid: string; status: string }
  | { outcome: 'failed'; error: string }
  | { outcome: 'retry'; error: string }
  | { outcome: 'unknown'; error: string };

const auth = (s: TwilioSettings) =>
  `Basic ${Buffer.from(`${s.accountSid}:${s.authToken}`).toString('base64')}`;
const messagesUrl = (s: TwilioSettings) =>
  `${s.baseUrl.replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(s.accountSid)}/Messages.json`;

export async function sendSms(
  settings: TwilioSettings,
  message: { to: string; body: string; statusCallback?: string },
  options: { fetch?: typeof fetch; timeoutMs?: number } = {},
): Promise<SmsOutcome> {
  const form = new URLSearchParams({ To: message.to, From: settings.from, Body: message.body });
  const callback = message.statusCallback ?? settings.statusCallbackUrl;
  if (callback) form.set('StatusCallback', callback);
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(messagesUrl(settings), {
      method: 'POST',
      headers: { authorization: auth(settings), 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
  } catch (error) {
    // The request may have been accepted before the connection failed.
    return { outcome: 'unknown', error: `no response: ${(error as Error).name}` };
  }
  const body = (await response.json().catch(() => ({}))) as {
    sid?: string;
    status?: string;
    code?: number;
    message?: string;
  };
  if (response.ok && body.sid) return { outcome: 'accepted', sid: body.sid, status: body.status ?? 'queued' };
  const error = `${response.status} ${body.code ?? ''} ${body.message ?? ''}`.trim();
  if (response.status === 429 || response.status >= 500) return { outcome: 'unknown', error };
  return { outcome: 'failed', error };
}

/** A message we may already have sent: same recipient and body, created at or after `since`. */
export async function findSms(
  settings: TwilioSettings,
  query: { to: string; body: string; since: Date },
  options: { fetch?: typeof fetch; timeoutMs?: number } = {},
): Promise<{ sid: string; status: string } | null> {
  const url = new URL(messagesUrl(settings));
  url.searchParams.set('To', query.to);
  url.searchParams.set('DateSent>', query.since.toISOString().slice(0, 10));
  const response = await (options.fetch ?? fetch)(url, {
    headers: { authorization: auth(settings) },
    signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
  });
  if (!response.ok) throw new Error(`looking up sent messages failed: ${response.status}`);
  const { messages = [] } = (await response.json()) as {
    messages?: { sid: string; status: string; body: string; date_created?: string }[];
  };
  const match = messages.find((m) => m.body === query.body);
  return match ? { sid: match.sid, status: match.status } : null;
}

/** Twilio statuses mapped onto the ledger's states. */
export function ledgerStateForSmsStatus(status: string): 'accepted' | 'delivered' | 'failed' | null {
  if (['queued', 'accepted', 'scheduled', 'sending', 'sent'].includes(status)) return 'accepted';
  if (status === 'delivered' || status === 'read') return 'delivered';
  if (status === 'failed' || status === 'undelivered' || status === 'canceled') return 'failed';
  return null;
}

/** Twilio's default opt-out keywords (and the opt-in ones, which lift it). */
export const STOP_WORDS = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'];
export const START_WORDS = ['START', 'UNSTOP', 'YES'];

export function inboundKeyword(body: string): 'stop' | 'start' | null {
  const word = body.trim().toUpperCase();
  if (STOP_WORDS.includes(word)) return 'stop';
  if (START_WORDS.includes(word)) return 'start';
  return null;
}
