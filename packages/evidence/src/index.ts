export * from './estimate-compare.ts';
export * from './estimate-schema.ts';
export * from './output.ts';
