// Zod schemas for every review form and API body. Form posts arrive as strings; JSON bodies may
// carry numbers; both are accepted.
import { z } from 'zod';
import { parseInput } from '../http/errors.ts';

export const ItemParams = z.object({ id: z.uuid('is not a review item id') });

const revision = z.coerce.number({ message: 'must be a number' }).int().min(1, 'must be 1 or more');
const note = z.string().trim().max(1000, 'must be at most 1000 characters').default('');
const reason = z
  .string()
  .trim()
  .min(3, 'say why (at least 3 characters)')
  .max(1000, 'must be at most 1000 characters');
const key = z.string().min(1, 'is missing').max(200);
const quantity = z
  .string()
  .trim()
  .regex(/^\d+(\.\d{1,4})?$/, 'must be a positive number like 1 or 2.5')
  .refine((q) => Number(q) > 0 && Number(q) <= 10_000, 'must be between 0 and 10000');
const sku = z.union([z.number().int().positive(), z.string().trim().min(1, 'pick a SKU').max(100)]);
const unitPrice = z
  .string()
  .trim()
  .regex(/^-?\d+(\.\d{1,2})?$/, 'must be a dollar amount like 125.00');

export const ApproveForm = z.object({ revision });
export const RejectForm = z.object({ reason });
export const NoteForm = z.object({ note });

export const EditOp = z.discriminatedUnion(
  'op',
  [
    z.object({ op: z.literal('add'), sku, quantity }),
    z.object({ op: z.literal('remove'), key }),
    z.object({ op: z.literal('quantity'), key, quantity }),
    z.object({ op: z.literal('sku'), key, sku }),
    z.object({ op: z.literal('price'), key, unitPrice }),
  ],
  { message: 'op must be add, remove, quantity, sku or price' },
);
export type EditOp = z.infer<typeof EditOp>;

const EditBatch = z.object({ revision, edits: z.array(EditOp).min(1, 'list at least one edit').max(50) });
const EditSingle = z.intersection(z.object({ revision }), EditOp);

/** One edit from a form, or several from an API client: { revision, edits: [...] }. */
export function parseEdits(body: unknown): { revision: number; edits: EditOp[] } {
  if (body && typeof body === 'object' && 'edits' in body) return parseInput(EditBatch, body);
  const { revision: rev, ...edit } = parseInput(EditSingle, body);
  return { revision: rev, edits: [edit as EditOp] };
}

export const PaymentForm = z.discriminatedUnion(
  'action',
  [
    z.object({
      action: z.literal('apply'),
      candidateIndex: z.coerce.number({ message: 'must be a number' }).int().min(0).max(99),
    }),
    z.object({ action: z.literal('leave_open'), note }),
    z.object({ action: z.literal('reject'), reason }),
  ],
  { message: 'action must be apply, leave_open or reject' },
);
