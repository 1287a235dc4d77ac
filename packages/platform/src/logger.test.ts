import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createLogger, REDACT_PATHS } from './logger.ts';

function capture() {
  const lines: string[] = [];
  const destination = { write: (s: string) => void lines.push(s) } as pino.DestinationStream;
  return { lines, destination };
}

// Every shape a redact path can reach: secret keys at the top, one, two and three levels down,
// through arrays, in class instances, null-prototype objects, errors and bindings.
class Credentials {
  password = 'class-password';
  user = 'u';
}
const CASES: [Record<string, unknown>, string?][] = [
  [{ authorization: 'Bearer top-token', ok: 1 }],
  [{ headers: { Authorization: 'Bearer header-token', accept: 'application/json' } }],
  [{ req: { headers: { authorization: 'Bearer deep-token', 'x-st-signature': 'sig' } } }],
  [{ a: { b: { c: { password: 'too-deep-kept-as-pino-does' } } } }],
  [{ list: [{ password: 'in-array' }, { ok: 1 }], other: [1, 'two', null] }],
  [{ list: [[{ password: 'array-in-array' }]] }],
  [{ nested: { list: [{ accessToken: 'nested-array-kept-as-pino-does' }] } }],
  [{ outer: { credentials: { user: 'u', password: 'p' }, keep: true } }],
  [{ s: 'plain', n: 5, b: true, none: null, when: new Date(0), inf: Number.POSITIVE_INFINITY }],
  [{ err: new Error('boom') }],
  [{ custom: { toJSON: () => ({ shown: 'yes' }) } }],
  [{ creds: new Credentials() }],
  [{ np: Object.assign(Object.create(null) as object, { cookie: 'np-cookie', ok: 1 }) }],
  [{ 'set-cookie': ['a=b'], cookie: 'c', st: { 'ST-App-Key': 'k', app_key: 'k2' } }],
  [{ deep: { secret: 's', inner: { clientSecret: 'c', other: { sessionToken: 't' } } } }],
  [{ x: 1 }, 'interpolated %s and %j'],
];

describe('logger redaction', () => {
  it('redacts secret fields in log lines and child bindings', () => {
    const { lines, destination } = capture();
    const log = createLogger({ name: 'test', level: 'info', destination });
    log.info({ password: 'pw-1', headers: { authorization: 'Bearer tok-2' } }, 'login');
    log
      .child({ tenant: 't', client: { client_secret: 'cs-3' } })
      .info({ data: { token: { accessToken: 'at-4' } } }, 'call');
    log
      .child({ app: 'ingest', config: { credentials: 'cred-5' } })
      .warn({ req: { headers: { cookie: 'ck-6' } } }, 'x');
    const out = lines.join('');
    for (const secret of ['pw-1', 'tok-2', 'cs-3', 'at-4', 'cred-5', 'ck-6'])
      expect(out).not.toContain(secret);
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toMatchObject([
      { password: '[redacted]', headers: { authorization: '[redacted]' }, msg: 'login' },
      { client: { client_secret: '[redacted]' }, data: { token: { accessToken: '[redacted]' } } },
      { app: 'ingest', config: { credentials: '[redacted]' }, req: { headers: { cookie: '[redacted]' } } },
    ]);
  });

  it('censors exactly what pino’s own redaction of REDACT_PATHS censors', () => {
    const ours = capture();
    const reference = capture();
    const log = createLogger({ name: 'same', level: 'info', destination: ours.destination });
    const ref = pino(
      {
        name: 'same',
        level: 'info',
        redact: { paths: REDACT_PATHS, censor: '[redacted]' },
        base: { app: 'same' },
        timestamp: pino.stdTimeFunctions.isoTime,
      },
      reference.destination,
    );
    for (const logger of [log, ref]) {
      for (const [fields, msg] of CASES) logger.info(fields, msg ?? 'case', 'arg', { password: 'fmt' });
      for (const [fields] of CASES) logger.child(fields).info('bound');
    }
    const untimed = (l: string) => l.replace(/"time":"[^"]*",/, '');
    expect(ours.lines.length).toBe(CASES.length * 2);
    expect(ours.lines.map(untimed)).toEqual(reference.lines.map(untimed));
  });
});
