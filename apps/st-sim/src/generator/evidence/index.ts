// The evidence scenario (`--evidence`): computed after the shop from its fixture and ground
// truth, on random streams of its own ("evidence…"), so the shop's files stay byte-identical.
import type { TenantFixture } from '@invoicer/servicetitan';
import type { JobTruth } from '../types.ts';
import { type EstimateRecord, generateEstimates, type SkuRef } from './estimates.ts';
import { generatePhotos, type InstalledEquipmentRecord } from './photos.ts';
import type { EvidenceTruth, PhotoFile, PhotoKind } from './types.ts';

export type * from './types.ts';
export type { EstimateRecord, InstalledEquipmentRecord };

export interface EvidenceScenario {
  /** sales/estimates.json */
  estimates: EstimateRecord[];
  /** equipmentsystems/installed-equipment.json */
  installedEquipment: InstalledEquipmentRecord[];
  /** _files/attachments.json: how the simulator renders each photo attachment. */
  photoFiles: PhotoFile[];
  /** _truth/evidence.json */
  truth: EvidenceTruth;
}

function skuTable(fixture: TenantFixture) {
  const skus = new Map<number, SkuRef & { manufacturer?: string | null; model?: string | null }>();
  const add = (
    type: string,
    rows: readonly {
      id: number;
      code?: string | null;
      displayName?: string | null;
      price?: number | null;
      account?: string | null;
      hours?: number | null;
      manufacturer?: string | null;
      model?: string | null;
    }[],
  ) => {
    for (const r of rows)
      skus.set(r.id, {
        id: r.id,
        code: r.code ?? String(r.id),
        displayName: r.displayName ?? r.code ?? String(r.id),
        type,
        price: Number(r.price ?? 0),
        account: r.account ?? null,
        soldHours: Number(r.hours ?? 0),
        manufacturer: r.manufacturer ?? null,
        model: r.model ?? null,
      });
  };
  add('Service', fixture['pricebook/services'] as never);
  add('Material', fixture['pricebook/materials'] as never);
  add('Equipment', fixture['pricebook/equipment'] as never);
  add('PriceModifier', fixture['pricebook/discounts-and-fees'] as never);
  return skus;
}

export function generateEvidence(
  seed: number,
  fixture: TenantFixture,
  jobs: readonly JobTruth[],
): EvidenceScenario {
  const skus = skuTable(fixture);
  const estimates = generateEstimates(seed, fixture['jpm/jobs'], fixture['accounting/invoices'], jobs, skus);
  const photos = generatePhotos(seed, {
    jobs: fixture['jpm/jobs'],
    appointments: fixture['jpm/appointments'],
    attachments: fixture['forms/job-attachments'],
    locations: fixture['crm/locations'],
    invoices: fixture['accounting/invoices'],
    skus,
  });
  const count = <T>(rows: readonly T[], key: (r: T) => string) => {
    const out: Record<string, number> = {};
    for (const r of rows) out[key(r)] = (out[key(r)] ?? 0) + 1;
    return out;
  };
  const kinds = count(photos.truth, (p) => p.kind);
  return {
    estimates: estimates.estimates,
    installedEquipment: photos.equipment,
    photoFiles: photos.files,
    truth: {
      summary: {
        estimates: count(estimates.estimates, (e) => e.status.name),
        jobsWithSoldEstimate: estimates.truth.filter((j) => j.estimates.some((e) => e.status === 'Sold'))
          .length,
        soldNotInvoiced: estimates.truth.reduce((a, j) => a + j.soldNotInvoiced.length, 0),
        installedEquipment: photos.equipment.length,
        photos: Object.fromEntries(
          (['good', 'wrong_day', 'wrong_place', 'reused'] as PhotoKind[]).map((k) => [k, kinds[k] ?? 0]),
        ) as Record<PhotoKind, number>,
        nameplates: photos.truth.filter((p) => p.nameplate).length,
      },
      jobs: estimates.truth,
      photos: photos.truth,
    },
  };
}
