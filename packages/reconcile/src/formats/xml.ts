// fast-xml-parser with what the statement parsers need: a well-formedness check that names the
// line, element line numbers (captureMetaData), strings kept as strings, and small accessors.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { fail, StatementParseError } from '../errors.ts';
import type { StatementFormat } from '../types.ts';
import { checkXmlBounds, MAX_XML_DEPTH } from './xml-limits.ts';

export type XmlNode = { [key: string]: unknown };

const META = XMLParser.getMetaDataSymbol();

export interface XmlDocument {
  root: XmlNode;
  /** 1-based line where an element node starts. */
  lineOf(node: XmlNode | undefined): number | undefined;
}

export function parseXml(
  xml: string,
  format: StatementFormat,
  arrayElements: ReadonlySet<string>,
): XmlDocument {
  // Entity declarations have no business in a bank file and are the classic expansion attack.
  const entity = /<!ENTITY/i.exec(xml);
  if (entity)
    fail(format, {
      code: 'unsupported',
      line: lineAt(xml, entity.index),
      message: 'DTD entity declarations are not accepted',
    });
  checkXmlBounds(xml, format);
  const check = XMLValidator.validate(xml);
  if (check !== true) {
    fail(format, {
      code: 'malformed_record',
      line: check.err.line,
      message: `not well-formed XML: ${check.err.msg}`,
    });
  }
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    captureMetaData: true,
    maxNestedTags: MAX_XML_DEPTH + 1,
    isArray: (name) => arrayElements.has(name),
  });
  const root = parseChecked(parser, xml, format);
  const starts = lineStarts(xml);
  return {
    root,
    lineOf(node) {
      const meta = node
        ? (node as Record<symbol, { startIndex?: number } | undefined>)[META as symbol]
        : undefined;
      return meta?.startIndex === undefined ? undefined : lineFromStarts(starts, meta.startIndex);
    },
  };
}

/** The parser's own refusals (limits it enforces itself) are unreadable files too, not crashes. */
function parseChecked(parser: XMLParser, xml: string, format: StatementFormat): XmlNode {
  try {
    return parser.parse(xml) as XmlNode;
  } catch (error) {
    if (error instanceof StatementParseError) throw error;
    fail(format, {
      code: 'malformed_record',
      message: `not a readable XML document: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function lineFromStarts(starts: number[], index: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= index) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

export function lineAt(text: string, index: number): number {
  return lineFromStarts(lineStarts(text), index);
}

function asNode(value: unknown): XmlNode | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as XmlNode)
    : undefined;
}

/** All child elements called `name` (whether or not the parser made it an array). */
export function children(node: XmlNode | undefined, name: string): XmlNode[] {
  const value = node?.[name];
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((v) => asNode(v) ?? { '#text': v });
}

/** Follow a path of element names, taking the first match at each step. */
export function child(node: XmlNode | undefined, ...path: string[]): XmlNode | undefined {
  let current = node;
  for (const name of path) current = children(current, name)[0];
  return current;
}

/** Text of the element at `path` (trimmed), or undefined when absent or empty. */
export function text(node: XmlNode | undefined, ...path: string[]): string | undefined {
  const target = path.length ? child(node, ...path) : node;
  const value = target?.['#text'];
  if (value === undefined || value === null) return undefined;
  const s = String(value).trim();
  return s === '' ? undefined : s;
}

/** Texts of every element called `last` under `path`. */
export function texts(node: XmlNode | undefined, ...path: string[]): string[] {
  const last = path.at(-1);
  if (last === undefined) return [];
  const parent = path.length > 1 ? child(node, ...path.slice(0, -1)) : node;
  return children(parent, last)
    .map((c) => text(c))
    .filter((s): s is string => s !== undefined);
}

export function attr(node: XmlNode | undefined, name: string): string | undefined {
  const value = node?.[`@${name}`];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
