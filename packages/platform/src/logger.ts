// Structured logs (pino). Secrets never reach a log line: known secret fields are redacted
// wherever they appear, and URLs with credentials are masked before logging.
import { type Logger, pino } from 'pino';

export type { Logger } from 'pino';

const SECRET_KEYS = [
  'authorization',
  'Authorization',
  'password',
  'passwordHash',
  'client_secret',
  'clientSecret',
  'access_token',
  'accessToken',
  'appKey',
  'app_key',
  'ST-App-Key',
  'st-app-key',
  'cookie',
  'set-cookie',
  'sessionToken',
  'secret',
  'credentials',
  'x-st-signature',
];

export const REDACT_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  ...SECRET_KEYS.map((k) => `*.*.${k}`),
];

export function createLogger(options: {
  name: string;
  level?: string;
  destination?: pino.DestinationStream;
}): Logger {
  return pino(
    {
      name: options.name,
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { app: options.name },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}

/** Mask the password in a connection URL, for messages and logs. */
export function maskUrl(value: string): string {
  try {
    const u = new URL(value);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '[unparseable url]';
  }
}
