// Collections resources (issue 16, FEATURES-RESEARCH A.1/B.1): tag types (settings v2), customer
// tags (CRM v2, a set: tagging twice is harmless), and Task Management tasks with sub-tasks
// (`/taskmanagement/v2`, not the docs' `/task-management/`). Tasks and sub-tasks are appends:
// posting twice makes two, which is what the write ledger must prevent. The invoice custom
// field type "Payment plan" is added, as a shop's admin would create it once.
import type { FastifyInstance } from 'fastify';
import { listResponse, SimHttpError } from '../http-helpers.ts';
import type { SimTenant } from '../tenant.ts';
import { found, idParam, moduleRoutes, type RouteContext } from './api.ts';
import { simMessaging } from './crm-telecom.ts';

export interface SimSubTask {
  id: number;
  name: string;
  isClosed: boolean;
  assignedToId: number | null;
  dueDateTime: string | null;
  createdOn: string;
}

export interface SimTask {
  id: number;
  name: string;
  description: string | null;
  customerId: number | null;
  jobId: number | null;
  priority: string;
  isClosed: boolean;
  assignedToId: number | null;
  reportedById: number | null;
  businessUnitId: number | null;
  completeBy: string | null;
  createdOn: string;
  subTasks: SimSubTask[];
}

export interface SimCollectionsState {
  tagTypes: { id: number; name: string; active: boolean }[];
  tasks: SimTask[];
  writes: { tags: number; tagsRemoved: number; notesDeleted: number; tasks: number; subTasks: number };
}

const states = new WeakMap<SimTenant, SimCollectionsState>();

export function simCollections(tenant: SimTenant): SimCollectionsState {
  let state = states.get(tenant);
  if (!state) {
    state = {
      tagTypes: [
        { id: 7001, name: 'Payment plan', active: true },
        { id: 7002, name: 'Collections', active: true },
      ],
      tasks: [],
      writes: { tags: 0, tagsRemoved: 0, notesDeleted: 0, tasks: 0, subTasks: 0 },
    };
    states.set(tenant, state);
  }
  return state;
}

let nextTaskId = 880_000_000;
const PRIORITIES = ['Low', 'Normal', 'High', 'Urgent'];
const invalid = (field: string, message: string) =>
  new SimHttpError(400, 'One or more validation errors occurred.', { [field]: [message] });

export function registerCollections(app: FastifyInstance, ctx: RouteContext): void {
  const { tenant } = ctx;
  const state = simCollections(tenant);

  moduleRoutes(app, 'settings').get('/tag-types', ({ query }) => listResponse(state.tagTypes, query));

  const crm = moduleRoutes(app, 'crm');
  crm.post('/customers/:id/tags/:tagTypeId', ({ params }) => {
    const customer = found(tenant.customers.get(idParam(params)), 'Customer', idParam(params));
    const tagTypeId = idParam(params, 'tagTypeId');
    if (!state.tagTypes.some((t) => t.id === tagTypeId))
      throw invalid('tagTypeId', `Tag type ${tagTypeId} does not exist.`);
    const c = customer as { tagTypeIds?: number[] | null };
    c.tagTypeIds = [...new Set([...(c.tagTypeIds ?? []), tagTypeId])];
    state.writes.tags += 1;
    ctx.onWrite('customerTag', { customerId: idParam(params), tagTypeId });
    return undefined;
  });

  // Removing a tag the customer does not carry is not an error (tags are a set).
  crm.delete('/customers/:id/tags/:tagTypeId', ({ params }) => {
    const customer = found(tenant.customers.get(idParam(params)), 'Customer', idParam(params));
    const tagTypeId = idParam(params, 'tagTypeId');
    const c = customer as { tagTypeIds?: number[] | null };
    c.tagTypeIds = (c.tagTypeIds ?? []).filter((t) => t !== tagTypeId);
    state.writes.tagsRemoved += 1;
    ctx.onWrite('customerTagRemoved', { customerId: idParam(params), tagTypeId });
    return undefined;
  });
  crm.delete('/customers/:id/notes/:noteId', ({ params }) => {
    const id = idParam(params);
    found(tenant.customers.get(id), 'Customer', id);
    const notes = simMessaging(tenant).notes;
    const noteId = idParam(params, 'noteId');
    const list = notes.get(id) ?? [];
    if (!list.some((n) => n.id === noteId)) throw new SimHttpError(404, `Note with id ${noteId} not found`);
    notes.set(
      id,
      list.filter((n) => n.id !== noteId),
    );
    state.writes.notesDeleted += 1;
    ctx.onWrite('customerNoteDeleted', { customerId: id, noteId });
    return undefined;
  });

  const tm = moduleRoutes(app, 'taskmanagement');
  tm.get('/tasks', ({ query }) => {
    const customerId = query.customerId ? Number(query.customerId) : null;
    return listResponse(
      state.tasks.filter((t) => customerId === null || t.customerId === customerId),
      query,
    );
  });
  tm.get('/tasks/:id', ({ params }) =>
    found(
      state.tasks.find((t) => t.id === idParam(params)),
      'Task',
      idParam(params),
    ),
  );
  tm.post('/tasks', ({ body }) => {
    const b = (body ?? {}) as Record<string, unknown>;
    if (typeof b.name !== 'string' || !b.name.trim()) throw invalid('name', 'The Name field is required.');
    const priority = typeof b.priority === 'string' ? b.priority : 'Normal';
    if (!PRIORITIES.includes(priority)) throw invalid('priority', `Priority '${priority}' is not valid.`);
    const num = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) ? v : null);
    const task: SimTask = {
      id: nextTaskId++,
      name: b.name,
      description: typeof b.description === 'string' ? b.description : null,
      customerId: num(b.customerId),
      jobId: num(b.jobId),
      priority,
      isClosed: b.isClosed === true,
      assignedToId: num(b.assignedToId),
      reportedById: num(b.reportedById),
      businessUnitId: num(b.businessUnitId),
      completeBy: typeof b.completeBy === 'string' ? b.completeBy : null,
      createdOn: new Date().toISOString(),
      subTasks: [],
    };
    state.tasks.push(task);
    state.writes.tasks += 1;
    ctx.onWrite('task', { taskId: task.id });
    return { id: task.id };
  });
  tm.post('/tasks/:id/subtasks', ({ params, body }) => {
    const task = found(
      state.tasks.find((t) => t.id === idParam(params)),
      'Task',
      idParam(params),
    );
    const b = (body ?? {}) as Record<string, unknown>;
    if (typeof b.name !== 'string' || !b.name.trim()) throw invalid('name', 'The Name field is required.');
    const sub: SimSubTask = {
      id: nextTaskId++,
      name: b.name,
      isClosed: b.isClosed === true,
      assignedToId: typeof b.assignedToId === 'number' ? b.assignedToId : null,
      dueDateTime: typeof b.dueDateTime === 'string' ? b.dueDateTime : null,
      createdOn: new Date().toISOString(),
    };
    task.subTasks.push(sub);
    state.writes.subTasks += 1;
    ctx.onWrite('subTask', { taskId: task.id, subTaskId: sub.id });
    return { id: sub.id };
  });
}
