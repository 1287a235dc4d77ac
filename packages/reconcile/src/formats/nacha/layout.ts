// NACHA record layouts (94-character records, 1-based inclusive positions as in the NACHA
// Operating Rules, Appendix Three).

/** Slice positions `from`–`to` (1-based, inclusive). */
export function field(record: string, from: number, to: number): string {
  return record.slice(from - 1, to);
}

export const FILE_HEADER = {
  destination: [4, 13],
  origin: [14, 23],
  creationDate: [24, 29],
  recordSize: [35, 37],
  formatCode: [40, 40],
  fileIdModifier: [34, 34],
  blockingFactor: [38, 39],
  destinationName: [41, 63],
  originName: [64, 86],
} as const;

export const BATCH_HEADER = {
  serviceClass: [2, 4],
  companyName: [5, 20],
  companyId: [41, 50],
  sec: [51, 53],
  entryDescription: [54, 63],
  effectiveDate: [70, 75],
  /** IAT batch headers carry the ISO destination currency here. */
  iatDestinationCurrency: [67, 69],
  batchNumber: [88, 94],
} as const;

export const ENTRY = {
  transactionCode: [2, 3],
  receivingDfi: [4, 11],
  checkDigit: [12, 12],
  account: [13, 29],
  amount: [30, 39],
  individualId: [40, 54],
  individualName: [55, 76],
  /** CTX puts the addenda count in 55–58 and the receiving company name in 59–74. */
  ctxReceiverName: [59, 74],
  addendaIndicator: [79, 79],
  trace: [80, 94],
} as const;

/** IAT entries keep amount, RDFI and trace in place but move the account to 40–74. */
export const IAT_ENTRY = { account: [40, 74] } as const;

export const ADDENDA = {
  type: [2, 3],
  paymentInfo: [4, 83],
  returnReason: [4, 6],
  iatName: [4, 38],
} as const;

export const BATCH_CONTROL = {
  entryAddendaCount: [5, 10],
  entryHash: [11, 20],
  totalDebit: [21, 32],
  totalCredit: [33, 44],
  batchNumber: [88, 94],
} as const;

export const FILE_CONTROL = {
  batchCount: [2, 7],
  blockCount: [8, 13],
  entryAddendaCount: [14, 21],
  entryHash: [22, 31],
  totalDebit: [32, 43],
  totalCredit: [44, 55],
} as const;

export type Span = readonly [number, number];

export function get(record: string, span: Span): string {
  return field(record, span[0], span[1]);
}
