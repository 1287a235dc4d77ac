import { describe, expect, it } from 'vitest';
import { eventsFrom, IllegalTransitionError, type RunEvent, transition } from './run-state.ts';

describe('the run state machine', () => {
  it('takes a run through the pipeline, review, approval and posting', () => {
    const path: [string, RunEvent, string][] = [
      ['queued', 'stage_done', 'running'],
      ['running', 'stage_done', 'running'],
      ['running', 'routed_review', 'awaiting_review'],
      ['awaiting_review', 'edited', 'awaiting_review'],
      ['awaiting_review', 'approved', 'approved'],
      ['approved', 'post_started', 'posting'],
      ['posting', 'post_started', 'posting'],
      ['posting', 'post_mismatch', 'awaiting_review'],
      ['posting', 'posted', 'posted'],
      ['running', 'routed_auto', 'approved'],
      ['running', 'routed_shadow', 'shadow'],
    ];
    for (const [from, event, to] of path) expect(transition({ status: from }, event)).toBe(to);
  });

  it('never posts what nobody approved', () => {
    for (const status of ['queued', 'running', 'awaiting_review', 'rejected', 'shadow', 'posted', 'failed']) {
      expect(() => transition({ status }, 'post_started')).toThrow(IllegalTransitionError);
    }
  });

  it('moves nothing out of a final state', () => {
    for (const status of ['posted', 'rejected', 'shadow'] as const) expect(eventsFrom(status)).toEqual([]);
  });

  it('re-drives a failed run to where it was: the pipeline, or approved when it failed posting', () => {
    expect(transition({ status: 'failed', stage: 'draft' }, 'redriven')).toBe('running');
    expect(transition({ status: 'failed', stage: 'post' }, 'redriven')).toBe('approved');
    expect(() => transition({ status: 'awaiting_review', stage: 'post' }, 'redriven')).toThrow(
      IllegalTransitionError,
    );
  });

  it('lets a person decide a failed run but not a finished one', () => {
    expect(transition({ status: 'failed' }, 'rejected')).toBe('rejected');
    expect(() => transition({ status: 'posted' }, 'rejected')).toThrow(
      /posted cannot take the event rejected/,
    );
  });
});

describe('undoing an approval', () => {
  it('returns an approved run to review, and only before posting has claimed it', () => {
    expect(transition({ status: 'approved' }, 'approval_undone')).toBe('awaiting_review');
    for (const status of ['posting', 'posted', 'awaiting_review', 'failed', 'rejected', 'queued', 'running'])
      expect(() => transition({ status }, 'approval_undone'), status).toThrow(IllegalTransitionError);
    expect(eventsFrom('approved')).toContain('approval_undone');
    expect(eventsFrom('posting')).not.toContain('approval_undone');
  });
});
