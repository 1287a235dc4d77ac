// What other apps use of the workers' reconciliation: the final-failure hook. (The bank-file
// import and the summary are use cases in @invoicer/pipeline, shared with the console.)
export { recordReconcileFailure } from './failure.ts';
