// CloudFront path rules: leading "/", "*" only last, no spaces or control characters, ≤ 4,000 chars,
// de-duplicated, at most 3,000 per batch.

import { describe, expect, it } from 'vitest';
import { checkInvalidationPath, normaliseInvalidationPaths, splitPathsInput } from '../src/core/paths.js';

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

  it('de-duplicates in order and reports every bad path by index', () => {
    expect(normaliseInvalidationPaths(['/a', 'a', '/b'])).toEqual({ ok: true, paths: ['/a', '/b'] });
    expect(normaliseInvalidationPaths(['/ok', '/x*y', ''])).toEqual({
      ok: false,
      problems: [
        { index: 1, problem: expect.stringContaining('"*"') },
        { index: 2, problem: expect.stringContaining('empty') },
      ],
    });
  });

  it('caps a batch at 3,000 distinct paths', () => {
    const paths = Array.from({ length: 3001 }, (_, i) => `/p${i}`);
    expect(normaliseInvalidationPaths(paths)).toMatchObject({
      ok: false,
      problems: [{ problem: expect.stringContaining('at most 3000') }],
    });
    expect(normaliseInvalidationPaths(paths.slice(0, 3000))).toMatchObject({ ok: true });
  });

  it('splits the paths input on newlines and commas', () => {
    expect(splitPathsInput('/a\n/b, /c,\n\n')).toEqual(['/a', '/b', '/c']);
  });
});
