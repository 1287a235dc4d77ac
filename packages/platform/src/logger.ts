// Structured logs (pino). Secrets never reach a log line: known secret fields are redacted
// wherever they appear, and URLs with credentials are masked before logging.
import type { FastifyInstance, FastifyRequest } from 'fastify';
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
  const logger = pino(
    {
      name: options.name,
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { app: options.name },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
  // pino writes a child's bindings after its parent's without merging them, so
  // `log.child({ app: 'ingest' })` (the demo runs every app in one process) printed "app" twice
  // ({"app":"demo",...,"app":"ingest"}), which most log pipelines reject or resolve to either
  // value. A child that names its own app is a new root logger for that app instead, on the
  // same stream and at the same level, keeping the parent's other bindings.
  type ChildFn = (this: Logger, bindings: pino.Bindings, childOptions?: pino.ChildLoggerOptions) => Logger;
  const plainChild = logger.child as unknown as ChildFn;
  const child: ChildFn = function (this, bindings, childOptions) {
    if (!bindings || !Object.hasOwn(bindings, 'app')) return plainChild.call(this, bindings, childOptions);
    const { app, ...rest } = bindings;
    const { pid: _pid, hostname: _hostname, name: _name, app: _app, ...inherited } = this.bindings();
    const stream = (this as unknown as Record<symbol, pino.DestinationStream>)[pino.symbols.streamSym];
    const root = createLogger({ name: String(app), level: this.level, destination: stream });
    const extra = { ...inherited, ...rest };
    return Object.keys(extra).length || childOptions ? root.child(extra, childOptions) : root;
  };
  logger.child = child as unknown as Logger['child'];
  return logger;
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

/** Paths whose successful requests are logged at debug only (probes, scrapes, static assets). */
const QUIET_ROUTES = /^\/(healthz|readyz|metrics)$|^\/static\//;

/** What one request log line says about the request; nothing else is read from it. */
export interface RequestLogFields {
  method: string;
  route: string;
  status: number;
  ms: number;
  user?: string;
}

/**
 * One log line per answered request, at info (warn for 4xx, error for 5xx; successful health
 * probes, scrapes and static files at debug). It names the route pattern, never the raw URL (a
 * query string can carry a token), and never reads headers, cookies or bodies, so passwords,
 * CSRF tokens, session cookies, authorization headers and webhook bodies cannot reach it.
 */
export function logRequests(
  app: FastifyInstance,
  log: Logger,
  options: { user?: (request: FastifyRequest) => string | undefined } = {},
): void {
  app.addHook('onResponse', async (request, reply) => {
    const pattern = request.routeOptions.url;
    // No route matched (a 404): the path without its query string.
    const route = pattern ?? (request.url.split('?')[0] || '/').slice(0, 200);
    const status = reply.statusCode;
    const fields: RequestLogFields = {
      method: request.method,
      route,
      status,
      ms: Math.round(reply.elapsedTime * 10) / 10,
    };
    const user = options.user?.(request);
    if (user) fields.user = user;
    if (status >= 500) log.error(fields, 'request');
    else if (status >= 400) log.warn(fields, 'request');
    else if (QUIET_ROUTES.test(route)) log.debug(fields, 'request');
    else log.info(fields, 'request');
  });
}
