// Reading TxDtls: remittance, related parties and bank transaction codes. Party names moved
// under <Pty> (or <Agt> for a bank) in version 8 (Dbtr/Pty/Nm); all shapes are read.
import { child, text, texts, type XmlNode } from '../xml.ts';

/** Ustrd lines, then per Strd: creditor reference, referred document numbers, additional info. */
export function entryRemittance(details: XmlNode[]): string[] {
  const out: string[] = [];
  for (const detail of details) {
    const info = child(detail, 'RmtInf');
    out.push(...texts(info, 'Ustrd'));
    for (const structured of childrenOf(info, 'Strd')) {
      const ref = text(structured, 'CdtrRefInf', 'Ref');
      if (ref) out.push(ref);
      for (const doc of childrenOf(structured, 'RfrdDocInf')) {
        const number = text(doc, 'Nb');
        if (number) out.push(number);
      }
      out.push(...texts(structured, 'AddtlRmtInf'));
    }
  }
  return [...new Set(out)];
}

function childrenOf(node: XmlNode | undefined, name: string): XmlNode[] {
  const value = node?.[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter(
    (v): v is XmlNode => typeof v === 'object' && v !== null,
  );
}

export function firstParty(details: XmlNode[], roles: string[]): string | undefined {
  for (const role of roles) {
    for (const detail of details) {
      const party = child(detail, 'RltdPties', role);
      const name = text(party, 'Nm') ?? text(party, 'Pty', 'Nm') ?? text(party, 'Agt', 'FinInstnId', 'Nm');
      if (name) return name;
    }
  }
  return undefined;
}

/** "PMNT/RCDT/ESCT" from the ISO domain code, else the proprietary code. */
export function transactionCode(code: XmlNode | undefined): string | undefined {
  const domain = text(code, 'Domn', 'Cd');
  if (domain) {
    return [domain, text(code, 'Domn', 'Fmly', 'Cd'), text(code, 'Domn', 'Fmly', 'SubFmlyCd')]
      .filter(Boolean)
      .join('/');
  }
  return text(code, 'Prtry', 'Cd');
}
