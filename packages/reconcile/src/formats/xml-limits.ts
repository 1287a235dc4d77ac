// Bounds on an XML bank file, checked in one linear scan before any parser builds a tree. A real
// camt.053 nests about 15 elements deep and OFX about 10; a file nested thousands deep, or of
// millions of elements, is damaged or hostile, and would cost the parser seconds and hundreds
// of megabytes (or overflow a recursive walk) before failing somewhere less clear.
import { fail } from '../errors.ts';
import type { StatementFormat } from '../types.ts';

/** Deeper than any bank format nests (camt.053 ~15, OFX ~10). */
export const MAX_XML_DEPTH = 64;
/** A camt.053 entry is ~30 elements: room for ~30,000 entries in one file. */
export const MAX_XML_ELEMENTS = 1_000_000;

export function depthProblem(name: string, limit = MAX_XML_DEPTH): string {
  return `<${name}> is nested more than ${limit} elements deep; no bank statement nests this deep (the file is damaged or not a bank file)`;
}

export function elementsProblem(limit = MAX_XML_ELEMENTS): string {
  return `the file holds more than ${limit.toLocaleString('en-US')} elements, more than any bank statement; split it into smaller files`;
}

/**
 * Refuse a document nested deeper than `maxDepth` or holding more than `maxElements` elements,
 * naming the line of the element that crossed the bound. Comments, CDATA, processing
 * instructions and declarations are skipped; well-formedness is left to the validator.
 */
export function checkXmlBounds(
  xml: string,
  format: StatementFormat,
  maxDepth = MAX_XML_DEPTH,
  maxElements = MAX_XML_ELEMENTS,
): void {
  let depth = 0;
  let elements = 0;
  let at = xml.indexOf('<');
  while (at >= 0) {
    const skipTo = skipEnd(xml, at);
    if (skipTo !== undefined) {
      if (skipTo < 0) return; // unterminated: the validator names it
      at = xml.indexOf('<', skipTo);
      continue;
    }
    const close = xml.indexOf('>', at);
    if (close < 0) return;
    if (xml.charCodeAt(at + 1) === 47 /* / */) depth -= 1;
    else {
      elements += 1;
      if (xml.charCodeAt(close - 1) !== 47) depth += 1;
      if (depth > maxDepth)
        fail(format, {
          code: 'malformed_record',
          line: lineOfIndex(xml, at),
          recordType: nameAt(xml, at),
          message: depthProblem(nameAt(xml, at), maxDepth),
        });
      if (elements > maxElements)
        fail(format, {
          code: 'unsupported',
          line: lineOfIndex(xml, at),
          message: elementsProblem(maxElements),
        });
    }
    at = xml.indexOf('<', close + 1);
  }
}

/** For markup that is not an element, the index just past its end (-1 if unterminated). */
function skipEnd(xml: string, at: number): number | undefined {
  const end = (marker: string, from: number) => {
    const i = xml.indexOf(marker, from);
    return i < 0 ? -1 : i + marker.length;
  };
  if (xml.startsWith('<!--', at)) return end('-->', at + 4);
  if (xml.startsWith('<![CDATA[', at)) return end(']]>', at + 9);
  if (xml.startsWith('<?', at)) return end('?>', at + 2);
  if (xml.startsWith('<!', at)) return end('>', at + 2);
  return undefined;
}

function nameAt(xml: string, at: number): string {
  return /^<([^\s/>]{1,60})/.exec(xml.slice(at, at + 64))?.[1] ?? '?';
}

function lineOfIndex(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) line += 1;
  return line;
}
