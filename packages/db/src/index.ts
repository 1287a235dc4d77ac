export * from './client.ts';
export type * from './generated/prisma/client.ts';
export * from './repos/audit.ts';
export * from './repos/drafts.ts';
export * from './repos/ingest.ts';
export * from './repos/review.ts';
export * from './repos/runs.ts';
export * from './repos/st-writes.ts';
export * from './repos/tenants.ts';
