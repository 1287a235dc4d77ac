// Reading a tenant settings file for the tenant commands: JSON, validated by the settings
// schema, with every problem named by its path.
import { readFileSync } from 'node:fs';
import {
  InvalidInputError,
  parseTenantSettings,
  type TenantSettings,
  tenantSettingsIssues,
} from '@invoicer/core';

export function readSettingsFile(file: string): TenantSettings {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InvalidInputError(`${file} is not readable JSON: ${(error as Error).message}`);
  }
  // Values checked for meaning (time zones, ranges) and unknown (misspelt) fields named.
  const issues = tenantSettingsIssues(raw);
  if (issues.length)
    throw new InvalidInputError(
      `${file} is not valid tenant settings:\n${issues.map((issue) => `  ${issue}`).join('\n')}`,
    );
  return parseTenantSettings(raw);
}
