// The simulator's job attachments as the PDF stage uses them: a multipart upload appears in the
// job's attachment list and downloads as the same bytes; an upload whose answer is lost after
// commit is stored all the same (where duplicates are born); bad uploads are refused; business
// units carry the invoice settings the PDF prints.
import { createHash } from 'node:crypto';
import {
  downloadJobAttachment,
  getBusinessUnit,
  StApiError,
  type StClient,
  uploadJobAttachment,
} from '@invoicer/servicetitan';
import type { RunningSim } from '@invoicer/st-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simWithClient } from '../support/sim-client.ts';

let sim: RunningSim;
let client: StClient;
const JOB = 1001;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  ({ sim, client } = await simWithClient({ faults: { rateLimitPerSecond: null } }));
});
afterAll(async () => {
  await sim?.close();
});

describe('simulated job attachments', () => {
  it('lists an uploaded file and serves its bytes', async () => {
    const bytes = Buffer.from('%PDF-1.7\nan invoice\n%%EOF\n');
    const answer = await uploadJobAttachment(client, JOB, { fileName: 'Invoice-INV-1-r1.pdf', bytes });
    expect(answer).toMatchObject({ fileName: 'Invoice-INV-1-r1.pdf' });
    const listed = (await client.listAttachments(JOB)).filter((a) => a.fileName === 'Invoice-INV-1-r1.pdf');
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ jobId: JOB, contentType: 'application/pdf', size: bytes.length });
    expect(listed[0]).not.toHaveProperty('_bytes');
    expect(sha(await downloadJobAttachment(client, listed[0]!.id))).toBe(sha(bytes));
  });

  it('stores an upload whose answer is lost after commit (a blind retry would duplicate it)', async () => {
    sim.faults.update({ failAfterCommit: { rate: 1, mode: 'error', match: '/attachments', times: 1 } });
    const bytes = Buffer.from('%PDF-1.7\nsecond\n');
    const error = await uploadJobAttachment(client, JOB, { fileName: 'lost-answer.pdf', bytes }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StApiError);
    expect((error as StApiError).status).toBe(500);
    const listed = (await client.listAttachments(JOB)).filter((a) => a.fileName === 'lost-answer.pdf');
    expect(listed).toHaveLength(1);
    expect(sim.faults.config.failAfterCommit).toBeNull();
  });

  it('refuses an upload without a file, and one to a job that does not exist', async () => {
    const form = new FormData();
    form.append('other', 'x');
    const token = await client.tokens.get();
    const res = await fetch(client.http.url('forms', `/jobs/${JOB}/attachments`), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'st-app-key': client.config.appKey },
      body: form,
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('multipart field \\"file\\"');
    const missing = await uploadJobAttachment(client, 999_999, {
      fileName: 'x.pdf',
      bytes: Buffer.from('x'),
    }).catch((e: unknown) => e);
    expect((missing as StApiError).status).toBe(404);
  });

  it('serves the business unit’s invoice settings', async () => {
    const unit = await getBusinessUnit(client, 10);
    expect(unit).toMatchObject({ id: 10, name: 'HVAC Service' });
    expect(unit.address?.city).toBe('Riverton');
    expect(unit.authorizationParagraph).toMatch(/authorize/);
    expect(unit.acknowledgementParagraph).toMatch(/acknowledge/);
  });
});
