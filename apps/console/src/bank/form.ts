// The bank-file upload form: the multipart body as @fastify/multipart leaves it (fields as
// strings, the file as { filename, mimetype, data }), checked with zod, into the options of
// `importBankStatement`. Every problem names its field, so the page can say what to fix.
import type { CsvMapping, CsvPreset, StatementFormat } from '@invoicer/reconcile';
import { z } from 'zod';
import { type FieldIssue, ValidationError } from '../http/errors.ts';

/** The largest file the console accepts (the CLI has no limit). */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
export const MAX_UPLOAD_LABEL = '20 MB';

export const FORMATS: [StatementFormat, string][] = [
  ['ofx', 'OFX / QFX'],
  ['camt', 'camt.053 / camt.054 (ISO 20022 XML)'],
  ['bai2', 'BAI2'],
  ['nacha', 'NACHA (ACH)'],
  ['csv', 'CSV (needs a column mapping)'],
];

export const CSV_PRESET_LABELS: [CsvPreset, string][] = [
  ['stripe_balance_transactions', 'Stripe balance transactions'],
  ['paypal_activity', 'PayPal activity'],
];

/** An uploaded file, as the multipart `onFile` hook stores it on the body. */
export interface UploadedFile {
  filename: string;
  mimetype: string;
  data: Buffer;
}

export function isUploadedFile(value: unknown): value is UploadedFile {
  return (
    typeof value === 'object' &&
    value !== null &&
    Buffer.isBuffer((value as UploadedFile).data) &&
    typeof (value as UploadedFile).filename === 'string'
  );
}

const blank = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema);

const column = z.string().trim().min(1, 'must name a column').max(200);

/** A CSV column mapping (packages/reconcile CsvMapping); unknown keys are refused (typos). */
export const CsvMappingSchema = z
  .strictObject({
    date: column,
    dateFormat: z.string().trim().min(1).max(40),
    amount: column.optional(),
    debit: column.optional(),
    credit: column.optional(),
    description: z.union([column, z.array(column).min(1).max(20)]),
    reference: column.optional(),
    counterparty: column.optional(),
    remittance: z.array(column).max(20).optional(),
    valueDate: column.optional(),
    currency: column.optional(),
    defaultCurrency: z
      .string()
      .regex(/^[A-Za-z]{3}$/, 'must be a three-letter currency code')
      .optional(),
    fee: column.optional(),
    net: column.optional(),
    delimiter: z.string().min(1).max(1, 'must be one character').optional(),
    decimal: z.enum(['.', ','], { message: 'must be "." or ","' }).optional(),
    accountId: z.string().max(100).optional(),
    negate: z.boolean().optional(),
    optional: z.array(column).max(50).optional(),
  })
  .refine((m) => m.amount !== undefined || (m.debit !== undefined && m.credit !== undefined), {
    message: 'give an amount column, or both debit and credit columns',
    path: ['amount'],
  }) satisfies z.ZodType<CsvMapping>;

const Fields = z.object({
  tenant: blank(z.string().max(64).optional()),
  format: blank(
    z
      .enum(['auto', ...FORMATS.map(([f]) => f)] as [string, ...string[]], {
        message: 'must be auto, ofx, camt, bai2, nacha or csv',
      })
      .default('auto'),
  ),
  csvPreset: blank(
    z
      .enum(
        CSV_PRESET_LABELS.map(([p]) => p) as [CsvPreset, ...CsvPreset[]],
        'must be stripe_balance_transactions or paypal_activity',
      )
      .optional(),
  ),
  // A JSON text from the form; API clients may send the mapping as a JSON part (an object).
  csvMapping: blank(
    z
      .union([
        z.string().max(20_000, 'is too long (20,000 characters at most)'),
        z.record(z.string(), z.unknown()),
      ])
      .optional(),
  ),
  dryRun: z
    .preprocess((v) => v === true || v === 'true' || v === 'on' || v === '1', z.boolean())
    .default(false),
  confirm: z
    .preprocess((v) => v === true || v === 'true' || v === 'on' || v === '1', z.boolean())
    .default(false),
});

/** What the form looked like, to show it again after a problem (the file cannot be kept). */
export interface UploadValues {
  tenant: string;
  format: string;
  csvPreset: string;
  csvMapping: string;
  dryRun: boolean;
  confirm: boolean;
}

export const EMPTY_VALUES: UploadValues = {
  tenant: '',
  format: 'auto',
  csvPreset: '',
  csvMapping: '',
  dryRun: false,
  confirm: false,
};

export interface UploadRequest {
  tenant: string | undefined;
  file: UploadedFile;
  fileName: string;
  format: StatementFormat | undefined;
  csvMapping: CsvMapping | CsvPreset | undefined;
  dryRun: boolean;
  /** Import even if the file does not fit the shop (currency, account, dates). */
  confirm: boolean;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) ? text(v[0]) : '');

export function valuesOf(body: Record<string, unknown>): UploadValues {
  return {
    tenant: text(body.tenant),
    format: text(body.format) || 'auto',
    csvPreset: text(body.csvPreset),
    csvMapping:
      typeof body.csvMapping === 'object' && body.csvMapping !== null && !Array.isArray(body.csvMapping)
        ? JSON.stringify(body.csvMapping, null, 2)
        : text(body.csvMapping),
    dryRun: ['true', 'on', '1'].includes(text(body.dryRun)) || body.dryRun === true,
    confirm: ['true', 'on', '1'].includes(text(body.confirm)) || body.confirm === true,
  };
}

/** Keep the last path segment of a browser-supplied name (old browsers send a full path). */
export function cleanFileName(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strip control characters from names
  return base.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 255) || 'upload';
}

/** Read the posted body, or throw a ValidationError naming every bad field. */
export function parseUpload(body: Record<string, unknown>): UploadRequest {
  const issues: FieldIssue[] = [];
  const fields = Fields.safeParse(body);
  if (!fields.success)
    for (const issue of fields.error.issues)
      issues.push({ field: issue.path.map(String).join('.') || '(form)', message: issue.message });

  const file = body.file;
  if (Array.isArray(file)) issues.push({ field: 'file', message: 'upload one file at a time' });
  else if (!isUploadedFile(file) || (file.data.length === 0 && file.filename === ''))
    issues.push({ field: 'file', message: 'choose a bank file to upload' });
  else if (file.data.length === 0) issues.push({ field: 'file', message: 'the file is empty' });

  let csvMapping: CsvMapping | CsvPreset | undefined;
  if (fields.success) {
    const { csvPreset, csvMapping: json, format } = fields.data;
    if (csvPreset && json)
      issues.push({ field: 'csvMapping', message: 'choose a preset or paste a mapping, not both' });
    else if (csvPreset) csvMapping = csvPreset;
    else if (json) {
      let raw: unknown = typeof json === 'string' ? undefined : json;
      if (typeof json === 'string')
        try {
          raw = JSON.parse(json);
        } catch (error) {
          issues.push({ field: 'csvMapping', message: `is not valid JSON (${(error as Error).message})` });
        }
      if (raw !== undefined) {
        const mapping = CsvMappingSchema.safeParse(raw);
        if (mapping.success) csvMapping = mapping.data;
        else
          for (const issue of mapping.error.issues)
            issues.push({
              field: ['csvMapping', ...issue.path.map(String)].join('.'),
              message: issue.message,
            });
      }
    }
    if (format === 'csv' && !csvPreset && !json)
      issues.push({
        field: 'csvMapping',
        message: 'a CSV file needs a column mapping: choose a preset or paste one',
      });
  }
  if (issues.length || !fields.success || !isUploadedFile(file)) throw new ValidationError(issues);
  const format = fields.data.format;
  return {
    tenant: fields.data.tenant,
    file,
    fileName: cleanFileName(file.filename),
    format: format === 'auto' ? undefined : (format as StatementFormat),
    csvMapping,
    dryRun: fields.data.dryRun,
    confirm: fields.data.confirm,
  };
}
