export * from './catalog-map.ts';
export * from './conventions.ts';
export * from './register.ts';
export * from './runtime.ts';
