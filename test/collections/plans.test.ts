// Payment plans end to end on the simulator: plan.suggest proposes options from the mirror (sums
// exact, ≤ 4 installments, reasons, a checked CSR draft); acceptance writes ServiceTitan's
// objects (custom field, tag, pinned note, task + one dated sub-task per installment) exactly
// once through the write ledger, even when answers are lost after commit; acting again writes
// nothing new.
import { formatCents, type Installment, type PlanOption } from '@invoicer/collections';
import { acceptPaymentPlan, activePauses, getPaymentPlan, setPause, upsertMirror } from '@invoicer/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simCollections } from '../../apps/st-sim/src/routes/collections.ts';
import { simMessaging } from '../../apps/st-sim/src/routes/crm-telecom.ts';
import { act } from '../../apps/workers/src/collections/act.ts';
import { evaluateCollections } from '../../apps/workers/src/collections/evaluate.ts';
import { planReference } from '../../apps/workers/src/collections/represent-plan.ts';
import { suggestPlan } from '../../apps/workers/src/collections/suggest.ts';
import { type Bench, CUSTOMER_ID, startBench } from '../delivery/harness.ts';

let bench: Bench;
let invoiceId: number;
const now = new Date('2026-12-05T15:00:00Z');

beforeAll(async () => {
  bench = await startBench();
  invoiceId = [...bench.sim.tenant.invoices.values()][0]!.id as number;
  const record = (id: number, total: string, balance: string) => ({
    stId: id,
    parentId: null,
    modifiedOn: null,
    data: {
      id,
      invoiceDate: '2026-11-01T15:00:00Z',
      dueDate: '2026-11-01T15:00:00Z',
      total,
      balance,
      customer: { id: CUSTOMER_ID, name: 'Pat Customer' },
      businessUnit: { id: 10, name: 'HVAC Service' },
      active: true,
    },
  });
  await upsertMirror(bench.db, 'acme', 'invoices', [
    record(invoiceId, '3600.01', '3600.01'),
    record(55, '1999.99', '1999.99'),
  ]);
});
afterAll(async () => {
  await bench?.close();
});

async function untilDone(
  fn: () => Promise<unknown>,
  attempts = 8,
): Promise<{ result: unknown; failures: number }> {
  let failures = 0;
  for (let i = 0; i < attempts; i++) {
    try {
      return { result: await fn(), failures };
    } catch {
      failures += 1; // what BullMQ's retry would do
    }
  }
  throw new Error(`still failing after ${attempts} attempts`);
}

describe('payment plans', () => {
  it('suggests options for a large balance, none below the threshold', async () => {
    expect(await suggestPlan(bench.services, { tenantId: 'acme', invoiceId: '55' }, now)).toBe(
      'below_threshold',
    );
    expect(await suggestPlan(bench.services, { tenantId: 'acme', invoiceId: String(invoiceId) }, now)).toBe(
      'proposed',
    );
    expect(await suggestPlan(bench.services, { tenantId: 'acme', invoiceId: String(invoiceId) }, now)).toBe(
      'exists',
    );
    const plan = await bench.db.paymentPlan.findFirstOrThrow({
      where: { tenantId: 'acme', invoiceId: BigInt(invoiceId) },
    });
    const options = plan.options as unknown as PlanOption[];
    expect(options.map((o) => o.count)).toEqual([2, 3, 4]);
    for (const o of options) expect(o.installments.reduce((s, i) => s + i.cents, 0)).toBe(360_001);
    expect(options[0]!.installments.map((i) => i.cents)).toEqual([180_000, 180_001]);
    expect((plan.reasons as string[]).length).toBeGreaterThanOrEqual(3);
    expect(plan.draft).toContain('$1,800.00 due December 12, 2026');
    expect(plan.draft).toContain('$1,800.01 due January 11, 2027');
    expect(plan.draft).toContain('$3,600.01 balance');
  });

  it('acceptance writes the ServiceTitan objects once, through lost answers, and again writes nothing', async () => {
    const plan = await bench.db.paymentPlan.findFirstOrThrow({
      where: { tenantId: 'acme', invoiceId: BigInt(invoiceId) },
    });
    const option = (plan.options as unknown as PlanOption[])[1]!; // 3 installments
    expect(await acceptPaymentPlan(bench.db, plan.id, option.installments, 'user-1', plan.draft)).toBe(true);
    expect(await acceptPaymentPlan(bench.db, plan.id, option.installments, 'user-1', plan.draft)).toBe(false);
    const state = simCollections(bench.sim.tenant);
    const before = { ...state.writes, notes: simMessaging(bench.sim.tenant).writes.notes };
    // Every kind of write loses its answer once (applied, then a 500 or a dropped connection).
    bench.sim.faults.update({ failAfterCommit: { rate: 1, mode: 'either', times: 6 } });
    const payload = { tenantId: 'acme', kind: 'plan' as const, subjectId: plan.id, step: 'represent' };
    const { result, failures } = await untilDone(() => act(bench.services, payload, now));
    expect(result).toBe('represented');
    expect(failures).toBeGreaterThan(0);
    const writes = { ...state.writes, notes: simMessaging(bench.sim.tenant).writes.notes };
    expect(writes.tasks - before.tasks).toBe(1);
    expect(writes.subTasks - before.subTasks).toBe(3);
    expect(writes.notes - before.notes).toBe(1);
    const ref = planReference(plan);
    const task = state.tasks.find((t) => t.description?.includes(ref))!;
    expect(task.customerId).toBe(CUSTOMER_ID);
    expect(task.subTasks.map((s) => s.dueDateTime)).toEqual(
      (option.installments as Installment[]).map((i) => `${i.dueDate}T17:00:00Z`),
    );
    expect(task.subTasks.map((s) => s.name)).toEqual(
      option.installments.map((i) => `Installment ${i.number} of 3: ${formatCents(i.cents)} ${ref}`),
    );
    const note = simMessaging(bench.sim.tenant)
      .notes.get(CUSTOMER_ID)!
      .find((n) => n.text.includes(ref))!;
    expect(note.isPinned).toBe(true);
    const customer = bench.sim.tenant.customers.get(CUSTOMER_ID) as { tagTypeIds?: number[] };
    expect(customer.tagTypeIds).toContain(7001);
    const invoice = bench.sim.tenant.invoices.get(invoiceId) as {
      customFields?: { name: string; value: string }[];
    };
    expect(invoice.customFields?.find((f) => f.name === 'Payment plan')?.value).toBe(
      `Plan: 3 payments ($1,200.00, last $1,200.01), next ${option.installments[0]!.dueDate} ${ref}`,
    );
    const ledger = await bench.db.stWrite.findMany({ where: { key: { startsWith: `plan:${plan.id}:` } } });
    expect(ledger).toHaveLength(7);
    expect(ledger.every((w) => w.status === 'completed')).toBe(true);
    expect((await getPaymentPlan(bench.db, plan.id))!.state).toBe('current');
    // Accepting again (a double click, a retried job): nothing new in ServiceTitan.
    bench.sim.faults.update({ failAfterCommit: null });
    expect(await act(bench.services, payload, now)).toBe('represented');
    expect({ ...state.writes, notes: simMessaging(bench.sim.tenant).writes.notes }).toEqual(writes);
  });

  it('a missed installment makes the plan late and lifts its pause; catching up makes it current again', async () => {
    const plan = await bench.db.paymentPlan.findFirstOrThrow({
      where: { tenantId: 'acme', invoiceId: BigInt(invoiceId) },
    });
    await setPause(bench.db, {
      tenantId: 'acme',
      subjectKind: 'invoice',
      subjectId: String(invoiceId),
      reason: 'plan',
    });
    const inst = plan.installments as unknown as Installment[];
    const mirrorBalance = async (balance: string) =>
      upsertMirror(bench.db, 'acme', 'invoices', [
        {
          stId: invoiceId,
          parentId: null,
          modifiedOn: null,
          data: {
            id: invoiceId,
            invoiceDate: '2026-11-01T15:00:00Z',
            dueDate: '2026-11-01T15:00:00Z',
            total: '3600.01',
            balance,
            customer: { id: CUSTOMER_ID, name: 'Pat Customer' },
            active: true,
          },
        },
      ]);
    const day = (iso: string) => new Date(`${iso}T15:00:00Z`);
    const afterSecond = new Date(Date.parse(`${inst[1]!.dueDate}T12:00:00Z`) + 3 * 86_400_000);
    await mirrorBalance('2400.01'); // the first installment paid, not the second
    const summary = await evaluateCollections(
      bench.services,
      { tenantId: 'acme', day: '2027-01-14' },
      afterSecond,
    );
    expect(summary.planMoves).toEqual({ late: 1 });
    expect((await getPaymentPlan(bench.db, plan.id))!.state).toBe('late');
    expect(await activePauses(bench.db, 'acme', 'invoice', String(invoiceId), afterSecond)).not.toContain(
      'plan',
    );
    await mirrorBalance('1200.01'); // caught up
    const again = await evaluateCollections(
      bench.services,
      { tenantId: 'acme', day: '2027-01-15' },
      afterSecond,
    );
    expect(again.planMoves).toEqual({ current: 1 });
    expect(await activePauses(bench.db, 'acme', 'invoice', String(invoiceId), afterSecond)).toContain('plan');
    await mirrorBalance('0.00');
    expect(
      (await evaluateCollections(bench.services, { tenantId: 'acme', day: '2027-01-16' }, day('2027-01-16')))
        .planMoves,
    ).toEqual({ completed: 1 });
    expect((await getPaymentPlan(bench.db, plan.id))!.state).toBe('completed');
  });
});
