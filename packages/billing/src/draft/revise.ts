// Human edits to a draft: add a line, remove one, change a quantity, choose another SKU, or
// (billing managers only; the console enforces the role) set a price. Prices are never typed
// in otherwise: every edited line is priced again by the pricing engine, tax and totals are
// recomputed, and validation runs again on the result.
import { validate } from '../detect/validate.ts';
import type { TenantKnowledge } from '../pipeline.ts';
import { priceStage } from '../pipeline.ts';
import type { JobContext, PricedLine, ProposedLine } from '../types.ts';
import { buildDraft, type DraftDocument } from './draft.ts';

export type DraftEdit =
  | { op: 'add'; skuId: number; quantity: string }
  | { op: 'remove'; key: string }
  | { op: 'quantity'; key: string; quantity: string }
  | { op: 'sku'; key: string; skuId: number }
  | { op: 'price'; key: string; unitPrice: string };

export class DraftEditError extends Error {
  override name = 'DraftEditError';
}

function toProposed(line: PricedLine): ProposedLine {
  const {
    skuCode: _c,
    skuName: _n,
    type: _t,
    description: _d,
    unitPrice,
    total: _total,
    taxable: _x,
    priceBasis,
    ...rest
  } = line;
  // Technician items and manager-set prices keep their price; everything else is re-priced.
  const keep = line.origin === 'technician' || priceBasis.startsWith('set by');
  return { ...rest, ...(keep ? { unitPriceOverride: unitPrice } : { unitPriceOverride: undefined }) };
}

export interface RevisedDraft {
  document: DraftDocument & { removals: { itemId: number; skuCode: string }[] };
}

export function reviseDraft(
  context: JobContext,
  knowledge: TenantKnowledge,
  current: PricedLine[],
  removals: { itemId: number; skuCode: string }[],
  edits: DraftEdit[],
  userId: string,
): RevisedDraft {
  let lines = current.map(toProposed);
  const removed = [...removals];
  const quantityOk = (q: string) => /^\d+(\.\d{1,4})?$/.test(q) && Number(q) > 0 && Number(q) <= 10_000;
  const find = (key: string) => {
    const line = lines.find((l) => l.key === key);
    if (!line) throw new DraftEditError(`no line ${key} on this draft`);
    return line;
  };
  const sku = (id: number) => {
    const s = knowledge.catalogById.get(id);
    if (!s) throw new DraftEditError(`SKU ${id} is not in the price book`);
    if (!s.active) throw new DraftEditError(`${s.code} is inactive in the price book`);
    return s;
  };
  const human = (skuId: number, quantity: string, n: number): ProposedLine => ({
    key: `human:${skuId}:${n}`,
    skuId,
    quantity,
    origin: 'added',
    existingItemId: null,
    provenance: { kind: 'human', userId },
    evidence: [{ kind: 'structured', detail: `added by ${userId}` }],
    confidence: 1,
    reason: `Added by a billing specialist.`,
  });
  edits.forEach((edit, n) => {
    switch (edit.op) {
      case 'add': {
        sku(edit.skuId);
        if (!quantityOk(edit.quantity))
          throw new DraftEditError(`quantity "${edit.quantity}" must be a positive number`);
        lines.push(human(edit.skuId, edit.quantity, n + lines.length));
        break;
      }
      case 'remove': {
        const line = find(edit.key);
        lines = lines.filter((l) => l !== line);
        if (line.existingItemId !== null) {
          removed.push({
            itemId: line.existingItemId,
            skuCode: knowledge.catalogById.get(line.skuId)?.code ?? String(line.skuId),
          });
        }
        break;
      }
      case 'quantity': {
        if (!quantityOk(edit.quantity))
          throw new DraftEditError(`quantity "${edit.quantity}" must be a positive number`);
        const line = find(edit.key);
        line.quantity = edit.quantity;
        if (line.origin === 'technician') line.origin = 'changed';
        line.provenance = line.origin === 'added' ? line.provenance : { kind: 'human', userId };
        line.confidence = 1;
        break;
      }
      case 'sku': {
        sku(edit.skuId);
        const line = find(edit.key);
        // ServiceTitan resolves an item by SKU when it is added: a new SKU is a remove + add.
        lines = lines.filter((l) => l !== line);
        if (line.existingItemId !== null)
          removed.push({
            itemId: line.existingItemId,
            skuCode: knowledge.catalogById.get(line.skuId)?.code ?? String(line.skuId),
          });
        lines.push(human(edit.skuId, line.quantity, n + lines.length + 1));
        break;
      }
      case 'price': {
        if (!/^-?\d+(\.\d{1,2})?$/.test(edit.unitPrice))
          throw new DraftEditError(`price "${edit.unitPrice}" must be a dollar amount`);
        const line = find(edit.key);
        line.unitPriceOverride = edit.unitPrice;
        if (line.origin === 'technician') line.origin = 'changed';
        line.provenance = { kind: 'human', userId };
        line.confidence = 1;
        break;
      }
    }
  });
  const priced = priceStage(context, knowledge, lines).map((l) =>
    l.provenance.kind === 'human' && l.unitPriceOverride !== undefined && l.origin !== 'technician'
      ? { ...l, priceBasis: `set by ${userId}` }
      : l,
  );
  const flags = validate({
    context,
    lines: priced,
    catalog: knowledge.catalogById,
    model: knowledge.model,
    declined: [],
    membershipDiscountSkuIds: knowledge.catalog
      .filter((s) => s.kind === 'discount' && /member/i.test(`${s.name} ${s.code}`))
      .map((s) => s.id),
  });
  const document = buildDraft({
    context,
    lines: priced,
    flags,
    tax: knowledge.settings.tax,
    unmatchedBillableMentions: 0,
  });
  return { document: { ...document, removals: removed } };
}
