// Ground-truth shapes written to `_truth/`. The pipeline never reads these; evaluators do.

/** Why the office added an item the technician left off. */
export const MISS_CATEGORIES = [
  'trip_charge',
  'diagnostic_fee',
  'after_hours_premium',
  'disposal',
  'refrigerant',
  'consumables',
  'permit',
  'materials',
  'service_from_notes',
  'labor_hours',
  'membership_discount',
] as const;
export type MissCategory = (typeof MISS_CATEGORIES)[number];

export type SloppinessProfile = 'meticulous' | 'solid' | 'average' | 'sloppy' | 'rookie';
export type NoteStyle = 'terse' | 'sentences' | 'caps' | 'bullets' | 'narrative';

export interface TechnicianTruth {
  technicianId: number;
  name: string;
  trade: string;
  apprentice: boolean;
  profile: SloppinessProfile;
  /** Multiplies every base miss rate. */
  missMultiplier: number;
  /** Categories this technician misses about twice as often. */
  blindSpots: MissCategory[];
  noteStyle: NoteStyle;
  secondaryStyle: NoteStyle;
  typoRate: number;
  numberWordsRate: number;
}

export interface MissedItemTruth {
  itemId: number;
  skuId: number;
  skuCode: string;
  type: string;
  category: MissCategory;
  quantity: string;
  price: string;
  total: string;
  createdOn: string;
  /** Where a careful reviewer finds the evidence: notes, appointment, timesheets, job type, membership, equipment. */
  evidence: string;
  /** The note that mentions it, when the evidence is a note. */
  noteId: number | null;
}

export interface EditTruth {
  itemId: number;
  skuCode: string;
  kind: 'quantity_correction' | 'discount_recalculated';
  field: 'quantity' | 'price';
  from: string;
  to: string;
  modifiedOn: string;
}

export type MentionKind = 'declined' | 'deferred' | 'not_needed';

export interface MentionTruth {
  noteId: number;
  text: string;
  kind: MentionKind;
  skuId: number | null;
  skuCode: string | null;
}

export interface JobTruth {
  jobId: number;
  jobNumber: string;
  invoiceId: number;
  jobType: string;
  businessUnit: string;
  billingMode: 'flat_rate' | 'time_and_materials';
  customerType: string;
  memberActive: boolean;
  membershipId: number | null;
  afterHours: 'evening' | 'weekend' | null;
  technicianId: number;
  technicianIds: number[];
  sloppiness: SloppinessProfile;
  missed: MissedItemTruth[];
  edits: EditTruth[];
  mentions: MentionTruth[];
  /** Sub-total of the invoice as the technician left it, and as finally billed. */
  technicianSubTotal: string;
  finalSubTotal: string;
  finalTotal: string;
  notes: { noteId: number; author: 'technician' | 'dispatcher' | 'office'; style: string }[];
}

export type BankLineKind =
  | 'card_payout'
  | 'recorded_deposit'
  | 'recorded_ach'
  | 'customer_payment'
  | 'unidentified'
  | 'bank_debit'
  | 'other_credit';

export type CustomerPaymentVariant =
  | 'exact'
  | 'typo_reference'
  | 'missing_reference'
  | 'multi_invoice'
  | 'short_pay'
  | 'paid_subtotal'
  | 'overpay';

export interface BankLineTruth {
  date: string;
  amount: string;
  reference: string;
  kind: BankLineKind;
  outcome:
    | {
        type: 'allocate';
        variant: CustomerPaymentVariant;
        customerId: number;
        allocations: { invoiceId: number; referenceNumber: string; amount: string }[];
        unapplied: string;
      }
    | { type: 'batch'; paymentIds: number[]; gross: string; fee: string; net: string }
    | { type: 'no_match'; reason: string };
}
