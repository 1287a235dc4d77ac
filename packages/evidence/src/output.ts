// What the evidence stage saves for a run: the estimate comparison, photo findings, the review
// reasons they add, and what could not be checked. Read by route (reasons), the console (each
// line's evidence) and the backtest; never by the draft.
import type { InvoiceReason } from '@invoicer/core';
import { z } from 'zod';
import type { EstimateComparison } from './estimate-compare.ts';

export interface PhotoFinding {
  attachmentId: number;
  fileName: string;
  kind:
    | 'wrong_day'
    | 'wrong_place'
    | 'reused'
    | 'nameplate_mismatch'
    | 'nameplate_match'
    | 'vision_supports'
    | 'vision_contradicts';
  message: string;
  /** Related line keys (nameplates) or other job ids (reuse). */
  lineKeys?: string[];
  otherJobIds?: number[];
  otherAttachmentIds?: number[];
}

export interface PhotoRecord {
  attachmentId: number;
  fileName: string;
  takenAt: string | null;
  gps: { lat: number; lon: number } | null;
  dhash: string | null;
  ocrText?: string;
}

export interface EvidenceOutput {
  enabled: boolean;
  estimates: EstimateComparison | null;
  photos: PhotoRecord[];
  findings: PhotoFinding[];
  reasons: InvoiceReason[];
  /** What could not be checked, and why (a feed refused, a photo unreadable). */
  notes: string[];
}

export const EvidenceOutputSchema = z.looseObject({
  enabled: z.boolean(),
  estimates: z
    .looseObject({
      differences: z.array(z.looseObject({ class: z.string(), skuId: z.number() })),
      suggestions: z.array(z.looseObject({ skuId: z.number(), quantity: z.string() })),
    })
    .nullable(),
  photos: z.array(z.looseObject({ attachmentId: z.number() })),
  findings: z.array(z.looseObject({ attachmentId: z.number(), kind: z.string() })),
  reasons: z.array(z.string()),
  notes: z.array(z.string()),
});

export function disabledEvidence(): EvidenceOutput {
  return { enabled: false, estimates: null, photos: [], findings: [], reasons: [], notes: [] };
}
