// The evidence scorer on hand-made truth and stage outputs: what counts as found, drafted,
// missed or false, per photo kind, and for nameplate serials.
import type { EvidenceOutput } from '@invoicer/evidence';
import type { EvidenceTruth } from '@invoicer/st-sim/generator';
import { describe, expect, it } from 'vitest';
import { type JobRun, scoreEvidence, unmetTargets } from './score.ts';

const sold = (skuId: number) => ({
  estimateId: 1,
  estimateItemId: skuId,
  skuId,
  skuCode: `SKU-${skuId}`,
  quantity: '1',
  total: '10.00',
  officeItemId: skuId + 1000,
  category: 'materials',
});
const truth: EvidenceTruth = {
  summary: {} as never,
  jobs: [
    { jobId: 1, estimates: [{ id: 1, status: 'Sold' }], soldNotInvoiced: [sold(11), sold(12), sold(13)] },
    { jobId: 2, estimates: [{ id: 2, status: 'Sold' }], soldNotInvoiced: [sold(21)] },
    { jobId: 9, estimates: [{ id: 9, status: 'Sold' }], soldNotInvoiced: [sold(91)] },
  ],
  photos: [
    {
      attachmentId: 100,
      jobId: 1,
      kind: 'good',
      nameplate: { model: 'M1', serial: '12345AB', installedEquipmentId: 5 },
    },
    { attachmentId: 101, jobId: 1, kind: 'good' },
    { attachmentId: 102, jobId: 2, kind: 'wrong_day' },
    { attachmentId: 103, jobId: 2, kind: 'wrong_place' },
    { attachmentId: 104, jobId: 2, kind: 'reused', original: { attachmentId: 101, jobId: 1 } },
    { attachmentId: 105, jobId: 2, kind: 'reused', original: { attachmentId: 900, jobId: 9 } },
  ],
};
const output = (o: Partial<EvidenceOutput>): EvidenceOutput => ({
  enabled: true,
  estimates: null,
  photos: [],
  findings: [],
  reasons: [],
  notes: [],
  ...o,
});
const difference = (skuId: number, cls: string) => ({ class: cls, skuId, skuName: `SKU ${skuId}` }) as never;
const photo = (attachmentId: number, ocrText?: string) =>
  ({ attachmentId, fileName: 'x.jpg', takenAt: null, gps: null, dhash: null, ocrText }) as never;
const finding = (attachmentId: number, kind: string) =>
  ({ attachmentId, fileName: 'x.jpg', kind, message: '' }) as never;

const runs: JobRun[] = [
  {
    jobId: 1,
    // 11 drafted by the pipeline, 12 suggested, 13 neither; 14 suggested but not truth.
    draft: [{ skuId: 11, quantity: '1' }],
    evidence: output({
      estimates: {
        estimates: [],
        differences: [
          difference(11, 'same'),
          difference(12, 'sold_not_invoiced'),
          difference(14, 'sold_not_invoiced'),
        ],
        suggestions: [],
        summary: {},
      },
      photos: [photo(100, 'MODEL NO: M1\nSERIAL NO: 12345AB'), photo(101)],
      findings: [finding(100, 'nameplate_match'), finding(101, 'wrong_place')],
    }),
  },
  {
    jobId: 2,
    draft: [],
    evidence: output({
      estimates: {
        estimates: [],
        differences: [difference(21, 'sold_not_invoiced')],
        suggestions: [],
        summary: {},
      },
      photos: [photo(102), photo(103), photo(104), photo(105)],
      findings: [finding(102, 'wrong_day'), finding(103, 'wrong_day'), finding(104, 'reused')],
    }),
  },
];

describe('evidence score', () => {
  const s = scoreEvidence(truth, runs);

  it('counts sold items on the draft or suggested as reaching the reviewer, and the rest as missed', () => {
    expect(s.soldNotInvoiced).toMatchObject({ truth: 4, drafted: 1, suggested: 2 });
    expect(s.soldNotInvoiced.missed).toEqual([{ jobId: 1, skuCode: 'SKU-13' }]);
    expect(s.soldNotInvoiced.recall).toEqual({ n: 3, of: 4, rate: 0.75 });
    expect(s.soldNotInvoiced.stageRecall).toEqual({ n: 2, of: 3, rate: 2 / 3 });
    expect(s.soldNotInvoiced.precision).toEqual({ n: 2, of: 3, rate: 2 / 3 });
    expect(s.soldNotInvoiced.falseSuggestions).toEqual([{ jobId: 1, skuId: 14, skuName: 'SKU 14' }]);
  });

  it('needs the injected kind for a bad photo, counts any review finding on a good one, skips unreplayed originals', () => {
    expect(s.photos.injected.wrong_day).toEqual({ n: 1, of: 1, rate: 1 });
    expect(s.photos.injected.wrong_place).toEqual({ n: 0, of: 1, rate: 0 });
    expect(s.photos.injected.reused).toEqual({ n: 1, of: 1, rate: 1 });
    expect(s.photos.reusedWithoutOriginal).toBe(1);
    expect(s.photos.goodFlaggedList).toEqual([{ attachmentId: 101, kinds: ['wrong_place'] }]);
    expect(s.photos.goodFlagged).toEqual({ n: 1, of: 2, rate: 0.5 });
  });

  it('reads the serial exactly from the OCR text the stage kept', () => {
    expect(s.nameplates.serialExact).toEqual({ n: 1, of: 1, rate: 1 });
    const misread = scoreEvidence(truth, [
      { ...runs[0]!, evidence: output({ photos: [photo(100, 'SERIAL NO: 12345A8')] }) },
    ]);
    expect(misread.nameplates.serialMisses).toEqual([
      { attachmentId: 100, serial: '12345AB', read: '12345A8' },
    ]);
  });

  it('names every target missed', () => {
    expect(unmetTargets(s)).toEqual([
      'sold-not-invoiced recall 75.0% (3/4) < 95%',
      'sold-not-invoiced precision 66.7% (2/3) < 95%',
      'injected photos flagged 66.7% (2/3) < 100%',
      'good photos flagged 50.0% (1/2) > 2%',
    ]);
  });
});
