// The delivery stage in the running cluster: jobs complete in the simulator, are drafted and
// auto-posted, then invoice.deliver (queued as the demo does, idempotently) emails each posted
// invoice once to the SMTP sink and records the send in ServiceTitan.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deliverPosted, demoDeliverySettings } from '../../apps/demo/src/delivery.ts';
import { simMessaging } from '../../apps/st-sim/src/routes/crm-telecom.ts';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';
import { miniTenant } from '../support/mini-tenant.ts';
import { type MailSink, startMailSink } from '../support/smtp-sink.ts';
import { waitFor } from '../support/wait.ts';

let cluster: TestCluster;
let sink: MailSink;

beforeAll(async () => {
  sink = await startMailSink();
  cluster = await startTestCluster({
    fixture: miniTenant(40),
    replayLast: 4,
    settings: { policy: { mode: 'auto' } as never, delivery: demoDeliverySettings(sink, 'Mini HVAC') },
  });
  simMessaging(cluster.sim.tenant).contacts.set(100, [
    {
      id: 1001,
      type: 'Email',
      value: 'pat@example.com',
      memo: null,
      phoneSettings: null,
      createdOn: '2024-01-01T00:00:00Z',
      modifiedOn: '2024-01-01T00:00:00Z',
    },
  ]);
});
afterAll(async () => {
  await cluster?.stop();
  await sink?.close();
});

it('emails each posted invoice exactly once, and again delivering sends nothing more', async () => {
  cluster.sim.play();
  await cluster.settle(4);
  const report = await deliverPosted(cluster, 'acme', sink, '/tmp/delivery-test');
  expect(report.posted).toBeGreaterThan(0);
  expect(report.emailed).toBe(report.posted);
  expect(sink.messages).toHaveLength(report.posted);
  expect(sink.duplicates).toBe(0);
  for (const mail of sink.messages) {
    expect(mail.envelope.to).toEqual(['pat@example.com']);
    expect(mail.parsed.subject).toMatch(/^Invoice INV-\d+ from Mini HVAC$/);
  }
  // Recorded in ServiceTitan right after each send: one customer note per invoice.
  await waitFor(
    async () => simMessaging(cluster.sim.tenant).notes.get(100)?.length ?? 0,
    (n) => n >= report.posted,
    { what: 'customer notes' },
  );

  const again = await deliverPosted(cluster, 'acme', sink, '/tmp/delivery-test', 5_000);
  expect(again.emailed).toBe(report.posted);
  expect(sink.received).toBe(report.posted);
  expect(simMessaging(cluster.sim.tenant).notes.get(100)).toHaveLength(report.posted);
});
