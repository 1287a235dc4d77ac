export * from './client/client.ts';
export * from './client/credentials.ts';
export * from './client/errors.ts';
export * from './client/http.ts';
export * from './client/rate-limiter.ts';
export * from './client/token.ts';
export * from './fixtures.ts';
export * from './schemas/index.ts';
