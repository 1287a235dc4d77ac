// Enqueue after a decision is committed. Job ids are deterministic, so a step that already ran
// (e.g. a post that came back as post_mismatch and is now approved again) would be a no-op:
// a finished job with the same id is removed first so the step runs again. A job that is still
// waiting or running is left alone (the enqueue is then a no-op, which is what we want).
import { jobIdFor, type PayloadOf, type QueueName } from '@invoicer/core';
import type { QueueSet } from '@invoicer/platform';

export async function enqueueAgain<Q extends QueueName>(
  queues: QueueSet,
  name: Q,
  payload: PayloadOf<Q>,
): Promise<string> {
  const existing = await queues.get(name).getJob(jobIdFor(name, payload));
  if (existing) {
    const state = await existing.getState();
    if (state === 'completed' || state === 'failed') await existing.remove();
  }
  return queues.enqueue(name, payload);
}
