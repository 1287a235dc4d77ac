// payment.reconcile: match a ServiceTitan payment or an imported bank line to open invoices (or
// a bank deposit to the payments it is made of), or carry out a person's decision on a payment
// review item. The flows live in ../reconcile/; this file only dispatches.
import type { PayloadOf } from '@invoicer/core';
import { reconcileBankLine } from '../reconcile/bank-line.ts';
import { reconcileContext } from '../reconcile/context.ts';
import { reconcileReview } from '../reconcile/review.ts';
import { reconcileStPayment } from '../reconcile/st-payment.ts';
import type { WorkerServices } from '../services.ts';

export async function reconcile(
  services: WorkerServices,
  payload: PayloadOf<'payment.reconcile'>,
): Promise<void> {
  const ctx = await reconcileContext(services, payload.tenantId);
  switch (payload.subject) {
    case 'st_payment':
      return reconcileStPayment(ctx, payload.subjectId, payload.version);
    case 'bank_line':
      return reconcileBankLine(ctx, payload.subjectId, payload.version);
    case 'review':
      return reconcileReview(ctx, payload.subjectId, payload.version);
  }
}
