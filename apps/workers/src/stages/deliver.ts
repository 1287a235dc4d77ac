// invoice.deliver: email or text a posted invoice (with its PDF) to the customer, through the
// message ledger; message.send: move one ledger message on (a reminder that is due, a resend,
// a deferral, a fallback, a provider's failure report). Thin: the work is in ../delivery.
import { InvalidInputError, type PayloadOf } from '@invoicer/core';
import { getMessage, getRun, planMessage } from '@invoicer/db';
import { stageValue } from '@invoicer/pipeline';
import { type DeliveryOptions, type DeliveryResult, deliverMessage } from '../delivery/send.ts';
import type { WorkerServices } from '../services.ts';

export async function deliver(
  services: WorkerServices,
  payload: PayloadOf<'invoice.deliver'>,
  options: DeliveryOptions = {},
): Promise<DeliveryResult | 'disabled' | 'not_posted'> {
  const settings = await services.runtime.settings(payload.tenantId);
  if (!settings.delivery.enabled) return 'disabled';
  const run = await getRun(services.db, payload.runId);
  if (!run || run.tenantId !== payload.tenantId)
    throw new InvalidInputError(`run ${payload.runId} is not this tenant's`);
  const log = services.log.child({ tenant: payload.tenantId, runId: run.id, stage: 'deliver' });
  if (run.status !== 'posted' || run.draftRevision !== payload.revision) {
    log.warn(
      { status: run.status, revision: run.draftRevision, requested: payload.revision },
      'not delivering an invoice that is not posted at this revision',
    );
    return 'not_posted';
  }
  const extracted = await stageValue(services.db, run.id, 'extract');
  if (!extracted) throw new Error(`run ${run.id} has no extract output`);
  const { row } = await planMessage(services.db, {
    tenantId: run.tenantId,
    subjectKind: 'invoice',
    subjectId: String(extracted.context.invoice.id),
    purpose: 'invoice',
    step: 'send',
    revision: payload.revision,
    category: 'transactional',
    runId: run.id,
    customerId: extracted.context.customer.id,
  });
  const result = await deliverMessage(services, row.id, options);
  log.info({ messageId: row.id, result }, 'invoice delivery');
  return result;
}

export async function sendMessageJob(
  services: WorkerServices,
  payload: PayloadOf<'message.send'>,
  options: DeliveryOptions = {},
): Promise<DeliveryResult> {
  const row = await getMessage(services.db, payload.messageId);
  if (row && row.tenantId !== payload.tenantId)
    throw new InvalidInputError(`message ${payload.messageId} is not this tenant's`);
  return deliverMessage(services, payload.messageId, options);
}
