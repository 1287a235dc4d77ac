import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing.ts';
import { appendAudit, verifyAuditChain } from './audit.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

describe('audit chain', () => {
  it('links events per tenant and verifies', async () => {
    for (let i = 0; i < 5; i++) {
      await appendAudit(t.db, {
        tenantId: 'acme',
        actorType: 'system',
        actor: 'test',
        action: 'run.created',
        stJobId: 1000 + i,
        data: { i, nested: { b: 2, a: 1 }, amount: '12.50' },
      });
    }
    await appendAudit(t.db, { tenantId: 'other', actorType: 'user', actor: 'u1', action: 'x', data: {} });
    const report = await verifyAuditChain(t.db, 'acme');
    expect(report).toMatchObject({ ok: true, events: 5 });
    const rows = await t.db.auditEvent.findMany({ where: { tenantId: 'acme' }, orderBy: { id: 'asc' } });
    expect(rows[0]?.prevHash).toBeNull();
    expect(rows[1]?.prevHash).toBe(rows[0]?.hash);
    // The chain's head is its last event.
    const head = await t.db.auditHead.findUnique({ where: { tenantId: 'acme' } });
    expect(head).toMatchObject({ hash: rows[4]?.hash, prevHash: rows[3]?.hash });
  });

  it('keeps the chain linear under concurrent appends', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        appendAudit(t.db, {
          tenantId: 'busy',
          actorType: 'ai',
          actor: 'local',
          action: 'decide',
          data: { i },
        }),
      ),
    );
    expect(await verifyAuditChain(t.db, 'busy')).toMatchObject({ ok: true, events: 20 });
  });

  it('refuses UPDATE and DELETE at the database', async () => {
    await expect(t.db.$executeRawUnsafe(`UPDATE audit_events SET actor = 'mallory'`)).rejects.toThrow(
      /append-only/,
    );
    await expect(t.db.$executeRawUnsafe(`DELETE FROM audit_events`)).rejects.toThrow(/append-only/);
  });

  it('names the first bad event when a row was tampered with', async () => {
    // Simulate tampering by a superuser who disabled the trigger.
    await t.db.$executeRawUnsafe('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete');
    const rows = await t.db.auditEvent.findMany({ where: { tenantId: 'acme' }, orderBy: { id: 'asc' } });
    await t.db.$executeRawUnsafe(`UPDATE audit_events SET actor = 'mallory' WHERE id = ${rows[2]!.id}`);
    await t.db.$executeRawUnsafe('ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete');
    const report = await verifyAuditChain(t.db, 'acme');
    expect(report.ok).toBe(false);
    expect(report.firstBadEventId).toBe(rows[2]!.id.toString());
  });
});
