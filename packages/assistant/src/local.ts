// The local provider: the intent router picks the tools, templates write the reply from their
// outputs. Deterministic, offline, and every figure it writes is copied from a tool output.
import type { InvoiceFacts, LineFacts } from './facts.ts';
import { matchLine, routeIntent } from './intents.ts';
import type { PolicyHit } from './policies.ts';
import type { Answer, AnswerInput, AssistantProvider } from './provider.ts';

const lineText = (l: LineFacts) =>
  `"${l.description.replace(/\s+/g, ' ').slice(0, 160)}": ${l.quantity} × ${l.unitPrice} = ${l.amount}`;

const policyText = (hits: PolicyHit[]) =>
  hits
    .map((h) => `From "${h.document}" (${h.heading}): ${h.text.replace(/\s+/g, ' ').slice(0, 400)}`)
    .join('\n');

export class LocalAssistantProvider implements AssistantProvider {
  readonly name = 'local';

  async answer({ question, tools }: AnswerInput): Promise<Answer> {
    const intent = routeIntent(question);
    const invoice = (await tools.call('get_invoice', {})) as InvoiceFacts;
    const shop = invoice.shopName ?? 'our office';
    const inv = `invoice ${invoice.invoiceNumber}`;
    const done = (reply: string, citations: string[] = [], action: Answer['action'] = 'none'): Answer => ({
      reply,
      intent,
      action,
      citations,
    });
    const policies = async (query: string) =>
      ((await tools.call('search_policies', { query })) as { results: PolicyHit[] }).results;
    switch (intent) {
      case 'talk_to_person':
        return done(
          `I've passed your question to the team at ${shop}. Someone will contact you using the details on your account, usually within one business day. Reminders about ${inv} are paused meanwhile.`,
          [],
          'handoff',
        );
      case 'dispute':
        return done(
          `I'm sorry about that. I've flagged ${inv} for review by the team at ${shop}, and reminders are paused while they look at it. Someone will contact you, usually within one business day.`,
          [],
          'dispute',
        );
      case 'balance':
      case 'payments':
      case 'due_date': {
        const p = (await tools.call('get_payments', {})) as InvoiceFacts;
        const paid = p.payments.length
          ? ` Payments received: ${p.payments.map((x) => `${x.amount} (${x.method}${x.date ? `, ${x.date}` : ''})`).join('; ')}.`
          : intent === 'payments'
            ? ' We have no payment recorded on it yet; a payment can take a day or two to show here.'
            : '';
        const due = p.dueDate ? ` It is due ${p.dueDate}.` : '';
        const head =
          p.status === 'paid'
            ? `${cap(inv)} is paid in full: the total was ${p.total}.`
            : p.status === 'credit'
              ? `${cap(inv)} has a credit of ${p.balance.replace('-', '')} in your favor.`
              : `The balance on ${inv} is ${p.balance} of ${p.total}.`;
        return done(`${head}${paid}${p.status === 'paid' ? '' : due}`);
      }
      case 'total':
        return done(
          `${cap(inv)}: subtotal ${invoice.subTotal}${invoice.discount ? `, discount ${invoice.discount}` : ''}, sales tax ${invoice.salesTax}, total ${invoice.total}. Balance: ${invoice.balance}.`,
        );
      case 'how_to_pay': {
        const hits = await policies(`pay payment methods card check ${question}`);
        const how = hits.length
          ? `\n${policyText(hits)}`
          : ` Please contact ${shop} for the ways you can pay.`;
        return done(
          `The balance on ${inv} is ${invoice.balance}.${how}`,
          hits.map((h) => `policy:${h.chunkId}`),
        );
      }
      case 'covered':
      case 'policy': {
        const hits = await policies(question);
        if (!hits.length)
          return done(
            `I couldn't find a policy of ${shop} that answers this. Choose "Talk to a person" and the team will answer you.`,
          );
        return done(
          `${intent === 'covered' ? "Here is what the shop's policy says; the team can confirm whether it applies to your job.\n" : ''}${policyText(hits)}`,
          hits.map((h) => `policy:${h.chunkId}`),
        );
      }
      case 'history': {
        const h = (await tools.call('get_history', {})) as {
          invoices: { invoiceNumber: string; invoiceDate: string | null; total: string; balance: string }[];
          openBalanceAllInvoices: string;
        };
        const list = h.invoices.length
          ? h.invoices
              .slice(0, 10)
              .map(
                (i) =>
                  `invoice ${i.invoiceNumber}${i.invoiceDate ? ` of ${i.invoiceDate}` : ''}: total ${i.total}, balance ${i.balance}`,
              )
              .join('; ')
          : 'none';
        return done(
          `Your open balance across all invoices with ${shop} is ${h.openBalanceAllInvoices}. Other invoices: ${list}.`,
        );
      }
      case 'why_charge': {
        const line = matchLine(question, invoice.lines);
        if (line) {
          const l = (await tools.call('explain_line', { lineId: line.lineId })) as LineFacts;
          return done(
            `On ${inv}, ${lineText(l)}.${invoice.summary ? ` Work summary: ${invoice.summary}` : ''}`,
            [`line:${l.lineId}`],
          );
        }
        return done(
          `Here is what ${inv} charges for:\n${invoice.lines.map((l) => `• ${lineText(l)}`).join('\n')}\nTotal: ${invoice.total}.`,
          invoice.lines.map((l) => `line:${l.lineId}`),
        );
      }
      case 'greeting':
      case 'unknown':
        return done(
          `I can answer questions about ${inv}: why a line is charged, what is paid and what is left, when it is due, how to pay, and the shop's policies (warranty, trip charges). You can also ask to talk to a person.`,
        );
    }
  }
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
