// Freshness per layer (CloudFront X-Cache + Age; nginx's cache status dated by the generation-time
// header), the refill check, and the likely causes (CloudFront path matching among them).

import { describe, expect, it } from 'vitest';
import {
  classifyResponse,
  parseGeneratedAt,
  refillCheck,
  type FreshnessContext,
} from '../src/action/verify/freshness.js';
import {
  cdnStaleCause,
  coveringPath,
  notRefillingCause,
  originStaleCause,
} from '../src/action/verify/likely-cause.js';

const RUN_START = Date.UTC(2025, 5, 1, 12, 0, 0);
const ctx: FreshnessContext = {
  runStartMs: RUN_START,
  cacheHeader: 'X-FastCGI-Cache',
  generatedAtHeader: 'X-Generated-At',
};
/** A response 30 s after the run started. */
const at30 = (headers: Record<string, string>, status = 200) => ({
  status,
  headers,
  responseAtMs: RUN_START + 30_000,
});
const httpDate = (ms: number) => new Date(ms).toUTCString();

describe('CDN layer (CloudFront X-Cache and Age)', () => {
  it('calls a Hit older than the run stale, with the evidence', () => {
    const { cdn } = classifyResponse(at30({ 'x-cache': 'Hit from cloudfront', age: '3600' }), ctx);
    expect(cdn).toMatchObject({ verdict: 'stale', outcome: 'hit', ageSeconds: 3600 });
    expect(cdn.evidence).toBe(
      'X-Cache: Hit from cloudfront, Age: 3600 — cached 3600 s ago, the run started 30 s ago',
    );
  });

  it('calls a Hit cached since the run started fresh (1 s of rounding allowed), and a Miss fresh', () => {
    expect(classifyResponse(at30({ 'x-cache': 'Hit from cloudfront', age: '31' }), ctx).cdn.verdict).toBe(
      'fresh',
    );
    expect(classifyResponse(at30({ 'x-cache': 'Hit from cloudfront', age: '32' }), ctx).cdn.verdict).toBe(
      'stale',
    );
    expect(classifyResponse(at30({ 'x-cache': 'Miss from cloudfront' }), ctx).cdn).toMatchObject({
      verdict: 'fresh',
      outcome: 'miss',
    });
    expect(
      classifyResponse(at30({ 'x-cache': 'RefreshHit from cloudfront', age: '9999' }), ctx).cdn,
    ).toMatchObject({ verdict: 'fresh', outcome: 'hit' });
  });

  it('reports a missing X-Cache as not seen, a Hit without Age and an Error as unverified', () => {
    expect(classifyResponse(at30({}), ctx).cdn.verdict).toBe('not-seen');
    expect(classifyResponse(at30({ 'x-cache': 'Hit from cloudfront' }), ctx).cdn.verdict).toBe('unverified');
    expect(classifyResponse(at30({ 'x-cache': 'Error from cloudfront' }), ctx).cdn).toMatchObject({
      verdict: 'unverified',
      outcome: 'other',
    });
  });
});

describe('origin layer (nginx cache status + generation time)', () => {
  it('calls MISS, EXPIRED, BYPASS and REVALIDATED fresh and a missing header not seen', () => {
    for (const status of ['MISS', 'EXPIRED', 'BYPASS', 'REVALIDATED']) {
      expect(classifyResponse(at30({ 'x-fastcgi-cache': status }), ctx).origin.verdict).toBe('fresh');
    }
    expect(classifyResponse(at30({}), ctx).origin).toMatchObject({
      verdict: 'not-seen',
      evidence: 'no X-FastCGI-Cache header',
    });
  });

  it('calls an undated HIT unverified, and dates it by X-Generated-At against the Date header', () => {
    expect(classifyResponse(at30({ 'x-fastcgi-cache': 'HIT' }), ctx).origin).toMatchObject({
      verdict: 'unverified',
      outcome: 'hit',
    });
    // The origin's clock runs 5 minutes fast: Date − generated-at is what counts, not the raw time.
    const skew = 300_000;
    const before = at30({
      'x-fastcgi-cache': 'HIT',
      date: httpDate(RUN_START + 30_000 + skew),
      'x-generated-at': String((RUN_START - 60_000 + skew) / 1000),
    });
    const stale = classifyResponse(before, ctx).origin;
    expect(stale).toMatchObject({ verdict: 'stale', ageSeconds: 90 });
    expect(stale.evidence).toContain('generated 90 s ago, the run started 30 s ago');
    const after = at30({
      'x-fastcgi-cache': 'HIT',
      date: httpDate(RUN_START + 30_000 + skew),
      'x-generated-at': String((RUN_START + 10_000 + skew) / 1000),
    });
    expect(classifyResponse(after, ctx).origin.verdict).toBe('fresh');
  });

  it('adds the CDN Age when the CDN served its copy, and leaves the origin unverified behind a stale CDN copy', () => {
    const viaCdn = at30({
      'x-cache': 'Hit from cloudfront',
      age: '20',
      'x-fastcgi-cache': 'HIT',
      date: httpDate(RUN_START + 10_000),
      'x-generated-at': String((RUN_START - 5_000) / 1000),
    });
    expect(classifyResponse(viaCdn, ctx).origin).toMatchObject({ verdict: 'stale', ageSeconds: 35 });
    const behindStale = at30({ 'x-cache': 'Hit from cloudfront', age: '4000', 'x-fastcgi-cache': 'HIT' });
    expect(classifyResponse(behindStale, ctx).origin.verdict).toBe('unverified');
  });

  it('reads unix seconds (with fractions) and RFC 3339 dates, nothing else', () => {
    expect(parseGeneratedAt('1733333333.25')).toBe(1733333333250);
    expect(parseGeneratedAt('2025-06-01T12:00:00Z')).toBe(RUN_START);
    expect(parseGeneratedAt('soon')).toBeUndefined();
    expect(parseGeneratedAt('42')).toBeUndefined();
  });
});

describe('refill check', () => {
  const f = (headers: Record<string, string>) => classifyResponse(at30(headers), ctx);
  it('expects a hit at each layer that missed, and does not judge the origin behind a CDN hit', () => {
    const first = f({ 'x-cache': 'Miss from cloudfront', 'x-fastcgi-cache': 'MISS' });
    expect(
      refillCheck(first, f({ 'x-cache': 'Hit from cloudfront', age: '1', 'x-fastcgi-cache': 'MISS' })),
    ).toEqual({
      checked: 1,
      notRefilled: [],
    });
    expect(refillCheck(first, f({ 'x-cache': 'Miss from cloudfront', 'x-fastcgi-cache': 'MISS' }))).toEqual({
      checked: 2,
      notRefilled: ['cdn', 'origin'],
    });
    const originOnly = f({ 'x-fastcgi-cache': 'MISS' });
    expect(refillCheck(originOnly, f({ 'x-fastcgi-cache': 'HIT' })).notRefilled).toEqual([]);
  });
});

describe('likely causes', () => {
  it('matches CloudFront invalidation paths: exact, or a prefix before a trailing *', () => {
    expect(coveringPath(['/*'], 'https://a.example/shop/')).toBe('/*');
    expect(coveringPath(['/shop/'], 'https://a.example/shop/')).toBe('/shop/');
    expect(coveringPath(['/shop'], 'https://a.example/shop/')).toBeUndefined();
    expect(coveringPath(['blog/*'], 'https://a.example/blog/post/')).toBe('/blog/*');
    expect(coveringPath(['/Shop/*'], 'https://a.example/shop/')).toBeUndefined();
    expect(coveringPath(['/p?x=1'], 'https://a.example/p?x=1')).toBe('/p?x=1');
    expect(coveringPath(['/p*'], 'https://a.example/p?x=1')).toBe('/p*');
  });

  it('says which invalidation path would have covered a stale URL', () => {
    expect(cdnStaleCause('https://a.example/shop/', { invalidationPaths: ['/blog/*', '/'] })).toBe(
      "the invalidation's paths (/blog/* /) do not cover /shop/; add /shop/ or /shop/*",
    );
    expect(cdnStaleCause('https://a.example/shop/', {})).toContain('no CloudFront step of this run');
    expect(
      cdnStaleCause('https://a.example/shop/', { invalidationPaths: ['/*'], invalidationCompleted: false }),
    ).toContain('had not completed; set "wait: true"');
  });

  it('names the FastCGI purge and the refill problems', () => {
    expect(originStaleCause({ originPurge: 'not-run' })).toContain('add the CachePurge-FastCGI step');
    expect(originStaleCause({ originPurge: 'failed' })).toContain('purge step of this run failed');
    expect(notRefillingCause('origin', undefined)).toContain('unwritable to nginx');
    expect(notRefillingCause('origin', 'no-cache, must-revalidate')).toContain(
      'the page sends Cache-Control: no-cache, must-revalidate',
    );
    expect(notRefillingCause('cdn', 'private')).toContain('CloudFront does not keep it');
  });
});
