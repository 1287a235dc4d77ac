// The client's lenient schemas parse every real captured payload and every official example,
// and never require a field that live responses lack.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  Appointment,
  DiscountAndFee,
  exportEnvelope,
  Invoice,
  InvoiceItem,
  Job,
  JobNote,
  JobTimesheet,
  Location,
  listEnvelope,
  MaterialsMarkup,
  Payment,
  PaymentCreateResponse,
  PricebookEquipment,
  PricebookMaterial,
  PricebookService,
  parseStDate,
  TaxZone,
  Technician,
} from '@invoicer/servicetitan';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';

const examples = path.resolve(import.meta.dirname, '../../../shared/servicetitan/examples');
const present = existsSync(examples);
if (!present) console.warn(`skipping ServiceTitan example payload tests: ${examples} not found`);
const read = (file: string) => JSON.parse(readFileSync(path.join(examples, file), 'utf8'));

const captured: [string, z.ZodType][] = [
  ['captured-jpm-job.get.json', Job],
  ['captured-jpm-appointment.get.json', Appointment],
  ['captured-pricebook-service.get.json', PricebookService],
  ['captured-pricebook-material.get.json', PricebookMaterial],
];
const spec: [string, z.ZodType][] = [
  ['spec-accounting-invoices-list.200.json', listEnvelope(Invoice)],
  ['spec-accounting-payments-list.200.json', listEnvelope(Payment)],
  ['spec-accounting-payment-create.200.json', PaymentCreateResponse],
  ['spec-accounting-tax-zones-list.200.json', listEnvelope(TaxZone)],
  ['spec-jpm-export-jobs.200.json', exportEnvelope(Job)],
];
const spec2026: [string, z.ZodType][] = [
  ['Equipment_Get.json', PricebookEquipment],
  ['Export_InvoiceItems.json', exportEnvelope(InvoiceItem)],
  ['Invoices_GetList.json', listEnvelope(Invoice)],
  ['Jobs_Get.json', Job],
  ['Jobs_GetNotes.json', listEnvelope(JobNote)],
  ['Materials_Get.json', PricebookMaterial],
  ['Payments_GetList.json', listEnvelope(Payment)],
  ['Services_Get.json', PricebookService],
  ['TaxZones_GetList.json', listEnvelope(TaxZone)],
  ['MaterialsMarkup_GetList.json', listEnvelope(MaterialsMarkup)],
  ['Jobs_Create.json', Job],
  ['Payments_Create.json', PaymentCreateResponse],
];

function expectParses(schema: z.ZodType, value: unknown) {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new Error(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  expect(result.success).toBe(true);
}

describe.skipIf(!present)('real payloads', () => {
  it.each(captured)('captured %s', (file, schema) => expectParses(schema, read(file).response));
  it('captured discounts-and-fees list', () => {
    const rows = read('captured-pricebook-discounts-and-fees.list.json').response as unknown[];
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expectParses(DiscountAndFee, row);
  });
  it.each(spec)('official example %s', (file, schema) => expectParses(schema, read(file)));
  it.each(spec2026)('official 2026-02 example %s', (file, schema) =>
    expectParses(schema, read(`spec-2026-02/${file}`).response_200_example),
  );
  it('covers every spec-2026-02 response example', () => {
    const withResponses = readdirSync(path.join(examples, 'spec-2026-02')).filter(
      (f) => read(`spec-2026-02/${f}`).response_200_example,
    );
    expect(withResponses.sort()).toEqual(spec2026.map(([f]) => f).sort());
  });
});

describe.skipIf(!present)('live key lists', () => {
  const keylists: [string, z.ZodObject][] = [
    ['jobs.json', Job as unknown as z.ZodObject],
    ['invoices.json', Invoice as unknown as z.ZodObject],
    ['locations.json', Location as unknown as z.ZodObject],
    ['technicians.json', Technician as unknown as z.ZodObject],
    ['pb_services.json', PricebookService as unknown as z.ZodObject],
    ['job_timesheets.json', JobTimesheet as unknown as z.ZodObject],
  ];
  it.each(keylists)('%s: every field we require is one live data has', (file, schema) => {
    const keys = new Set(read(`keylists/${file}`).keys as string[]);
    const required = Object.entries(schema.shape)
      .filter(([, field]) => !(field as z.ZodType).safeParse(undefined).success)
      .map(([name]) => name);
    expect(required.filter((k) => !keys.has(k))).toEqual([]);
  });
});

describe('timestamps', () => {
  it('parses 7 fractional digits and missing zones', () => {
    expect(parseStDate('2024-07-08T15:13:31.9393795Z')?.toISOString()).toBe('2024-07-08T15:13:31.939Z');
    expect(parseStDate('2024-07-08T15:13:31')?.toISOString()).toBe('2024-07-08T15:13:31.000Z');
    expect(parseStDate('2024-07-08')?.toISOString()).toBe('2024-07-08T00:00:00.000Z');
    expect(parseStDate('string')).toBeNull();
  });
});
