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
import { PHOTO_REVIEW_KINDS, photoEvidence } from './photo-evidence.ts';

export async function evidence(
  services: WorkerServices,
  payload: PayloadOf<'invoice.evidence'>,
): Promise<void> {
  await runStage(services, payload, 'evidence', async (run, { extract, draft }) => {
    const tenantSettings = await services.runtime.settings(run.tenantId);
    const settings = tenantSettings.evidence;
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
      const photos = await photoEvidence(
        services,
        client,
        run.tenantId,
        extract.context,
        draft.lines,
        tenantSettings,
        log,
      );
      output.photos = photos.photos;
      output.findings = photos.findings;
      output.notes.push(...photos.notes);
      if (photos.findings.some((f) => PHOTO_REVIEW_KINDS.has(f.kind))) output.reasons.push('photo_evidence');
    }
    return { output };
  });
}
