// Sold estimates vs the draft, end to end: simulator (Sales v2 export) → mirror → workers'
// evidence stage → route. Then the same jobs with the stage off: every draft is identical.
import type { ConsoleApp } from '@invoicer/console';
import type { StageOutputs } from '@invoicer/pipeline';
import { simEstimates } from '@invoicer/st-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoleUsers, startTestConsole, TestClient } from '../console/support.ts';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';
import { miniTenant } from '../support/mini-tenant.ts';

const at = '2026-01-01T08:00:00Z';
const item = (id: number, skuId: number, qty: number, unitRate: string, total: string) => ({
  id,
  sku: { id: skuId, name: `SKU-${skuId}`, displayName: `SKU ${skuId}`, type: 'Material' },
  skuAccount: '4000',
  description: `Item ${id}`,
  qty,
  unitRate: Number(unitRate),
  total: Number(total),
  unitCost: 0,
  totalCost: 0,
  itemGroupName: '',
  createdOn: at,
  modifiedOn: at,
  chargeable: true,
});
const estimate = (id: number, jobId: number, status: 'Sold' | 'Dismissed' | 'Open', items: unknown[]) => ({
  id,
  jobId,
  name: `Estimate ${id}`,
  status: { value: status === 'Sold' ? 1 : status === 'Dismissed' ? 2 : 0, name: status },
  reviewStatus: 'None',
  soldOn: status === 'Sold' ? at : null,
  createdOn: at,
  modifiedOn: at,
  active: true,
  items,
  subtotal: 0,
  tax: 0,
});

/** 1055: diagnostic sold, not billed; 1056: invoice = estimate; 1057: capacitor declined;
 *  1058: created from a sales job's estimate selling 2 capacitors; 1059, 1060: none. */
function loadEstimates(cluster: TestCluster) {
  const store = simEstimates(cluster.sim.tenant);
  store.put(
    estimate(7001, 1055, 'Sold', [item(1, 601, 1, '145', '145'), item(2, 501, 1, '89', '89')]) as never,
  );
  store.put(estimate(7002, 1056, 'Sold', [item(3, 601, 1, '145', '145')]) as never);
  store.put(estimate(7003, 1057, 'Dismissed', [item(4, 601, 1, '145', '145')]) as never);
  store.put(estimate(7004, 999, 'Sold', [item(5, 601, 2, '145', '290')]) as never);
  store.put(estimate(7005, 1059, 'Open', [item(6, 501, 1, '89', '89')]) as never);
  const job = cluster.sim.tenant.jobs.get(1058)!;
  cluster.sim.tenant.jobs.put({ ...job, createdFromEstimateId: 7004 });
}

async function runAll(cluster: TestCluster) {
  cluster.sim.play();
  await cluster.settle(6);
  const runs = await cluster.db.pipelineRun.findMany({ include: { outputs: true } });
  return new Map(
    (
      runs as unknown as {
        stJobId: bigint;
        status: string;
        id: string;
        outputs: { stage: string; output: { value: unknown } }[];
      }[]
    ).map((r) => [
      Number(r.stJobId),
      {
        status: r.status,
        id: r.id,
        out: Object.fromEntries(r.outputs.map((o) => [o.stage, o.output.value])) as Pick<
          StageOutputs,
          'extract' | 'draft' | 'evidence' | 'route'
        >,
      },
    ]),
  );
}

let on: TestCluster;
let console_: ConsoleApp;
let off: TestCluster;
let withStage: Awaited<ReturnType<typeof runAll>>;
let without: Awaited<ReturnType<typeof runAll>>;

beforeAll(async () => {
  on = await startTestCluster({
    fixture: miniTenant(60),
    replayLast: 6,
    settings: { policy: { mode: 'auto' } as never },
  });
  loadEstimates(on);
  withStage = await runAll(on);
  off = await startTestCluster({
    fixture: miniTenant(60),
    replayLast: 6,
    settings: { policy: { mode: 'auto' } as never, evidence: { estimates: false, photos: false } as never },
  });
  loadEstimates(off);
  without = await runAll(off);
}, 240_000);
afterAll(async () => {
  await console_?.close();
  await on?.stop();
  await off?.stop();
});

describe('sold estimate vs invoice through the workers', () => {
  it('saves a comparison for every job with estimates, and none for the others', () => {
    expect([...withStage.keys()].sort()).toEqual([1055, 1056, 1057, 1058, 1059, 1060]);
    for (const id of [1055, 1056, 1057, 1058])
      expect(withStage.get(id)!.out.evidence.estimates).not.toBeNull();
    expect(withStage.get(1060)!.out.evidence.estimates).toBeNull();
  });

  it('suggests the sold but unbilled line with the estimate as provenance, and sends it to review', async () => {
    const run = withStage.get(1055)!;
    expect(run.out.draft.lines.map((l) => l.skuId)).not.toContain(501);
    const ev = run.out.evidence;
    expect(ev.estimates?.suggestions).toEqual([
      expect.objectContaining({
        skuId: 501,
        quantity: '1',
        unitPrice: '89.00',
        provenance: { kind: 'estimate', estimateId: 7001, itemIds: [2] },
      }),
    ]);
    expect(ev.reasons).toContain('estimate_difference');
    expect(run.status).toBe('awaiting_review');
    const review = await on.db.reviewItem.findFirst({ where: { runId: run.id } });
    expect(review?.reasons).toContain('estimate_difference');
  });

  it('flags a dismissed estimate’s item as declined, and a quantity off the estimate it was created from', () => {
    const declined = withStage.get(1057)!.out.evidence.estimates?.differences ?? [];
    expect(declined.map((d) => d.class)).toEqual(['declined_on_invoice']);
    const created = withStage.get(1058)!.out.evidence.estimates?.differences;
    expect(created).toEqual([
      expect.objectContaining({
        class: 'qty_changed',
        estimateQuantity: '2',
        draftQuantity: '1',
        dollarImpact: '-145.00',
      }),
    ]);
    expect(withStage.get(1058)!.status).toBe('awaiting_review');
  });

  it('adds no reason when the invoice is what was sold, or only an open estimate exists', () => {
    expect(withStage.get(1056)!.out.evidence.reasons).toEqual([]);
    expect(withStage.get(1059)!.out.evidence.reasons).toEqual([]);
    expect(withStage.get(1056)!.out.route.reasons).not.toContain('estimate_difference');
  });

  it('leaves every draft identical with the stage off, and routes those jobs without its reasons', () => {
    for (const [jobId, run] of withStage) {
      const other = without.get(jobId)!;
      expect(other.out.evidence).toMatchObject({ enabled: false, reasons: [] });
      expect(JSON.stringify(run.out.draft)).toBe(JSON.stringify(other.out.draft));
      expect(other.out.route.reasons).not.toContain('estimate_difference');
    }
  });
});

describe('history feature "was on a sold estimate"', () => {
  it('puts the sold SKUs on the job context with estimates on, and none with them off', () => {
    expect(withStage.get(1055)!.out.extract.context.soldEstimateSkuIds).toEqual([501, 601]);
    expect(withStage.get(1058)!.out.extract.context.soldEstimateSkuIds).toEqual([601]);
    expect(withStage.get(1057)!.out.extract.context.soldEstimateSkuIds).toBeUndefined();
    for (const run of without.values()) expect(run.out.extract.context.soldEstimateSkuIds).toBeUndefined();
  });
});

describe('the console shows each line’s evidence', () => {
  it('shows the estimate beside each line and the sold line missing from the draft', async () => {
    const key = on.workers.services.runtime.options.credentialsKey.toString('base64');
    console_ = await startTestConsole({ ...on.env, CREDENTIALS_KEY: key });
    const emails = await createRoleUsers(on.db);
    const reader = new TestClient(console_.app);
    await reader.signIn(emails.billing_specialist);
    const item = await on.db.reviewItem.findFirstOrThrow({ where: { runId: withStage.get(1055)!.id } });
    const page = await reader.get(`/items/${item.id}`);
    expect(page.body).toContain(`hx-get="/items/${item.id}/evidence"`);
    const fragment = await reader.get(`/items/${item.id}/evidence`);
    expect(fragment.statusCode).toBe(200);
    expect(fragment.body).toContain('data-class="same"');
    expect(fragment.body).toMatch(
      /data-testid="evidence-suggestions">\s*<li>SKU 501 × 1 at \$89\.00 = \$89\.00/,
    );
    const declined = await on.db.reviewItem.findFirstOrThrow({ where: { runId: withStage.get(1057)!.id } });
    expect((await reader.get(`/items/${declined.id}/evidence`)).body).toContain('customer declined it');
    const json = await reader.get(`/items/${item.id}/evidence`, { accept: 'application/json' });
    expect(JSON.parse(json.body).evidence.reasons).toEqual(['estimate_difference']);
  });
});
