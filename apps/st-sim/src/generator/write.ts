// Streaming writer: large resources go out one record per line in ~1 MB chunks, so a
// 100k-job tenant never builds a whole file as one string.
import { mkdir, open, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FIXTURE_RESOURCES } from '@invoicer/servicetitan';
import type { GeneratedTenant } from './index.ts';

const CHUNK = 1 << 20;
/** Small reference resources are pretty-printed for people reading the fixture. */
const PRETTY = new Set([
  'jpm/job-types',
  'settings/business-units',
  'settings/technicians',
  'accounting/tax-zones',
  'accounting/payment-types',
  'pricebook/categories',
  'pricebook/discounts-and-fees',
]);

export async function writeJsonArray(
  file: string,
  records: readonly unknown[],
  pretty = false,
): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  if (pretty) {
    await writeFile(file, `${JSON.stringify(records, null, 2)}\n`);
    return;
  }
  const handle = await open(file, 'w');
  try {
    let buffer = '[';
    for (let i = 0; i < records.length; i++) {
      buffer += `${i === 0 ? '\n' : ',\n'}${JSON.stringify(records[i])}`;
      if (buffer.length >= CHUNK) {
        await handle.write(buffer);
        buffer = '';
      }
    }
    await handle.write(`${buffer}${records.length ? '\n' : ''}]\n`);
  } finally {
    await handle.close();
  }
}

/** Write a generated tenant to `dir`. Existing generated files are replaced; others are left alone. */
export async function writeTenantFixture(dir: string, result: GeneratedTenant): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [resource, spec] of Object.entries(FIXTURE_RESOURCES)) {
    const records = result.fixture[resource as keyof typeof FIXTURE_RESOURCES] as unknown[];
    const file = path.join(dir, `${resource}.json`);
    if (!records.length && !spec.required) {
      await rm(file, { force: true });
      continue;
    }
    await writeJsonArray(file, records, PRETTY.has(resource));
  }
  for (const [resource, records] of Object.entries(result.extras))
    await writeJsonArray(path.join(dir, `${resource}.json`), records, true);
  await writeFile(path.join(dir, 'tenant.json'), `${JSON.stringify(result.fixture.meta, null, 2)}\n`);
  await writeFile(path.join(dir, 'README.md'), result.readme);
  const truth = path.join(dir, '_truth');
  await writeJsonArray(path.join(truth, 'jobs.json'), result.truth.jobs);
  await writeJsonArray(path.join(truth, 'technicians.json'), result.truth.technicians, true);
  await writeFile(path.join(truth, 'summary.json'), `${JSON.stringify(result.truth.summary, null, 2)}\n`);
  const bankDir = path.join(dir, '_bank');
  if (result.bank) {
    await writeJsonArray(path.join(truth, 'bank.json'), result.truth.bank);
    await mkdir(bankDir, { recursive: true });
    await writeFile(path.join(bankDir, 'statement.bai2'), result.bank.bai2);
    await writeFile(path.join(bankDir, 'statement.csv'), result.bank.csv);
  } else {
    await rm(bankDir, { recursive: true, force: true });
    await rm(path.join(truth, 'bank.json'), { force: true });
  }
  const evidence = result.evidence;
  const evidenceFiles = {
    'sales/estimates.json': evidence?.estimates,
    'equipmentsystems/installed-equipment.json': evidence?.installedEquipment,
    '_files/attachments.json': evidence?.photoFiles,
  };
  for (const [file, records] of Object.entries(evidenceFiles)) {
    if (records) await writeJsonArray(path.join(dir, file), records);
    else await rm(path.join(dir, file), { force: true });
  }
  if (evidence)
    await writeFile(path.join(truth, 'evidence.json'), `${JSON.stringify(evidence.truth, null, 1)}\n`);
  else await rm(path.join(truth, 'evidence.json'), { force: true });
}
