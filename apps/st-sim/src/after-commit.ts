// Failing after commit: a write (PATCH/POST/PUT/DELETE on the API) is applied to the store, and
// only then is the answer lost. `error` replaces the success with a 500, `drop` destroys the
// socket before anything is sent (the client sees a reset), `either` picks one at random. A
// client that treats such a failure as "not written" and writes again duplicates the write;
// the knob is set like the others (`POST /_sim/faults {"failAfterCommit": {...}}` or
// `faults.update`), and what it did is counted (`GET /_sim/after-commit`).
import type { FastifyInstance } from 'fastify';
import type { CallStats, Faults } from './faults.ts';

export interface AfterCommitFault {
  /** Share (0..1) of matching successful writes whose answer is lost. */
  rate: number;
  mode: 'error' | 'drop' | 'either';
  /** Only writes whose "METHOD /route" contains this string (e.g. "/items"). */
  match?: string;
  /** Fail at most this many writes, then the knob turns itself off (one-off scripts in tests). */
  times?: number;
}

export interface AfterCommitCounts {
  /** Successful writes seen (applied), whether or not their answer was then lost. */
  writes: number;
  /** Writes applied and answered 500. */
  errors: number;
  /** Writes applied and answered by dropping the connection. */
  drops: number;
  /** The lost answers by "METHOD /route". */
  byEndpoint: Record<string, number>;
}

const WRITE_METHODS = new Set(['PATCH', 'POST', 'PUT', 'DELETE']);

/** The onSend hook that applies `faults.config.failAfterCommit`, and its counters. */
export function registerAfterCommit(
  app: FastifyInstance,
  faults: Faults,
  stats?: CallStats,
  random: () => number = Math.random,
): AfterCommitCounts {
  const counts: AfterCommitCounts = { writes: 0, errors: 0, drops: 0, byEndpoint: {} };
  app.addHook('onSend', async (request, reply, payload) => {
    if (!WRITE_METHODS.has(request.method) || reply.statusCode >= 400) return payload;
    if (!/^\/[a-z-]+\/v2\/tenant\//.test(request.url)) return payload;
    counts.writes += 1;
    const fault = faults.config.failAfterCommit;
    if (!fault || fault.rate <= 0 || (fault.times !== undefined && fault.times <= 0)) return payload;
    const endpoint = `${request.method} ${request.routeOptions.url ?? request.url}`;
    if (fault.match && !endpoint.includes(fault.match)) return payload;
    if (random() >= fault.rate) return payload;
    if (fault.times !== undefined) {
      const left = fault.times - 1;
      faults.update({ failAfterCommit: left > 0 ? { ...fault, times: left } : null });
    }
    counts.byEndpoint[endpoint] = (counts.byEndpoint[endpoint] ?? 0) + 1;
    const mode = fault.mode === 'either' ? (random() < 0.5 ? 'error' : 'drop') : fault.mode;
    if (mode === 'drop') {
      counts.drops += 1;
      request.raw.socket.destroy();
      return payload;
    }
    counts.errors += 1;
    stats?.status(500);
    reply.code(500).header('content-type', 'application/json; charset=utf-8');
    return JSON.stringify({
      type: 'https://tools.ietf.org/html/rfc7231#section-6.6.1',
      title: 'Internal server error',
      status: 500,
      traceId: null,
      errors: {},
      data: {},
    });
  });
  app.get('/_sim/after-commit', async () => ({ config: faults.config.failAfterCommit, ...counts }));
  return counts;
}
