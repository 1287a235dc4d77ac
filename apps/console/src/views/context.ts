// The job's context as the pipeline read it: customer and membership, location and tax zone,
// labor, appointments, attachments; and the AI's decision (provider, model, prompt version,
// fallback) with each mention it resolved.
import type { JobContext, RouteDecision } from '@invoicer/billing';
import type { ExtractView } from '../review/load.ts';
import { money, percent, reasonLabel, timeTag } from './format.ts';
import { html, SafeHtml } from './html.ts';

function dl(pairs: [string, unknown][]): SafeHtml {
  return html`<dl class="pairs">${pairs.map(([k, v]) => html`<dt>${k}</dt><dd>${v === null || v === undefined || v === '' ? '—' : v instanceof SafeHtml ? v : String(v)}</dd>`)}</dl>`;
}

export function attachmentsFragment(
  loaded: { attachments: { fileName: string; contentType: string | null }[] } | { unavailable: string },
): SafeHtml {
  if ('unavailable' in loaded)
    return html`<p class="muted">Attachments unavailable: ${loaded.unavailable}</p>`;
  return loaded.attachments.length
    ? html`<ul class="attachments">${loaded.attachments.map((a) => html`<li>${a.fileName} <span class="muted small">${a.contentType ?? ''}</span></li>`)}</ul>`
    : html`<p class="muted">None.</p>`;
}

export function jobContextSection(context: JobContext, itemId: string): SafeHtml {
  const { job, customer, membership, location, taxZone } = context;
  return html`<section class="panel" aria-labelledby="ctx-title">
  <h2 id="ctx-title">Job context</h2>
  <div class="grid-2">
    <div><h3>Job</h3>${dl([
      ['Job', job.number ?? job.id],
      ['Type', job.jobTypeName],
      ['Business unit', job.businessUnitName],
      ['Completed', timeTag(job.completedOn)],
      ['No charge', job.noCharge ? 'yes' : 'no'],
    ])}</div>
    <div><h3>Customer</h3>${dl([
      ['Name', customer.name],
      ['Type', customer.type],
      ['Membership', membership ? `${membership.status}${membership.active ? ' (active)' : ''}` : 'none'],
    ])}</div>
    <div><h3>Location and tax</h3>${dl([
      ['Location', location.name],
      ['Address', location.address],
      ['Tax zone', taxZone ? taxZone.name : 'none'],
      [
        'Rates',
        taxZone
          ? taxZone.rates.map((r) => `${r.taxName} ${r.taxRate} on ${r.taxBaseType.join('+')}`).join('; ')
          : '',
      ],
      ['Tax exempt', location.taxExempt ? 'yes' : 'no'],
    ])}</div>
    <div><h3>Labor</h3>${
      context.labor.length
        ? html`<table><thead><tr><th scope="col">Technician</th><th scope="col" class="num">Hours</th><th scope="col">Type</th><th scope="col" class="num">Rate</th></tr></thead>
      <tbody>${context.labor.map((l) => html`<tr><td>${l.technicianName}</td><td class="num">${l.hours}</td><td>${l.paidTimeType}</td><td class="num">${l.hourlyRate ?? '—'}</td></tr>`)}</tbody></table>`
        : html`<p class="muted">No timesheets.</p>`
    }
    <h3>Appointments</h3>${
      context.appointments.length
        ? html`<ul>${context.appointments.map((a) => html`<li>${timeTag(a.start)} – ${timeTag(a.end)}</li>`)}</ul>`
        : html`<p class="muted">None.</p>`
    }</div>
    <div><h3>Attachments</h3>${
      // Drafts made before attachments were read lazily carry them; newer ones load them here.
      context.attachments.length
        ? attachmentsFragment({ attachments: context.attachments })
        : html`<div hx-get="/items/${itemId}/attachments" hx-trigger="load" hx-swap="outerHTML"><p class="muted">Loading attachments from ServiceTitan…</p></div>`
    }
    <h3>History at this location</h3><p>${context.priorJobs.length} prior job(s).</p></div>
  </div>
</section>`;
}

export function aiSection(extract: ExtractView): SafeHtml {
  const p = extract.provider;
  const mentions = new Map(extract.mentions.map((m) => [m.id, m]));
  return html`<section class="panel" aria-labelledby="ai-title">
  <h2 id="ai-title">AI decision</h2>
  ${dl([
    ['Provider', p.name],
    ['Model', p.model],
    ['Prompt version', p.promptVersion],
    ['Input digest', p.inputDigest.slice(0, 16)],
    ['Took', `${p.durationMs} ms`],
    ['Fallback', p.fallback ? `from ${p.fallback.from}: ${p.fallback.error}` : 'no'],
  ])}
  ${
    extract.decisions.length
      ? html`<table><caption>What the notes mention, and what was chosen</caption>
    <thead><tr><th scope="col">Mention</th><th scope="col">Chosen</th><th scope="col">Billable</th><th scope="col" class="num">Confidence</th><th scope="col">Reason</th></tr></thead>
    <tbody>${extract.decisions.map((d) => {
      const m = mentions.get(d.mentionId);
      const chosen = (extract.candidates[d.mentionId] ?? []).find((c) => c.skuId === d.skuId);
      return html`<tr><td>${m ? html`<a href="#note-${m.noteIndex}">“${m.text}”</a> <span class="small muted">${m.polarity}</span>` : d.mentionId}</td>
        <td>${chosen ? html`<code>${chosen.code}</code> ${chosen.name}` : d.skuId === null ? 'nothing' : `SKU ${d.skuId}`}</td>
        <td>${d.billable ? 'yes' : 'no'}</td><td class="num">${percent(d.confidence)}</td><td>${d.reason}</td></tr>`;
    })}</tbody></table>`
      : html`<p class="muted">The notes mention nothing billable.</p>`
  }
</section>`;
}

const MODES: Record<string, string> = {
  suggest: 'suggest mode: every job is reviewed',
  shadow: 'shadow mode: nothing is posted',
  auto: 'automatic mode',
};

/** The route's reasons in words (its `explanation` names the codes: "Needs review: low_confidence."). */
function routeWhy(route: RouteDecision): string {
  if (route.route === 'review' && route.reasons.length)
    return `${route.reasons.map(reasonLabel).join('; ')}.`;
  if (route.route === 'shadow') return 'Shadow mode: recorded only, nothing is posted.';
  return `Approved automatically: confidence at least ${percent(route.threshold)}, total within ${money(route.amountThreshold)}, no flags.`;
}

export function routeSection(route: RouteDecision | null, details: Record<string, unknown>): SafeHtml {
  const diffs = Array.isArray(details.postDifferences)
    ? (details.postDifferences as { line?: string; expected?: string; actual?: string }[])
    : [];
  return html`${
    route
      ? html`<p id="why-here"><strong>Why it is here:</strong> ${routeWhy(route)} <span class="muted small">(${MODES[route.mode] ?? route.mode}; approved automatically at ${percent(route.threshold)} confidence and up to ${money(route.amountThreshold)})</span></p>`
      : ''
  }${
    diffs.length
      ? html`<div class="flash flash-error" role="alert"><strong>Posting did not verify.</strong> ServiceTitan's invoice differs from the approved draft:
      <table><thead><tr><th scope="col">Line</th><th scope="col">Expected</th><th scope="col">On the invoice</th></tr></thead>
      <tbody>${diffs.map((d) => html`<tr><td>${d.line ?? ''}</td><td>${d.expected ?? ''}</td><td>${d.actual ?? ''}</td></tr>`)}</tbody></table></div>`
      : ''
  }${
    typeof details.error === 'string'
      ? html`<div class="flash flash-error" role="alert"><strong>Pipeline stage failed</strong>${typeof details.queue === 'string' ? html` (${details.queue})` : ''}: ${details.error}</div>`
      : ''
  }`;
}
