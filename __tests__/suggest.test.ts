// "Did you mean": edit distance with transpositions, and the closest candidate within a typo's reach.

import { describe, expect, it } from 'vitest';
import { closestMatch, editDistance } from '../src/core/suggest.js';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and neighbour swaps as one edit each', () => {
    expect(editDistance('portal', 'portal')).toBe(0);
    expect(editDistance('portl', 'portal')).toBe(1); // deletion
    expect(editDistance('portaal', 'portal')).toBe(1); // insertion
    expect(editDistance('porfal', 'portal')).toBe(1); // substitution
    expect(editDistance('documnet', 'document')).toBe(1); // swap
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('Document', 'document')).toBe(0); // case does not count
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});

describe('closestMatch', () => {
  it('suggests the closest candidate within reach of a typo, none otherwise', () => {
    expect(closestMatch('portl', ['main', 'portal'])).toBe('portal');
    expect(closestMatch('mian', ['main', 'portal'])).toBe('main');
    expect(closestMatch('shop', ['main', 'portal'])).toBeUndefined();
    expect(closestMatch('documnet', ['document', 'parameters', 'targets'])).toBe('document');
    expect(closestMatch('wiat', ['name', 'wait'])).toBe('wait');
    // short words only tolerate one edit
    expect(closestMatch('abcd', ['wait'])).toBeUndefined();
    expect(closestMatch('ssm', ['ssm'])).toBeUndefined();
    expect(closestMatch('SSM', ['ssm'])).toBe('ssm');
  });
});
