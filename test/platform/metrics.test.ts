// /metrics: Node's default metrics under prom-client's standard names (no invoicer_ prefix), the
// business counters (dollars posted, missed billables found), the review-queue age and the
// per-queue oldest-waiting age, read from the console's real /metrics.
import type { ConsoleApp } from '@invoicer/console';
import { createTestDatabase, type TestDatabase, testQueuePrefix, testRedisUrl } from '@invoicer/db/testing';
import { countMissedBillables, countPosted, Metrics } from '@invoicer/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedInvoiceItem, startTestConsole } from '../console/support.ts';

let t: TestDatabase;
let app: ConsoleApp;

beforeAll(async () => {
  t = await createTestDatabase();
  app = await startTestConsole({
    DATABASE_URL: t.url,
    REDIS_URL: testRedisUrl(),
    QUEUE_PREFIX: testQueuePrefix('metrics'),
  });
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const scrape = async () => {
  const res = await app.app.inject({ method: 'GET', url: '/metrics' });
  expect(res.statusCode).toBe(200);
  return res.body;
};

describe('/metrics', () => {
  it('has the default process and Node metrics under their standard names', async () => {
    const text = await scrape();
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'process_start_time_seconds',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
      'nodejs_version_info',
    ])
      expect(text, name).toMatch(new RegExp(`^# TYPE ${name} `, 'm'));
    expect(text).not.toMatch(/invoicer_(process|nodejs)_/);
  });

  it('counts dollars posted and missed billables found, on every registry of the process', async () => {
    countPosted('metrics-test', '1234.50');
    countPosted('metrics-test', '65.50');
    countMissedBillables('metrics-test', [
      { origin: 'technician', total: '100.00' },
      { origin: 'added', total: '170.00' },
      { origin: 'added', total: '150.00' },
      { origin: 'changed', total: '20.00' },
    ]);
    for (const text of [await scrape(), await new Metrics({ defaultMetrics: false }).text()]) {
      expect(value(text, 'invoicer_posted_dollars_total{tenant="metrics-test"}')).toBe(1300);
      expect(value(text, 'invoicer_posted_invoices_total{tenant="metrics-test"}')).toBe(2);
      expect(value(text, 'invoicer_missed_billables_found_total{tenant="metrics-test"}')).toBe(2);
      expect(value(text, 'invoicer_missed_billables_found_dollars_total{tenant="metrics-test"}')).toBe(320);
    }
  });

  it('reports the age of the oldest open review item and of the oldest waiting job per queue', async () => {
    const metrics = app.services.metrics;
    await metrics.collectReviewAge(t.db);
    expect(value(await scrape(), 'invoicer_review_oldest_open_seconds')).toBe(0);

    const { itemId } = await seedInvoiceItem(t.db, { stJobId: 7001 });
    await t.db.reviewItem.update({
      where: { id: itemId },
      data: { createdAt: new Date(Date.now() - 3600_000) },
    });
    await metrics.collectReviewAge(t.db);
    const age = value(await scrape(), 'invoicer_review_oldest_open_seconds');
    expect(age).toBeGreaterThanOrEqual(3600);
    expect(age).toBeLessThan(3700);

    // A waiting job an hour old: its queue's gauge says so.
    const [name, queue] = [...app.services.queues.queues][0]!;
    const job = await queue.add('metrics-test', { tenantId: 'acme' }, { timestamp: Date.now() - 3600_000 });
    try {
      const oldest = value(await scrape(), `invoicer_queue_oldest_waiting_seconds{queue="${name}"}`);
      expect(oldest).toBeGreaterThanOrEqual(3600);
    } finally {
      await job.remove();
    }
  });
});
