// The CSR's draft message for a payment plan: the local provider is a fixed template; with a
// configured model, the model writes only an opening and a closing (no digits allowed) and code
// places the schedule between them. Every amount and date is inserted by code from the plan, and
// checkPlanDraft rejects any draft whose amounts or dates differ from the plan's.
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

function scheduleLines(f: PlanDraftFacts): string[] {
  return [
    `You can pay the ${formatCents(f.balanceCents)} balance of invoice ${f.invoiceNumber} in ${f.option.count} payments, with no interest or fees:`,
    ...f.option.installments.map((i) => `  ${i.number}. ${formatCents(i.cents)} due ${longDate(i.dueDate)}`),
  ];
}

/** The local provider: a fixed template, byte-identical for the same plan. */
export function draftPlanMessage(f: PlanDraftFacts): string {
  return composePlanDraft(f, {
    opening: `Thank you for working with ${f.businessName}. As we discussed, here is your payment plan.`,
    closing: 'Reply to this message or call us if a date does not work for you.',
  });
}

/** A model's opening and closing around the schedule code writes. */
export function composePlanDraft(f: PlanDraftFacts, wording: { opening: string; closing: string }): string {
  return [
    `Hello ${f.customerName},`,
    '',
    wording.opening.trim(),
    '',
    ...scheduleLines(f),
    '',
    wording.closing.trim(),
  ].join('\n');
}

/** Problems with a model's wording: it may state no number, amount or date, and stays short. */
export function checkModelWording(wording: { opening: string; closing: string }): string[] {
  const problems: string[] = [];
  for (const [name, text] of Object.entries(wording)) {
    if (!text.trim()) problems.push(`the ${name} is empty`);
    if (/[\d$%]/.test(text)) problems.push(`the ${name} states a number, amount or percentage`);
    if (/\b(january|february|march|april|june|july|august|september|october|november|december)\b/i.test(text))
      problems.push(`the ${name} names a month`);
    if (text.length > 400) problems.push(`the ${name} is longer than 400 characters`);
  }
  return problems;
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
