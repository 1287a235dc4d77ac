import { describe, expect, it } from 'vitest';
import { renderTemplate, TemplateError, templateNames } from './template.ts';

describe('logic-less templates', () => {
  it('escapes values in HTML by default, not in text', () => {
    const v = { name: '<b>O\'Brien & "Sons"</b>' };
    expect(renderTemplate('Hi {{name}}', v, { html: true })).toBe(
      'Hi &lt;b&gt;O&#39;Brien &amp; &quot;Sons&quot;&lt;/b&gt;',
    );
    expect(renderTemplate('Hi {{ name }}', v, { html: false })).toBe(`Hi ${v.name}`);
  });
  it('sections and inverted sections', () => {
    const t = '{{#late}}Past due{{/late}}{{^late}}Reminder{{/late}}: {{#url}}pay {{url}}{{/url}}';
    expect(renderTemplate(t, { late: true, url: 'https://x' }, { html: false })).toBe(
      'Past due: pay https://x',
    );
    expect(renderTemplate(t, { late: false, url: '' }, { html: false })).toBe('Reminder: ');
  });
  it('refuses unknown fields, raw output and broken tags', () => {
    expect(() => renderTemplate('{{nme}}', { name: 'x' }, { html: true })).toThrow(TemplateError);
    expect(() => renderTemplate('{{{name}}}', { name: 'x' }, { html: true })).toThrow(TemplateError);
    expect(() => renderTemplate('{{#a}}x', { a: true }, { html: true })).toThrow(/never closed/);
    expect(() => renderTemplate('{{/a}}', { a: true }, { html: true })).toThrow(/closes nothing/);
    expect(() => renderTemplate('{{ a.b }}', { a: 'x' }, { html: true })).toThrow(TemplateError);
  });
  it('lists the names a template uses', () => {
    expect(templateNames('{{a}} {{#b}}{{c}}{{/b}}').sort()).toEqual(['a', 'b', 'c']);
  });
});
