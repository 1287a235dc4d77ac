import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Decimal, fromAmountString, fromNumber, roundCents, toMoneyString, ZERO } from '@invoicer/core';
import { type JobNote, loadTenantFixture, type TenantFixture } from '@invoicer/servicetitan';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GeneratedTenant, generateTenant, writeTenantFixture } from './index.ts';

let dir: string;
let gen: GeneratedTenant;
let f: TenantFixture;
/** The catalogue's job-note schema is built generically; give its records their real shape. */
const notesOf = (fx: TenantFixture) =>
  fx['jpm/job-notes'] as unknown as (JobNote & { id: number; jobId: number })[];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tenant-gen-'));
  gen = generateTenant({ jobs: 800, seed: 42, payments: true });
  await writeTenantFixture(dir, gen);
  f = loadTenantFixture(dir); // throws (listing every problem) unless the output validates
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ms = (s: string | null | undefined) => Date.parse(s!);
const money = (s: string) => fromAmountString(s);

/** Independent re-statement of the README tax semantics. */
function expectedTax(
  items: NonNullable<TenantFixture['accounting/invoices'][number]['items']>,
  zone: TenantFixture['accounting/tax-zones'][number],
  exempt: boolean,
): string {
  if (exempt) return '0.00';
  let tax = ZERO;
  for (const rate of zone.rates ?? []) {
    const base = rate.taxBaseType ?? [];
    let sum = ZERO;
    for (const it of items) {
      const total = money(it.total);
      const counts =
        (base.includes('Subtotal') && it.taxable === true) ||
        (base.includes('Labor') && it.taxable === true && it.type === 'Service') ||
        (base.includes('Material') &&
          it.taxable === true &&
          (it.type === 'Material' || it.type === 'Equipment'));
      if (counts) sum = sum.plus(total);
    }
    tax = tax.plus(roundCents(Decimal.max(sum, ZERO).times(fromNumber(rate.taxRate))));
  }
  return toMoneyString(tax);
}

describe('fixture files', () => {
  it('load with zero errors and match the in-memory result', () => {
    expect(f['jpm/jobs']).toHaveLength(800);
    for (const [key, records] of Object.entries(gen.fixture)) {
      if (key !== 'meta')
        expect((f as unknown as Record<string, unknown[]>)[key]).toHaveLength((records as unknown[]).length);
    }
    expect(f.meta).toMatchObject({ synthetic: true, timezone: 'America/Chicago' });
  });

  it('label themselves synthetic in a README with seed and counts', async () => {
    const readme = await readFile(path.join(dir, 'README.md'), 'utf8');
    expect(readme).toMatch(/^# SYNTHETIC/);
    expect(readme).toContain('--seed 42');
    expect(readme).toContain('tax semantics');
  });

  it('use 7-digit fractional timestamps for createdOn/modifiedOn', () => {
    for (const r of [...f['jpm/jobs'], ...f['accounting/invoices'], ...notesOf(f)]) {
      expect(r.createdOn).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
      expect(r.modifiedOn).toMatch(/\.\d{7}Z$/);
    }
  });
});

describe('price book and setup', () => {
  it('has at least 300 SKUs with unique ids across kinds', () => {
    const ids = [
      ...f['pricebook/services'],
      ...f['pricebook/materials'],
      ...f['pricebook/equipment'],
      ...f['pricebook/discounts-and-fees'],
    ].map((s) => s.id);
    expect(ids.length).toBeGreaterThanOrEqual(300);
    expect(new Set(ids).size).toBe(ids.length);
    expect(f['pricebook/services'].some((s) => s.active === false)).toBe(true);
  });

  it('includes the fees technicians miss', () => {
    const fees = new Map(f['pricebook/discounts-and-fees'].map((s) => [s.code, s]));
    const services = new Map(f['pricebook/services'].map((s) => [s.code, s]));
    const materials = new Map(f['pricebook/materials'].map((s) => [s.code, s]));
    for (const code of [
      'FEE-TRIP',
      'FEE-AH-EVE',
      'FEE-AH-WKND',
      'FEE-DISP-EQ',
      'FEE-DISP-WH',
      'FEE-PERMIT-MECH',
      'FEE-PERMIT-PLB',
      'FEE-PERMIT-ELEC',
    ]) {
      expect(fees.get(code)).toMatchObject({ type: 'Fee', amountType: 'Fixed', active: true });
    }
    expect(fees.get('DISC-MBR-15')).toMatchObject({
      type: 'Discount',
      amountType: 'Percentage',
      amount: 0.15,
      limit: 500,
    });
    expect(services.get('HV-DIAG-100')?.price).toBeGreaterThan(0);
    for (const code of ['RFG-410A', 'RFG-22', 'RFG-454B', 'MAT-SUP-HV'])
      expect(materials.get(code)?.active).toBe(true);
    expect(services.get('LAB-HV-OT')?.price).toBe(services.get('LAB-HV-REG')!.price * 1.5);
  });

  it('has multi-rate, labor/material-split and zero-rate tax zones', () => {
    const zones = f['accounting/tax-zones'];
    expect(zones.length).toBeGreaterThanOrEqual(4);
    expect(
      zones.some(
        (z) => (z.rates?.length ?? 0) > 1 && z.rates!.every((r) => r.taxBaseType?.[0] === 'Subtotal'),
      ),
    ).toBe(true);
    const split = zones.find((z) => z.isTaxRateSeparated)!;
    expect(split.rates!.map((r) => r.taxBaseType![0]).sort()).toEqual(['Labor', 'Material']);
    expect(zones.some((z) => z.rates!.every((r) => r.taxRate === 0))).toBe(true);
  });

  it('has exempt locations, property-management customers and memberships in every status', () => {
    expect(f['crm/locations'].some((l) => l.taxExempt)).toBe(true);
    expect(f['crm/customers'].some((c) => c.tagTypeIds?.includes(581))).toBe(true);
    expect(new Set(f['memberships/memberships'].map((m) => m.status))).toEqual(
      new Set(['Active', 'Expired', 'Canceled']),
    );
    expect(f['settings/technicians'].every((t) => (t.hourlyRate ?? 0) > 0 && (t.burdenRate ?? 0) > 0)).toBe(
      true,
    );
  });
});

describe('referential integrity', () => {
  it('has unique ids per resource', () => {
    for (const [key, records] of Object.entries(f)) {
      if (key === 'meta') continue;
      const ids = (records as { id?: number }[]).map((r) => r.id);
      expect(new Set(ids).size, key).toBe(ids.length);
    }
  });

  it('links every reference to an existing record', () => {
    const ids = (k: keyof Omit<TenantFixture, 'meta'>) =>
      new Set((f[k] as { id: number }[]).map((r) => r.id));
    const customers = ids('crm/customers');
    const locations = new Map(f['crm/locations'].map((l) => [l.id, l]));
    const jobTypes = ids('jpm/job-types');
    const bus = ids('settings/business-units');
    const techs = ids('settings/technicians');
    const zones = ids('accounting/tax-zones');
    const jobs = new Map(f['jpm/jobs'].map((j) => [j.id, j]));
    const invoices = new Map(f['accounting/invoices'].map((i) => [i.id, i]));
    const appts = new Map(f['jpm/appointments'].map((a) => [a.id, a]));
    const memberships = ids('memberships/memberships');
    const skus = new Map(
      [
        ...f['pricebook/services'],
        ...f['pricebook/materials'],
        ...f['pricebook/equipment'],
        ...f['pricebook/discounts-and-fees'],
      ].map((s) => [s.id, s]),
    );
    for (const l of locations.values()) {
      expect(customers.has(l.customerId)).toBe(true);
      expect(zones.has(l.taxZoneId!)).toBe(true);
    }
    for (const j of jobs.values()) {
      expect(customers.has(j.customerId)).toBe(true);
      expect(locations.get(j.locationId)?.customerId).toBe(j.customerId);
      expect(jobTypes.has(j.jobTypeId)).toBe(true);
      expect(bus.has(j.businessUnitId)).toBe(true);
      expect(invoices.get(j.invoiceId!)?.job?.id).toBe(j.id);
      expect(appts.get(j.firstAppointmentId!)?.jobId).toBe(j.id);
      if (j.membershipId) expect(memberships.has(j.membershipId)).toBe(true);
    }
    for (const i of invoices.values()) {
      expect(i.customer!.id).toBe(jobs.get(i.job!.id)!.customerId);
      expect(i.taxZoneId).toBe(locations.get(i.location!.id)!.taxZoneId);
      expect(i.referenceNumber).toBe(jobs.get(i.job!.id)!.jobNumber);
      for (const it of i.items ?? []) {
        const sku = skus.get(it.skuId!);
        expect(sku, `sku ${it.skuId}`).toBeDefined();
        expect(it.skuName).toBe(sku!.code);
        expect(it.invoiceId).toBe(i.id);
      }
    }
    for (const a of f['dispatch/appointment-assignments']) {
      expect(techs.has(a.technicianId)).toBe(true);
      expect(appts.get(a.appointmentId)?.jobId).toBe(a.jobId);
    }
    for (const t of f['payroll/job-timesheets']) {
      expect(techs.has(t.technicianId)).toBe(true);
      expect(appts.get(t.appointmentId!)?.jobId).toBe(t.jobId);
      expect(ms(t.dispatchedOn)).toBeLessThan(ms(t.arrivedOn));
      expect(ms(t.arrivedOn)).toBeLessThan(ms(t.doneOn));
    }
    for (const g of f['payroll/gross-pay-items']) {
      expect(techs.has(g.employeeId)).toBe(true);
      expect(jobs.has(g.jobId!)).toBe(true);
      expect(g.grossPayItemType).toBe('TimesheetTime');
      expect(['Regular', 'Overtime']).toContain(g.paidTimeType);
    }
    for (const n of notesOf(f)) expect(jobs.has(n.jobId)).toBe(true);
    for (const a of f['forms/job-attachments']) expect(jobs.has(a.jobId)).toBe(true);
    for (const m of f['memberships/memberships'])
      expect(locations.get(m.locationId!)?.customerId).toBe(m.customerId);
    for (const p of f['accounting/payments']) {
      expect(customers.has(p.customer!.id)).toBe(true);
      for (const a of p.appliedTo ?? []) expect(invoices.get(a.appliedTo)?.customer?.id).toBe(p.customer!.id);
    }
  });
});

describe('invoice arithmetic', () => {
  it('holds for every item and invoice (subtotal, tax semantics, total, balance)', () => {
    const zones = new Map(f['accounting/tax-zones'].map((z) => [z.id, z]));
    const locations = new Map(f['crm/locations'].map((l) => [l.id, l]));
    const applied = new Map<number, Decimal>();
    for (const p of f['accounting/payments']) {
      let sum = ZERO;
      for (const a of p.appliedTo ?? []) {
        applied.set(a.appliedTo, (applied.get(a.appliedTo) ?? ZERO).plus(money(a.appliedAmount)));
        sum = sum.plus(money(a.appliedAmount));
      }
      expect(toMoneyString(sum)).toBe(p.total);
    }
    let taxed = 0;
    for (const inv of f['accounting/invoices']) {
      let sub = ZERO;
      for (const it of inv.items ?? []) {
        expect(it.quantity).toMatch(/^-?\d+\.\d{2}$/);
        expect(it.total).toBe(toMoneyString(money(it.quantity).times(money(it.price))));
        sub = sub.plus(money(it.total));
      }
      expect(inv.subTotal).toBe(toMoneyString(sub));
      const loc = locations.get(inv.location!.id)!;
      expect(inv.salesTax).toBe(
        expectedTax(inv.items ?? [], zones.get(loc.taxZoneId!)!, loc.taxExempt === true),
      );
      expect(inv.total).toBe(toMoneyString(sub.plus(money(inv.salesTax))));
      expect(inv.balance).toBe(toMoneyString(money(inv.total).minus(applied.get(inv.id) ?? ZERO)));
      if (money(inv.salesTax).greaterThan(0)) taxed++;
    }
    expect(taxed).toBeGreaterThan(100);
  });
});

describe('technician vs office items', () => {
  it('office-added items are exactly the items created after completion, and appear in truth', () => {
    const jobs = new Map(f['jpm/jobs'].map((j) => [j.id, j]));
    const truth = new Map(gen.truth.jobs.map((t) => [t.jobId, t]));
    const asOf = Date.parse('2026-11-01T05:00:00Z');
    let office = 0;
    for (const inv of f['accounting/invoices']) {
      const job = jobs.get(inv.job!.id)!;
      if (job.jobStatus !== 'Completed') {
        expect(inv.items).toEqual([]);
        continue;
      }
      const done = ms(job.completedOn);
      const t = truth.get(job.id)!;
      const missedIds = new Set(t.missed.map((m) => m.itemId));
      for (const it of inv.items!) {
        const created = ms(it.createdOn);
        if (missedIds.has(it.id)) {
          expect(created).toBeGreaterThan(done);
          expect(created).toBeLessThan(asOf);
          office++;
        } else expect(created).toBeLessThanOrEqual(done);
      }
      for (const e of t.edits) expect(ms(e.modifiedOn)).toBeGreaterThan(done);
    }
    expect(office).toBeGreaterThan(200);
  });

  it('covers every completed job in truth, once', () => {
    const completed = f['jpm/jobs'].filter((j) => j.jobStatus === 'Completed').map((j) => j.id);
    expect(gen.truth.jobs.map((t) => t.jobId).sort()).toEqual(completed.sort());
    expect(f['jpm/jobs'].some((j) => j.jobStatus === 'Canceled')).toBe(true);
    expect(f['jpm/jobs'].some((j) => j.jobStatus === 'Scheduled')).toBe(true);
  });

  it('has every miss category, on both flat-rate and T&M jobs', () => {
    const cats = new Set(gen.truth.jobs.flatMap((t) => t.missed.map((m) => m.category)));
    expect([...cats].sort()).toEqual(Object.keys(gen.truth.summary.baseMissRates).sort());
    expect(gen.truth.jobs.some((t) => t.billingMode === 'time_and_materials' && t.missed.length)).toBe(true);
  });

  it('never bills what the notes say was declined or not needed, and quotes the notes verbatim', () => {
    const notes = new Map(notesOf(f).map((n) => [n.id, n]));
    const invoices = new Map(f['accounting/invoices'].map((i) => [i.id, i]));
    let mentions = 0;
    for (const t of gen.truth.jobs) {
      const billed = new Set(invoices.get(t.invoiceId)!.items!.map((i) => i.skuId));
      for (const m of t.mentions) {
        mentions++;
        const note = notes.get(m.noteId)!;
        expect(note.jobId).toBe(t.jobId);
        expect(note.text).toContain(m.text);
        if (m.skuId !== null) expect(billed.has(m.skuId), `${t.jobId} ${m.skuCode}`).toBe(false);
      }
      for (const x of t.missed) if (x.noteId !== null) expect(notes.get(x.noteId)!.jobId).toBe(t.jobId);
    }
    expect(mentions).toBeGreaterThan(200);
  });

  it('writes notes in many different ways', () => {
    const tech = notesOf(f).filter((n) => n.createdById! > 9000);
    expect(new Set(tech.map((n) => n.text)).size / tech.length).toBeGreaterThan(0.97);
    expect(tech.some((n) => n.text === n.text.toUpperCase() && /[A-Z]{4}/.test(n.text))).toBe(true);
    expect(tech.some((n) => /^[-*•>] /m.test(n.text))).toBe(true);
    expect(tech.some((n) => /\b(two|three|four|five)\b/i.test(n.text))).toBe(true);
    expect(tech.some((n) => /\d+'/.test(n.text))).toBe(true);
  });

  it('schedules some appointments after hours and on weekends', () => {
    const kinds = new Set(gen.truth.jobs.map((t) => t.afterHours));
    expect(kinds).toEqual(new Set([null, 'evening', 'weekend']));
  });
});

describe('determinism', () => {
  it('gives identical output for the same seed and different output for another', () => {
    const a = generateTenant({ jobs: 150, seed: 7, payments: true });
    const b = generateTenant({ jobs: 150, seed: 7, payments: true });
    const c = generateTenant({ jobs: 150, seed: 8, payments: true });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(JSON.stringify(c.fixture['jpm/job-notes'])).not.toBe(JSON.stringify(a.fixture['jpm/job-notes']));
    expect(JSON.stringify(c.truth)).not.toBe(JSON.stringify(a.truth));
  });

  it('rejects invalid options', () => {
    expect(() => generateTenant({ jobs: 0, seed: 1 })).toThrow(/jobs/);
    expect(() => generateTenant({ jobs: 10, seed: 1.5 })).toThrow(/seed/);
    expect(() => generateTenant({ jobs: 10, seed: 1, months: 0 })).toThrow(/months/);
  });
});
