// "Did you mean": edit distance with transpositions, and the closest candidate within a typo's reach.

import { describe, expect, it } from 'vitest';
import { closestMatch, editDistance } from '../src/shared/suggest.js';

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

describe('closestMatch with a cap on the edits', () => {
  const documents = ['CachePurge-FastCGI', 'CachePurge-W3TotalCache'];

  it('takes only candidates within maxEdits, however long they are', () => {
    // 18 letters tolerate 6 edits by default: a name of the user's own would read as a typo
    expect(closestMatch('MyPurge-FastCGI', documents)).toBe('CachePurge-FastCGI');
    expect(closestMatch('MyPurge-FastCGI', documents, 2)).toBeUndefined();
    expect(closestMatch('CachePurge-FastCgi', documents, 2)).toBe('CachePurge-FastCGI');
    expect(closestMatch('CachePurge-FastCG', documents, 2)).toBe('CachePurge-FastCGI');
    expect(closestMatch('CachePurge-W3TotalCahce', documents, 2)).toBe('CachePurge-W3TotalCache');
    expect(closestMatch('CachePurge-FastCGI', documents, 2)).toBeUndefined();
  });
});
