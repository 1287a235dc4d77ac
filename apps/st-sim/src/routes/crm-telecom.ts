// Customer messaging resources (issue 15): CRM customer contacts and notes (v2), and the Telecom
// v3 SMS opt-out list. Contacts come from the generator's deterministic contacts unless a test
// replaces them (simMessaging(tenant).contacts). Telecom is v3, outside the v2 hook, so it
// checks the token itself.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TokenIssuer } from '../auth.ts';
import { contactsForCustomer, type SimContact } from '../generator/contacts.ts';
import { listResponse, SimHttpError, sendError } from '../http-helpers.ts';
import type { SimTenant } from '../tenant.ts';
import { found, idParam, moduleRoutes, type RouteContext } from './api.ts';

export interface SimNote {
  id: number;
  text: string;
  isPinned: boolean;
  createdById: number;
  createdOn: string;
  modifiedOn: string;
}

export interface SimMessagingState {
  contacts: Map<number, SimContact[]>;
  notes: Map<number, SimNote[]>;
  /** E.164 number → opt-out type. */
  optOuts: Map<string, string>;
  /** Counts of writes, for tests (a duplicate note is a bug). */
  writes: { notes: number; optOuts: number };
}

const states = new WeakMap<SimTenant, SimMessagingState>();

export function simMessaging(tenant: SimTenant): SimMessagingState {
  let state = states.get(tenant);
  if (!state) {
    state = { contacts: new Map(), notes: new Map(), optOuts: new Map(), writes: { notes: 0, optOuts: 0 } };
    states.set(tenant, state);
  }
  return state;
}

let nextNoteId = 950_000_000;

export function registerCrmTelecom(app: FastifyInstance, ctx: RouteContext, tokens: TokenIssuer): void {
  const { tenant } = ctx;
  const state = simMessaging(tenant);
  const customer = (id: number) => found(tenant.customers.get(id), 'Customer', id);
  const contactsOf = (id: number) => {
    const c = customer(id);
    let list = state.contacts.get(id);
    if (!list) {
      list = contactsForCustomer({ id: c.id, name: c.name });
      state.contacts.set(id, list);
    }
    return list;
  };

  const crm = moduleRoutes(app, 'crm');
  crm.get('/customers/:id/contacts', ({ params, query }) => listResponse(contactsOf(idParam(params)), query));
  crm.get('/customers/:id/notes', ({ params, query }) => {
    const id = idParam(params);
    customer(id);
    return listResponse(state.notes.get(id) ?? [], query);
  });
  crm.post('/customers/:id/notes', ({ params, body }) => {
    const id = idParam(params);
    customer(id);
    const b = (body ?? {}) as { text?: unknown; pinToTop?: unknown };
    if (typeof b.text !== 'string' || !b.text.trim())
      throw new SimHttpError(400, 'One or more validation errors occurred.', {
        text: ['The Text field is required.'],
      });
    const now = new Date().toISOString();
    const note: SimNote = {
      id: nextNoteId++,
      text: b.text,
      isPinned: b.pinToTop === true,
      createdById: 1,
      createdOn: now,
      modifiedOn: now,
    };
    state.notes.set(id, [...(state.notes.get(id) ?? []), note]);
    state.writes.notes += 1;
    return note;
  });

  const prefix = '/telecom/v3/tenant/:tenant/optinouts/optouts';
  const guard = (request: { headers: Record<string, unknown>; params: unknown }) => {
    const denied = tokens.check(
      request.headers.authorization as string | undefined,
      request.headers['st-app-key'] as string | undefined,
    );
    if (denied) return { status: 401, title: denied };
    if ((request.params as { tenant: string }).tenant !== String(tenant.meta.tenantId))
      return { status: 403, title: 'Tenant is not accessible with these credentials' };
    return null;
  };
  const numbersOf = (body: unknown): string[] => {
    const numbers = (body as { contactNumbers?: unknown } | null)?.contactNumbers;
    if (!Array.isArray(numbers) || numbers.some((n) => typeof n !== 'string' || !/^\+?\d{10,15}$/.test(n)))
      throw new SimHttpError(400, 'One or more validation errors occurred.', {
        contactNumbers: ['Contact numbers must be valid parseable phone numbers'],
      });
    return numbers as string[];
  };
  const run = (handler: (body: unknown) => unknown) => async (r: FastifyRequest, reply: FastifyReply) => {
    const denied = guard(r as unknown as { headers: Record<string, unknown>; params: unknown });
    if (denied) return sendError(reply, denied.status, denied.title);
    try {
      return handler(r.body);
    } catch (error) {
      if (error instanceof SimHttpError) return sendError(reply, error.status, error.title, error.errors);
      throw error;
    }
  };
  app.get(
    prefix,
    run(() => ({
      data: [...state.optOuts].map(([contactNumber, optOutType]) => ({ contactNumber, optOutType })),
    })),
  );
  app.post(
    `${prefix}/getlist`,
    run((body) => ({
      data: numbersOf(body)
        .filter((n) => state.optOuts.has(n))
        .map((n) => ({ contactNumber: n, optOutType: state.optOuts.get(n) })),
    })),
  );
  app.post(
    prefix,
    run((body) => {
      const type = (body as { optOutType?: unknown } | null)?.optOutType;
      if (!['Global', 'Marketing', 'Other'].includes(String(type)))
        throw new SimHttpError(400, 'One or more validation errors occurred.', { optOutType: ['invalid'] });
      const numbers = numbersOf(body);
      for (const n of numbers) state.optOuts.set(n, String(type));
      state.writes.optOuts += 1;
      return { data: numbers.map((contactNumber) => ({ contactNumber, status: 'Ok' })) };
    }),
  );
}
