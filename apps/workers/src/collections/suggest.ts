// plan.suggest: payment-plan options for one large open invoice, from the mirror: 2..max
// installments (tenant policy, default ≤ 4, never a finance charge), the reasons taken from the
// customer's own payment history (the scorecard's reason codes, never from a model), and the
// CSR's draft message for the shortest option (draft.ts: the local provider or the configured
// model; numbers inserted by code, then checked).
import { buildLedger, indexCustomers, planOptions, riskFeatures, scorecard } from '@invoicer/collections';
import { InvalidInputError, type PayloadOf } from '@invoicer/core';
import { livePlanForInvoice, proposePaymentPlan, receivablesMirror } from '@invoicer/db';
import type { WorkerServices } from '../services.ts';
import { draftForPlan } from './draft.ts';

export type SuggestResult = 'proposed' | 'exists' | 'below_threshold' | 'paid';

export async function suggestPlan(
  services: WorkerServices,
  payload: PayloadOf<'plan.suggest'>,
  now = new Date(),
): Promise<SuggestResult> {
  const settings = await services.runtime.settings(payload.tenantId);
  const policy = settings.collections.plans;
  const invoiceId = Number(payload.invoiceId);
  if (await livePlanForInvoice(services.db, payload.tenantId, invoiceId)) return 'exists';
  const mirror = await receivablesMirror(services.db, payload.tenantId, now);
  const { invoices } = buildLedger(mirror.invoices, mirror.payments);
  const invoice = invoices.find((i) => i.id === invoiceId);
  if (!invoice) throw new InvalidInputError(`invoice ${invoiceId} is not in the tenant's mirror`);
  if (invoice.balanceCents <= 0) return 'paid';
  const options = planOptions(invoice.balanceCents, now, policy);
  if (!options.length) return 'below_threshold';
  const score = scorecard(riskFeatures(invoice, now, indexCustomers(invoices)));
  const option = options[0]!;
  const draft = await draftForPlan(settings.ai, {
    businessName: settings.delivery.businessName ?? invoice.businessUnitName,
    customerName: invoice.customerName,
    invoiceNumber: String(invoice.id),
    balanceCents: invoice.balanceCents,
    option,
  });
  services.log.info(
    {
      tenant: payload.tenantId,
      invoiceId,
      provider: draft.provider,
      model: draft.model,
      fallback: draft.fallback,
    },
    'payment plan draft',
  );
  const { created } = await proposePaymentPlan(services.db, {
    tenantId: payload.tenantId,
    invoiceId,
    customerId: invoice.customerId,
    balanceCents: invoice.balanceCents,
    options,
    reasons: score.reasons.map((r) => r.text),
    draft: draft.text,
  });
  return created ? 'proposed' : 'exists';
}
