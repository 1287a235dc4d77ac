// payment.reconcile: match a ServiceTitan payment or an imported bank line to open invoices.
import { InvalidInputError, type PayloadOf } from '@invoicer/core';
import type { WorkerServices } from '../services.ts';

export async function reconcile(
  _services: WorkerServices,
  payload: PayloadOf<'payment.reconcile'>,
): Promise<void> {
  throw new InvalidInputError(
    `payment reconciliation for ${payload.subject} ${payload.subjectId} is not wired yet`,
  );
}
