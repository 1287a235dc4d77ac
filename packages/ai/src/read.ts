// Reading the notes with the tenant's model, conservatively. The model's mentions replace the
// local parser's only when the call succeeded and its answer validated and is grounded in the
// notes; on a failure, a timeout, output outside the schema or a reading mostly not found in
// the notes, the local parser's mentions are used and the fallback is marked (as for choose).
import { findMentions, type Mention, type Vocabulary } from '@invoicer/billing';
import { digestOf, errorMessage } from '@invoicer/core';
import type { ExtractionProvider } from './provider.ts';
import { type GroundedReading, groundReading, guardReading, type NoteText } from './reading.ts';

export const LOCAL_READER = {
  name: 'local',
  model: 'note-parser',
  promptVersion: 'local-parser-v1',
} as const;

export interface ReadInput {
  /** The notes exactly as the local parser read them (offsets refer to these texts). */
  notes: NoteText[];
  vocabulary: Vocabulary;
  /** The local parser's mentions: the fallback, and the guard rail's second opinion. */
  local: Mention[];
  /** Notes that describe the request, not the work: their mentions never add a line. */
  requestNotes?: ReadonlySet<number>;
}

/** Which reader produced the mentions, for the extract output, the console and the audit. */
export interface ReaderInfo {
  provider: string;
  model: string;
  promptVersion: string;
  inputDigest: string;
  durationMs: number;
  /** Set when the model's reading was not used and the local parser's was. */
  fallback: { from: string; error: string } | null;
  /** Mentions the model returned. */
  read: number;
  /** Model mentions dropped because they could not be grounded in the notes (at most 20 listed). */
  dropped: GroundedReading['dropped'];
  droppedCount: number;
  /** Model quantities the notes do not state (set to null). */
  ungroundedQuantities: string[];
  /** Mentions the model read as done that the local parser reads as not done (not billed). */
  overruled: string[];
  /** Local not-done mentions the model left out, kept. */
  keptLocal: string[];
}

export interface ReadOutput {
  mentions: Mention[];
  reader: ReaderInfo;
}

/** Drop reasons meaning the model named something not in the notes at all. */
const HALLUCINATED = new Set(['unknown_note', 'not_in_note']);

export async function readWithFallback(
  provider: ExtractionProvider,
  input: ReadInput,
  timeoutMs: number,
): Promise<ReadOutput> {
  const started = performance.now();
  const inputDigest = digestOf({ notes: input.notes });
  let grounded: GroundedReading | null = null;
  let read = 0;
  const info = (
    who: { name: string; model: string; promptVersion: string },
    fallback: ReaderInfo['fallback'],
    extra: Partial<ReaderInfo> = {},
  ): ReaderInfo => ({
    provider: who.name,
    model: who.model,
    promptVersion: who.promptVersion,
    inputDigest,
    durationMs: Math.round(performance.now() - started),
    fallback,
    read,
    dropped: grounded?.dropped.slice(0, 20) ?? [],
    droppedCount: grounded?.dropped.length ?? 0,
    ungroundedQuantities: grounded?.ungroundedQuantities.slice(0, 20) ?? [],
    overruled: [],
    keptLocal: [],
    ...extra,
  });
  if (!provider.readNotes) return { mentions: input.local, reader: info(LOCAL_READER, null) };
  const modelReader = {
    name: provider.name,
    model: provider.model,
    promptVersion: provider.readPromptVersion ?? provider.promptVersion,
  };
  const notes = input.notes.filter((n) => n.text.trim());
  if (!notes.length) return { mentions: input.local, reader: info(modelReader, null) };
  try {
    const answer = await withTimeout(
      (signal) => provider.readNotes!(notes, { signal }),
      timeoutMs,
      `${provider.name} timed out after ${timeoutMs} ms`,
    );
    read = answer.length;
    grounded = groundReading(notes, answer, input.vocabulary);
    const hallucinated = grounded.dropped.filter((d) => HALLUCINATED.has(d.reason)).length;
    // A reading mostly about things the notes do not say is not a reading of these notes.
    if (hallucinated * 2 > answer.length) {
      throw new Error(
        `invalid model output: ${hallucinated} of ${answer.length} mentions are not in the notes`,
      );
    }
    const { clauses } = findMentions(notes, input.vocabulary);
    const guarded = guardReading(grounded.mentions, { mentions: input.local, clauses }, input.requestNotes);
    return {
      mentions: guarded.mentions,
      reader: info(modelReader, null, { overruled: guarded.overruled, keptLocal: guarded.keptLocal }),
    };
  } catch (error) {
    return {
      mentions: input.local,
      reader: info(LOCAL_READER, { from: provider.name, error: errorMessage(error).slice(0, 500) }),
    };
  }
}

/** Run `fn`, aborting it and rejecting once `timeoutMs` has passed. */
export async function withTimeout<T>(
  fn: (signal: AbortSignal) => Promise<T>,
  timeoutMs: number,
  message: string,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      fn(controller.signal),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          reject(new Error(message));
          controller.abort();
        }, timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
