// What the accounting handlers need from the worker's services: the books runtime options
// (Redis, prefix and credentials key come from the tenant runtime), plus test overrides.
import type { BooksRuntimeOptions } from '@invoicer/accounting';
import type { WorkerServices } from '../services.ts';

export interface AccountingOverrides {
  fetch?: typeof fetch;
  timeoutMs?: number;
  maxInlineWaitMs?: number;
  limits?: BooksRuntimeOptions['limits'];
}

export function booksOptions(
  services: WorkerServices,
  overrides: AccountingOverrides = {},
): BooksRuntimeOptions {
  const { redis, prefix, credentialsKey } = services.runtime.options;
  return { db: services.db, redis, prefix, credentialsKey, ...overrides };
}
