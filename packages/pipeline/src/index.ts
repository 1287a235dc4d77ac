export * from './outputs.ts';
export * from './stages.ts';
export * from './steps.ts';
