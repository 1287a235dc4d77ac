// A logic-less template renderer (a small Mustache subset), per tenant, escaping by default:
//   {{name}}            the value, HTML-escaped in HTML templates
//   {{#name}}…{{/name}} the block when the value is present and not false/empty
//   {{^name}}…{{/name}} the block when it is absent, false or empty
// No loops, no calls, no raw output: a template can only place values code computed. An unknown
// name is an error (a misspelt field must not silently render as nothing).

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

export type TemplateValues = Record<string, string | boolean | null | undefined>;

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'var'; name: string }
  | { kind: 'section'; name: string; inverted: boolean; body: Node[] };

const TAG = /\{\{\s*([#^/]?)\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;

export function parseTemplate(source: string): Node[] {
  const root: Node[] = [];
  const stack: { name: string; body: Node[] }[] = [{ name: '', body: root }];
  let last = 0;
  for (const match of source.matchAll(TAG)) {
    const top = stack[stack.length - 1]!;
    if (match.index > last) top.body.push({ kind: 'text', text: source.slice(last, match.index) });
    last = match.index + match[0].length;
    const [, sigil, name] = match as unknown as [string, string, string];
    if (sigil === '#' || sigil === '^') {
      const body: Node[] = [];
      top.body.push({ kind: 'section', name, inverted: sigil === '^', body });
      stack.push({ name, body });
    } else if (sigil === '/') {
      if (stack.length === 1 || top.name !== name)
        throw new TemplateError(`{{/${name}}} closes nothing open (open: ${top.name || 'none'})`);
      stack.pop();
    } else top.body.push({ kind: 'var', name });
  }
  const rest = source.slice(last);
  if (source.includes('{{{') || /\{\{|\}\}/.test(source.replace(TAG, '')))
    throw new TemplateError('a "{{" or "}}" that is not a valid tag');
  if (rest) stack[stack.length - 1]!.body.push({ kind: 'text', text: rest });
  if (stack.length > 1) throw new TemplateError(`{{#${stack[stack.length - 1]!.name}}} is never closed`);
  return root;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
  '=': '&#61;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`=]/g, (c) => HTML_ESCAPES[c]!);
}

/** The names a template uses (for validating a tenant's template against the known fields). */
export function templateNames(source: string): string[] {
  const names = new Set<string>();
  const walk = (nodes: Node[]) => {
    for (const n of nodes) {
      if (n.kind === 'var') names.add(n.name);
      if (n.kind === 'section') {
        names.add(n.name);
        walk(n.body);
      }
    }
  };
  walk(parseTemplate(source));
  return [...names];
}

export function renderTemplate(source: string, values: TemplateValues, options: { html: boolean }): string {
  const truthy = (v: TemplateValues[string]) => v !== undefined && v !== null && v !== false && v !== '';
  const render = (nodes: Node[]): string =>
    nodes
      .map((n) => {
        if (n.kind === 'text') return n.text;
        if (!Object.hasOwn(values, n.name)) throw new TemplateError(`unknown field "${n.name}"`);
        const value = values[n.name];
        if (n.kind === 'section') return truthy(value) !== n.inverted ? render(n.body) : '';
        const text = typeof value === 'string' ? value : truthy(value) ? String(value) : '';
        return options.html ? escapeHtml(text) : text;
      })
      .join('');
  return render(parseTemplate(source));
}
