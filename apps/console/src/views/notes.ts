// Technician notes with the spans that produced draft lines highlighted. Spans are character
// offsets into the note text the pipeline read (the job summary as plain text). Overlapping
// spans are split at every boundary; each piece is escaped and wrapped in <mark> when a span
// covers it, labelled with the lines it supports.
import { type JobContext, noteTexts, type PricedLine } from '@invoicer/billing';
import { html, type SafeHtml } from './html.ts';

export interface NoteSpan {
  noteIndex: number;
  start: number;
  end: number;
  label: string;
}

export function lineSpans(lines: PricedLine[]): NoteSpan[] {
  const spans: NoteSpan[] = [];
  for (const line of lines) {
    const label = `${line.skuCode} (${line.key})`;
    if (line.provenance.kind === 'note_span') spans.push({ ...line.provenance, label });
    for (const e of line.evidence) if (e.span) spans.push({ ...e.span, label });
  }
  return spans;
}

export function highlight(text: string, spans: NoteSpan[]): SafeHtml {
  const valid = spans
    .map((s) => ({ ...s, start: Math.max(0, s.start), end: Math.min(text.length, s.end) }))
    .filter((s) => s.end > s.start);
  const cuts = [...new Set([0, text.length, ...valid.flatMap((s) => [s.start, s.end])])].sort(
    (a, b) => a - b,
  );
  const parts: SafeHtml[] = [];
  for (let i = 0; i < cuts.length - 1; i++) {
    const [a, b] = [cuts[i]!, cuts[i + 1]!];
    const piece = text.slice(a, b);
    const labels = [...new Set(valid.filter((s) => s.start <= a && s.end >= b).map((s) => s.label))];
    parts.push(
      labels.length
        ? html`<mark title="Supports ${labels.join(', ')}" data-lines="${labels.join(' ')}">${piece}</mark>`
        : html`${piece}`,
    );
  }
  return html`${parts}`;
}

export function notesSection(context: JobContext, spans: NoteSpan[]): SafeHtml {
  const notes = noteTexts(context).sort((a, b) => a.index - b.index);
  if (!notes.length) return html`<p class="muted">No notes on this job.</p>`;
  return html`<ol class="notes">${notes.map(
    (n) => html`<li id="note-${n.index}">
      <h4>${n.index === -1 ? 'Job summary' : `Note ${n.index + 1}`}</h4>
      <p class="note-text">${highlight(
        n.text,
        spans.filter((s) => s.noteIndex === n.index),
      )}</p>
    </li>`,
  )}</ol>`;
}
