// Large bank files for the upload load test, built in memory to an exact size: a camt.053 whose
// entries carry long remittance text (few transactions, many bytes) and a Stripe balance export
// (many small rows). Amounts and references are deterministic.

const CAMT_HEAD = (account: string) =>
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>\n' +
  '<GrpHdr><MsgId>LOAD</MsgId><CreDtTm>2026-11-30T18:00:00</CreDtTm></GrpHdr>\n' +
  `<Stmt><Id>LOAD-${account}</Id><CreDtTm>2026-11-30T18:00:00</CreDtTm>\n` +
  `<Acct><Id><Othr><Id>${account}</Id></Othr></Id><Ccy>USD</Ccy></Acct>\n`;
const CAMT_TAIL = '</Stmt>\n</BkToCstmrStmt></Document>\n';

function camtEntry(i: number, remittanceBytes: number, batch = 0): string {
  const day = String(1 + (i % 28)).padStart(2, '0');
  const words = `Payment for invoice INV-${100000 + i} service visit ${i} `.repeat(
    Math.max(1, Math.ceil(remittanceBytes / 48)),
  );
  return (
    `<Ntry><NtryRef>E${batch}-${i}</NtryRef><Amt Ccy="USD">${(i % 900) + 10}.25</Amt><CdtDbtInd>CRDT</CdtDbtInd>` +
    `<Sts>BOOK</Sts><BookgDt><Dt>2026-11-${day}</Dt></BookgDt><ValDt><Dt>2026-11-${day}</Dt></ValDt>` +
    `<NtryDtls><TxDtls><Refs><EndToEndId>E2E-${batch}-${i}</EndToEndId></Refs><RltdPties><Dbtr><Nm>Customer ${i}</Nm></Dbtr></RltdPties>` +
    `<RmtInf><Ustrd>${words.slice(0, remittanceBytes)}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n`
  );
}

/** A camt.053 of about `bytes` bytes with `entries` credits; another `batch`, other references. */
export function largeCamt(bytes: number, entries: number, batch = 0, account = '900100200'): Buffer {
  const head = CAMT_HEAD(account);
  const fixed = head.length + CAMT_TAIL.length + entries * camtEntry(0, 0).length;
  const remittance = Math.max(16, Math.floor((bytes - fixed) / entries) - 8);
  const parts = [head];
  for (let i = 0; i < entries; i++) parts.push(camtEntry(i, remittance, batch));
  parts.push(CAMT_TAIL);
  return Buffer.from(parts.join(''));
}

/** A Stripe balance-transactions export of about `bytes` bytes (some 180,000 rows for 19 MB). */
export function largeStripeCsv(bytes: number): Buffer {
  const lines = [
    'created_utc,available_on_utc,gross,fee,net,currency,reporting_category,description,balance_transaction_id',
  ];
  let size = lines[0]!.length;
  for (let i = 0; size < bytes; i++) {
    const day = String(1 + (i % 28)).padStart(2, '0');
    const line = `2026-11-${day} 10:00:00,2026-11-${day} 10:00:00,${(i % 900) + 10}.25,1.10,${(i % 900) + 9}.15,usd,charge,Invoice ${100000 + i},txn_${i.toString(36).padStart(12, '0')}`;
    lines.push(line);
    size += line.length + 1;
  }
  return Buffer.from(lines.join('\n'));
}
