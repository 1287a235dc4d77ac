export { type ConsoleApp, type ConsoleOptions, startConsoleApp } from './app.ts';
export { ROLES, ROUTE_MATRIX, type Role, type RouteRule } from './auth/roles.ts';
export { ConsoleEnv } from './config.ts';
export { ensureUser, type UserInput } from './users/ensure.ts';
