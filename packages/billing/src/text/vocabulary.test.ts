import { describe, expect, it } from 'vitest';
import { vocabularyOf } from '../test-fixtures.ts';
import { buildVocabulary, contentWords, idf, resolveWord, stem, withSynonyms } from './vocabulary.ts';

describe('resolveWord', () => {
  const vocabulary = vocabularyOf();

  it.each([
    ['capacitor', 'capacitor'],
    ['capacitors', 'capacitor'],
    ['cap', 'capacitor'],
    ['capasitor', 'capacitor'],
    ['condensor', 'condenser'],
    ['refrigerent', 'refrigerant'],
    ['refrig', 'refrigerant'],
    ['freon', 'refrigerant'],
    ['contacter', 'contactor'],
    ['410a', 'r410a'],
    ['puron', 'r410a'],
    ['copr', 'copper'],
  ])('%s → %s', (raw, word) => expect(resolveWord(vocabulary, raw)).toBe(word));

  it.each(['xyzzy', 'the', 'replaced', 'tested', '12'])('%s → nothing', (raw) =>
    expect(resolveWord(vocabulary, raw)).toBeNull(),
  );

  it('only maps onto words the tenant sells', () => {
    const plumbing = buildVocabulary(['Flapper', 'Wax Ring']);
    expect(resolveWord(plumbing, 'capacitor')).toBeNull();
    expect(resolveWord(plumbing, 'flaper')).toBe('flapper');
  });
});

describe('vocabulary building', () => {
  it('counts catalogue entries per word, with trade synonyms, and weights rare words higher', () => {
    const vocabulary = buildVocabulary([
      'GFCI Receptacle',
      'Breaker 20A Single Pole',
      'Breaker 30A Double Pole',
    ]);
    expect(vocabulary.documents).toBe(3);
    expect(vocabulary.docFreq.get('breaker')).toBe(2);
    expect(vocabulary.docFreq.get('ground')).toBe(1);
    expect(vocabulary.docFreq.get('dp')).toBe(1);
    expect(idf(vocabulary, 'receptacle')).toBeGreaterThan(idf(vocabulary, 'breaker'));
  });

  it('adds synonyms and leaves other text alone', () => {
    expect(withSynonyms('AFCI Breaker')).toBe('AFCI Breaker arc fault');
    expect(withSynonyms('Flapper')).toBe('Flapper');
  });

  it('reduces text to content words: abbreviations expanded, plurals stemmed, stopwords and numbers gone', () => {
    expect(contentWords('Replaced the 2 caps on the A/C')).toEqual([
      'replace',
      'capacitor',
      'air',
      'conditioner',
    ]);
    expect(stem('batteries')).toBe('battery');
    expect(stem('boxes')).toBe('box');
    expect(stem('glass')).toBe('glass');
  });
});

describe('resolveWord: abbreviations are clippings or dropped vowels', () => {
  const vocabulary = buildVocabulary(['Push-Fit Coupling', 'Condensate Pump', 'Condensate Pan', 'Contactor']);

  it('"cont" clips "contactor" before it reads as a skeleton of the commoner "condensate"', () =>
    expect(resolveWord(vocabulary, 'cont')).toBe('contactor'));

  it('"psi" is not "push-fit": a vowel past the shared opening is not how abbreviations are made', () =>
    expect(resolveWord(vocabulary, 'psi')).toBeNull());

  it('"cndnst" still reads as "condensate"', () =>
    expect(resolveWord(vocabulary, 'cndnst')).toBe('condensate'));
});
