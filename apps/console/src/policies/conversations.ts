// Assistant conversations in the console (issue 19): the tenant's conversations, newest first,
// with their handoffs (each links to its review item), and one conversation's turns: question,
// the reply shown, the provider, the tool calls and the guard's decision (with the model's
// original reply when the guard replaced it).
import { clearPause } from '@invoicer/db';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { auditUser } from '../audit/record.ts';
import { noTenant, visibleTenants } from '../auth/tenant-scope.ts';
import { HttpError, parseInput } from '../http/errors.ts';
import { sendHtml, wantsJson } from '../http/respond.ts';
import type { ConsoleServices } from '../services.ts';
import { href, html } from '../views/html.ts';
import { csrfField, layout, viewerOf } from '../views/layout.ts';

const Query = z.object({
  tenant: z.string().max(64).optional(),
  id: z.uuid('not a conversation id').optional(),
  done: z.string().max(20).optional(),
});
const Resolve = z.object({
  tenant: z.string().min(1).max(64),
  id: z.uuid('not a conversation id'),
  note: z.string().trim().min(1, 'say what was done').max(1000),
  resume: z.enum(['on', 'true']).optional(),
});

export function registerConversationRoutes(app: FastifyInstance, services: ConsoleServices): void {
  const { db } = services;

  app.get('/conversations', async (request, reply) => {
    const { tenant, id, done } = parseInput(Query, request.query);
    const tenants = await visibleTenants(db, request.auth!.user);
    const tenantId = (tenant ? tenants.find((t) => t.id === tenant) : tenants[0])?.id;
    if (!tenantId) throw new HttpError(404, tenant ? noTenant(tenant) : 'No tenants are registered yet.');
    const viewer = viewerOf(request);
    if (id) {
      const c = await db.assistantConversation.findFirst({
        where: { id, tenantId },
        include: { turns: { orderBy: { id: 'asc' } } },
      });
      if (!c) throw new HttpError(404, 'There is no such conversation.');
      if (wantsJson(request))
        return reply.send(JSON.parse(JSON.stringify(c, (_k, v) => (typeof v === 'bigint' ? String(v) : v))));
      return sendHtml(
        reply,
        layout(viewer, {
          title: 'Conversation',
          active: 'conversations',
          body: html`<h1>Conversation · invoice ${String(c.invoiceId)} · customer ${String(c.customerId)}</h1>
${done ? html`<p class="flash flash-ok" role="status">Resolved.</p>` : ''}
${
  c.reviewItemId
    ? html`<p>Handed to a person (${c.handoffReason ?? ''}): <a href="/items/${c.reviewItemId}">review item</a></p>
<form method="post" action="/conversations/resolve">${csrfField(viewer)}<input type="hidden" name="tenant" value="${tenantId}"><input type="hidden" name="id" value="${c.id}">
<p><label>What was done (for the record)<br><textarea name="note" rows="2" cols="70" required></textarea></label></p>
<p><label><input type="checkbox" name="resume"> Resume payment reminders for this invoice</label></p>
<button type="submit">Resolve</button></form>`
    : ''
}
${c.turns.map((t) => {
  const guard = t.guard as {
    replaced?: boolean;
    ungrounded?: string[];
    original?: string;
    fallback?: string | null;
  };
  return html`<section class="turn"><p><strong>Customer:</strong> ${t.question}</p><p><strong>Reply</strong> (${t.provider}, ${t.intent}${t.action ? `, ${t.action}` : ''}): ${t.reply}</p>
  ${guard.replaced ? html`<p class="flash flash-warn">Guard replaced the reply: ${(guard.ungrounded ?? []).join(', ')} not in the tool outputs. Original: ${guard.original ?? ''}</p>` : ''}
  ${guard.fallback ? html`<p class="muted">Model failed (${guard.fallback}); the local provider answered.</p>` : ''}
  <details><summary>Tool calls</summary><pre>${JSON.stringify(t.toolCalls, null, 2)}</pre></details></section>`;
})}`,
        }),
      );
    }
    const rows = await db.assistantConversation.findMany({
      where: { tenantId },
      orderBy: { updatedAt: 'desc' },
      take: 100,
      include: { _count: { select: { turns: true } } },
    });
    if (wantsJson(request))
      return reply.send(
        rows.map((r) => ({ ...r, customerId: String(r.customerId), invoiceId: String(r.invoiceId) })),
      );
    return sendHtml(
      reply,
      layout(viewer, {
        title: 'Assistant conversations',
        active: 'conversations',
        body: html`<h1>Assistant conversations · ${tenantId}</h1>
<table><thead><tr><th scope="col">Started</th><th scope="col">Customer</th><th scope="col">Invoice</th><th scope="col">Questions</th><th scope="col">Handoff</th></tr></thead><tbody>
${rows.map(
  (
    r,
  ) => html`<tr><td><a href="/conversations?tenant=${tenantId}&amp;id=${r.id}">${r.createdAt.toISOString().slice(0, 16).replace('T', ' ')}</a></td>
  <td>${String(r.customerId)}</td><td>${String(r.invoiceId)}</td><td>${r._count.turns}</td>
  <td>${r.reviewItemId ? html`<a href="/items/${r.reviewItemId}">${r.handoffReason ?? 'yes'}</a>` : ''}</td></tr>`,
)}</tbody></table>`,
      }),
    );
  });

  // The person who contacted the customer closes the item; reminders resume only when they say so.
  app.post('/conversations/resolve', async (request, reply) => {
    const input = parseInput(Resolve, request.body);
    const user = request.auth!.user;
    const tenants = await visibleTenants(db, user);
    if (!tenants.some((t) => t.id === input.tenant)) throw new HttpError(404, noTenant(input.tenant));
    const c = await db.assistantConversation.findFirst({ where: { id: input.id, tenantId: input.tenant } });
    if (!c?.reviewItemId) throw new HttpError(404, 'There is no such conversation handed to a person.');
    const itemId = c.reviewItemId;
    await db.$transaction(async (tx) => {
      const item = await tx.reviewItem.findUnique({ where: { id: itemId } });
      if (!item || !['open', 'on_hold', 'escalated'].includes(item.status))
        throw new HttpError(409, 'This conversation is already resolved.');
      await tx.reviewItem.update({
        where: { id: itemId },
        data: {
          status: 'resolved',
          resolvedAt: new Date(),
          resolvedBy: user.id,
          resolution: { note: input.note, remindersResumed: Boolean(input.resume) },
          claimedBy: null,
          claimExpiresAt: null,
        },
      });
      await auditUser(tx, user, {
        tenantId: input.tenant,
        action: 'assistant.resolve',
        reviewItemId: itemId,
        data: { conversationId: c.id, note: input.note, remindersResumed: Boolean(input.resume) },
      });
    });
    if (input.resume)
      await clearPause(db, {
        tenantId: input.tenant,
        subjectKind: 'invoice',
        subjectId: String(c.invoiceId),
        reason: 'dispute',
      });
    if (wantsJson(request)) return reply.send({ ok: true });
    return reply.redirect(href('/conversations', { tenant: input.tenant, id: c.id, done: 'resolved' }), 303);
  });
}
