// Reading a tenant settings file for the tenant commands: JSON, validated by the settings
// schema, with every problem named by its path.
import { readFileSync } from 'node:fs';
import { InvalidInputError, TenantSettings } from '@invoicer/core';

export function readSettingsFile(file: string): TenantSettings {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InvalidInputError(`${file} is not readable JSON: ${(error as Error).message}`);
  }
  const parsed = TenantSettings.safeParse(raw);
  if (!parsed.success)
    throw new InvalidInputError(
      `${file} is not valid tenant settings:\n${parsed.error.issues
        .map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('\n')}`,
    );
  return parsed.data;
}
