// The words of each message. Every number and date is formatted here, by code, from the
// invoice as ServiceTitan has it; tenant templates only place them. "Past due" wording is
// chosen at send time from the due date in the recipient's zone, never before the due date.
import { fromAmountString } from '@invoicer/core';
import { localDate } from './local-time.ts';
import { smsSegments } from './sms-segments.ts';
import { renderTemplate, TemplateError, type TemplateValues } from './template.ts';

export type MessageKind = 'invoice' | 'reminder' | 'installment';

/** A payment plan's installment (issue 16): its amount still owed, as a ServiceTitan amount string. */
export interface InstallmentFacts {
  number: number;
  count: number;
  amount: string;
}

export interface InvoiceFacts {
  businessName: string;
  customerName: string;
  invoiceNumber: string;
  /** Amount strings as ServiceTitan sends them ("1234.5"). */
  total: string;
  balance: string;
  /** The due date, "YYYY-MM-DD" (a calendar date in the customer's zone), or null. */
  dueDate: string | null;
  payUrl: string | null;
  portalUrl: string | null;
  /** The signed customer page of this invoice (questions, the assistant), when the shop runs it. */
  questionsUrl?: string | null;
  timeZone: string;
  /** The PDF is attached to the email. */
  attached: boolean;
  /** Installment reminders only; `dueDate` is then the installment's due date. */
  installment?: InstallmentFacts | null;
}

export interface MessageTemplates {
  emailSubject: string;
  emailText: string;
  emailHtml: string;
  /** The SMS body; code puts the business name first and "Reply STOP to opt out" last. */
  sms: string;
}

export const DEFAULT_TEMPLATES: Record<MessageKind, MessageTemplates> = {
  invoice: {
    emailSubject: 'Invoice {{invoiceNumber}} from {{businessName}}',
    emailText:
      'Hello {{customerName}},\n\nThank you for choosing {{businessName}}. Your invoice {{invoiceNumber}} for {{total}} is {{#attached}}attached{{/attached}}{{^attached}}ready{{/attached}}.{{#dueDate}} It is {{dueWording}}.{{/dueDate}}\n{{#payUrl}}\nPay online: {{payUrl}}\n{{/payUrl}}{{#portalUrl}}Your account: {{portalUrl}}\n{{/portalUrl}}{{#questionsUrl}}Questions about this invoice? {{questionsUrl}}\n{{/questionsUrl}}\n{{businessName}}\n',
    emailHtml:
      '<p>Hello {{customerName}},</p><p>Thank you for choosing {{businessName}}. Your invoice <strong>{{invoiceNumber}}</strong> for <strong>{{total}}</strong> is {{#attached}}attached{{/attached}}{{^attached}}ready{{/attached}}.{{#dueDate}} It is {{dueWording}}.{{/dueDate}}</p>{{#payUrl}}<p><a href="{{payUrl}}">Pay online</a></p>{{/payUrl}}{{#portalUrl}}<p><a href="{{portalUrl}}">Your account</a></p>{{/portalUrl}}{{#questionsUrl}}<p><a href="{{questionsUrl}}">Questions about this invoice?</a></p>{{/questionsUrl}}<p>{{businessName}}</p>',
    sms: 'Invoice {{invoiceNumber}} for {{total}}{{#dueDate}}, {{dueWording}}{{/dueDate}}.{{#payUrl}} Pay: {{payUrl}}{{/payUrl}}{{#questionsUrl}} Questions: {{questionsUrl}}{{/questionsUrl}}',
  },
  reminder: {
    emailSubject:
      '{{#pastDue}}Past due: {{/pastDue}}{{^pastDue}}Reminder: {{/pastDue}}invoice {{invoiceNumber}} from {{businessName}}',
    emailText:
      'Hello {{customerName}},\n\nThis is a reminder that invoice {{invoiceNumber}} has a balance of {{balance}}, {{dueWording}}.{{#attached}} The invoice is attached.{{/attached}}\n{{#payUrl}}\nPay online: {{payUrl}}\n{{/payUrl}}\nIf you have already paid, thank you, and please ignore this message.\n\n{{businessName}}\n',
    emailHtml:
      '<p>Hello {{customerName}},</p><p>This is a reminder that invoice <strong>{{invoiceNumber}}</strong> has a balance of <strong>{{balance}}</strong>, {{dueWording}}.{{#attached}} The invoice is attached.{{/attached}}</p>{{#payUrl}}<p><a href="{{payUrl}}">Pay online</a></p>{{/payUrl}}<p>If you have already paid, thank you, and please ignore this message.</p><p>{{businessName}}</p>',
    sms: 'Reminder: invoice {{invoiceNumber}}, balance {{balance}}, {{dueWording}}.{{#payUrl}} Pay: {{payUrl}}{{/payUrl}}',
  },
  installment: {
    emailSubject:
      'Payment {{installmentNumber}} of {{installmentCount}} for invoice {{invoiceNumber}}: {{installmentAmount}}, {{dueWording}}',
    emailText:
      'Hello {{customerName}},\n\nA reminder about your payment plan for invoice {{invoiceNumber}}: payment {{installmentNumber}} of {{installmentCount}}, {{installmentAmount}}, is {{dueWording}}. The invoice balance is {{balance}}.\n{{#payUrl}}\nPay online: {{payUrl}}\n{{/payUrl}}\nIf you have already paid, thank you, and please ignore this message.\n\n{{businessName}}\n',
    emailHtml:
      '<p>Hello {{customerName}},</p><p>A reminder about your payment plan for invoice <strong>{{invoiceNumber}}</strong>: payment {{installmentNumber}} of {{installmentCount}}, <strong>{{installmentAmount}}</strong>, is {{dueWording}}. The invoice balance is {{balance}}.</p>{{#payUrl}}<p><a href="{{payUrl}}">Pay online</a></p>{{/payUrl}}<p>If you have already paid, thank you, and please ignore this message.</p><p>{{businessName}}</p>',
    sms: 'Plan payment {{installmentNumber}} of {{installmentCount}} for invoice {{invoiceNumber}}: {{installmentAmount}}, {{dueWording}}.{{#payUrl}} Pay: {{payUrl}}{{/payUrl}}',
  },
};

export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
  sms: string;
  /** Where "now" falls against the due date, in the customer's zone. */
  dueStatus: 'none' | 'before' | 'today' | 'past';
}

export function formatUsd(amount: string): string {
  const value = fromAmountString(amount);
  const [whole, cents] = value.abs().toFixed(2).split('.') as [string, string];
  return `${value.isNegative() ? '-' : ''}$${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents}`;
}

export function formatLongDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Intl.DateTimeFormat('en-US', {
    month: 'long',
    day: 'numeric',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(y, m - 1, d)));
}

export function dueStatus(dueDate: string | null, now: Date, timeZone: string): RenderedMessage['dueStatus'] {
  if (!dueDate) return 'none';
  const today = localDate(now, timeZone);
  return today < dueDate ? 'before' : today === dueDate ? 'today' : 'past';
}

export const SMS_MAX_SEGMENTS = 2;
export const SMS_OPT_OUT = 'Reply STOP to opt out';

export function templateValues(facts: InvoiceFacts, now: Date): TemplateValues {
  const status = dueStatus(facts.dueDate, now, facts.timeZone);
  const due = facts.dueDate ? formatLongDate(facts.dueDate) : '';
  const dueWording =
    status === 'before'
      ? `due on ${due}`
      : status === 'today'
        ? 'due today'
        : status === 'past'
          ? `past due since ${due}`
          : '';
  return {
    businessName: facts.businessName,
    customerName: facts.customerName,
    invoiceNumber: facts.invoiceNumber,
    total: formatUsd(facts.total),
    balance: formatUsd(facts.balance),
    dueDate: due,
    dueWording,
    pastDue: status === 'past',
    payUrl: facts.payUrl ?? '',
    portalUrl: facts.portalUrl ?? '',
    questionsUrl: facts.questionsUrl ?? '',
    attached: facts.attached,
    installmentNumber: facts.installment ? String(facts.installment.number) : '',
    installmentCount: facts.installment ? String(facts.installment.count) : '',
    installmentAmount: facts.installment ? formatUsd(facts.installment.amount) : '',
  };
}

export function renderMessage(
  kind: MessageKind,
  facts: InvoiceFacts,
  now: Date,
  templates: Partial<MessageTemplates> = {},
): RenderedMessage {
  const t = { ...DEFAULT_TEMPLATES[kind], ...templates };
  const values = templateValues(facts, now);
  const text = (source: string) => renderTemplate(source, values, { html: false });
  const body = text(t.sms).replace(/\s+/g, ' ').trim();
  let sms = `${facts.businessName}: ${body} ${SMS_OPT_OUT}`;
  if (smsSegments(sms).segments > SMS_MAX_SEGMENTS) {
    // A long tenant template or business name: the essentials only.
    sms =
      `${facts.businessName}: invoice ${values.invoiceNumber} ${facts.installment ? `payment ${values.installmentAmount} ${values.dueWording}` : values.balance}. ${values.payUrl || ''} ${SMS_OPT_OUT}`
        .replace(/\s+/g, ' ')
        .trim();
    if (smsSegments(sms).segments > SMS_MAX_SEGMENTS)
      throw new TemplateError(`the SMS does not fit ${SMS_MAX_SEGMENTS} segments even in its short form`);
  }
  return {
    subject: text(t.emailSubject).replace(/\s+/g, ' ').trim(),
    text: text(t.emailText),
    html: `<!doctype html><html><body style="font-family:sans-serif">${renderTemplate(t.emailHtml, values, { html: true })}</body></html>`,
    sms,
    dueStatus: dueStatus(facts.dueDate, now, facts.timeZone),
  };
}
