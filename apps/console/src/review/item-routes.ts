// Item routes: the page (viewing claims the item for whoever can act on it), the claim
// heartbeat and release, and the decisions. Browsers get redirects (to the next item after a
// decision, so a queue can be cleared in one sitting); API clients get JSON.
import type { CatalogSku, DraftEdit } from '@invoicer/billing';
import {
  ClaimConflictError,
  claimNextReviewItem,
  claimReviewItem,
  OPEN_REVIEW_STATUSES,
  releaseReviewClaim,
  userNames,
} from '@invoicer/db';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isManager } from '../auth/roles.ts';
import { HttpError, parseInput, ValidationError } from '../http/errors.ts';
import { sendHtml, wantsJson } from '../http/respond.ts';
import { itemConversations } from '../policies/item-conversations.ts';
import type { ConsoleServices } from '../services.ts';
import { attachmentsFragment } from '../views/context.ts';
import { inTimeZone } from '../views/format.ts';
import { href } from '../views/html.ts';
import { itemPage } from '../views/item.ts';
import { errorPage, type Flash, viewerOf } from '../views/layout.ts';
import { approveItem, editDraft, escalateItem, holdItem, rejectItem, resumeItem } from './actions.ts';
import { loadAttachments } from './attachments.ts';
import { ApproveForm, type EditOp, ItemParams, NoteForm, parseEdits, RejectForm } from './forms.ts';
import { loadItemView } from './load.ts';
import { resolvePayment } from './payment-actions.ts';
import { renderPaymentPage } from './payment-page.ts';
import { parsePaymentDecision } from './payment-split.ts';

const STAFF = new Set(['billing_specialist', 'billing_manager', 'admin']);

export const FLASH: Record<string, Flash> = {
  approved: { kind: 'ok', text: 'Approved. It posts to ServiceTitan once the undo window has passed.' },
  undone: { kind: 'ok', text: 'Approval undone: nothing was posted, and the item is back in review.' },
  approved_unqueued: {
    kind: 'warn',
    text: 'Approved and saved, but the posting queue is unreachable; posting resumes when an engineer runs `npm run runs:resume`.',
  },
  payment_unqueued: {
    kind: 'warn',
    text: 'Saved, but the reconcile queue is unreachable; an engineer must re-enqueue it (see the runbook).',
  },
  rejected: { kind: 'ok', text: 'Rejected. The invoice stays as the technician left it.' },
  escalated: { kind: 'ok', text: 'Escalated to a billing manager.' },
  on_hold: { kind: 'ok', text: 'Put on hold (ServiceTitan shows it On hold).' },
  open: { kind: 'ok', text: 'Taken off hold.' },
  released: { kind: 'ok', text: 'Released back to the queue.' },
  resolved: { kind: 'ok', text: 'Payment left open.' },
  payment_approved: { kind: 'ok', text: 'Payment applied; reconciliation has started.' },
  payment_rejected: { kind: 'ok', text: 'Payment item rejected.' },
  clear: { kind: 'ok', text: 'Nothing left to review with these filters. The queue is clear.' },
  nothing_next: { kind: 'ok', text: 'No other item is free to review right now.' },
};

function resolveSku(ref: number | string, catalog: CatalogSku[], field: string): number {
  const text = String(ref).trim();
  const found = /^\d+$/.test(text)
    ? catalog.find((s) => s.id === Number(text))
    : catalog.find((s) => s.code.toLowerCase() === text.toLowerCase());
  if (!found) throw new ValidationError([{ field, message: `no SKU "${text}" in the price book` }]);
  return found.id;
}

export function registerItemRoutes(app: FastifyInstance, services: ConsoleServices): void {
  const { db, env } = services;
  const ttl = env.CLAIM_TTL * 1000;

  async function render(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    extra: { status?: number; flash?: Flash; draftError?: string; draftNotice?: string } = {},
  ) {
    const viewer = viewerOf(request);
    const user = viewer.user!;
    const view = await loadItemView(services, id, user.id);
    if (!view)
      return sendHtml(reply, errorPage(viewer, 404, 'Not found', 'There is no such review item.'), 404);
    const catalog = await services.runtime.catalog(view.item.tenantId).catch(() => null);
    const resolvedBy = view.item.resolvedBy
      ? (await userNames(db, [view.item.resolvedBy])).get(view.item.resolvedBy)
      : undefined;
    const open = OPEN_REVIEW_STATUSES.includes(view.item.status as never);
    // Payment exceptions have their own page (views/payment.ts): decision first, deposit beside candidates.
    if (view.item.kind === 'payment')
      return sendHtml(
        reply,
        await renderPaymentPage(services, viewer, view, {
          canWork: STAFF.has(user.role),
          canAct: STAFF.has(user.role) && open && (!view.holder || view.holder.mine),
          resolvedBy,
          flash: extra.flash,
        }),
        extra.status ?? 200,
      );
    const settings = await services.runtime.settings(view.item.tenantId).catch(() => null);
    const conversations = await itemConversations(services, view);
    const page = inTimeZone(settings?.rules.afterHours.timezone, () =>
      itemPage(viewer, {
        view,
        conversations,
        canWork: STAFF.has(user.role),
        canAct: STAFF.has(user.role) && open && (!view.holder || view.holder.mine),
        canSetPrice: isManager(user.role),
        names: {
          businessUnit: view.item.businessUnitId
            ? catalog?.businessUnitNames.get(Number(view.item.businessUnitId))
            : undefined,
          jobType: view.item.jobTypeId ? catalog?.jobTypeNames.get(Number(view.item.jobTypeId)) : undefined,
          resolvedBy,
        },
        codeNames: catalog
          ? { jobTypes: catalog.jobTypeNames, businessUnits: catalog.businessUnitNames }
          : undefined,
        ...extra,
      }),
    );
    return sendHtml(reply, page, extra.status ?? 200);
  }

  /** After a decision: the next item for this person, or the queue when nothing is left. */
  async function nextLocation(request: FastifyRequest, tenantId: string, done: string, current: string) {
    const user = request.auth!.user;
    const next = await claimNextReviewItem(
      db,
      { tenantId, statuses: isManager(user.role) ? ['escalated', 'open'] : ['open'] },
      user.id,
      ttl,
      [current],
    );
    return next ? href(`/items/${next}`, { done }) : href('/queue', { tenant: tenantId, done: 'clear' });
  }

  /** Run a decision; turn refusals into a status and a message on the item page. */
  async function decide(
    request: FastifyRequest,
    reply: FastifyReply,
    run: (id: string) => Promise<{ status: string; warning?: string }>,
    options: { draft?: boolean; stay?: boolean } = {},
  ) {
    const { id } = parseInput(ItemParams, request.params);
    try {
      const result = await run(id);
      if (wantsJson(request)) return reply.send({ ok: true, itemId: id, ...result });
      if (options.draft) return reply.redirect(href(`/items/${id}`, { edited: '1' }), 303);
      const item = await db.reviewItem.findUnique({ where: { id }, select: { tenantId: true, kind: true } });
      const flashCode = result.warning
        ? `${item?.kind === 'payment' ? 'payment' : 'approved'}_unqueued`
        : item?.kind === 'payment' && result.status !== 'resolved'
          ? `payment_${result.status}`
          : result.status;
      if (options.stay || !item) return reply.redirect(href(`/items/${id}`, { done: flashCode }), 303);
      return reply.redirect(await nextLocation(request, item.tenantId, flashCode, id), 303);
    } catch (error) {
      let status: number;
      let message: string;
      if (error instanceof ClaimConflictError) {
        services.metrics.refusals.inc({ reason: 'claim' });
        status = 409;
        const holder =
          error.result.reason === 'held'
            ? (await userNames(db, [error.result.heldBy])).get(error.result.heldBy)
            : null;
        message = holder
          ? `${holder} is working this item; you cannot act on it until they finish or their claim expires.`
          : `This item cannot be changed: ${error.message}.`;
      } else if (error instanceof HttpError) {
        if (error instanceof ValidationError) services.metrics.refusals.inc({ reason: 'validation' });
        status = error.status;
        message = error.message;
      } else throw error;
      if (wantsJson(request))
        return reply.code(status).send({
          error: status === 409 ? 'conflict' : 'refused',
          message,
          issues: error instanceof ValidationError ? error.issues : undefined,
        });
      return render(request, reply, id, {
        status,
        ...(options.draft ? { draftError: message } : { flash: { kind: 'error', text: message } }),
      });
    }
  }

  app.get('/items/:id', async (request, reply) => {
    const { id } = parseInput(ItemParams, request.params);
    const user = request.auth!.user;
    // Opening an item claims it for whoever can act, so two people do not work the same one.
    if (STAFF.has(user.role)) await claimReviewItem(db, id, user.id, ttl);
    const query = request.query as { done?: string; edited?: string };
    if (wantsJson(request)) {
      const view = await loadItemView(services, id, user.id);
      if (!view) return reply.code(404).send({ error: 'not_found' });
      return reply.send(view);
    }
    const flash = query.done ? FLASH[query.done] : undefined;
    let draftNotice: string | undefined;
    if (query.edited) draftNotice = 'Saved as a new revision; totals are recomputed.';
    return render(request, reply, id, { flash, draftNotice });
  });

  app.get('/items/:id/attachments', async (request, reply) => {
    const { id } = parseInput(ItemParams, request.params);
    const loaded = await loadAttachments(services, id);
    if (!loaded) return reply.code(404).send({ error: 'not_found' });
    if (wantsJson(request)) return reply.send(loaded);
    return sendHtml(reply, attachmentsFragment(loaded));
  });

  app.post('/items/:id/claim', async (request, reply) => {
    const { id } = parseInput(ItemParams, request.params);
    const result = await claimReviewItem(db, id, request.auth!.user.id, ttl);
    if (wantsJson(request) || request.headers['hx-request'])
      return reply.code(result.ok ? 200 : 409).send(result);
    return reply.redirect(`/items/${id}`, 303);
  });

  app.post('/items/:id/release', async (request, reply) => {
    const { id } = parseInput(ItemParams, request.params);
    const released = await releaseReviewClaim(db, id, request.auth!.user.id);
    if (wantsJson(request)) return reply.send({ released });
    const item = await db.reviewItem.findUnique({ where: { id }, select: { tenantId: true } });
    return reply.redirect(href('/queue', { tenant: item?.tenantId, done: 'released' }), 303);
  });

  app.post('/items/:id/approve', (request, reply) =>
    decide(request, reply, (id) =>
      approveItem(services, request.auth!.user, id, parseInput(ApproveForm, request.body)),
    ),
  );
  app.post('/items/:id/reject', (request, reply) =>
    decide(request, reply, (id) =>
      rejectItem(services, request.auth!.user, id, parseInput(RejectForm, request.body)),
    ),
  );
  app.post('/items/:id/escalate', (request, reply) =>
    decide(request, reply, (id) =>
      escalateItem(services, request.auth!.user, id, parseInput(NoteForm, request.body)),
    ),
  );
  app.post('/items/:id/hold', (request, reply) =>
    decide(request, reply, (id) =>
      holdItem(services, request.auth!.user, id, parseInput(NoteForm, request.body)),
    ),
  );
  app.post('/items/:id/resume', (request, reply) =>
    decide(
      request,
      reply,
      (id) => resumeItem(services, request.auth!.user, id, parseInput(NoteForm, request.body)),
      {
        stay: true,
      },
    ),
  );
  app.post('/items/:id/payment', (request, reply) =>
    decide(request, reply, (id) =>
      resolvePayment(services, request.auth!.user, id, parsePaymentDecision(request.body)),
    ),
  );
  app.post('/items/:id/edit', (request, reply) =>
    decide(
      request,
      reply,
      async (id) => {
        const form = parseEdits(request.body);
        const item = await db.reviewItem.findUnique({ where: { id }, select: { tenantId: true } });
        if (!item) throw new HttpError(404, 'There is no such review item.');
        const catalog = (await services.runtime.catalog(item.tenantId)).skus;
        const edits: DraftEdit[] = form.edits.map((e: EditOp, i): DraftEdit => {
          const field = form.edits.length > 1 ? `edits.${i}.sku` : 'sku';
          if (e.op === 'add')
            return { op: 'add', skuId: resolveSku(e.sku, catalog, field), quantity: e.quantity };
          if (e.op === 'sku') return { op: 'sku', key: e.key, skuId: resolveSku(e.sku, catalog, field) };
          return e;
        });
        const saved = await editDraft(services, request.auth!.user, id, { revision: form.revision, edits });
        return { status: 'edited', ...saved };
      },
      { draft: true },
    ),
  );
}
