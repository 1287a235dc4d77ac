// One dunning level for one invoice, done at most once. The facts are read again here (the
// evaluation may be hours old): paid, disputed (a collector's last outcome or a dispute pause),
// on a running plan → skipped, nothing written. Email/SMS levels are message-ledger rows keyed
// by (invoice, 'collection', level), so a retry or a second evaluation finds the same row; the
// delivery code then applies opt-outs, quiet hours and caps and sends it exactly once.
import {
  buildLedger,
  type DunningLevel,
  daysPastDue,
  dunningDaysPastDue,
  formatCents,
  nextDunningStep,
} from '@invoicer/collections';
import { InvalidInputError } from '@invoicer/core';
import {
  activePauses,
  appendAudit,
  livePlanForInvoice,
  planMessage,
  receivablesForInvoice,
  sql,
} from '@invoicer/db';
import { runSteps } from '@invoicer/pipeline';
import { listCustomerContacts } from '@invoicer/servicetitan';
import { deliverMessage } from '../delivery/send.ts';
import type { WorkerServices } from '../services.ts';
import { PLAN_HOLDS, planFacts } from './evaluate.ts';
import { createTask, listCustomerTasks } from './st-calls.ts';

export async function isDisputed(
  services: Pick<WorkerServices, 'db'>,
  tenantId: string,
  invoiceId: number,
  now: Date,
) {
  const [last] = await sql<{ outcome: string }>(
    services.db,
    `SELECT outcome FROM collection_outcomes WHERE tenant_id = $1 AND invoice_id = $2 ORDER BY id DESC LIMIT 1`,
    [tenantId, invoiceId],
  );
  if (last?.outcome === 'dispute') return true;
  return (await activePauses(services.db, tenantId, 'invoice', String(invoiceId), now)).includes('dispute');
}

export async function runDunningLevel(
  services: WorkerServices,
  tenantId: string,
  invoiceId: number,
  levelKey: string,
  now: Date,
): Promise<string> {
  const settings = await services.runtime.settings(tenantId);
  const level = settings.collections.dunning.find((l) => l.key === levelKey) as DunningLevel | undefined;
  if (!level) throw new InvalidInputError(`the tenant has no dunning level "${levelKey}"`);
  const mirror = await receivablesForInvoice(services.db, tenantId, invoiceId);
  const invoice = buildLedger(mirror.invoices, mirror.payments).invoices.find((i) => i.id === invoiceId);
  if (!invoice) throw new InvalidInputError(`invoice ${invoiceId} is not in the tenant's mirror`);
  const plan = await livePlanForInvoice(services.db, tenantId, invoiceId);
  const decision = nextDunningStep([level], {
    balanceCents: invoice.balanceCents,
    daysPastDue: dunningDaysPastDue(daysPastDue(invoice, now), planFacts(plan), invoice.balanceCents, now),
    disputed: await isDisputed(services, tenantId, invoiceId, now),
    onPlan: plan !== null && PLAN_HOLDS.includes(plan.state),
    optedOut: {},
    done: new Set(),
  });
  if (decision.action !== 'do') return `skipped: ${decision.reason}`;
  const log = services.log.child({ tenant: tenantId, invoiceId, level: level.key });
  if (level.channel === 'email' || level.channel === 'sms') {
    // The level's channel: its contact of that type (the delivery then sends only to it, or
    // suppresses it when that contact opted out). No such contact: the delivery's own choice.
    const client = await services.runtime.client(tenantId);
    const type = level.channel === 'email' ? 'Email' : 'MobilePhone';
    const contact = (await listCustomerContacts(client, invoice.customerId)).find((c) => c.type === type);
    const { row } = await planMessage(services.db, {
      tenantId,
      subjectKind: 'invoice',
      subjectId: String(invoiceId),
      purpose: 'collection',
      step: level.key,
      revision: 0,
      category: 'collection',
      customerId: invoice.customerId,
      contactId: contact ? String(contact.id) : null,
    });
    const result = await deliverMessage(services, row.id, { now: () => now });
    log.info({ messageId: row.id, result }, 'dunning message');
    return result;
  }
  if (level.channel === 'call_task') {
    const client = await services.runtime.client(tenantId);
    const ref = `[dunning ${invoiceId} ${level.key}]`;
    const read = async () => listCustomerTasks(client, invoice.customerId);
    await runSteps(
      services.db,
      { tenantId, runId: null },
      [
        {
          key: `dunning:${tenantId}:${invoiceId}:${level.key}`,
          operation: 'task.create',
          request: { invoiceId, level: level.key },
          send: () =>
            createTask(client, {
              name: `Collections call: invoice ${invoiceId}`,
              description: `${invoice.customerName} owes ${formatCents(invoice.balanceCents)}, ${daysPastDue(invoice, now)} days past due. ${ref}`,
              customerId: invoice.customerId,
              priority: 'High',
              isClosed: false,
              reportedDate: now.toISOString(),
              ...(settings.collections.plans.collectorId
                ? { assignedToId: settings.collections.plans.collectorId }
                : {}),
            }).then(() => undefined),
          find: (tasks) => {
            const t = (tasks as Awaited<ReturnType<typeof read>>).find((x) => x.description?.includes(ref));
            return t ? { taskId: t.id } : null;
          },
        },
      ],
      await read(),
      read,
    );
    return 'task';
  }
  // Manager review: once per invoice and level, as an audit event the receivables page lists.
  const [seen] = await sql<{ id: string }>(
    services.db,
    `SELECT id::text FROM audit_events WHERE tenant_id = $1 AND action = 'collections.manager_review'
       AND data->>'invoiceId' = $2 AND data->>'level' = $3 LIMIT 1`,
    [tenantId, String(invoiceId), level.key],
  );
  if (seen) return 'review_exists';
  await appendAudit(services.db, {
    tenantId,
    actorType: 'system',
    actor: 'collections',
    action: 'collections.manager_review',
    data: { invoiceId: String(invoiceId), level: level.key, balanceCents: invoice.balanceCents },
  });
  return 'review';
}
