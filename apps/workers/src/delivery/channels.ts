// The tenant's email and SMS providers from its delivery settings. Secrets come from the
// environment variables the settings name; a missing one is a configuration error, said plainly
// without the value. Transports are cached per configuration.
import { type DeliverySettings, InvalidInputError } from '@invoicer/core';
import {
  type SmtpSettings,
  smtpTransport,
  type Transporter,
  type TwilioSettings,
  unsubscribeToken,
} from '@invoicer/messaging';

export interface EmailChannel {
  transport: Transporter;
  from: string;
  replyTo?: string;
  unsubscribeUrl?: string;
  onUnknownOutcome: 'resend' | 'review';
}

const transports = new Map<string, Transporter>();

function secret(name: string | undefined, what: string, env: NodeJS.ProcessEnv): string | undefined {
  if (!name) return undefined;
  const value = env[name];
  if (!value) throw new InvalidInputError(`${what}: environment variable ${name} is not set`);
  return value;
}

export function emailChannel(
  settings: DeliverySettings,
  env: NodeJS.ProcessEnv = process.env,
): EmailChannel | null {
  const email = settings.email;
  if (!email) return null;
  const smtp: SmtpSettings = {
    host: email.host,
    port: email.port,
    secure: email.secure,
    user: email.user,
    password: secret(email.passwordEnv, 'SMTP password', env),
    rejectUnauthorized: email.rejectUnauthorized,
  };
  const key = JSON.stringify({ ...smtp, password: smtp.password ? 'set' : 'none', env: email.passwordEnv });
  let transport = transports.get(key);
  if (!transport) {
    transport = smtpTransport(smtp, Number(env.SMTP_TIMEOUT_MS ?? 30_000));
    transports.set(key, transport);
  }
  return {
    transport,
    from: email.from,
    replyTo: email.replyTo,
    unsubscribeUrl: email.unsubscribeUrl,
    onUnknownOutcome: email.onUnknownOutcome,
  };
}

export function smsChannel(
  settings: DeliverySettings,
  env: NodeJS.ProcessEnv = process.env,
): TwilioSettings | null {
  const sms = settings.sms;
  if (!sms) return null;
  return {
    baseUrl: sms.baseUrl,
    accountSid: sms.accountSid,
    authToken: secret(sms.authTokenEnv, 'SMS auth token', env)!,
    from: sms.from,
    statusCallbackUrl: sms.statusCallbackUrl,
  };
}

/** The email address from a From header value ("Acme <billing@acme.test>" → billing@acme.test). */
export function addressOf(from: string): string {
  return /<([^>]+)>/.exec(from)?.[1] ?? from.trim();
}

/**
 * A reminder's List-Unsubscribe target: the tenant's URL, with {{token}} replaced by a token
 * signed with UNSUBSCRIBE_SECRET (apps/ingest /email/unsubscribe/<tenant>/<token>). Without the
 * secret a URL that needs a token is left out rather than sent broken.
 */
export function unsubscribeLink(
  email: EmailChannel,
  env: NodeJS.ProcessEnv,
  row: { tenantId: string; id: string },
): string | undefined {
  const url = email.unsubscribeUrl;
  if (!url?.includes('{{token}}')) return url;
  const secret = env.UNSUBSCRIBE_SECRET;
  return secret ? url.replace('{{token}}', unsubscribeToken(secret, row.tenantId, row.id)) : undefined;
}
