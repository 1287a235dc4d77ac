// The history learner's feature "was on a sold estimate": est:<sku> for the SKUs of the job's
// sold estimates known at completion; a job without estimates is described exactly as before.
import { jobFeatures } from '@invoicer/billing';
import { type Estimate, soldSkuIdsAt } from '@invoicer/evidence';
import { describe, expect, it } from 'vitest';

const hours = { timezone: 'America/Chicago', start: '08:00', end: '17:00', weekends: false };
const base = {
  jobTypeId: 1,
  businessUnitId: 10,
  appointmentStarts: ['2026-01-05T15:00:00Z'],
  technicianSkuIds: [601],
  technicianItemTypes: ['Material'],
  membershipActive: false,
  customerType: 'Residential',
  mentions: [],
};

describe('"was on a sold estimate" feature', () => {
  it('adds est:<sku> for sold SKUs and changes nothing for a job without estimates', () => {
    const before = jobFeatures(base, hours);
    expect(jobFeatures({ ...base, soldEstimateSkuIds: [] }, hours)).toEqual(before);
    expect(jobFeatures({ ...base, soldEstimateSkuIds: undefined }, hours)).toEqual(before);
    const withEstimate = jobFeatures({ ...base, soldEstimateSkuIds: [501, 601] }, hours);
    expect(withEstimate.filter((f) => !before.includes(f)).sort()).toEqual(['est:501', 'est:601']);
  });

  it('takes only sold, active, chargeable items sold by completion', () => {
    const item = (id: number, skuId: number, chargeable = true) => ({
      id,
      sku: { id: skuId },
      qty: '1',
      unitRate: '1',
      total: '1',
      chargeable,
    });
    const est = (
      id: number,
      status: string,
      soldOn: string | null,
      items: ReturnType<typeof item>[],
      extra = {},
    ): Estimate => ({
      id,
      jobId: 7,
      status: { name: status },
      soldOn,
      items,
      ...extra,
    });
    const completed = new Date('2026-01-05T20:00:00Z');
    const estimates = [
      est(1, 'Sold', '2026-01-02T10:00:00Z', [item(1, 100), item(2, 101, false)]),
      est(2, 'Sold', '2026-01-06T10:00:00Z', [item(3, 102)]),
      est(3, 'Dismissed', null, [item(4, 103)]),
      est(4, 'Sold', '2026-01-01T10:00:00Z', [item(5, 104)], { active: false }),
      est(5, 'Sold', null, [item(6, 105)]),
    ];
    expect(soldSkuIdsAt({ id: 7 }, estimates, completed)).toEqual([100, 105]);
    expect(soldSkuIdsAt({ id: 8 }, estimates, completed)).toEqual([]);
  });
});
