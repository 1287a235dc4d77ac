// OFX 1.x is SGML: leaf elements need no closing tag (<TRNAMT>-6.60<FITID>…). This pass turns
// OFX 1.x and 2.x alike into well-formed XML for fast-xml-parser. It never adds or removes a
// newline, so line numbers in parser errors and element metadata are the original file's.
import { fail } from '../../errors.ts';
import type { ParseIssue } from '../../types.ts';
import { depthProblem, MAX_XML_DEPTH } from '../xml-limits.ts';

export interface OfxText {
  /** Header fields: SGML "KEY:VALUE" lines or the attributes of <?OFX …?>. */
  header: Record<string, string>;
  /** The document as XML; everything before <OFX> is blanked to newlines. */
  xml: string;
  /** Aggregates the file never closed, closed where the next sibling or the parent begins. */
  warnings: ParseIssue[];
}

/**
 * Where an aggregate may appear. Opening one of these while an aggregate that cannot hold it is
 * still open (a BANKTRANLIST never closed before LEDGERBAL) closes the open ones down to a
 * parent that can: otherwise the balance would be read as part of the transaction list and lost.
 */
const PARENTS: Record<string, readonly string[]> = {
  SIGNONMSGSRSV1: ['OFX'],
  BANKMSGSRSV1: ['OFX'],
  CREDITCARDMSGSRSV1: ['OFX'],
  INVSTMTMSGSRSV1: ['OFX'],
  STMTTRNRS: ['BANKMSGSRSV1'],
  CCSTMTTRNRS: ['CREDITCARDMSGSRSV1'],
  STMTRS: ['STMTTRNRS'],
  CCSTMTRS: ['CCSTMTTRNRS'],
  BANKTRANLIST: ['STMTRS', 'CCSTMTRS'],
  LEDGERBAL: ['STMTRS', 'CCSTMTRS'],
  AVAILBAL: ['STMTRS', 'CCSTMTRS'],
  BALLIST: ['STMTRS', 'CCSTMTRS'],
  MKTGINFO: ['STMTRS', 'CCSTMTRS'],
  STMTTRN: ['BANKTRANLIST'],
};

/** Elements that hold elements: one closed implicitly was left open by the file (an empty
 * SGML leaf such as <MEMO> with no value is closed implicitly by design, without a warning). */
const AGGREGATES = new Set([
  ...Object.keys(PARENTS),
  'OFX',
  'SONRS',
  'STATUS',
  'FI',
  'BANKACCTFROM',
  'BANKACCTTO',
  'CCACCTFROM',
  'CCACCTTO',
  'PAYEE',
  'CURRENCY',
  'ORIGCURRENCY',
]);

const TOKEN = /<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<(\/?)([A-Za-z][\w.-]*)\s*(\/?)>/g;

export function decodeOfx(buffer: Uint8Array): string {
  const head = Buffer.from(buffer.subarray(0, 1024)).toString('latin1');
  const utf8 =
    /ENCODING:\s*UTF-?8|encoding=["']utf-?8/i.test(head) ||
    !/CHARSET:\s*1252|ENCODING:\s*USASCII/i.test(head);
  const label = utf8 ? 'utf-8' : /CHARSET:\s*1252/i.test(head) ? 'windows-1252' : 'latin1';
  return new TextDecoder(label).decode(buffer).replace(/^\uFEFF/, '');
}

export function toXml(text: string): OfxText {
  const start = text.search(/<OFX>/i);
  if (start < 0) fail('ofx', { code: 'missing_field', line: 1, message: 'no <OFX> element found' });
  const prefix = text.slice(0, start);
  // The prefix is blanked below, so a DTD there could do no harm; it is still no bank file's.
  const entity = /<!ENTITY/i.exec(prefix);
  if (entity)
    fail('ofx', {
      code: 'unsupported',
      line: 1 + countNewlines(text, 0, entity.index),
      message: 'DTD entity declarations are not accepted',
    });
  const header: Record<string, string> = {};
  for (const m of prefix.matchAll(/^\s*([A-Z]+):(.*)$/gm)) header[m[1] as string] = (m[2] ?? '').trim();
  for (const m of prefix.matchAll(/<\?OFX([^?]*)\?>/gi)) {
    for (const a of (m[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)) header[a[1] as string] = a[2] ?? '';
  }
  const warnings: ParseIssue[] = [];
  return { header, xml: prefix.replace(/[^\n]/g, '') + repair(text, start, warnings), warnings };
}

interface Open {
  name: string;
  line: number;
}

function repair(text: string, start: number, warnings: ParseIssue[]): string {
  const out: string[] = [];
  const stack: Open[] = [];
  let line = 1 + countNewlines(text, 0, start);
  let leaf: Open | undefined; // last opened element, while nothing but text followed it
  let leafHasContent = false;
  let pendingSpace = '';
  let cursor = start;

  const emitText = (segment: string) => {
    const core = segment.trimEnd();
    if (core.trim() !== '') {
      out.push(pendingSpace, escapeText(core));
      pendingSpace = segment.slice(core.length);
      leafHasContent = true;
    } else pendingSpace += segment;
  };
  /** Close every element above index `at`, warning for aggregates the file left open. */
  const closeDownTo = (at: number, line: number, because: string) => {
    for (const o of stack.splice(at).reverse()) {
      out.push(`</${o.name}>`);
      if (AGGREGATES.has(o.name))
        warnings.push({
          code: 'unclosed_element',
          severity: 'warning',
          line: o.line,
          recordType: o.name,
          message: `<${o.name}> is never closed; closed at line ${line}, ${because}`,
        });
    }
  };
  const closeLeafIfUnclosed = (nextIsItsClose: boolean) => {
    if (leaf && leafHasContent && !nextIsItsClose) {
      out.push(`</${leaf.name}>`);
      stack.pop();
    }
    leaf = undefined;
    leafHasContent = false;
  };

  TOKEN.lastIndex = start;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
    emitText(text.slice(cursor, m.index));
    line += countNewlines(text, cursor, m.index);
    cursor = m.index + m[0].length;
    const token = m[0];
    if (token.startsWith('<![CDATA[')) {
      out.push(pendingSpace, token);
      pendingSpace = '';
      leafHasContent = true;
      line += countNewlines(token, 0, token.length);
      continue;
    }
    if (token.startsWith('<!--') || token.startsWith('<?')) {
      line += countNewlines(token, 0, token.length);
      continue;
    }
    const closing = m[1] === '/';
    const selfClosing = m[3] === '/';
    const name = (m[2] ?? '').toUpperCase();
    closeLeafIfUnclosed(closing && leaf?.name === name);
    out.push(pendingSpace);
    pendingSpace = '';
    if (selfClosing) {
      out.push(`<${name}/>`);
    } else if (!closing) {
      const parents = PARENTS[name];
      if (parents) {
        const at = stack.findLastIndex((o) => parents.includes(o.name));
        if (at >= 0 && at < stack.length - 1) closeDownTo(at + 1, line, `where <${name}> begins`);
      }
      const open: Open = { name, line };
      // Bounded before the stack grows: each open searches it, so depth is also time.
      if (stack.length >= MAX_XML_DEPTH)
        fail('ofx', { code: 'malformed_record', line, recordType: name, message: depthProblem(name) });
      stack.push(open);
      leaf = open;
      out.push(`<${name}>`);
    } else {
      const at = stack.findLastIndex((o) => o.name === name);
      if (at < 0)
        fail('ofx', {
          code: 'malformed_record',
          line,
          recordType: name,
          message: `closing tag </${name}> has no opening tag`,
        });
      // Elements opened after it were empty SGML elements (<MEMO> with no value): close them.
      // An aggregate among them was left open by the file: close it too, with a warning.
      const inner = stack[at];
      closeDownTo(at + 1, line, `by </${name}>`);
      if (inner) stack.splice(at, 1);
      out.push(`</${name}>`);
    }
  }
  emitText(text.slice(cursor));
  closeLeafIfUnclosed(false);
  const unclosed = stack[0];
  if (unclosed) {
    fail('ofx', {
      code: 'malformed_record',
      line: unclosed.line,
      recordType: unclosed.name,
      message: `<${unclosed.name}> is never closed (file truncated?)`,
    });
  }
  out.push(pendingSpace);
  return out.join('');
}

function escapeText(segment: string): string {
  return segment.replace(/&(?!(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);)/g, '&amp;').replace(/</g, '&lt;');
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}
