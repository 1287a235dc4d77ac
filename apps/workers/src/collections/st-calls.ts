// The ServiceTitan calls collections need that the shared client does not have yet: tag types
// (settings v2, read-only), tagging a customer (CRM v2), and Task Management tasks with
// sub-tasks (`/taskmanagement/v2`). Appends (tasks, sub-tasks) are not idempotent: callers guard
// them with the write ledger (runSteps) and find them again by a reference in their text.
import type { StClient } from '@invoicer/servicetitan';
import { z } from 'zod';

const Id = z.number().int();
export const TagType = z.looseObject({ id: Id, name: z.string(), active: z.boolean().nullish() });
export const SubTask = z.looseObject({
  id: Id,
  name: z.string(),
  dueDateTime: z.string().nullish(),
  isClosed: z.boolean().nullish(),
});
export const Task = z.looseObject({
  id: Id,
  name: z.string(),
  description: z.string().nullish(),
  customerId: Id.nullish(),
  priority: z.string().nullish(),
  subTasks: z.array(SubTask).nullish(),
});
export type Task = z.infer<typeof Task>;
const Created = z.looseObject({ id: Id });

export function listTagTypes(client: StClient) {
  return client.listAll('settings', '/tag-types', TagType);
}

/** A customer's tags are a set: tagging again is harmless. */
export async function tagCustomer(client: StClient, customerId: number, tagTypeId: number): Promise<void> {
  await client.http.request('POST', 'crm', `/customers/${customerId}/tags/${tagTypeId}`, {
    idempotent: true,
  });
}

export function listCustomerTasks(client: StClient, customerId: number) {
  return client.listAll('taskmanagement', '/tasks', Task, { customerId });
}

export function createTask(client: StClient, body: Record<string, unknown>) {
  return client.http.request('POST', 'taskmanagement', '/tasks', {
    body,
    schema: Created,
    idempotent: false,
  });
}

export function createSubTask(client: StClient, taskId: number, body: Record<string, unknown>) {
  return client.http.request('POST', 'taskmanagement', `/tasks/${taskId}/subtasks`, {
    body,
    schema: Created,
    idempotent: false,
  });
}

/** Removing a tag the customer does not carry is harmless (tags are a set). */
export async function untagCustomer(client: StClient, customerId: number, tagTypeId: number): Promise<void> {
  await client.http.request('DELETE', 'crm', `/customers/${customerId}/tags/${tagTypeId}`, {
    idempotent: true,
  });
}

/** Notes cannot be edited or unpinned (no PATCH); a pinned note is replaced by deleting it. */
export async function deleteCustomerNote(
  client: StClient,
  customerId: number,
  noteId: number,
): Promise<void> {
  await client.http.request('DELETE', 'crm', `/customers/${customerId}/notes/${noteId}`, {
    idempotent: true,
  });
}
