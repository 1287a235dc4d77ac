// invoice.evidence: after the draft and before routing. Compares the job's sold estimates with
// the draft and checks the job's photos; saves what it found, and the review reasons route adds.
// It never touches the draft: its lines and totals are the same with this stage on or off.
import type { PayloadOf } from '@invoicer/core';
import {
  compareEstimates,
  disabledEvidence,
  type EvidenceOutput,
  reviewableDifferences,
} from '@invoicer/evidence';
import type { WorkerServices } from '../services.ts';
import { runStage } from '../stages/runner.ts';
import { loadJobEstimates } from './estimates-feed.ts';
import { readNameplates } from './nameplates.ts';
import { checkJobPhotos } from './photos.ts';
import { dropDifferentNameplates } from './reuse-text.ts';

/** Photo findings that a person must look at before the invoice goes out. */
const PHOTO_REVIEW_KINDS = new Set(['wrong_day', 'wrong_place', 'reused', 'nameplate_mismatch']);

export async function evidence(
  services: WorkerServices,
  payload: PayloadOf<'invoice.evidence'>,
): Promise<void> {
  await runStage(services, payload, 'evidence', async (run, { extract, draft }) => {
    const settings = (await services.runtime.settings(run.tenantId)).evidence;
    if (!settings.estimates && !settings.photos) return { output: disabledEvidence() };
    const jobId = extract.context.job.id;
    const log = services.log.child({
      tenant: run.tenantId,
      runId: run.id,
      stJobId: jobId,
      stage: 'evidence',
    });
    const client = await services.runtime.client(run.tenantId);
    const output: EvidenceOutput = { ...disabledEvidence(), enabled: true };
    if (settings.estimates) {
      const estimates = await loadJobEstimates(client, services.db, run.tenantId, jobId, log);
      if (estimates === null) output.notes.push('The tenant’s API does not offer estimates: not checked.');
      else if (estimates.length) {
        output.estimates = compareEstimates(estimates, draft.lines);
        if (reviewableDifferences(output.estimates).length) output.reasons.push('estimate_difference');
      }
    }
    if (settings.photos) {
      const timezone =
        extract.context.laborTime?.timezone ??
        (await services.runtime.settings(run.tenantId)).rules.afterHours.timezone;
      const photos = await checkJobPhotos(client, services.db, extract.context, settings, timezone, log);
      output.photos = photos.photos;
      output.findings = photos.findings;
      output.notes.push(...photos.notes);
      if (settings.nameplates && photos.photos.length) {
        const plates = await readNameplates(
          client,
          services.db,
          run.tenantId,
          extract.context.location.id,
          photos,
          draft.lines,
          log,
        );
        const reuse = await dropDifferentNameplates(
          services.db,
          run.tenantId,
          output.findings,
          output.photos,
        );
        output.findings = [...reuse.findings, ...plates.findings];
        output.notes.push(...plates.notes, ...reuse.notes);
      }
      if (photos.findings.some((f) => PHOTO_REVIEW_KINDS.has(f.kind))) output.reasons.push('photo_evidence');
    }
    return { output };
  });
}
