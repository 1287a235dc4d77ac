// @invoicer/collections: receivables and collections logic, pure (no I/O): the AR ledger from
// ServiceTitan invoices and payments, aging, DSO/CEI/ADD, the risk scorecard and per-tenant
// model with reason codes, the backtest, call-list ranking and payment-plan installments.
export * from './aging.ts';
export * from './auc.ts';
export * from './backtest.ts';
export * from './call-simulation.ts';
export * from './calllist.ts';
export * from './dunning.ts';
export * from './features.ts';
export * from './installments.ts';
export * from './ledger.ts';
export * from './metrics.ts';
export * from './model.ts';
export * from './parse.ts';
export * from './plan-draft.ts';
export * from './plan-status.ts';
export * from './scorecard.ts';
export * from './tenant-model.ts';
