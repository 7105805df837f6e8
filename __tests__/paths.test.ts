// CloudFront path rules: leading "/", "*" only last, no spaces or control characters, ≤ 4,000 chars,
// de-duplicated, at most 3,000 file paths and, counted apart, at most 15 wildcard paths.

import { describe, expect, it } from 'vitest';
import {
  checkInvalidationPath,
  isWildcardPath,
  listPaths,
  normaliseInvalidationPaths,
  quotePath,
  splitPathsInput,
} from '../src/action/sites-file/paths.js';

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

  it('caps a batch at 3,000 distinct file paths: a problem of the list, not of a made-up element', () => {
    const paths = Array.from({ length: 3001 }, (_, i) => `/p${i}`);
    expect(normaliseInvalidationPaths(paths)).toEqual({
      ok: false,
      listProblem: {
        kind: 'too-many',
        problem:
          'has 3,001 distinct file paths (without "*"); CloudFront allows at most 3,000 in progress per distribution — use a wildcard such as /blog/* to cover many paths at once',
      },
    });
    expect(normaliseInvalidationPaths(paths.slice(0, 3000))).toMatchObject({ ok: true });
    // duplicates do not count
    expect(normaliseInvalidationPaths([...paths.slice(0, 3000), '/p0', 'p1'])).toMatchObject({ ok: true });
  });

  it('wildcard paths count toward the 15-wildcard limit, not the 3,000 file paths (CloudFront counts them apart)', () => {
    const files = Array.from({ length: 3000 }, (_, i) => `/p${i}`);
    const wildcards = Array.from({ length: 15 }, (_, i) => `/w${i}/*`);
    const both = normaliseInvalidationPaths([...files, ...wildcards]);
    expect(both).toMatchObject({ ok: true });
    expect(both.ok && both.paths).toHaveLength(3015);
    expect(isWildcardPath('/blog/*')).toBe(true);
    expect(isWildcardPath('/img/logo*')).toBe(true);
    expect(isWildcardPath('/index.html')).toBe(false);
  });

  it('16 wildcard paths can never start: refused with the count, the limit and shorter wildcards that fit', () => {
    const years = Array.from({ length: 14 }, (_, i) => `/blog/${2011 + i}/*`);
    const paths = [...years, '/shop/cart/*', '/shop/checkout/*', '/index.html'];
    expect(normaliseInvalidationPaths(paths)).toEqual({
      ok: false,
      listProblem: {
        kind: 'too-many-wildcards',
        problem:
          'has 16 wildcard paths ("/blog/2011/*", "/blog/2012/*", "/blog/2013/*" … and 13 more); CloudFront allows at most 15 in progress per distribution, so this invalidation would be refused every time (TooManyInvalidationsInProgress) — merge them under shorter wildcards (they fit in 2 wildcards: "/blog/*", "/shop/*"), or list the files themselves (up to 3,000)',
      },
    });
    // 15 is allowed; duplicates and the same path without its leading "/" do not count twice
    expect(normaliseInvalidationPaths([...years, '/shop/*', 'shop/*', '/blog/2011/*'])).toMatchObject({
      ok: true,
    });
  });

  it('too many wildcards that share no directory: advises /*; with /* among them, keeping only /*', () => {
    const prefixes = Array.from({ length: 16 }, (_, i) => `/p${i}*`);
    const refused = normaliseInvalidationPaths(prefixes);
    expect(refused.ok === false && 'listProblem' in refused && refused.listProblem.problem).toContain(
      '— merge them under a shorter wildcard such as /* (everything, still one path), or list the files themselves (up to 3,000)',
    );
    const withAll = normaliseInvalidationPaths([...prefixes, '/*']);
    expect(withAll.ok === false && 'listProblem' in withAll && withAll.listProblem.problem).toContain(
      'has 17 wildcard paths ("/p0*", "/p1*", "/p2*" … and 14 more); CloudFront allows at most 15 in progress per distribution, so this invalidation would be refused every time (TooManyInvalidationsInProgress) — keep only /*, which already covers every other path, or list',
    );
  });

  it('over both limits: one problem of the list naming both, so one fix round is enough', () => {
    const files = Array.from({ length: 3001 }, (_, i) => `/p${i}`);
    const wildcards = Array.from({ length: 16 }, (_, i) => `/w/${i}/*`);
    const checked = normaliseInvalidationPaths([...files, ...wildcards]);
    expect(checked).toMatchObject({ ok: false, listProblem: { kind: 'too-many' } });
    const problem = checked.ok === false && 'listProblem' in checked ? checked.listProblem.problem : '';
    expect(problem).toMatch(/^has 3,001 distinct file paths .*; it also has 16 wildcard paths /);
    expect(problem).toContain('(they fit in 1 wildcard: "/w/*")');
  });

  it('a long wildcard path is cut short in the message', () => {
    const long = Array.from({ length: 16 }, (_, i) => `/${String(i).padStart(3, '0')}${'x'.repeat(200)}*`);
    const checked = normaliseInvalidationPaths(long);
    const problem = checked.ok === false && 'listProblem' in checked ? checked.listProblem.problem : '';
    expect(problem).toContain(`("/000${'x'.repeat(56)}…", `);
    expect(problem.length).toBeLessThan(600);
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
