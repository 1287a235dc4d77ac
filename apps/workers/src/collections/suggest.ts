// plan.suggest: payment-plan options for one large open invoice, from the mirror: 2..max
// installments (tenant policy, default ≤ 4, never a finance charge), the reasons taken from the
// customer's own payment history (the scorecard's reason codes, never from a model), and the
// CSR's draft message for the shortest option (numbers inserted by code, then checked).
import {
  buildLedger,
  checkPlanDraft,
  draftPlanMessage,
  indexCustomers,
  planOptions,
  riskFeatures,
  scorecard,
} from '@invoicer/collections';
import { InvalidInputError, type PayloadOf } from '@invoicer/core';
import { livePlanForInvoice, proposePaymentPlan, receivablesMirror } from '@invoicer/db';
import type { WorkerServices } from '../services.ts';

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
  const draft = draftPlanMessage({
    businessName: settings.delivery.businessName ?? invoice.businessUnitName,
    customerName: invoice.customerName,
    invoiceNumber: String(invoice.id),
    balanceCents: invoice.balanceCents,
    option,
  });
  const problems = checkPlanDraft(draft, invoice.balanceCents, option);
  if (problems.length) throw new Error(`plan draft failed its check: ${problems.join('; ')}`);
  const { created } = await proposePaymentPlan(services.db, {
    tenantId: payload.tenantId,
    invoiceId,
    customerId: invoice.customerId,
    balanceCents: invoice.balanceCents,
    options,
    reasons: score.reasons.map((r) => r.text),
    draft,
  });
  return created ? 'proposed' : 'exists';
}
