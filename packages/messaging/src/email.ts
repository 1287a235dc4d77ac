// Email over SMTP (nodemailer). The caller owns exactly-once (the message ledger); this module
// sends one message with a given Message-ID and says what the outcome was: accepted, bounced
// (a permanent refusal: nothing was delivered), retry (a temporary refusal before the message
// was handed over), or unknown (the connection failed once the message may have been handed
// over). The password is passed in resolved; it is never logged or echoed in errors.
import nodemailer, { type Transporter } from 'nodemailer';

export type { Transporter };

export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  user?: string;
  password?: string;
  /** Verify the server's TLS certificate (off only for a local sink). */
  rejectUnauthorized?: boolean;
}

export interface OutgoingEmail {
  messageId: string;
  from: string;
  replyTo?: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  attachments: { filename: string; content: Buffer; contentType: string }[];
  /** Reminders only: a mailto: or https: unsubscribe link. */
  listUnsubscribe?: string;
  /** Our ledger id, so a bounce or a reply can be traced back. */
  ledgerId: string;
}

export type EmailOutcome =
  | { outcome: 'accepted'; response: string }
  | { outcome: 'bounced'; error: string }
  | { outcome: 'retry'; error: string }
  | { outcome: 'unknown'; error: string };

export function smtpTransport(settings: SmtpSettings, timeoutMs = 30_000): Transporter {
  return nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    auth: settings.user ? { user: settings.user, pass: settings.password ?? '' } : undefined,
    tls: { rejectUnauthorized: settings.rejectUnauthorized ?? true },
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    logger: false,
  });
}

/** A server reply without anything that could be a credential (auth lines are never echoed). */
function describe(error: unknown): string {
  const e = error as { code?: string; responseCode?: number; response?: string; message?: string };
  const parts = [e.code, e.responseCode, e.response ?? e.message].filter((p) => p !== undefined);
  return parts
    .join(' ')
    .replace(/AUTH\s+\S+\s+\S+/gi, 'AUTH ***')
    .slice(0, 500);
}

export function classifySmtpError(error: unknown): EmailOutcome {
  const e = error as { code?: string; responseCode?: number };
  const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600;
  // RCPT or MAIL refused: the message was never handed over.
  if (e.code === 'EENVELOPE') return { outcome: permanent ? 'bounced' : 'retry', error: describe(error) };
  // DATA refused with a reply: the server told us it did not take it.
  if (e.code === 'EMESSAGE' && typeof e.responseCode === 'number')
    return { outcome: permanent ? 'bounced' : 'retry', error: describe(error) };
  // Never connected, or refused before any message was given: nothing left us.
  if (e.code === 'EAUTH' || e.code === 'EDNS' || e.code === 'ETLS')
    return { outcome: 'retry', error: describe(error) };
  const message = String((error as Error | null)?.message ?? '');
  if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN/.test(message))
    return { outcome: 'retry', error: describe(error) };
  // A connection that closed or timed out later may have delivered the message.
  return { outcome: 'unknown', error: describe(error) };
}

export async function sendEmail(transport: Transporter, email: OutgoingEmail): Promise<EmailOutcome> {
  try {
    const info = await transport.sendMail({
      messageId: email.messageId,
      from: email.from,
      replyTo: email.replyTo,
      to: email.to,
      subject: email.subject,
      text: email.text,
      html: email.html,
      attachments: email.attachments.map((a) => ({ ...a })),
      headers: {
        'X-Invoicer-Message': email.ledgerId,
        ...(email.listUnsubscribe
          ? {
              'List-Unsubscribe': `<${email.listUnsubscribe}>`,
              'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
            }
          : {}),
      },
    });
    const rejected = info.rejected ?? [];
    if (rejected.length) return { outcome: 'bounced', error: `rejected: ${rejected.map(String).join(', ')}` };
    return { outcome: 'accepted', response: String(info.response ?? '') };
  } catch (error) {
    return classifySmtpError(error);
  }
}
