export * from './config.ts';
export * from './health.ts';
export * from './logger.ts';
export * from './queues.ts';
export * from './redis.ts';
export * from './services.ts';
export * from './shutdown.ts';
export * from './workers.ts';
