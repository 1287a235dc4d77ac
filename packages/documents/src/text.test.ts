import { describe, expect, it } from 'vitest';
import { escapeHtml, htmlToText, oneLine, plainText } from './text.ts';

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x">O'Brien & co</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;O&#39;Brien &amp; co&lt;/a&gt;',
    );
  });
  it('prints null and undefined as empty', () => {
    expect(escapeHtml(null)).toBe('');
    expect(escapeHtml(undefined)).toBe('');
  });
});

describe('htmlToText', () => {
  it('keeps the words of ServiceTitan HTML and drops the markup', () => {
    expect(htmlToText('<p>Replaced <b>capacitor</b> 45/5&nbsp;MFD</p><p>Tested &amp; OK</p>')).toBe(
      'Replaced capacitor 45/5 MFD\nTested & OK',
    );
  });
  it('turns list items into bullets and <br> into line breaks', () => {
    expect(htmlToText('<ul><li>One</li><li>Two</li></ul>Line<br/>break')).toBe('• One\n• Two\nLine\nbreak');
  });
  it('removes scripts, styles and comments with their content', () => {
    expect(htmlToText('a<script>alert(1)</script>b<style>p{}</style>c<!-- hidden -->d')).toBe('abcd');
  });
  it('decodes numeric entities and drops control characters', () => {
    expect(htmlToText('5&#176;F &#x2013; ok&#0;\u0007')).toBe('5°F – ok');
  });
  it('leaves an unknown entity as written and a stray < out', () => {
    expect(htmlToText('a &bogus; b < c')).toBe('a &bogus; b c');
  });
  it('is empty for null', () => {
    expect(htmlToText(null)).toBe('');
  });
});

describe('plainText and oneLine', () => {
  it('keeps angle brackets in names (they are not HTML)', () => {
    expect(plainText('Pat <Ltd>\n  & Co')).toBe('Pat <Ltd> & Co');
  });
  it('oneLine joins an HTML fragment onto one line', () => {
    expect(oneLine('<p>a</p><p>b</p>')).toBe('a b');
  });
});
