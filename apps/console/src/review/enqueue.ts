// Enqueue after a decision is committed. Job ids are deterministic, so a step that already ran
// (e.g. a post that came back as post_mismatch and is now approved again) would be a no-op:
// a finished job with the same id is removed first so the step runs again. A job that is still
// waiting or running is left alone (the enqueue is then a no-op, which is what we want).
//
// Approvals post through a delayed job (the undo window): `schedulePost` adds invoice.post with
// a delay, `cancelScheduledPost` removes it while it is still waiting. The state machine stays
// the authority: the post stage claims only a run that is approved at that revision, so a job
// that slips past a cancel finds the run back in review and refuses to post.
import { jobIdFor, type PayloadOf, type QueueName } from '@invoicer/core';
import type { QueueSet } from '@invoicer/platform';

async function removeFinished(queues: QueueSet, name: QueueName, jobId: string): Promise<void> {
  const existing = await queues.get(name).getJob(jobId);
  if (existing) {
    const state = await existing.getState();
    if (state === 'completed' || state === 'failed') await existing.remove();
  }
}

export async function enqueueAgain<Q extends QueueName>(
  queues: QueueSet,
  name: Q,
  payload: PayloadOf<Q>,
): Promise<string> {
  await removeFinished(queues, name, jobIdFor(name, payload));
  return queues.enqueue(name, payload);
}

/** Post an approved revision after `delayMs` (0: at once). */
export async function schedulePost(
  queues: QueueSet,
  payload: PayloadOf<'invoice.post'>,
  delayMs: number,
): Promise<string> {
  await removeFinished(queues, 'invoice.post', jobIdFor('invoice.post', payload));
  return queues.enqueue('invoice.post', payload, delayMs > 0 ? { delay: delayMs } : {});
}

export type CancelOutcome =
  /** The delayed job was removed: nothing will post this revision. */
  | 'removed'
  /** No job under that id (never enqueued, or already gone). */
  | 'absent'
  /** A worker has the job (or it finished): posting may have started. */
  | 'started';

export async function cancelScheduledPost(
  queues: QueueSet,
  payload: PayloadOf<'invoice.post'>,
): Promise<CancelOutcome> {
  const job = await queues.get('invoice.post').getJob(jobIdFor('invoice.post', payload));
  if (!job) return 'absent';
  const state = await job.getState();
  if (state !== 'delayed' && state !== 'waiting' && state !== 'prioritized') return 'started';
  try {
    await job.remove();
    return 'removed';
  } catch {
    // A worker locked it between the two calls.
    return 'started';
  }
}
