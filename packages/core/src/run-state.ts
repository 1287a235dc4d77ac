// The run state machine: the only way a pipeline run's status changes. Every writer (the stage
// runner, posting, the failure path, the sweeper, the console) asks `transition` for the next
// status and writes it with a compare-and-set on the status it read, so two writers can never
// both move a run and no writer can skip a step (e.g. post what nobody approved).

export const RUN_STATUSES = [
  'queued',
  'running',
  'awaiting_review',
  'approved',
  'posting',
  'posted',
  'rejected',
  'shadow',
  'failed',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Runs in these states never change again. */
export const FINAL_RUN_STATUSES: readonly RunStatus[] = ['posted', 'rejected', 'shadow'];
/** Runs that wait on machinery (not on a person): what resume and the sweeper drive. */
export const ACTIVE_RUN_STATUSES: readonly RunStatus[] = ['queued', 'running', 'approved', 'posting'];

export type RunEvent =
  /** A pipeline stage saved its output and handed over to the next one. */
  | 'stage_done'
  /** The route stage's decisions. */
  | 'routed_review'
  | 'routed_auto'
  | 'routed_shadow'
  /** A person in the console. */
  | 'approved'
  | 'edited'
  | 'rejected'
  /** The approver took the approval back inside the undo window, before posting started. */
  | 'approval_undone'
  /** Posting. */
  | 'post_started'
  | 'posted'
  | 'post_mismatch'
  /** A step that will not be retried again. */
  | 'failed'
  /** The sweeper or a person re-drives a failed run from the stage it had reached. */
  | 'redriven';

const MOVES: Record<RunEvent, Partial<Record<RunStatus, RunStatus>>> = {
  stage_done: { queued: 'running', running: 'running' },
  routed_review: { queued: 'awaiting_review', running: 'awaiting_review' },
  routed_auto: { queued: 'approved', running: 'approved' },
  routed_shadow: { queued: 'shadow', running: 'shadow' },
  approved: { awaiting_review: 'approved', failed: 'approved' },
  edited: { awaiting_review: 'awaiting_review', failed: 'awaiting_review' },
  rejected: { awaiting_review: 'rejected', failed: 'rejected' },
  // Only from approved: once posting has claimed the run (posting), it is too late.
  approval_undone: { approved: 'awaiting_review' },
  post_started: { approved: 'posting', posting: 'posting' },
  posted: { posting: 'posted' },
  post_mismatch: { posting: 'awaiting_review' },
  failed: { queued: 'failed', running: 'failed', approved: 'failed', posting: 'failed', failed: 'failed' },
  // A run that failed while posting had been approved: it goes back to approved, nothing else.
  redriven: { failed: 'running' },
};

export class IllegalTransitionError extends Error {
  constructor(
    readonly from: RunStatus,
    readonly event: RunEvent,
  ) {
    super(`a run that is ${from} cannot take the event ${event}`);
    this.name = 'IllegalTransitionError';
  }
}

/**
 * The status a run moves to on `event`. `stage` is where the run is: a failed run re-driven at
 * the post stage returns to approved (it can only have reached posting through an approval).
 */
export function transition(run: { status: string; stage?: string | null }, event: RunEvent): RunStatus {
  const from = run.status as RunStatus;
  if (event === 'redriven' && from === 'failed' && run.stage === 'post') return 'approved';
  const to = MOVES[event][from];
  if (!to) throw new IllegalTransitionError(from, event);
  return to;
}

/** The events a run in `status` can take (for the console and tests). */
export function eventsFrom(status: RunStatus): RunEvent[] {
  return (Object.keys(MOVES) as RunEvent[]).filter((event) => MOVES[event][status] !== undefined);
}

export function isFinalStatus(status: string): boolean {
  return (FINAL_RUN_STATUSES as readonly string[]).includes(status);
}
