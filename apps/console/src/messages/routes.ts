// Messages on the item page: the timeline fragment, and a clerk's resend (to the best contact
// or one they choose). A resend is a new ledger row (step manual-N) sent by the workers through
// the same channel rules, opt-outs and quiet hours; caps and the reminder gap do not hold it.
// Access and tenant scoping come from the role matrix (auth/roles.ts).
import { appendAudit, planMessage } from '@invoicer/db';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { isManager } from '../auth/roles.ts';
import { HttpError, parseInput } from '../http/errors.ts';
import { done, sendHtml, wantsJson } from '../http/respond.ts';
import { ItemParams } from '../review/forms.ts';
import type { ConsoleServices } from '../services.ts';
import { viewerOf } from '../views/layout.ts';
import { messagesFragment } from '../views/messages.ts';
import { loadItemMessages } from './load.ts';

const ResendForm = z.object({
  contactId: z
    .string()
    .trim()
    .regex(/^\d{0,18}$/, 'is not a contact id')
    .optional()
    .transform((v) => v || null),
});

export function registerMessageRoutes(app: FastifyInstance, services: ConsoleServices): void {
  app.get('/items/:id/messages', async (request, reply) => {
    const { id } = parseInput(ItemParams, request.params);
    const viewer = viewerOf(request);
    const loaded = await loadItemMessages(services, id, { contacts: !wantsJson(request) });
    if (!loaded) throw new HttpError(404, 'There is no such review item.');
    if (wantsJson(request)) return reply.send(loaded);
    const role = viewer.user?.role;
    const canAct = role === 'billing_specialist' || (role !== undefined && isManager(role));
    return sendHtml(reply, messagesFragment(viewer, loaded, canAct));
  });

  app.post('/items/:id/messages/resend', async (request, reply) => {
    const { id } = parseInput(ItemParams, request.params);
    const form = parseInput(ResendForm, request.body);
    const user = viewerOf(request).user!;
    const loaded = await loadItemMessages(services, id);
    if (!loaded) throw new HttpError(404, 'There is no such review item.');
    const base = loaded.base;
    if (!base)
      throw new HttpError(409, 'Nothing has been sent for this invoice yet, so there is nothing to resend.');
    const manual = loaded.messages.filter((m) => m.step.startsWith('manual-')).length;
    const { row, created } = await planMessage(services.db, {
      tenantId: base.tenantId,
      subjectKind: base.subjectKind,
      subjectId: base.subjectId,
      purpose: 'invoice',
      step: `manual-${manual + 1}`,
      revision: base.revision,
      category: 'transactional',
      runId: base.runId,
      customerId: base.customerId === null ? null : Number(base.customerId),
      contactId: form.contactId,
      requestedBy: user.id,
    });
    if (created) {
      await services.queues.enqueue('message.send', { tenantId: base.tenantId, messageId: row.id });
      await appendAudit(services.db, {
        tenantId: base.tenantId,
        actorType: 'user',
        actor: user.id,
        action: 'message.resend',
        runId: base.runId,
        reviewItemId: id,
        data: { messageId: row.id, contactId: form.contactId, subjectId: base.subjectId },
      });
    }
    return done(request, reply, `/items/${id}`, { messageId: row.id, created });
  });
}
