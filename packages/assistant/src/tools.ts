// The assistant's tools. Each is bound, in code, to the scope of the signed link (tenant,
// customer, invoice): none takes a customer or invoice id, so neither a question nor a model can
// point one at someone else's data. All of them only read; the only things a conversation can
// change are handing itself to a person and flagging a dispute (assistant.ts), both on this invoice.
import type { Db } from '@invoicer/db';
import { z } from 'zod';
import type { CustomerFacts } from './facts.ts';
import type { LinkScope } from './link.ts';
import { searchPolicies } from './policies.ts';

export interface ToolCall {
  name: string;
  args: unknown;
  output: unknown;
}

export interface ToolSpec {
  name: string;
  description: string;
  args: z.ZodObject;
}

const NoArgs = z.strictObject({});

export const TOOL_SPECS: ToolSpec[] = [
  {
    name: 'get_invoice',
    description:
      'This invoice: number, dates, terms, summary, every line with its amount, totals and balance.',
    args: NoArgs,
  },
  {
    name: 'explain_line',
    description: 'One line of this invoice with its description, quantity, unit price and amount.',
    args: z.strictObject({ lineId: z.string().max(40) }),
  },
  {
    name: 'get_payments',
    description: 'Payments applied to this invoice, the amount paid and the balance left.',
    args: NoArgs,
  },
  {
    name: 'get_history',
    description: "The customer's other invoices with this shop and their open balance.",
    args: NoArgs,
  },
  {
    name: 'search_policies',
    description: "Search the shop's policy documents (warranty, payment terms, trip charges).",
    args: z.strictObject({ query: z.string().min(1).max(300) }),
  },
];

export class ScopedTools {
  readonly calls: ToolCall[] = [];

  constructor(
    private readonly db: Db,
    readonly scope: LinkScope,
    readonly facts: CustomerFacts,
  ) {}

  /** Run a tool by name with untrusted arguments; a bad call yields an error output, never a throw. */
  async call(name: string, rawArgs: unknown): Promise<unknown> {
    const spec = TOOL_SPECS.find((t) => t.name === name);
    let output: unknown;
    if (!spec) output = { error: `no tool named ${String(name).slice(0, 40)}` };
    else {
      const parsed = spec.args.safeParse(rawArgs ?? {});
      output = parsed.success
        ? await this.run(name, parsed.data as Record<string, string>)
        : { error: 'invalid arguments: this tool only reads the invoice this page is about' };
    }
    this.calls.push({ name: String(name).slice(0, 40), args: rawArgs ?? {}, output });
    return output;
  }

  private async run(name: string, args: Record<string, string>): Promise<unknown> {
    const { invoice } = this.facts;
    switch (name) {
      case 'get_invoice':
        return { customerName: this.facts.customerName, ...invoice, payments: undefined };
      case 'explain_line': {
        const line = invoice.lines.find((l) => l.lineId === args.lineId);
        return line
          ? { invoiceNumber: invoice.invoiceNumber, ...line }
          : { error: 'there is no such line on this invoice', lineIds: invoice.lines.map((l) => l.lineId) };
      }
      case 'get_payments':
        return {
          invoiceNumber: invoice.invoiceNumber,
          total: invoice.total,
          paid: invoice.paid,
          balance: invoice.balance,
          dueDate: invoice.dueDate,
          status: invoice.status,
          payments: invoice.payments,
        };
      case 'get_history':
        return { invoices: this.facts.history, openBalanceAllInvoices: this.facts.openBalance };
      case 'search_policies': {
        const hits = await searchPolicies(this.db, this.scope.tenantId, args.query!);
        return { results: hits };
      }
      default:
        return { error: 'unknown tool' };
    }
  }

  outputs(): unknown[] {
    return this.calls.map((c) => c.output);
  }
}
