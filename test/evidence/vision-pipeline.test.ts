// The vision model through the workers: photos sent as downscaled base64 JPEGs to a fake
// OpenAI-compatible server, its findings grounded in the draft's lines. It adds evidence and
// review reasons only: an unknown line or a stated amount is dropped, a failing model is a note.
import type { StageOutputs } from '@invoicer/pipeline';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';
import { miniTenant } from '../support/mini-tenant.ts';
import { type FakeVision, startFakeVision } from './fake-vision.ts';
import { photoJpeg } from './photo-images.ts';

let cluster: TestCluster;
let vision: FakeVision;
let runs: Map<number, { status: string; out: Pick<StageOutputs, 'draft' | 'evidence' | 'route'> }>;
const PHOTO = { 1057: 82_001, 1058: 82_002, 1059: 82_003, 1060: 82_004 } as Record<number, number>;

beforeAll(async () => {
  vision = await startFakeVision();
  vision.script = (photoId, lines) => {
    const cap = lines.find((l) => l.name.includes('Capacitor'))?.key ?? null;
    if (photoId === PHOTO[1057]) return { lineKey: cap, evidence: 'present', item: 'capacitor' };
    if (photoId === PHOTO[1058])
      return { lineKey: cap, evidence: 'contradicts', item: 'old capacitor still fitted' };
    if (photoId === PHOTO[1059]) return 'hallucinate';
    return 'error';
  };
  cluster = await startTestCluster({
    fixture: miniTenant(60),
    replayLast: 4,
    settings: {
      policy: { mode: 'auto' } as never,
      ai: { provider: 'openai', model: 'fake-vision', baseUrl: vision.url, timeoutMs: 10_000 },
      evidence: { photos: true, vision: true, nameplates: false } as never,
    },
  });
  for (const [jobId, id] of Object.entries(PHOTO)) {
    const bytes = await photoJpeg({ seed: id, width: 1600 });
    cluster.sim.tenant.attachments.put({
      id,
      jobId: Number(jobId),
      fileName: `IMG_${id}.jpg`,
      contentType: 'image/jpeg',
      size: bytes.length,
      createdOn: new Date(Date.UTC(2026, 0, 1 + Number(jobId) - 1000, 10)).toISOString(),
      _bytes: bytes,
    } as never);
  }
  cluster.sim.play();
  await cluster.settle(4);
  const rows = await cluster.db.pipelineRun.findMany({ include: { outputs: true } });
  runs = new Map(
    rows.map((r) => [
      Number(r.stJobId),
      {
        status: r.status,
        out: Object.fromEntries(
          r.outputs.map((o) => [o.stage, (o.output as { value: unknown }).value]),
        ) as Pick<StageOutputs, 'draft' | 'evidence' | 'route'>,
      },
    ]),
  );
}, 240_000);
afterAll(async () => {
  await cluster?.stop();
  await vision?.close();
});

describe('vision model evidence', () => {
  it('sends each photo as a strict-schema request with a JPEG of at most 1,024 px', async () => {
    // One request per job's photos (the failing model's is retried once by the client).
    expect(new Set(vision.requests.flatMap((r) => r.photoIds))).toEqual(new Set(Object.values(PHOTO)));
    for (const request of vision.requests) {
      expect(request.strict).toBe(true);
      expect(request.model).toBe('fake-vision');
      const meta = await sharp(Buffer.from(request.images[0]!.split(',')[1]!, 'base64')).metadata();
      expect(meta.format).toBe('jpeg');
      expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(1024);
    }
  });

  it('records a supporting photo on the line, without a review reason', () => {
    const run = runs.get(1057)!;
    const cap = run.out.draft.lines.find((l) => l.skuId === 601)!;
    expect(run.out.evidence.findings).toEqual([
      expect.objectContaining({ kind: 'vision_supports', attachmentId: PHOTO[1057], lineKeys: [cap.key] }),
    ]);
    expect(run.out.evidence.reasons).toEqual([]);
  });

  it('turns a contradicting photo into a review reason', () => {
    const run = runs.get(1058)!;
    expect(run.out.evidence.findings.map((f) => f.kind)).toEqual(['vision_contradicts']);
    expect(run.out.route.reasons).toContain('photo_evidence');
    expect(run.status).toBe('awaiting_review');
  });

  it('drops a finding on a line it was not shown and one that states an amount', () => {
    const ev = runs.get(1059)!.out.evidence;
    expect(ev.findings).toEqual([]);
    expect(ev.notes.join(' ')).toMatch(/2 finding\(s\) dropped \(unknown_line, states_amount\)/);
    expect(JSON.stringify(ev)).not.toContain('$450');
  });

  it('notes a failing model and goes on', () => {
    const ev = runs.get(1060)!.out.evidence;
    expect(ev.findings).toEqual([]);
    expect(ev.notes.join(' ')).toMatch(/Vision model failed/);
    expect(runs.get(1060)!.status).not.toBe('failed');
  });
});
