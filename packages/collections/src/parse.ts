// ServiceTitan invoices and payments (export shape, as kept in st_records or a fixture folder)
// into the receivables ledger. A record that cannot be read is reported with its reason and left
// out of the figures, never guessed at.
import { type ArInvoice, toCents } from './ledger.ts';

export interface Rejected {
  resource: 'invoices' | 'payments';
  id: unknown;
  reason: string;
}

interface StInvoice {
  id?: unknown;
  invoiceDate?: unknown;
  dueDate?: unknown;
  total?: unknown;
  balance?: unknown;
  termName?: unknown;
  active?: unknown;
  customer?: { id?: unknown; name?: unknown } | null;
  businessUnit?: { id?: unknown; name?: unknown } | null;
}
interface StPayment {
  id?: unknown;
  active?: unknown;
  appliedTo?: { appliedTo?: unknown; appliedAmount?: unknown; appliedOn?: unknown }[] | null;
}

function date(v: unknown): Date | null {
  if (typeof v !== 'string' || !v) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function buildLedger(
  invoices: unknown[],
  payments: unknown[],
): { invoices: ArInvoice[]; rejected: Rejected[] } {
  const rejected: Rejected[] = [];
  const byId = new Map<number, ArInvoice>();
  for (const raw of invoices as StInvoice[]) {
    try {
      if (raw.active === false) continue;
      const id = Number(raw.id);
      const invoiceDate = date(raw.invoiceDate);
      const customerId = Number(raw.customer?.id);
      if (!Number.isSafeInteger(id)) throw new Error('no invoice id');
      if (!invoiceDate) throw new Error('no invoice date');
      if (!Number.isSafeInteger(customerId)) throw new Error('no customer');
      const bu = raw.businessUnit;
      byId.set(id, {
        id,
        customerId,
        customerName: String(raw.customer?.name ?? `Customer ${customerId}`),
        businessUnitId: bu && Number.isSafeInteger(Number(bu.id)) ? Number(bu.id) : null,
        businessUnitName: bu?.name ? String(bu.name) : 'No business unit',
        invoiceDate,
        dueDate: date(raw.dueDate),
        totalCents: toCents(String(raw.total)),
        balanceCents: toCents(String(raw.balance)),
        termName: typeof raw.termName === 'string' ? raw.termName : null,
        applications: [],
      });
    } catch (e) {
      rejected.push({ resource: 'invoices', id: raw.id, reason: (e as Error).message });
    }
  }
  for (const p of payments as StPayment[]) {
    if (p.active === false) continue;
    for (const a of p.appliedTo ?? []) {
      const inv = byId.get(Number(a.appliedTo));
      const at = date(a.appliedOn);
      if (!inv) continue; // applied to something outside the mirror (a membership, a deleted invoice)
      try {
        if (!at) throw new Error('application without a date');
        inv.applications.push({ at, cents: toCents(String(a.appliedAmount)) });
      } catch (e) {
        rejected.push({ resource: 'payments', id: p.id, reason: (e as Error).message });
      }
    }
  }
  return { invoices: [...byId.values()], rejected };
}
