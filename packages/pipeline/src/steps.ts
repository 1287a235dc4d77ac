// Durable external writes. Each write is a step with a ledger key: it is recorded before it is
// sent, and confirmed by reading back. A step recorded but never confirmed (a crash or timeout
// between sending and recording) is first looked for in a read-back; only if its effect is not
// there is it sent again. Steps run as a batch so that one read-back confirms them all.
import type { Db } from '@invoicer/db';
import { claimWrite, completeWrite } from '@invoicer/db';

export interface StepSpec<R> {
  key: string;
  operation: string;
  request: unknown;
  /** Sends the write. Never called for a step whose effect is already there. */
  send(): Promise<void>;
  /**
   * Finds this step's effect in a read-back: what to record, or null when it is not there. It adds
   * what it claims to `taken`, so an identical step cannot claim the same effect.
   */
  find(snapshot: unknown, taken: Set<unknown>): R | null;
}

export interface StepOutcome<R> {
  key: string;
  result: R;
  /** How it ended this time: sent now, recovered from an earlier attempt, or already recorded. */
  how: 'sent' | 'recovered' | 'recorded';
}

export class StepNotConfirmedError extends Error {
  constructor(key: string) {
    super(`write ${key} was sent but its effect is not in the read-back`);
    this.name = 'StepNotConfirmedError';
  }
}

/** How a batch is sent: one call carrying several steps (a PATCH with many items). */
export type SendTogether<R> = (specs: StepSpec<R>[]) => Promise<void>;

/**
 * Run write steps exactly once. `snapshot` is a read taken before the batch (used to recover
 * unsure steps); `readBack` reads again after sending (once, only if something was sent).
 * `taken` lets two identical steps claim different effects (e.g. two appended items).
 *
 * With `sendTogether`, the steps to send go out in one call. Any whose effect the read-back does
 * not show (an API that ignored part of the call) are sent again one by one and read back once
 * more, so nothing is lost and still nothing is written twice.
 * Returns the outcomes in order and the latest snapshot.
 */
export async function runSteps<R, S>(
  db: Db,
  owner: { tenantId: string; runId?: string | null },
  specs: StepSpec<R>[],
  snapshot: S,
  readBack: () => Promise<S>,
  taken: Set<unknown> = new Set(),
  sendTogether?: SendTogether<R>,
): Promise<{ outcomes: StepOutcome<R>[]; snapshot: S }> {
  const outcomes = new Map<string, StepOutcome<R>>();
  const toSend: StepSpec<R>[] = [];
  const claims = [];
  for (const spec of specs) {
    const claim = await claimWrite(db, {
      ...owner,
      key: spec.key,
      operation: spec.operation,
      request: spec.request,
    });
    claims.push({ spec, claim });
    if (claim.state === 'completed') {
      const result = claim.row.response as R;
      taken.add(recordedTaken(result));
      outcomes.set(spec.key, { key: spec.key, result, how: 'recorded' });
    }
  }
  for (const { spec, claim } of claims) {
    if (claim.state === 'completed') continue;
    if (claim.state === 'unsure') {
      const found = spec.find(snapshot, taken);
      if (found !== null) {
        await completeWrite(db, spec.key, found);
        outcomes.set(spec.key, { key: spec.key, result: found, how: 'recovered' });
        continue;
      }
    }
    toSend.push(spec);
  }
  let latest = snapshot;
  if (toSend.length) {
    if (sendTogether) await sendTogether(toSend);
    else for (const spec of toSend) await spec.send();
    latest = await readBack();
    let missing = await confirm(toSend, latest);
    if (missing.length && sendTogether) {
      for (const spec of missing) await spec.send();
      latest = await readBack();
      missing = await confirm(missing, latest);
    }
    if (missing.length) throw new StepNotConfirmedError(missing[0]!.key);
  }
  return { outcomes: specs.map((s) => outcomes.get(s.key)!), snapshot: latest };

  /** Records the steps whose effect `read` shows; returns those it does not. */
  async function confirm(sent: StepSpec<R>[], read: S): Promise<StepSpec<R>[]> {
    const missing: StepSpec<R>[] = [];
    for (const spec of sent) {
      const found = spec.find(read, taken);
      if (found === null) {
        missing.push(spec);
        continue;
      }
      await completeWrite(db, spec.key, found);
      outcomes.set(spec.key, { key: spec.key, result: found, how: 'sent' });
    }
    return missing;
  }
}

/** What a recorded result claimed (its `itemId`, when it has one), so no other step claims it. */
function recordedTaken(result: unknown): unknown {
  return (result as { itemId?: unknown } | null)?.itemId;
}
