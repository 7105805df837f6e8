// The verify step against the real nginx FastCGI cache in front of php-fpm (pages dated with the
// X-Generated-At header docs/verify.md shows how to add), behind the CloudFront double: after the real
// CachePurge-FastCGI document and an invalidation, every layer is fresh and refills. Faults are caught:
// invalidation paths that miss a page (stale at the CDN), the FastCGI purge skipped (stale at the origin),
// a cache nginx cannot write any more (not refilling), a 500 page and a page slower than the timeout.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chmodSync, chownSync } from 'node:fs';
import { systemClock } from '../../src/action/clock.js';
import { makeProbe } from '../../src/action/verify/http-probe.js';
import { runVerify } from '../../src/action/verify/run-verify.js';
import { sitemapUrls } from '../../src/action/verify/sitemap.js';
import type { RunFacts } from '../../src/action/verify/likely-cause.js';
import { toVerifyStep, verifyStepSchema } from '../../src/action/sites-file/verify-step-schema.js';
import { startCdnDouble, type CdnDouble } from '../helpers/cdn-double.js';
import { loadDocument, runDocument } from '../helpers/ssm-document-runner.js';
import { requireSystem, scratchDir, startFastCgiStack, wwwIds, type FastCgiStack } from './helpers/system.js';
import { removeCacheDir } from './helpers/trash.js';

const fastcgi = loadDocument('CachePurge-FastCGI');
const PAGES = ['/', '/shop/', '/blog/hello/'];
let stack: FastCgiStack;
let cacheDir: string;
let cdn: CdnDouble;
let cdnOffsetMs = 0;

beforeAll(async () => {
  requireSystem();
  cacheDir = scratchDir('/var/cache/nginx', 'cpa-verify', wwwIds());
  stack = await startFastCgiStack(cacheDir);
  cdn = await startCdnDouble(stack.base, { now: () => Date.now() + cdnOffsetMs });
});
afterAll(async () => {
  await cdn?.close();
  await stack?.stop();
  if (cacheDir) await removeCacheDir(cacheDir); // and the instant purge's trash container beside it
});

/** Visitors filled nginx's cache and the CDN's before the run (the CDN's copies an hour "old"). */
beforeEach(async () => {
  cdnOffsetMs = 0;
  chownSync(cacheDir, wwwIds().uid, wwwIds().gid);
  chmodSync(cacheDir, 0o755);
  cdn.invalidate(['/*']);
  expect((await runDocument(fastcgi, { CachePath: cacheDir })).code).toBe(0);
  for (const page of PAGES) await fetch(cdn.base + page).then((r) => r.text());
  for (const page of PAGES) expect((await stack.get(page)).cacheStatus, page).toBe('HIT');
  cdnOffsetMs = 3_600_000;
});

const verify = (raw: Record<string, unknown>, runStartMs: number, facts: RunFacts) =>
  runVerify(
    {
      config: toVerifyStep(
        verifyStepSchema.parse({ 'cache-header': 'X-Cache-Status', 'request-timeout-seconds': 2, ...raw }),
      ),
      runStartMs,
      facts,
    },
    {
      probe: makeProbe(),
      clock: systemClock,
      readSitemap: (url, limit, seen) => sitemapUrls(url, { limit, timeoutMs: 5_000 }, undefined, seen),
    },
  );

const urls = (pages: string[]) => pages.map((p) => cdn.base + p);

async function purge(options: { fastcgi: boolean; paths: string[] }): Promise<number> {
  // pages cached before the run are older than its start by more than the clock-skew allowance (2 s)
  await new Promise((r) => setTimeout(r, 2_500));
  const runStart = Date.now();
  if (options.fastcgi) expect((await runDocument(fastcgi, { CachePath: cacheDir })).code).toBe(0);
  cdn.invalidate(options.paths);
  return runStart;
}

describe('verify against the real nginx FastCGI cache behind the CloudFront double', () => {
  it('after the real purge and an invalidation of /*: fresh at both layers, and both refill', async () => {
    const runStart = await purge({ fastcgi: true, paths: ['/*'] });
    const report = await verify({ urls: urls(PAGES) }, runStart, {
      invalidationPaths: ['/*'],
      originPurge: 'succeeded',
    });
    expect(report.failures).toEqual([]);
    expect(report.passed).toBe(true);
    expect(report.layers.cdn).toEqual({ fresh: 3, stale: 0, unverified: 0, notSeen: 0 });
    expect(report.layers.origin).toEqual({ fresh: 3, stale: 0, unverified: 0, notSeen: 0 });
    expect(report.hitRatioAfterWarming).toBe(1);
    for (const page of PAGES) expect((await stack.get(page)).cacheStatus, page).toBe('HIT');
  });

  it('invalidation paths that miss a page: stale at the CDN, naming the path to add', async () => {
    const runStart = await purge({ fastcgi: true, paths: ['/', '/blog/*'] });
    const report = await verify({ urls: urls(PAGES) }, runStart, {
      invalidationPaths: ['/', '/blog/*'],
      originPurge: 'succeeded',
    });
    expect(report.passed).toBe(false);
    expect(report.stale).toEqual([expect.objectContaining({ url: `${cdn.base}/shop/`, layer: 'cdn' })]);
    expect(report.failures.join('\n')).toContain('/shop/');
  });

  it('the FastCGI purge skipped: stale at the origin, dated by X-Generated-At', async () => {
    const runStart = await purge({ fastcgi: false, paths: ['/*'] });
    const report = await verify({ urls: urls(PAGES) }, runStart, { invalidationPaths: ['/*'] });
    expect(report.passed).toBe(false);
    expect(report.layers.origin.stale).toBe(3);
    expect(report.stale.every((s) => s.layer === 'origin')).toBe(true);
  });

  it('a cache directory nginx cannot write after the purge: nginx drops new pages, and the step says why', async () => {
    const runStart = await purge({ fastcgi: true, paths: ['/*'] });
    chownSync(cacheDir, 0, 0);
    chmodSync(cacheDir, 0o755);
    const report = await verify({ urls: urls(['/fresh-after-purge/']) }, runStart, {
      invalidationPaths: ['/*'],
      originPurge: 'succeeded',
    });
    expect(report.passed).toBe(false);
    // real nginx: "mkdir() … failed (13: Permission denied) while reading upstream", connection dropped;
    // the CloudFront double answers that as CloudFront does, with a 5xx
    expect(report.problems).toEqual([
      expect.objectContaining({ kind: 'status', url: `${cdn.base}/fresh-after-purge/` }),
    ]);
    expect(report.problems[0]!.cause).toMatch(/a cache directory nginx can no longer write/);
  });

  it('a page nginx must not store (Cache-Control: no-cache): the origin does not refill, and why', async () => {
    const runStart = await purge({ fastcgi: true, paths: ['/*'] });
    const report = await verify({ urls: urls(['/nocache/']) }, runStart, {
      invalidationPaths: ['/*'],
      originPurge: 'succeeded',
    });
    expect(report.passed).toBe(false);
    // neither layer keeps it: the CloudFront double honours no-cache as nginx does
    expect(report.problems.map((p) => [p.kind, p.layer])).toEqual([
      ['not-refilling', 'cdn'],
      ['not-refilling', 'origin'],
    ]);
    expect(report.problems[1]!.cause).toMatch(
      /the page sends Cache-Control: no-cache.*so nginx does not store it/,
    );
  });

  it('a 500 page and a page slower than the request timeout fail the step', async () => {
    const runStart = await purge({ fastcgi: true, paths: ['/*'] });
    const report = await verify({ urls: urls(['/boom', '/slow']), warm: false }, runStart, {
      invalidationPaths: ['/*'],
      originPurge: 'succeeded',
    });
    expect(report.passed).toBe(false);
    expect(report.problems.map((p) => [p.url, p.kind])).toEqual([
      [`${cdn.base}/boom`, 'status'],
      [`${cdn.base}/slow`, 'timeout'],
    ]);
  });
});
