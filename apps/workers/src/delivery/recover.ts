// Sending a row's recorded content, and recovering a send whose outcome was never recorded (a
// worker killed between the provider call and the ledger, a timeout after the provider accepted):
// an SMS is looked up at the provider (same number and body since the attempt began) and adopted
// when found; an email is sent again with the same Message-ID, or, when the tenant prefers,
// marked 'unknown' for a person to decide. Only what was recorded before the call is sent again.
import { expireSending, type Message, recordMessageEvent, setMessageState } from '@invoicer/db';
import { findSms, sendEmail, sendSms } from '@invoicer/messaging';
import { emailChannel, smsChannel, unsubscribeLink } from './channels.ts';
import { type DeliveryContext, loadAttachment, type Outcome, outcomeOf } from './context.ts';
import { openDeliveryReview } from './follow-up.ts';
import type { DeliveryResult } from './send.ts';

/** Send the recorded content of a row (first time or again): the same body, the same Message-ID. */
export async function callProvider(ctx: DeliveryContext, row: Message): Promise<Outcome> {
  const content = row.content as { subject?: string; text?: string; html?: string; body?: string };
  if (row.channel === 'email') {
    const email = emailChannel(ctx.delivery, ctx.env);
    if (!email) return { outcome: 'failed', error: 'email is no longer configured for the tenant' };
    const pdf = await loadAttachment(ctx.services.db, row);
    const unsubscribe = row.category !== 'transactional' ? unsubscribeLink(email, ctx.env, row) : undefined;
    return sendEmail(email.transport, {
      messageId: row.messageIdHeader!,
      from: email.from,
      replyTo: email.replyTo,
      to: row.recipient!,
      subject: content.subject ?? '',
      text: content.text ?? '',
      html: content.html ?? '',
      attachments: pdf
        ? [{ filename: pdf.fileName, content: Buffer.from(pdf.bytes), contentType: pdf.contentType }]
        : [],
      ...(unsubscribe ? { listUnsubscribe: unsubscribe } : {}),
      ledgerId: row.id,
    });
  }
  const twilio = smsChannel(ctx.delivery, ctx.env);
  if (!twilio) return { outcome: 'failed', error: 'SMS is no longer configured for the tenant' };
  const sent = await sendSms(
    twilio,
    { to: row.recipient!, body: content.body ?? '' },
    { fetch: ctx.fetch, timeoutMs: Number(ctx.env.SMS_TIMEOUT_MS ?? 15_000) },
  );
  return sent.outcome === 'accepted' ? { outcome: 'accepted', providerId: sent.sid } : sent;
}

export async function recover(ctx: DeliveryContext, row: Message): Promise<DeliveryResult | 'restart'> {
  const { services } = ctx;
  if (!row.channel || !row.recipient) {
    // The attempt died before recording what it would send: nothing left us.
    await setMessageState(services.db, row.id, 'planned', ['sending']);
    return 'restart';
  }
  await recordMessageEvent(services.db, {
    messageId: row.id,
    tenantId: row.tenantId,
    kind: 'recovering',
    detail: { attempt: row.attempts, channel: row.channel },
  });
  if (row.channel === 'sms') {
    const twilio = smsChannel(ctx.delivery, ctx.env);
    const body = (row.content as { body?: string }).body ?? '';
    // The provider's clock, not ours, dates its records: a wide window on both.
    const since = new Date(Math.min(row.sendingAt?.getTime() ?? Date.now(), Date.now()) - 86_400_000 * 2);
    const found = twilio
      ? await findSms(twilio, { to: row.recipient, body, since }, { fetch: ctx.fetch }).catch(() => undefined)
      : null;
    if (found === undefined) {
      await expireSending(services.db, row.id);
      throw new Error(`could not look up message ${row.id} at the SMS provider; will retry`);
    }
    if (found) {
      const result = await outcomeOf(ctx, row, { outcome: 'accepted', providerId: found.sid }, null);
      return result === 'sent' ? 'recovered' : result;
    }
  } else if (ctx.delivery.email?.onUnknownOutcome === 'review') {
    await setMessageState(services.db, row.id, 'unknown', ['sending'], {
      lastError: 'outcome of the last send is unknown',
    });
    await openDeliveryReview(
      services,
      { ...row, state: 'unknown' },
      'An email may or may not have been sent; check before resending',
    );
    return 'unknown';
  }
  await recordMessageEvent(services.db, {
    messageId: row.id,
    tenantId: row.tenantId,
    kind: 'resent',
    detail: { messageIdHeader: row.messageIdHeader, reason: 'outcome of the previous attempt unknown' },
  });
  const outcome = await callProvider(ctx, row);
  await ctx.afterProviderCall?.(row.id);
  const result = await outcomeOf(ctx, row, outcome, null);
  return result === 'sent' ? 'recovered' : result;
}
