import { describe, expect, it } from 'vitest';
import { htmlToText, isNumberWord, numberValue, tokenize } from './tokens.ts';

describe('tokenize', () => {
  it('keeps trade notation whole, lower-cases, and records offsets', () => {
    const text = "Repl 45/5 cap, R-410A 10' of 3/4 w/h #";
    const tokens = tokenize(text, 100);
    expect(tokens.map((t) => t.text)).toEqual([
      'repl',
      '45/5',
      'cap',
      'r-410a',
      "10'",
      'of',
      '3/4',
      'w/h',
      '#',
    ]);
    for (const t of tokens) expect(text.slice(t.start - 100, t.end - 100).toLowerCase()).toBe(t.text);
  });

  it('normalises a typographic apostrophe', () => {
    expect(tokenize('10’ copper')[0]!.text).toBe("10'");
  });
});

describe('numberValue', () => {
  it.each([
    ['3', 3],
    ['2.5', 2.5],
    ['3/4', 0.75],
    ['three', 3],
    ['couple', 2],
    ['dozen', 12],
    ['half', 0.5],
    ["10'", 10],
  ] as const)('%s → %d', (token, value) => expect(numberValue(token)).toBe(value));

  it.each(['cap', '2x', 'r22', '1/0'])('%s is not a number', (token) =>
    expect(numberValue(token)).toBeNull(),
  );

  it('knows its number words', () => {
    expect(isNumberWord('pair')).toBe(true);
    expect(isNumberWord('pairs')).toBe(false);
  });
});

describe('htmlToText', () => {
  it('turns a ServiceTitan job summary into plain lines', () => {
    const text = htmlToText('<p>No cool&nbsp;call</p><ul><li>Added 2 lbs &amp; tested</li></ul>Done<br/>ok');
    expect(text.split('\n').map((l) => l.trim())).toEqual([
      'No cool call',
      'Added 2 lbs & tested',
      'Done',
      'ok',
    ]);
    expect(text).not.toMatch(/[<>]|&amp;|&nbsp;/);
  });
});

describe('tokenize: step numbers', () => {
  it('drops "1)" and "2)" opening a line or a sentence, and keeps "(qty 2)" and "(2)"', () => {
    const texts = (t: string) => tokenize(t).map((x) => x.text);
    expect(texts('1) Arrived.\n2) Charged 4 lbs. 3) Done')).toEqual([
      'arrived',
      'charged',
      '4',
      'lbs',
      'done',
    ]);
    expect(texts('new filter (qty 2)')).toContain('2');
    expect(texts('replaced (2) caps')).toContain('2');
  });
});
