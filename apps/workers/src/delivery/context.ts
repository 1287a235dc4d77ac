// What one delivery attempt carries, the attachment lookup, and recording a provider outcome.
import type { DeliverySettings, TenantSettings } from '@invoicer/core';
import { expireSending, type Message, recordMessageEvent, setMessageState } from '@invoicer/db';
import type { WorkerServices } from '../services.ts';
import { afterAccepted } from './accepted.ts';
import { followUpFailure, openDeliveryReview } from './follow-up.ts';
import type { RecipientFacts } from './recipient.ts';

export interface DeliveryContext {
  services: WorkerServices;
  settings: TenantSettings;
  delivery: DeliverySettings;
  now: Date;
  env: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
  afterProviderCall?: (messageId: string) => void | Promise<void>;
}

export type Outcome =
  | { outcome: 'accepted'; providerId?: string; response?: string }
  | { outcome: 'bounced' | 'failed' | 'retry' | 'unknown'; error: string };

/** The stored PDF of the invoice revision the message is about, when there is one. */
export async function loadAttachment(db: WorkerServices['db'], row: Message) {
  if (row.subjectKind !== 'invoice') return null;
  return db.invoiceDocument.findUnique({
    where: {
      tenantId_invoiceId_revision: {
        tenantId: row.tenantId,
        invoiceId: BigInt(row.subjectId),
        revision: row.revision,
      },
    },
  });
}

export async function outcomeOf(
  ctx: DeliveryContext,
  row: Message,
  outcome: Outcome,
  facts: RecipientFacts | null,
): Promise<'sent' | 'bounced' | 'failed' | 'unknown'> {
  const { db } = ctx.services;
  const event = (kind: string, detail: object) =>
    recordMessageEvent(db, { messageId: row.id, tenantId: row.tenantId, kind, detail });
  switch (outcome.outcome) {
    case 'accepted': {
      const providerId = outcome.providerId ?? row.messageIdHeader ?? undefined;
      await setMessageState(db, row.id, 'accepted', ['sending'], {
        providerId,
        lastError: null,
        at: ctx.now,
      });
      await event('accepted', {
        providerId: providerId ?? null,
        response: outcome.response?.slice(0, 200) ?? null,
      });
      const accepted = { ...row, state: 'accepted', providerId: providerId ?? null, acceptedAt: ctx.now };
      await afterAccepted(ctx, accepted, facts);
      return 'sent';
    }
    case 'bounced':
    case 'failed': {
      await setMessageState(db, row.id, outcome.outcome, ['sending'], { lastError: outcome.error });
      await event(outcome.outcome, { error: outcome.error });
      await followUpFailure(ctx.services, row.id);
      return outcome.outcome;
    }
    case 'retry': {
      // Refused before it was handed over: nothing was sent; try again later.
      await setMessageState(db, row.id, 'planned', ['sending'], { lastError: outcome.error });
      await event('retry', { error: outcome.error });
      throw new Error(`message ${row.id} was not sent (temporary): ${outcome.error}`);
    }
    case 'unknown': {
      await event('unknown', { error: outcome.error });
      if (row.channel === 'email' && ctx.delivery.email?.onUnknownOutcome === 'review') {
        await setMessageState(db, row.id, 'unknown', ['sending'], { lastError: outcome.error });
        await openDeliveryReview(
          ctx.services,
          { ...row, state: 'unknown', lastError: outcome.error },
          'An email may or may not have been sent; check before resending',
        );
        return 'unknown';
      }
      // The next attempt recovers it (looks it up, or resends with the same Message-ID).
      await expireSending(db, row.id);
      throw new Error(`message ${row.id}: outcome unknown (${outcome.error}); the retry will recover it`);
    }
  }
}
