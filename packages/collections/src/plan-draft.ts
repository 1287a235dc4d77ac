// The CSR's draft message for a payment plan: the local provider is a fixed template; every
// amount and date in it is inserted by code from the plan, and the check below rejects any
// draft (from a template or a model) whose amounts or dates differ from the plan's.
import type { PlanOption } from './installments.ts';
import { formatCents } from './ledger.ts';

export interface PlanDraftFacts {
  businessName: string;
  customerName: string;
  invoiceNumber: string;
  balanceCents: number;
  option: PlanOption;
}

const longDate = (iso: string) =>
  new Date(`${iso}T12:00:00Z`).toLocaleDateString('en-US', {
    timeZone: 'UTC',
    month: 'long',
    day: 'numeric',
    year: 'numeric',
  });

export function draftPlanMessage(f: PlanDraftFacts): string {
  const lines = f.option.installments.map(
    (i) => `  ${i.number}. ${formatCents(i.cents)} due ${longDate(i.dueDate)}`,
  );
  return [
    `Hello ${f.customerName},`,
    '',
    `Thank you for working with ${f.businessName}. As we discussed, you can pay the ${formatCents(f.balanceCents)} balance of invoice ${f.invoiceNumber} in ${f.option.count} payments, with no interest or fees:`,
    ...lines,
    '',
    'Reply to this message or call us if a date does not work for you.',
  ].join('\n');
}

/** Problems with a draft: a missing installment amount or date, or a dollar amount not in the plan. */
export function checkPlanDraft(text: string, balanceCents: number, option: PlanOption): string[] {
  const problems: string[] = [];
  for (const i of option.installments) {
    if (!text.includes(`${formatCents(i.cents)} due ${longDate(i.dueDate)}`))
      problems.push(
        `installment ${i.number} (${formatCents(i.cents)} due ${longDate(i.dueDate)}) is not stated`,
      );
  }
  const allowed = new Set([
    formatCents(balanceCents),
    ...option.installments.map((i) => formatCents(i.cents)),
  ]);
  for (const m of text.match(/\$[\d,]+(?:\.\d{2})?/g) ?? [])
    if (!allowed.has(m)) problems.push(`${m} is not an amount of the plan`);
  return problems;
}
