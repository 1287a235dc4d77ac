export * from './bank-import.ts';
export * from './outputs.ts';
export * from './redrive.ts';
export * from './stages.ts';
export * from './steps.ts';
