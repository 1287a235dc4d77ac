export { type IngestApp, startIngestApp } from './app.ts';
export { IngestEnv } from './config.ts';
export { queueCompletedJob } from './enqueue.ts';
export { pollTenant } from './poller.ts';
export { resumeRuns } from './resume.ts';
export { verifySignature } from './signature.ts';
export { WebhookEvent } from './webhooks.ts';
