// CloudFront path rules: leading "/", "*" only last, no spaces or control characters, ≤ 4,000 chars,
// de-duplicated, at most 3,000 per batch.

import { describe, expect, it } from 'vitest';
import {
  checkInvalidationPath,
  listPaths,
  normaliseInvalidationPaths,
  quotePath,
  splitPathsInput,
} from '../src/core/paths.js';

describe('invalidation paths', () => {
  it('adds a missing leading slash and keeps valid paths', () => {
    expect(checkInvalidationPath('blog/*')).toEqual({ ok: true, path: '/blog/*' });
    expect(checkInvalidationPath(' /index.html ')).toEqual({ ok: true, path: '/index.html' });
  });

  it('refuses a star before the end, spaces, control characters, empty and over-long paths', () => {
    expect(checkInvalidationPath('/a*/b')).toMatchObject({
      ok: false,
      problem: expect.stringContaining('only as the last character'),
    });
    expect(checkInvalidationPath('/a b')).toMatchObject({
      ok: false,
      problem: expect.stringContaining('%20'),
    });
    expect(checkInvalidationPath('/a\u0007')).toMatchObject({ ok: false });
    expect(checkInvalidationPath('  ')).toMatchObject({
      ok: false,
      problem: expect.stringContaining('empty'),
    });
    expect(checkInvalidationPath(`/${'a'.repeat(4000)}`)).toMatchObject({
      ok: false,
      problem: expect.stringContaining('at most 4000'),
    });
  });

  it('de-duplicates in order and reports every bad path by index, with what was written', () => {
    expect(normaliseInvalidationPaths(['/a', 'a', '/b'])).toEqual({ ok: true, paths: ['/a', '/b'] });
    expect(normaliseInvalidationPaths(['/ok', '/x*y', ''])).toEqual({
      ok: false,
      pathProblems: [
        { index: 1, value: '/x*y', problem: expect.stringContaining('"*"') },
        { index: 2, value: '', problem: expect.stringContaining('empty') },
      ],
    });
  });

  it('caps a batch at 3,000 distinct paths: a problem of the list, not of a made-up element', () => {
    const paths = Array.from({ length: 3001 }, (_, i) => `/p${i}`);
    expect(normaliseInvalidationPaths(paths)).toEqual({
      ok: false,
      listProblem: {
        kind: 'too-many',
        problem:
          'has 3,001 distinct paths; CloudFront takes at most 3,000 per invalidation (and in progress per distribution) — use a wildcard such as /blog/* to cover many paths at once',
      },
    });
    expect(normaliseInvalidationPaths(paths.slice(0, 3000))).toMatchObject({ ok: true });
    // duplicates do not count
    expect(normaliseInvalidationPaths([...paths.slice(0, 3000), '/p0', 'p1'])).toMatchObject({ ok: true });
  });

  it('an empty list is a problem of the list', () => {
    expect(normaliseInvalidationPaths([])).toEqual({
      ok: false,
      listProblem: { kind: 'none', problem: 'has no paths; give at least one, e.g. /*' },
    });
  });

  it('quotes a path cut short, and lists only the first few of many', () => {
    expect(quotePath('/a"b')).toBe('"/a\\"b"');
    expect(quotePath(`/${'x'.repeat(200)}`)).toBe(JSON.stringify(`/${'x'.repeat(79)}…`));
    expect(listPaths(['/a', '/b'])).toBe('/a /b');
    const many = Array.from({ length: 3000 }, (_, i) => `/p/${i + 1}`);
    expect(listPaths(many)).toBe('/p/1 /p/2 /p/3 /p/4 /p/5 … and 2,995 more');
    expect(listPaths(many.slice(0, 6), 5)).toBe('/p/1 /p/2 /p/3 /p/4 /p/5 … and 1 more');
    expect(listPaths(many.slice(0, 5), 5)).toBe('/p/1 /p/2 /p/3 /p/4 /p/5');
  });

  it('splits the paths input on newlines and commas', () => {
    expect(splitPathsInput('/a\n/b, /c,\n\n')).toEqual(['/a', '/b', '/c']);
  });
});
