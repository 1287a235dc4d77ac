export * from './fixtures.ts';
export * from './schemas/index.ts';
