export { computeTax, EXEMPT_REASON, invoiceTotals, NO_ZONE_REASON } from './engine.ts';
export * from './rate-tables.ts';
export type * from './types.ts';
export { zoneCombinedRate, zoneRates } from './zone.ts';
