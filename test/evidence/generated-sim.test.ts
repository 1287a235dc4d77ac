// The simulator serves a generated shop's evidence scenario: estimates by job, installed
// equipment by location, and photo attachments rendered with the EXIF and picture the generator
// described, from memory or from the fixture directory.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { dhash, Estimate, hamming, readMetadata, sniffImage } from '@invoicer/evidence';
import { downloadJobAttachment, type StClient } from '@invoicer/servicetitan';
import type { RunningSim } from '@invoicer/st-sim';
import { type GeneratedTenant, generateTenant, writeTenantFixture } from '@invoicer/st-sim/generator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { simWithClient } from '../support/sim-client.ts';
import { simEvidenceOf } from './eval/replay.ts';

let shop: GeneratedTenant;
let sim: RunningSim;
let client: StClient;

beforeAll(async () => {
  shop = generateTenant({ jobs: 200, seed: 3, months: 4, payments: false, evidence: true });
  ({ sim, client } = await simWithClient({
    fixture: shop.fixture,
    evidence: simEvidenceOf(shop.evidence!),
    faults: { rateLimitPerSecond: null },
  }));
});
afterAll(async () => {
  await sim?.close();
});

describe('a generated shop’s evidence on the simulator', () => {
  it('lists a job’s estimates with their items, and a location’s installed equipment', async () => {
    const ev = shop.evidence!;
    const job = ev.truth.jobs.find((j) => j.soldNotInvoiced.length)!;
    const served = await client.listAll('sales', '/estimates', Estimate, { jobId: job.jobId });
    expect(served.map((e) => e.id).sort()).toEqual(job.estimates.map((e) => e.id).sort());
    const sold = served.find((e) => e.status?.name === 'Sold')!;
    expect(sold.items?.map((i) => i.sku.id)).toEqual(
      expect.arrayContaining(job.soldNotInvoiced.map((s) => s.skuId)),
    );
    const unit = ev.installedEquipment[0]!;
    const units = await client.listAll(
      'equipmentsystems',
      '/installed-equipment',
      z.looseObject({ id: z.number(), serialNumber: z.string() }),
      { locationIds: unit.locationId },
    );
    expect(units.find((u) => u.id === unit.id)?.serialNumber).toBe(unit.serialNumber);
  });

  it('serves each photo as a JPEG with the EXIF time and place it was described with', async () => {
    const ev = shop.evidence!;
    // Photos with a written offset and a place (which ones depends on the generated dates), a
    // wrong-place one first when the shop has one.
    const described = ev.photoFiles.filter((f) => f.exif?.offset && f.exif.gps);
    const kindOf = (id: number) => ev.truth.photos.find((p) => p.attachmentId === id)?.kind;
    const file = described.find((f) => kindOf(f.attachmentId) === 'wrong_place') ?? described[0];
    expect(file, 'a photo with EXIF time, offset and GPS').toBeDefined();
    const bytes = await downloadJobAttachment(client, file!.attachmentId);
    expect(sniffImage(bytes)).toBe('jpeg');
    const meta = await readMetadata(bytes, 'America/Chicago');
    expect(meta.gps?.lat).toBeCloseTo(file!.exif!.gps!.lat, 5);
    expect(meta.gps?.lon).toBeCloseTo(file!.exif!.gps!.lon, 5);
    const [day, time] = file!.exif!.local.split(' ');
    expect(meta.takenAt?.getTime()).toBe(
      Date.parse(`${day!.replace(/:/g, '-')}T${time}${file!.exif!.offset}`),
    );
  });

  it('serves a reused photo as the same picture as its original, without EXIF', async () => {
    const reused = shop.evidence!.truth.photos.find((p) => p.kind === 'reused')!;
    const copy = await downloadJobAttachment(client, reused.attachmentId);
    const original = await downloadJobAttachment(client, reused.original!.attachmentId);
    expect(copy.equals(original)).toBe(false);
    expect(hamming(await dhash(copy), await dhash(original))).toBeLessThanOrEqual(2);
    expect(await readMetadata(copy, 'America/Chicago')).toMatchObject({ takenAt: null, gps: null });
  });

  it('keeps placeholder bytes for attachments that are not photos', async () => {
    const pdf = shop.fixture['forms/job-attachments'].find((a) => a.contentType === 'application/pdf')!;
    expect(sniffImage(await downloadJobAttachment(client, pdf.id))).toBeNull();
  });

  it('reads the same scenario from a fixture directory written by the generator', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'evidence-shop-'));
    try {
      await writeTenantFixture(dir, shop);
      const fromDir = await simWithClient({ tenantDir: dir, fixture: undefined });
      try {
        const served = await fromDir.client.listAll('sales', '/estimates', Estimate, {});
        expect(served.length).toBe(shop.evidence!.estimates.length);
        const plate = shop.evidence!.truth.photos.find((p) => p.nameplate)!;
        expect(sniffImage(await downloadJobAttachment(fromDir.client, plate.attachmentId))).toBe('jpeg');
      } finally {
        await fromDir.sim.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
