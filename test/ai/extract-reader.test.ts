// The reader hooked into invoice.extract: with a model configured, the worker reads the notes
// with it (through a local OpenAI-compatible fake), records which reader was used in the
// extract output and the audit log, and falls back to the local parser (flagging the run) when
// the model fails. Real Postgres, Redis, simulator and workers.
import { READ_PROMPT_VERSION, type ReaderInfo } from '@invoicer/ai';
import type { Mention } from '@invoicer/billing';
import { getStageOutput } from '@invoicer/db';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';
import { type FakeOpenAi, startFakeOpenAi } from '../support/fake-openai.ts';
import { miniTenant } from '../support/mini-tenant.ts';

let fake: FakeOpenAi;
let cluster: TestCluster;
beforeAll(async () => {
  fake = await startFakeOpenAi();
  // The last three jobs of miniTenant(60): each has one note, "repl 45/5 cap, job <id>".
  fake.readings.set('repl 45/5 cap, job 1058', [{ text: '45/5 cap', itemText: 'capacitor', status: 'done' }]);
  fake.readings.set('repl 45/5 cap, job 1059', 'error');
  fake.readings.set('repl 45/5 cap, job 1060', [{ text: '45/5 CAP', status: 'customer_supplied' }]);
  cluster = await startTestCluster({
    fixture: miniTenant(60),
    replayLast: 3,
    settings: {
      ai: { provider: 'openai', model: 'fake-model', baseUrl: fake.url, timeoutMs: 3000 },
    },
  });
});
afterAll(async () => {
  await cluster?.stop();
  await fake?.close();
});

interface Extracted {
  mentions: Mention[];
  reader?: ReaderInfo;
  provider: { name: string; fallback: unknown };
  nonBillable: { mentionId: string }[];
  confirmations: [number, string[]][];
}

it('reads the notes with the configured model, records the reader, and falls back when it fails', async () => {
  expect(cluster.sim.play()).toHaveLength(3);
  await cluster.settle(3);
  const runs = await cluster.db.pipelineRun.findMany();
  const byJob = new Map(runs.map((r) => [Number(r.stJobId), r]));
  const extracted = async (jobId: number) =>
    (await getStageOutput<{ value: Extracted }>(cluster.db, byJob.get(jobId)!.id, 'extract'))!.value;

  const read = await extracted(1058);
  expect(read.reader).toMatchObject({
    provider: 'openai',
    promptVersion: READ_PROMPT_VERSION,
    fallback: null,
  });
  expect(read.mentions.map((m) => [m.text, m.polarity, m.billable, m.use])).toEqual([
    ['45/5 cap', 'done', true, 'action'],
  ]);
  expect(read.confirmations).toHaveLength(1);
  expect(byJob.get(1058)!.flags).not.toContain('ai_fallback');

  const failed = await extracted(1059);
  expect(failed.reader).toMatchObject({ provider: 'local', fallback: { from: 'openai' } });
  expect(failed.reader?.fallback).toMatchObject({ error: expect.stringMatching(/500/) });
  // The parser's own reading: "repl 45/5 cap" is done.
  expect(failed.mentions.map((m) => [m.text, m.specs, m.polarity])).toEqual([['cap', ['45/5'], 'done']]);
  expect(byJob.get(1059)!.flags).toContain('ai_fallback');

  // The model says the customer supplied it: not done, whatever the parser says.
  const supplied = await extracted(1060);
  expect(supplied.reader?.fallback).toBeNull();
  expect(supplied.mentions.map((m) => [m.text, m.polarity, m.billable])).toEqual([
    ['45/5 cap', 'declined', false],
  ]);
  expect(supplied.nonBillable.map((n) => n.mentionId)).toEqual([supplied.mentions[0]!.id]);

  const audit = await cluster.db.auditEvent.findMany({ where: { action: 'ai.extract' } });
  expect(audit).toHaveLength(3);
  for (const event of audit) {
    expect((event.data as { reader?: ReaderInfo }).reader?.inputDigest).toMatch(/^[0-9a-f]{64}$/);
  }
  // Both the reader and the chooser went to the model.
  const kinds = fake.requests.map((r) => r.response_format?.json_schema?.name);
  expect(kinds.filter((k) => k === 'note_mentions').length).toBeGreaterThanOrEqual(3);
  expect(kinds).toContain('decisions');
});
