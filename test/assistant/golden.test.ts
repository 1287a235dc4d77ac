// The golden set: questions across the common intents on generated customers, each with the
// facts the answer must state. The local provider must get at least 90% right; every reply
// passes the guard, cites what it used, and every handoff gives exactly one review item.
import { ask, LocalAssistantProvider } from '@invoicer/assistant';
import { Decimal } from '@invoicer/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type GeneratedCustomer, usd } from './fixtures.ts';
import { type AssistantBench, startAssistantBench } from './harness.ts';

let bench: AssistantBench;
beforeAll(async () => {
  bench = await startAssistantBench(12);
});
afterAll(async () => bench?.close());

interface Golden {
  question: string;
  expect: string[];
  action?: 'handoff' | 'dispute';
}

const dueText = (iso: string) => {
  const d = new Date(iso);
  return `${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}`;
};

function goldenFor(c: GeneratedCustomer, k: number): Golden[] {
  const inv = c.invoices[0]!;
  const line = inv.lines[k % inv.lines.length]!;
  const lineName = line.description.replace(/<[^>]+>/g, '').split(/ Ignore| SYSTEM| Assistant/)[0]!;
  const balance = usd(inv.balance);
  const pick = <T>(list: T[]) => list[k % list.length]!;
  const golden: Golden[] = [
    {
      question: pick([
        'What is my balance?',
        'How much do I still owe?',
        'What is the amount due on this invoice?',
      ]),
      expect: inv.balance.isZero() ? ['paid in full'] : [balance],
    },
    {
      question: pick(['When is this due?', "What's the due date?", 'When do I have to pay by?']),
      expect: inv.balance.isZero() ? ['paid in full'] : [dueText(inv.dueDate)],
    },
    {
      question: `Why was I charged for the ${lineName.toLowerCase()}?`,
      expect: [usd(new Decimal(line.total))],
    },
    {
      question: pick(['What is the total?', 'What was the grand total of this bill?']),
      expect: [usd(inv.total)],
    },
    {
      question: pick(['How can I pay?', 'Can I pay by credit card?', 'What payment methods do you accept?']),
      expect: ['credit card'],
    },
    {
      question: pick(['Is the capacitor covered by warranty?', 'What does the warranty cover?']),
      expect: ['one-year parts warranty'],
    },
    { question: pick(['What is the trip charge?', 'Why is there a trip fee policy?']), expect: ['$89.00'] },
    {
      question: pick(['Did you get my payment?', 'Have you received my payments?']),
      expect: inv.paid.gt(0) ? [usd(inv.paid)] : ['no payment recorded'],
    },
    {
      question: pick(['Can I see a statement of my account?', 'What about my other invoices?']),
      expect: [
        usd(c.invoices.reduce((s, i) => s.plus(i.balance), inv.balance.minus(inv.balance))),
        ...c.invoices.slice(1).map((i) => i.number),
      ],
    },
    {
      question: pick(['I want to talk to a person', 'Can someone from the office call me?']),
      expect: [],
      action: 'handoff',
    },
    {
      question: pick(['This charge is wrong, I never agreed to it', 'I dispute this invoice']),
      expect: [],
      action: 'dispute',
    },
  ];
  return golden;
}

it('answers at least 90% of the golden questions correctly with the local provider', async () => {
  const provider = new LocalAssistantProvider();
  let total = 0;
  let correct = 0;
  const wrong: string[] = [];
  const durations: number[] = [];
  for (const [k, c] of bench.customers.slice(0, 6).entries()) {
    const { scope, digest } = bench.linkFor(c);
    for (const g of goldenFor(c, k)) {
      total++;
      const started = performance.now();
      const r = await ask(bench.database.db, {
        scope,
        linkDigest: digest,
        question: g.question,
        provider,
        slaHours: 24,
      });
      durations.push(performance.now() - started);
      expect(r.guard.ok, `${g.question} → ${r.reply}`).toBe(true);
      const ok =
        g.expect.every((f) => r.reply.toLowerCase().includes(f.toLowerCase())) &&
        r.action === (g.action ?? 'none');
      if (ok) correct++;
      else wrong.push(`${c.customerId} "${g.question}" → ${r.reply}`);
    }
  }
  durations.sort((a, b) => a - b);
  const p95 = durations[Math.ceil(durations.length * 0.95) - 1]!;
  console.log(`golden (local): ${correct}/${total} correct, p95 ${p95.toFixed(0)} ms`, wrong.slice(0, 5));
  expect(p95).toBeLessThan(3000);
  expect(total).toBeGreaterThanOrEqual(50);
  expect(correct / total).toBeGreaterThanOrEqual(0.9);

  // One review item per conversation that was handed over, with the transcript; reminders paused.
  const items = await bench.database.db.reviewItem.findMany({ where: { kind: 'assistant' } });
  expect(items).toHaveLength(6);
  for (const item of items) {
    const details = item.details as { transcript: { question: string }[]; invoiceId: number };
    expect(details.transcript.length).toBeGreaterThanOrEqual(11);
    expect(item.reasons).toContain('customer_dispute');
    const pauses = await bench.database.db.messagePause.findMany({
      where: {
        tenantId: 'acme',
        subjectKind: 'invoice',
        subjectId: String(details.invoiceId),
        clearedAt: null,
      },
    });
    expect(pauses.map((p) => p.reason)).toEqual(['dispute']);
  }
  const turns = await bench.database.db.assistantTurn.count();
  expect(turns).toBe(total);
});
