export * from './collections-settings.ts';
export * from './digest.ts';
export * from './errors.ts';
export * from './money.ts';
export * from './queues.ts';
export * from './reasons.ts';
export * from './run-state.ts';
export * from './settings.ts';
