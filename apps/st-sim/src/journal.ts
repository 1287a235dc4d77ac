// Optional persistence of the simulator's writes (`--state <file>`): every successful write is
// appended as one JSON line and re-applied at start, so the simulated tenant keeps what was
// posted to it across restarts, like a real tenant.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { markInvoicesExported } from './routes/export-marks.ts';
import type { SimTenant } from './tenant.ts';
import {
  createPayment,
  deleteInvoiceItem,
  patchInvoice,
  patchInvoiceCustomFields,
  patchInvoiceItem,
  type UnitPricePolicy,
  updatePayment,
} from './writes.ts';

export interface JournalEntry {
  op: string;
  args: Record<string, unknown>;
}

export class Journal {
  constructor(readonly file: string) {
    mkdirSync(path.dirname(file), { recursive: true });
  }

  append(entry: JournalEntry): void {
    appendFileSync(this.file, `${JSON.stringify(entry)}\n`);
  }

  entries(): JournalEntry[] {
    if (!existsSync(this.file)) return [];
    return readFileSync(this.file, 'utf8')
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as JournalEntry);
  }

  /** Re-apply recorded writes in order. Returns how many were applied. */
  replay(tenant: SimTenant, policy: UnitPricePolicy): number {
    const entries = this.entries();
    for (const { op, args } of entries) {
      switch (op) {
        case 'play':
          tenant.play(Number(args.count));
          break;
        case 'playUntil':
          tenant.playUntil(new Date(String(args.until)));
          break;
        case 'complete':
          tenant.complete(Number(args.jobId), String(args.completedOn));
          break;
        case 'patchItem':
          patchInvoiceItem(tenant, Number(args.invoiceId), args.body, policy);
          break;
        case 'deleteItem':
          deleteInvoiceItem(tenant, Number(args.invoiceId), Number(args.itemId));
          break;
        case 'patchInvoice':
          patchInvoice(tenant, Number(args.invoiceId), args.body, policy);
          break;
        case 'customFields':
          patchInvoiceCustomFields(tenant, args.body);
          break;
        case 'createPayment':
          createPayment(tenant, args.body);
          break;
        case 'updatePayment':
          updatePayment(tenant, Number(args.paymentId), args.body);
          break;
        case 'markAsExported':
          markInvoicesExported(tenant, args.body);
          break;
        default:
          throw new Error(`unknown journal op ${op} in ${this.file}`);
      }
    }
    return entries.length;
  }
}
