// Human actions in the audit log: who (email, plus id, name and role in the data), what, and
// the before/after of what changed. Always called inside the transaction that makes the change.
// Sign-ins and user administration belong to no tenant: they go to the console's own chain.
import { type AuditInput, appendAuditTx, type Tx } from '@invoicer/db';
import type { SessionUser } from '../auth/session.ts';

export const CONSOLE_AUDIT_CHAIN = '_console';

export function auditUser(
  tx: Tx,
  user: SessionUser,
  input: Omit<AuditInput, 'actorType' | 'actor'>,
): Promise<string> {
  return appendAuditTx(tx, {
    ...input,
    actorType: 'user',
    actor: user.email,
    data: { by: { id: user.id, name: user.name, role: user.role }, ...input.data },
  });
}
