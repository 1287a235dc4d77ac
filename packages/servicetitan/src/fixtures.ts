// Tenant fixtures: the interface users and tests share. A tenant is a directory of JSON files,
// one per resource, named after the ServiceTitan URL (`<module>/<resource>.json`), each an
// array of records in the v2 export shape. Files starting with `_` are ignored by the loader
// (generators keep ground truth there). A missing optional file means "none".
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { InvalidInputError } from '@invoicer/core';
import { z } from 'zod';
import {
  Appointment,
  AppointmentAssignment,
  BusinessUnit,
  Customer,
  DiscountAndFee,
  GrossPayItem,
  Invoice,
  Job,
  JobAttachment,
  JobNote,
  JobTimesheet,
  JobType,
  Location,
  Membership,
  Payment,
  PaymentType,
  PricebookCategory,
  PricebookEquipment,
  PricebookMaterial,
  PricebookService,
  TaxZone,
  Technician,
} from './schemas/index.ts';

const withJobId = <T extends z.ZodObject>(schema: T) => schema.extend({ jobId: z.number().int() });

export const FIXTURE_RESOURCES = {
  'jpm/jobs': { schema: Job, required: true },
  'jpm/job-types': { schema: JobType, required: true },
  'jpm/job-notes': { schema: withJobId(JobNote), required: false },
  'jpm/appointments': { schema: Appointment, required: false },
  'dispatch/appointment-assignments': { schema: AppointmentAssignment, required: false },
  'payroll/job-timesheets': { schema: JobTimesheet, required: false },
  'payroll/gross-pay-items': { schema: GrossPayItem, required: false },
  'settings/technicians': { schema: Technician, required: false },
  'settings/business-units': { schema: BusinessUnit, required: true },
  'pricebook/services': { schema: PricebookService, required: false },
  'pricebook/materials': { schema: PricebookMaterial, required: false },
  'pricebook/equipment': { schema: PricebookEquipment, required: false },
  'pricebook/discounts-and-fees': { schema: DiscountAndFee, required: false },
  'pricebook/categories': { schema: PricebookCategory, required: false },
  'crm/customers': { schema: Customer, required: true },
  'crm/locations': { schema: Location, required: true },
  'memberships/memberships': { schema: Membership, required: false },
  'accounting/tax-zones': { schema: TaxZone, required: false },
  'accounting/invoices': { schema: Invoice, required: true },
  'accounting/payments': { schema: Payment, required: false },
  'accounting/payment-types': { schema: PaymentType, required: false },
  'forms/job-attachments': { schema: JobAttachment, required: false },
} as const;

export type FixtureResource = keyof typeof FIXTURE_RESOURCES;
export type FixtureRecord<R extends FixtureResource> = z.infer<(typeof FIXTURE_RESOURCES)[R]['schema']>;
export type TenantFixture = { [R in FixtureResource]: FixtureRecord<R>[] } & { meta: TenantMeta };

/** Optional `tenant.json`: who the tenant is and how to read its times. */
export const TenantMeta = z.looseObject({
  tenantId: z.number().int().default(1000001),
  name: z.string().default('Fixture tenant'),
  timezone: z.string().default('America/Chicago'),
  synthetic: z.boolean().default(false),
});
export type TenantMeta = z.infer<typeof TenantMeta>;

export class FixtureError extends InvalidInputError {
  override name = 'FixtureError';
}

/** Load and validate a fixture directory. Errors name the file, the record and the field. */
export function loadTenantFixture(dir: string): TenantFixture {
  if (!existsSync(dir)) throw new FixtureError(`tenant fixture directory not found: ${dir}`);
  const out: Record<string, unknown[]> = {};
  const problems: string[] = [];
  for (const [resource, spec] of Object.entries(FIXTURE_RESOURCES)) {
    const file = path.join(dir, `${resource}.json`);
    if (!existsSync(file)) {
      if (spec.required) problems.push(`${resource}.json is missing (required)`);
      out[resource] = [];
      continue;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      problems.push(`${resource}.json is not valid JSON: ${(error as Error).message}`);
      continue;
    }
    if (!Array.isArray(raw)) {
      problems.push(`${resource}.json must hold a JSON array of records`);
      continue;
    }
    const records: unknown[] = [];
    raw.forEach((record, index) => {
      const parsed = spec.schema.safeParse(record);
      if (parsed.success) {
        records.push(parsed.data);
        return;
      }
      const id = (record as { id?: unknown } | null)?.id;
      for (const issue of parsed.error.issues.slice(0, 3)) {
        problems.push(
          `${resource}.json record ${index}${id !== undefined ? ` (id ${String(id)})` : ''}: field "${issue.path.join('.') || '(record)'}" ${issue.message}`,
        );
      }
    });
    out[resource] = records;
    if (problems.length > 50) break;
  }
  let meta: TenantMeta = TenantMeta.parse({});
  const metaFile = path.join(dir, 'tenant.json');
  if (existsSync(metaFile)) {
    const parsed = TenantMeta.safeParse(JSON.parse(readFileSync(metaFile, 'utf8')));
    if (parsed.success) meta = parsed.data;
    else
      problems.push(
        `tenant.json: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
  }
  if (problems.length) throw new FixtureError(`tenant fixture ${dir} is invalid`, problems.slice(0, 50));
  return { ...(out as unknown as Omit<TenantFixture, 'meta'>), meta } as TenantFixture;
}
