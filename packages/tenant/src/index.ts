export * from './catalog-map.ts';
export * from './runtime.ts';
