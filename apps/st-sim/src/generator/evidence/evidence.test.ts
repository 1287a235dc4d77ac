// The evidence scenario: leaves the shop's other output untouched, is deterministic, and its
// ground truth agrees with the records it describes.
import { beforeAll, describe, expect, it } from 'vitest';
import { type GeneratedTenant, generateTenant } from '../index.ts';
import type { EstimateRecord } from './estimates.ts';

let plain: GeneratedTenant;
let shop: GeneratedTenant;
const HOUR = 3_600_000;

beforeAll(() => {
  plain = generateTenant({ jobs: 400, seed: 9, payments: true });
  shop = generateTenant({ jobs: 400, seed: 9, payments: true, evidence: true });
});

const metres = (a: { lat: number; lon: number }, b: { lat: number; lon: number }) => {
  const rad = Math.PI / 180;
  const h =
    Math.sin(((b.lat - a.lat) * rad) / 2) ** 2 +
    Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lon - a.lon) * rad) / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(h));
};

/** EXIF local time → UTC ms, with the offset written or, without one, the one given. */
function exifUtc(exif: { local: string; offset: string | null }, fallback: string): number {
  const [d, t] = exif.local.split(' ');
  const offset = exif.offset ?? fallback;
  return Date.parse(`${d!.replace(/:/g, '-')}T${t}${offset}`);
}

describe('the evidence scenario', () => {
  it('leaves every other generated record and file exactly as without it', () => {
    expect(plain.evidence).toBeNull();
    expect(JSON.stringify(shop.fixture)).toBe(JSON.stringify(plain.fixture));
    expect(JSON.stringify(shop.truth)).toBe(JSON.stringify(plain.truth));
    expect(shop.readme).toBe(plain.readme);
    expect(JSON.stringify(shop.extras)).toBe(JSON.stringify(plain.extras));
  });

  it('is the same for the same seed and differs for another', () => {
    const again = generateTenant({ jobs: 400, seed: 9, payments: true, evidence: true });
    expect(JSON.stringify(again.evidence)).toBe(JSON.stringify(shop.evidence));
    const other = generateTenant({ jobs: 400, seed: 10, payments: true, evidence: true });
    expect(JSON.stringify(other.evidence?.truth)).not.toBe(JSON.stringify(shop.evidence?.truth));
  });

  it('links sold, open and dismissed estimates to jobs, with ids of their own', () => {
    const ev = shop.evidence!;
    const statuses = new Set(ev.estimates.map((e) => e.status.name));
    expect([...statuses].sort()).toEqual(['Dismissed', 'Open', 'Sold']);
    const jobs = new Set(shop.fixture['jpm/jobs'].map((j) => j.id));
    for (const e of ev.estimates) expect(jobs.has(e.jobId)).toBe(true);
    const ids = ev.estimates.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    const itemIds = ev.estimates.flatMap((e) => e.items.map((i) => i.id));
    expect(new Set(itemIds).size).toBe(itemIds.length);
  });

  it('records as sold-not-invoiced only sold items the office added and the technician did not bill', () => {
    const ev = shop.evidence!;
    const estimates = new Map<number, EstimateRecord>(ev.estimates.map((e) => [e.id, e]));
    const jobs = new Map(shop.truth.jobs.map((j) => [j.jobId, j]));
    const invoices = new Map(shop.fixture['accounting/invoices'].map((i) => [i.id, i]));
    const items = ev.truth.jobs.flatMap((j) => j.soldNotInvoiced.map((s) => ({ ...s, jobId: j.jobId })));
    expect(items.length).toBeGreaterThan(20);
    for (const s of items) {
      const estimate = estimates.get(s.estimateId)!;
      expect(estimate.status.name).toBe('Sold');
      expect(estimate.jobId).toBe(s.jobId);
      expect(estimate.items.find((i) => i.id === s.estimateItemId)?.sku.id).toBe(s.skuId);
      const job = jobs.get(s.jobId)!;
      expect(job.missed.map((m) => m.itemId)).toContain(s.officeItemId);
      const invoice = invoices.get(job.invoiceId)!;
      const tech = (invoice.items ?? []).filter((i) => !job.missed.some((m) => m.itemId === i.id));
      expect(tech.map((i) => i.skuId)).not.toContain(s.skuId);
    }
  });

  it('describes a photo for every JPEG attachment, wrong ones as their truth says', () => {
    const ev = shop.evidence!;
    const jpegs = shop.fixture['forms/job-attachments'].filter((a) => a.contentType === 'image/jpeg');
    const files = new Map(ev.photoFiles.map((f) => [f.attachmentId, f]));
    expect([...files.keys()].sort()).toEqual(jpegs.map((a) => a.id).sort());
    const jobs = new Map(shop.fixture['jpm/jobs'].map((j) => [j.id, j]));
    const locations = new Map(shop.fixture['crm/locations'].map((l) => [l.id, l]));
    const firstStart = new Map<number, number>();
    for (const a of shop.fixture['jpm/appointments'])
      firstStart.set(a.jobId, Math.min(firstStart.get(a.jobId) ?? Infinity, Date.parse(a.start)));
    const kinds = new Set(ev.truth.photos.map((p) => p.kind));
    expect([...kinds].sort()).toEqual(['good', 'reused', 'wrong_day', 'wrong_place']);
    for (const p of ev.truth.photos) {
      const file = files.get(p.attachmentId)!;
      const job = jobs.get(p.jobId)!;
      const address = locations.get(job.locationId)!.address!;
      const home = { lat: address.latitude!, lon: address.longitude! };
      if (p.kind === 'reused') {
        expect(file.exif).toBeNull();
        expect(file.seed).toBe(files.get(p.original!.attachmentId)!.seed);
        const original = jobs.get(p.original!.jobId)!;
        expect(Date.parse(original.completedOn!)).toBeLessThan(firstStart.get(p.jobId)! - 7 * 24 * HOUR);
        continue;
      }
      const exif = file.exif;
      if (!exif) continue;
      const taken = exifUtc(exif, '-06:00');
      if (p.kind === 'wrong_day') expect(taken).toBeLessThan(firstStart.get(p.jobId)! - 20 * HOUR);
      else expect(Math.abs(taken - Date.parse(job.completedOn!))).toBeLessThan(3 * 24 * HOUR);
      if (p.kind === 'wrong_place') expect(metres(exif.gps!, home)).toBeGreaterThan(1000);
      else if (exif.gps) expect(metres(exif.gps, home)).toBeLessThan(100);
    }
  });

  it('shows on each nameplate the serial of an installed unit at the job’s location', () => {
    const ev = shop.evidence!;
    const units = new Map(ev.installedEquipment.map((e) => [e.id, e]));
    const jobs = new Map(shop.fixture['jpm/jobs'].map((j) => [j.id, j]));
    const files = new Map(ev.photoFiles.map((f) => [f.attachmentId, f]));
    const plates = ev.truth.photos.filter((p) => p.nameplate);
    expect(plates.length).toBeGreaterThan(10);
    for (const p of plates) {
      const unit = units.get(p.nameplate!.installedEquipmentId)!;
      expect(unit.locationId).toBe(jobs.get(p.jobId)!.locationId);
      expect(unit.serialNumber).toBe(p.nameplate!.serial);
      expect(files.get(p.attachmentId)!.plate).toMatchObject({
        serial: unit.serialNumber,
        model: unit.model,
      });
    }
  });
});
