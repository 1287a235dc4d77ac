// Route registration under the real URL pattern /{module}/v2/tenant/{tenantId}/... Handlers
// return the response body; SimHttpError becomes the ApiErrorResponse body.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Query, SimHttpError, sendError } from '../http-helpers.ts';
import type { SimTenant } from '../tenant.ts';
import type { UnitPricePolicy } from '../writes.ts';

export interface RouteContext {
  tenant: SimTenant;
  unitPricePolicy: UnitPricePolicy;
  /** Called after every successful write, so the journal can persist it. */
  onWrite(op: string, args: Record<string, unknown>): void;
  onCompleted(jobId: number): void;
}

export type Handler = (request: {
  params: Record<string, string>;
  query: Query;
  body: unknown;
  reply: FastifyReply;
}) => unknown | Promise<unknown>;

export function moduleRoutes(app: FastifyInstance, module: string) {
  const prefix = `/${module}/v2/tenant/:tenant`;
  const wrap = (handler: Handler) => async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      const result = await handler({
        params: request.params as Record<string, string>,
        query: request.query as Query,
        body: request.body,
        reply,
      });
      if (reply.sent) return reply;
      if (result === undefined) return reply.code(200).send();
      return reply.send(result);
    } catch (error) {
      if (error instanceof SimHttpError) return sendError(reply, error.status, error.title, error.errors);
      throw error;
    }
  };
  return {
    get: (path: string, h: Handler) => app.get(`${prefix}${path}`, wrap(h)),
    post: (path: string, h: Handler) => app.post(`${prefix}${path}`, wrap(h)),
    put: (path: string, h: Handler) => app.put(`${prefix}${path}`, wrap(h)),
    patch: (path: string, h: Handler) => app.patch(`${prefix}${path}`, wrap(h)),
    delete: (path: string, h: Handler) => app.delete(`${prefix}${path}`, wrap(h)),
  };
}

export function idParam(params: Record<string, string>, name = 'id'): number {
  const value = Number(params[name]);
  if (!Number.isInteger(value)) {
    throw new SimHttpError(400, 'One or more validation errors occurred.', {
      [name]: [`The value '${params[name]}' is not valid.`],
    });
  }
  return value;
}

export function found<T>(record: T | undefined, what: string, id: number): T {
  if (!record) throw new SimHttpError(404, `${what} with id ${id} not found`);
  return record;
}

/** Drop private `_` index fields before a record leaves the simulator. */
export function publicRecord<T extends object>(record: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) if (!k.startsWith('_')) out[k] = v;
  return out as T;
}

export function exported<T extends object>(record: T): T {
  return { ...publicRecord(record), active: (record as { active?: boolean | null }).active ?? true };
}
