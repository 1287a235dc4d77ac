// Send one message of the ledger, exactly once. The row is claimed (planned → sending, under a
// lease) before anything else; the channel, contact and contact policy are decided from facts
// read just before sending; what is about to be sent is recorded before the provider call, the
// outcome after. A row found 'sending' with its lease run out was left by a sender that died or
// timed out after the provider call: recover.ts settles it instead of sending blindly.

import { invoiceQuestionsUrl } from '@invoicer/assistant';
import { fromAmountString } from '@invoicer/core';
import {
  claimForSending,
  getMessage,
  type Message,
  recordMessageEvent,
  recordSendIntent,
  sentTimesForSubject,
  setMessageState,
} from '@invoicer/db';
import {
  type Channel,
  chooseChannel,
  decideContact,
  messageIdFor,
  renderMessage,
  TemplateError,
} from '@invoicer/messaging';
import {
  INSTALLMENT_PURPOSE,
  installmentAtSend,
  missedInstallment,
} from '../collections/installment-reminders.ts';
import type { WorkerServices } from '../services.ts';
import { afterAccepted } from './accepted.ts';
import { addressOf, emailChannel, smsChannel } from './channels.ts';
import { type DeliveryContext, loadAttachment, outcomeOf } from './context.ts';
import { followUpFailure, openDeliveryReview } from './follow-up.ts';
import { enqueueAt, keyOf, SEND_LEASE_MS } from './ledger-key.ts';
import { readRecipientFacts } from './recipient.ts';
import { callProvider, recover } from './recover.ts';

export type DeliveryResult =
  | 'missing'
  | 'not_due'
  | 'busy'
  | 'settled'
  | 'waiting_pdf'
  | 'suppressed'
  | 'deferred'
  | 'sent'
  | 'recovered'
  | 'bounced'
  | 'failed'
  | 'unknown'
  | 'followed_up';

export interface DeliveryOptions {
  now?: () => Date;
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
  /** Test seam: runs after the provider call, before the ledger records it (a crash lands here). */
  afterProviderCall?: (messageId: string) => void | Promise<void>;
}

/** How long an invoice email waits for its PDF before going without it (and saying so). */
const PDF_WAIT_MS = Number(process.env.DELIVERY_PDF_WAIT_MS ?? 10 * 60_000);

export async function deliverMessage(
  services: WorkerServices,
  messageId: string,
  options: DeliveryOptions = {},
): Promise<DeliveryResult> {
  const now = (options.now ?? (() => new Date()))();
  const row = await getMessage(services.db, messageId);
  if (!row) return 'missing';
  if ((row.state === 'bounced' || row.state === 'failed') && !row.reviewItemId) {
    await followUpFailure(services, row.id);
    return 'followed_up';
  }
  if (row.state === 'planned' && row.dueAt && row.dueAt.getTime() > now.getTime() + 1000) {
    // Fired early (clock skew): a job id of its own, since this job's id is the due time's.
    await enqueueAt(services, row, new Date(row.dueAt.getTime() + 1));
    return 'not_due';
  }
  const settings = await services.runtime.settings(row.tenantId);
  const ctx: DeliveryContext = {
    services,
    settings,
    delivery: settings.delivery,
    now,
    env: options.env ?? process.env,
    fetch: options.fetch,
    afterProviderCall: options.afterProviderCall,
  };
  if (!settings.delivery.enabled) {
    if (row.state === 'planned')
      await settle(ctx, row, 'suppressed', ['planned'], { reason: 'delivery is turned off for the tenant' });
    return 'suppressed';
  }
  const claim = await claimForSending(services.db, row.id, now, SEND_LEASE_MS);
  if (claim.kind === 'settled') {
    if (claim.row.state === 'accepted' || claim.row.state === 'delivered')
      await afterAccepted(ctx, claim.row, null);
    return 'settled';
  }
  if (claim.kind === 'busy') {
    await enqueueAt(
      services,
      claim.row,
      new Date((claim.row.sendingAt?.getTime() ?? now.getTime()) + SEND_LEASE_MS + 1000),
    );
    return 'busy';
  }
  if (claim.kind === 'recover') {
    const recovered = await recover(ctx, claim.row);
    // The attempt died before recording what it would send: nothing left us, start again.
    return recovered === 'restart' ? deliverMessage(services, row.id, options) : recovered;
  }
  let providerCalled = false;
  try {
    return await sendFresh(ctx, claim.row, () => {
      providerCalled = true;
    });
  } catch (error) {
    // Nothing left us: give the row back so a retry starts clean.
    if (!providerCalled)
      await setMessageState(services.db, row.id, 'planned', ['sending'], { lastError: String(error) });
    throw error;
  }
}

async function settle(
  ctx: DeliveryContext,
  row: Message,
  to: 'suppressed' | 'planned',
  from: ('planned' | 'sending')[],
  data: { reason: string; rule?: string; until?: Date },
) {
  await setMessageState(ctx.services.db, row.id, to, from, {
    reason: data.reason,
    ...(data.until ? { dueAt: data.until } : {}),
  });
  await recordMessageEvent(ctx.services.db, {
    messageId: row.id,
    tenantId: row.tenantId,
    kind: to === 'suppressed' ? 'suppressed' : 'deferred',
    detail: { rule: data.rule ?? null, reason: data.reason, until: data.until?.toISOString() ?? null },
  });
}

async function sendFresh(
  ctx: DeliveryContext,
  row: Message,
  markCalled: () => void,
): Promise<DeliveryResult> {
  const { services, delivery, now } = ctx;
  const client = await services.runtime.client(row.tenantId);
  const facts = await readRecipientFacts(services.db, client, delivery, row, now);
  const balanceCents = Math.round(
    Number(fromAmountString(facts.invoice.balance ?? facts.invoice.total).times(100)),
  );
  // A plan installment's reminder: only while the plan runs and that installment is owed. A
  // collection message about a late plan speaks of the missed installment.
  const installment =
    row.purpose === INSTALLMENT_PURPOSE
      ? await installmentAtSend(services.db, row, balanceCents, now)
      : row.purpose === 'collection'
        ? await missedInstallment(services.db, row, balanceCents, now)
        : null;
  if (installment && !installment.send) {
    await settle(ctx, row, 'suppressed', ['sending'], { reason: installment.reason, rule: 'installment' });
    return 'suppressed';
  }
  const pdf = await loadAttachment(services.db, row);
  if (
    !pdf &&
    ctx.settings.documents.enabled &&
    row.purpose === 'invoice' &&
    now.getTime() - row.createdAt.getTime() < PDF_WAIT_MS
  ) {
    await setMessageState(services.db, row.id, 'planned', ['sending']);
    await enqueueAt(services, row, new Date(now.getTime() + 15_000));
    return 'waiting_pdf';
  }
  const email = emailChannel(delivery, ctx.env);
  const twilio = smsChannel(delivery, ctx.env);
  const available: Channel[] = [
    ...(email ? (['email'] as const) : []),
    ...(twilio ? (['sms'] as const) : []),
  ];
  const category = row.category as 'transactional' | 'reminder' | 'collection' | 'installment';
  const choice = chooseChannel({
    category,
    contacts: facts.contacts,
    preference: facts.preference,
    tenantDefault: delivery.defaultChannel,
    smsOptOuts: new Set([...facts.smsOptOuts, ...facts.stOptOuts]),
    emailUnsubscribes: facts.emailUnsubscribes,
    failed: facts.failed,
    available,
    ...(row.contactId ? { contactId: row.contactId } : {}),
  });
  const amount = facts.invoice.total;
  const details = { amount, customerName: facts.customer.name, jobId: facts.invoice.job?.id ?? null };
  if (!choice.channel) {
    await settle(ctx, row, 'suppressed', ['sending'], { reason: choice.why, rule: 'no_channel' });
    await services.db.message.update({ where: { id: row.id }, data: { content: details } });
    if (category === 'transactional' && !row.step.endsWith('.fallback'))
      await openDeliveryReview(
        services,
        { ...row, state: 'suppressed', content: details, reason: choice.why },
        `The invoice could not be sent: ${choice.why}`,
      );
    return 'suppressed';
  }
  const contact = facts.contacts.find((c) => String(c.id) === String(choice.contactId));
  const decision = decideContact(
    {
      now,
      category,
      channel: choice.channel,
      timeZone: facts.timeZone,
      recipient: {
        doNotText: contact?.doNotText ?? false,
        stOptedOut: facts.stOptOuts.has(choice.address),
        stopped: facts.smsOptOuts.has(choice.address),
        unsubscribed: facts.emailUnsubscribes.has(choice.address),
      },
      subject: {
        balanceCents,
        paymentPending: facts.pauses.includes('payment_pending'),
        disputed: facts.pauses.includes('dispute'),
        onPlan: facts.pauses.includes('plan'),
      },
      sentAt: await sentTimesForSubject(services.db, row.tenantId, row.subjectKind, row.subjectId, row.id),
      capSentAt: await sentTimesForSubject(
        services.db,
        row.tenantId,
        row.subjectKind,
        row.subjectId,
        row.id,
        ['reminder', 'collection', INSTALLMENT_PURPOSE],
      ),
      manual: row.requestedBy !== null,
    },
    delivery.contactPolicy,
  );
  if (decision.outcome === 'suppress') {
    await settle(ctx, row, 'suppressed', ['sending'], { reason: decision.reason, rule: decision.rule });
    return 'suppressed';
  }
  if (decision.outcome === 'defer') {
    await settle(ctx, row, 'planned', ['sending'], {
      reason: decision.reason,
      rule: decision.rule,
      until: decision.until,
    });
    await enqueueAt(services, row, decision.until);
    return 'deferred';
  }
  const invoiceNumber =
    facts.invoice.referenceNumber || facts.invoice.job?.number || String(facts.invoice.id);
  const kind = row.purpose === 'invoice' ? 'invoice' : installment ? 'installment' : 'reminder';
  const invoiceFacts = {
    businessName: delivery.businessName ?? facts.invoice.businessUnit?.name ?? 'Your service company',
    customerName: facts.customer.name,
    invoiceNumber,
    total: facts.invoice.total,
    balance: facts.invoice.balance ?? facts.invoice.total,
    dueDate: installment?.dueDate ?? (facts.invoice.dueDate ? facts.invoice.dueDate.slice(0, 10) : null),
    installment: installment?.facts ?? null,
    payUrl: delivery.payUrlTemplate
      ? delivery.payUrlTemplate
          .replaceAll('{{invoiceNumber}}', encodeURIComponent(invoiceNumber))
          .replaceAll('{{invoiceId}}', String(facts.invoice.id))
          .replaceAll('{{customerId}}', String(facts.customer.id))
      : null,
    portalUrl: delivery.portalUrl ?? null,
    // The customer's signed page for questions about this invoice (when ingest serves one).
    questionsUrl: invoiceQuestionsUrl(
      ctx.env,
      { tenantId: row.tenantId, customerId: facts.customer.id, invoiceId: facts.invoice.id },
      now,
    ),
    timeZone: facts.timeZone,
    attached: choice.channel === 'email' && pdf !== null,
  };
  let rendered: ReturnType<typeof renderMessage>;
  try {
    rendered = renderMessage(kind, invoiceFacts, now, kind === 'installment' ? {} : delivery.templates[kind]);
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    // A broken tenant template must not stop the invoice: the built-in wording, and a note why.
    await recordMessageEvent(services.db, {
      messageId: row.id,
      tenantId: row.tenantId,
      kind: 'template_error',
      detail: { error: error.message },
    });
    rendered = renderMessage(kind, invoiceFacts, now);
  }
  const messageIdHeader =
    choice.channel === 'email' && email ? messageIdFor(keyOf(row), addressOf(email.from)) : null;
  const content = {
    ...details,
    customerId: facts.customer.id,
    timeZone: facts.timeZone,
    dueDate: facts.invoice.dueDate?.slice(0, 10) ?? null,
    balanceCents,
    dueStatus: rendered.dueStatus,
    why: choice.why,
    ...(installment ? { installment: { ...installment.facts } } : {}),
    ...(choice.channel === 'email'
      ? {
          subject: rendered.subject,
          text: rendered.text,
          html: rendered.html,
          attachment: pdf ? { fileName: pdf.fileName, sha256: pdf.sha256 } : null,
        }
      : { body: rendered.sms }),
  };
  await recordSendIntent(services.db, row.id, {
    channel: choice.channel,
    recipient: choice.address,
    contactId: String(choice.contactId),
    messageIdHeader,
    content,
  });
  const sending = { ...row, channel: choice.channel, recipient: choice.address, messageIdHeader, content };
  await recordMessageEvent(services.db, {
    messageId: row.id,
    tenantId: row.tenantId,
    kind: 'sending',
    detail: { channel: choice.channel, why: choice.why, attempt: row.attempts },
  });
  markCalled();
  const outcome = await callProvider(ctx, sending);
  await ctx.afterProviderCall?.(row.id);
  return outcomeOf(ctx, sending, outcome, facts);
}
