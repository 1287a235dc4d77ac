export * from './estimate-compare.ts';
export * from './estimate-schema.ts';
export * from './output.ts';
export * from './photos/checks.ts';
export * from './photos/read.ts';
export * from './photos/time.ts';
