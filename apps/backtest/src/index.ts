export * from './eval.ts';
export * from './eval-score.ts';
export { buildReport, markdown, type Report, terminalSummary, writeReport } from './report.ts';
export { type BacktestOptions, type BacktestRun, runBacktest, type TruthJob } from './run.ts';
export * from './score.ts';
