// Photo evidence end to end: JPEGs with EXIF on the simulator's job attachments → workers'
// evidence stage → findings, reasons and review. 20 jobs in two waves (a reused photo's original
// is on a job of the first wave), 3 good photos each and 12 injected bad ones (4 of each kind); measures how many
// injected photos are flagged (target 100%) and how many good ones (target ≤ 2%).
import type { ConsoleApp } from '@invoicer/console';
import type { StageOutputs } from '@invoicer/pipeline';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoleUsers, startTestConsole, TestClient } from '../console/support.ts';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';
import { miniTenant } from '../support/mini-tenant.ts';
import { metresNorth, photoJpeg } from './photo-images.ts';

const home = { lat: 39.7817, lon: -89.6501 };
const FIRST_JOB = 1041;
const JOBS = 20;
type Kind = 'good' | 'wrong_day' | 'wrong_place' | 'reused';
const day = (jobId: number) => jobId - 1000; // miniTenant: job 1000+i is on 2026-01-(1+i)
const utc = (jobId: number, hour: number, minute = 0) =>
  new Date(Date.UTC(2026, 0, 1 + day(jobId), hour, minute));
const exifLocal = (d: Date, offsetHours: number) =>
  new Date(d.getTime() + offsetHours * 3_600_000)
    .toISOString()
    .slice(0, 19)
    .replace('T', ' ')
    .replace(/-/g, ':');

let cluster: TestCluster;
let console_: ConsoleApp;
const injected = new Map<number, Kind>();
let outputs: Map<number, { status: string; evidence: StageOutputs['evidence']; reasons: string[] }>;

async function attach(jobId: number, id: number, kind: Kind, seed: number, alt: number) {
  // Visits 09:00–11:00Z, completed 15:00Z (Chicago, UTC−6). Half the photos carry their offset.
  const taken = kind === 'wrong_day' ? utc(jobId - 2, 10) : utc(jobId, 9 + (alt % 3), 7 * alt);
  const withOffset = alt % 2 === 0;
  const spot =
    kind === 'wrong_place'
      ? { lat: home.lat + metresNorth(2500), lon: home.lon }
      : { lat: home.lat + metresNorth((alt % 5) * 40), lon: home.lon };
  const bytes = await photoJpeg({
    seed,
    local: exifLocal(taken, -6),
    offset: withOffset ? '-06:00' : undefined,
    gps: spot,
    width: kind === 'reused' ? 480 : 640,
    quality: kind === 'reused' ? 60 : 80,
  });
  cluster.sim.tenant.attachments.put({
    id,
    jobId,
    fileName: `IMG_${id}`,
    contentType: 'application/octet-stream',
    size: bytes.length,
    createdOn: utc(jobId, 10).toISOString(),
    _bytes: bytes,
  } as never);
  injected.set(id, kind);
}

beforeAll(async () => {
  const fixture = miniTenant(60);
  (fixture['crm/locations'][0] as Record<string, unknown>).address = {
    street: '1 Main St',
    city: 'Springfield',
    state: 'IL',
    zip: '62701',
    country: 'USA',
    latitude: home.lat,
    longitude: home.lon,
  };
  cluster = await startTestCluster({
    fixture,
    replayLast: JOBS,
    settings: { policy: { mode: 'auto' } as never, evidence: { photos: true } as never },
  });
  let id = 80_000;
  for (let j = 0; j < JOBS; j++) {
    const jobId = FIRST_JOB + j;
    for (let p = 0; p < 3; p++) await attach(jobId, ++id, 'good', jobId * 10 + p, p + j);
    // Second wave (jobs 11–20): one bad photo each on 12 of them; reused ones copy a first-wave photo.
    if (j >= 10) {
      const kind: Kind = j < 14 ? 'wrong_day' : j < 18 ? 'wrong_place' : 'reused';
      await attach(jobId, ++id, kind, kind === 'reused' ? (FIRST_JOB + j - 10) * 10 : 5000 + j, j);
    }
  }
  // Two more copies of first-wave photos, on second-wave jobs that already carry a bad photo.
  for (const j of [10, 11]) await attach(FIRST_JOB + j, ++id, 'reused', (FIRST_JOB + j - 5) * 10 + 2, j);
  // Play the first wave (1041–1050) before the second, so every original is known first.
  cluster.sim.play(10);
  await cluster.settle(10);
  cluster.sim.play();
  await cluster.settle(JOBS);
  const runs = await cluster.db.pipelineRun.findMany({ include: { outputs: true } });
  outputs = new Map(
    runs.map((r) => {
      const out = Object.fromEntries(
        r.outputs.map((o) => [o.stage, (o.output as { value: unknown }).value]),
      ) as Pick<StageOutputs, 'evidence' | 'route'>;
      return [Number(r.stJobId), { status: r.status, evidence: out.evidence, reasons: out.route.reasons }];
    }),
  );
}, 300_000);
afterAll(async () => {
  await console_?.close();
  await cluster?.stop();
});

describe('photo evidence through the workers', () => {
  it('reads every photo of every job', () => {
    const read = [...outputs.values()].flatMap((o) => o.evidence.photos.map((p) => p.attachmentId));
    expect(read.sort()).toEqual([...injected.keys()].sort());
  });

  it('flags every injected photo with its kind, and at most 2% of good photos', () => {
    const findings = new Map(
      [...outputs.values()].flatMap((o) => o.evidence.findings.map((f) => [f.attachmentId, f.kind])),
    );
    const bad = [...injected].filter(([, k]) => k !== 'good');
    const good = [...injected].filter(([, k]) => k === 'good');
    const caught = bad.filter(([id, k]) => findings.get(id) === k);
    const falsePositives = good.filter(([id]) => findings.has(id));
    console.log(
      `photo evidence: injected flagged ${caught.length}/${bad.length}, good flagged ${falsePositives.length}/${good.length}`,
    );
    expect(caught.length).toBe(bad.length);
    expect(falsePositives.length / good.length).toBeLessThanOrEqual(0.02);
  });

  it('sends jobs with flagged photos to review with the photo reason, and not the clean ones', () => {
    for (const [jobId, out] of outputs) {
      const flagged = out.evidence.findings.length > 0;
      expect(out.evidence.reasons.includes('photo_evidence'), `job ${jobId}`).toBe(flagged);
      if (flagged) {
        expect(out.reasons).toContain('photo_evidence');
        expect(out.status).toBe('awaiting_review');
      }
    }
  });
});

describe('photo evidence in the console', () => {
  it('shows each flagged photo with the thumbnail the stage stored', async () => {
    const key = cluster.workers.services.runtime.options.credentialsKey.toString('base64');
    console_ = await startTestConsole({ ...cluster.env, CREDENTIALS_KEY: key });
    const reader = new TestClient(console_.app);
    await reader.signIn((await createRoleUsers(cluster.db)).billing_specialist);
    const [jobId, out] = [...outputs].find(([, o]) => o.evidence.findings.some((f) => f.kind === 'reused'))!;
    const run = await cluster.db.pipelineRun.findFirstOrThrow({ where: { stJobId: jobId } });
    const item = await cluster.db.reviewItem.findFirstOrThrow({ where: { runId: run.id } });
    const fragment = await reader.get(`/items/${item.id}/evidence`);
    const reused = out.evidence.findings.find((f) => f.kind === 'reused')!;
    expect(fragment.body).toContain('reused from another job');
    const src = new RegExp(
      `<img src="data:image/jpeg;base64,([^"]+)" alt="[^"]*" width="120" data-attachment="${reused.attachmentId}"`,
    ).exec(fragment.body)?.[1];
    expect(src, 'the reused photo’s thumbnail').toBeDefined();
    expect((await sharp(Buffer.from(src!, 'base64')).metadata()).width).toBe(240);
  });
});
