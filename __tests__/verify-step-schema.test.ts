// The verify step's mapping: defaults and limits, and input checks whose messages name the field and the fix.

import { describe, expect, it } from 'vitest';
import {
  toVerifyStep,
  verifyStepSchema,
  VERIFY_DEFAULTS,
} from '../src/action/sites-file/verify-step-schema.js';

const problems = (input: unknown) => {
  const result = verifyStepSchema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('verify step schema', () => {
  it('fills the issue defaults and keeps URLs in order, de-duplicated', () => {
    const raw = verifyStepSchema.parse({ urls: ['https://www.example.com/', 'https://www.example.com/'] });
    expect(toVerifyStep(raw)).toEqual({
      kind: 'verify',
      name: 'Verify',
      urls: ['https://www.example.com/'],
      limit: 50,
      warm: true,
      concurrency: 4,
      cacheHeader: 'X-FastCGI-Cache',
      generatedAtHeader: 'X-Generated-At',
      timeoutSeconds: VERIFY_DEFAULTS.timeoutSeconds,
      requestTimeoutSeconds: VERIFY_DEFAULTS.requestTimeoutSeconds,
    });
  });

  it('takes every key of the issue example', () => {
    const raw = verifyStepSchema.parse({
      urls: ['https://www.example.com/', 'https://www.example.com/shop/'],
      sitemap: 'https://www.example.com/wp-sitemap.xml',
      limit: 200,
      warm: false,
      concurrency: 16,
      'cache-header': 'X-Cache-Status',
    });
    expect(toVerifyStep(raw, 'Check')).toMatchObject({
      name: 'Check',
      sitemap: 'https://www.example.com/wp-sitemap.xml',
      limit: 200,
      warm: false,
      concurrency: 16,
      cacheHeader: 'X-Cache-Status',
    });
  });

  it('refuses URLs that are not http(s), carry credentials or are not URLs, naming the fix', () => {
    expect(problems({ urls: ['ftp://example.com/'] })).toEqual([
      'urls.0: "ftp://example.com/" uses ftp; only http and https URLs can be verified',
    ]);
    const [credentials] = problems({ urls: ['https://bob:hunter2pw@example.com/a'] });
    expect(credentials).toContain('has credentials in it; remove the "user:password@" part');
    expect(credentials).not.toContain('hunter2pw');
    expect(problems({ sitemap: 'example.com/sitemap.xml' })).toEqual([
      'sitemap: "example.com/sitemap.xml" is not a URL; write it in full, e.g. https://www.example.com/shop/',
    ]);
  });

  it('bounds concurrency to 1..16 and limit to 1..50,000, whole numbers', () => {
    const site = { sitemap: 'https://example.com/s.xml' };
    expect(problems({ ...site, concurrency: 17 })).toEqual([
      'concurrency: must be at most 16 (so the origin is not overwhelmed)',
    ]);
    expect(problems({ ...site, concurrency: 0 })).toEqual(['concurrency: must be at least 1']);
    expect(problems({ ...site, concurrency: 2.5 })).toEqual([
      'concurrency: must be a whole number of requests',
    ]);
    expect(problems({ ...site, limit: 50_001 })).toEqual([
      'limit: must be at most 50000 (the most one sitemap file may list)',
    ]);
  });

  it('wants a header name for cache-header and something to request', () => {
    expect(problems({ urls: ['https://a.example/'], 'cache-header': 'X-Cache: HIT' })).toEqual([
      'cache-header: "X-Cache: HIT" is not an HTTP header name (letters, digits and - only, no colon or spaces), e.g. X-FastCGI-Cache',
    ]);
    expect(problems({})[0]).toContain('has nothing to request; give "urls"');
    expect(problems({ urls: ['https://a.example/'], limit: 5 })).toEqual([
      'limit: limits the URLs taken from a sitemap, but no "sitemap" is given; add one or remove "limit"',
    ]);
    expect(problems({ urls: ['https://a.example/'], retries: 2 })[0]).toContain('retries');
  });
});
