// A verify step end to end over real HTTP: a small origin that caches like nginx's FastCGI cache
// (X-FastCGI-Cache, X-Generated-At) behind the CloudFront double, probed by the real visitor probe.
// Fresh after a purge, stale at the CDN when the invalidation misses a path, stale at the origin when
// it kept an old page, a cache that does not refill, 5xx, a slow page, busy answers, and the report.

import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../src/action/clock.js';
import { makeProbe } from '../src/action/verify/http-probe.js';
import { runVerify } from '../src/action/verify/run-verify.js';
import { describeVerifyPlan } from '../src/action/plan/plan-view.js';
import { sitemapUrls } from '../src/action/verify/sitemap.js';
import type { RunFacts } from '../src/action/verify/likely-cause.js';
import { toVerifyStep, verifyStepSchema } from '../src/action/sites-file/verify-step-schema.js';
import { reportLines } from '../src/action/verify/verify-report.js';
import { startCdnDouble, type CdnDouble } from './helpers/cdn-double.js';
import { startLocalServer, type LocalServer } from './helpers/local-http.js';
import { startOrigin } from './helpers/caching-origin.js';

let origin: Awaited<ReturnType<typeof startOrigin>> | undefined;
let cdn: CdnDouble | undefined;
let extra: LocalServer | undefined;
afterEach(async () => {
  await cdn?.close();
  await origin?.server.close();
  await extra?.close();
  origin = cdn = extra = undefined;
});

let cdnOffsetMs = 0;
async function stack() {
  cdnOffsetMs = 0;
  origin = await startOrigin();
  cdn = await startCdnDouble(origin.server.base, { now: () => Date.now() + cdnOffsetMs });
  return { origin, cdn };
}

const step = (raw: Record<string, unknown>) => toVerifyStep(verifyStepSchema.parse(raw));
const verify = (raw: Record<string, unknown>, runStartMs: number, facts: RunFacts = {}) =>
  runVerify(
    { config: step(raw), runStartMs, facts },
    {
      probe: makeProbe(),
      clock: systemClock,
      readSitemap: (url, limit, seen) => sitemapUrls(url, { limit, timeoutMs: 5_000 }, undefined, seen),
    },
  );

/** Fills both caches, as visitors before the run would have, an hour "ago" for the CDN. */
async function fillBeforeRun(base: string, paths: string[]) {
  for (const p of paths) await fetch(base + p).then((r) => r.text());
  cdnOffsetMs = 3_600_000;
}

describe('verify over real HTTP', () => {
  it('is fresh at both layers after a full purge and invalidation, and warms both', async () => {
    const { origin, cdn } = await stack();
    await fillBeforeRun(cdn.base, ['/', '/shop/']);
    const runStart = Date.now();
    origin.purge();
    cdn.invalidate(['/*']);
    const report = await verify({ urls: [`${cdn.base}/`, `${cdn.base}/shop/`] }, runStart, {
      invalidationPaths: ['/*'],
      originPurge: 'succeeded',
    });
    expect(report.passed).toBe(true);
    expect(report.layers).toEqual({
      cdn: { fresh: 2, stale: 0, unverified: 0, notSeen: 0 },
      origin: { fresh: 2, stale: 0, unverified: 0, notSeen: 0 },
    });
    expect(report.hitRatioAfterWarming).toBe(1);
    expect(report.warmed).toBe(2);
    expect(report.statuses).toEqual({ '200': 4 });
    expect(report.ttfbMs.warm.count).toBe(2);
  });

  it('fails stale at the CDN when the invalidation paths miss a URL, naming the path to add', async () => {
    const { origin, cdn } = await stack();
    await fillBeforeRun(cdn.base, ['/', '/shop/']);
    const runStart = Date.now();
    origin.purge();
    cdn.invalidate(['/']);
    const report = await verify({ urls: [`${cdn.base}/`, `${cdn.base}/shop/`] }, runStart, {
      invalidationPaths: ['/'],
      originPurge: 'succeeded',
    });
    expect(report.passed).toBe(false);
    expect(report.layers.cdn).toEqual({ fresh: 1, stale: 1, unverified: 0, notSeen: 0 });
    expect(report.failures).toHaveLength(1);
    expect(report.failures[0]).toMatch(
      new RegExp(
        `^${cdn.base}/shop/ is stale at the CDN: X-Cache: Hit from cloudfront, Age: 36\\d\\d — cached 36\\d\\d s ago, the run started \\d s ago\\. Likely cause: the invalidation's paths \\(/\\) do not cover /shop/; add /shop/ or /shop/\\*$`,
      ),
    );
  });

  it('fails stale at the origin when nginx kept a page generated before the run', async () => {
    const { origin } = await stack();
    // the page nginx cached was built 2.5 s before the run started (dated so, instead of waiting 2.5 s)
    origin.state.clockOffsetMs = -2_500;
    await fillBeforeRun(origin.server.base, ['/about/']);
    origin.state.clockOffsetMs = 0;
    const report = await verify({ urls: [`${origin.server.base}/about/`] }, Date.now() - 50, {
      originPurge: 'not-run',
    });
    expect(report.layers.origin.stale).toBe(1);
    expect(report.layers.cdn.notSeen).toBe(1);
    expect(report.failures[0]).toContain(
      'is stale at the origin (nginx): X-FastCGI-Cache: HIT, X-Generated-At:',
    );
    expect(report.failures[0]).toContain('add the CachePurge-FastCGI step');
  });

  it('fails when the cache does not refill, and when a page sends no-cache says so', async () => {
    const { origin } = await stack();
    origin.state.unwritable = true;
    const base = origin.server.base;
    const report = await verify({ urls: [`${base}/a/`, `${base}/cart`] }, Date.now());
    expect(report.passed).toBe(false);
    expect(report.hitRatioAfterWarming).toBe(0);
    expect(report.failures.join('\n')).toContain(`${base}/a/ is not refilling at the origin (nginx)`);
    expect(report.failures.join('\n')).toContain('unwritable to nginx');
    expect(report.failures.join('\n')).toContain(
      'the page sends Cache-Control: no-cache, must-revalidate, max-age=0',
    );
  });

  it('does not re-request when warm is off', async () => {
    const { origin } = await stack();
    origin.state.unwritable = true;
    const report = await verify({ urls: [`${origin.server.base}/a/`], warm: false }, Date.now());
    expect(report.passed).toBe(true);
    expect(origin.server.requests).toEqual(['/a/']);
    expect(report.hitRatioAfterWarming).toBeNull();
  });

  it('fails on a 5xx (at the CDN an Error from cloudfront) and on a page slower than the request timeout', async () => {
    const { cdn } = await stack();
    const report = await verify(
      { urls: [`${cdn.base}/boom`, `${cdn.base}/slow`], 'request-timeout-seconds': 1 },
      Date.now(),
    );
    expect(report.statuses).toEqual({ '500': 1, timeout: 1 });
    const text = report.failures.join('\n');
    expect(text).toContain(
      `${cdn.base}/boom answered an unexpected status: status 500. Likely cause: the origin is failing`,
    );
    expect(text).toContain(`${cdn.base}/slow timed out: no response after 1`);
    expect(report.layers.cdn.unverified).toBe(1);
  });

  it("retries a busy origin after its Retry-After and warms the sitemap's URLs too, de-duplicated", async () => {
    const { origin } = await stack();
    const base = origin.server.base;
    origin.state.busyLeft = 1;
    extra = await startLocalServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml' });
      res.end(
        `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${['/busy', '/p1', '/p2', '/p3']
          .map((p) => `<url><loc>${base}${p}</loc></url>`)
          .join('')}</urlset>`,
      );
    });
    const started = Date.now();
    const report = await verify(
      { urls: [`${base}/busy`], sitemap: `${extra.base}/sitemap.xml`, limit: 2, concurrency: 2 },
      started,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(report.retries).toBe(1);
    expect(report.passed).toBe(true);
    expect(report.urls).toEqual({ total: 3, explicit: 1, sitemap: 2, notReached: 0 });
    expect(origin.server.requests.filter((p) => p === '/busy')).toHaveLength(3);
    const lines = reportLines(report);
    expect(lines[0]).toMatch(/^Verify passed: 3 URLs \(1 listed, 2 from the sitemap\) in /);
    expect(lines).toContain('the CDN: 0 fresh, 0 stale, 0 unverified, 3 not seen');
  });

  it('reports an unreadable sitemap before requesting any page', async () => {
    const { origin } = await stack();
    await expect(
      verify({ urls: [`${origin.server.base}/`], sitemap: `${origin.server.base}/boom` }, Date.now()),
    ).rejects.toThrow(`the sitemap "${origin.server.base}/boom" answered 500`);
    expect(origin.server.requests).toEqual(['/boom']);
  });

  it('describes the plan for a dry run without reading the sitemap', () => {
    expect(
      describeVerifyPlan(step({ urls: ['https://a.example/'], sitemap: 'https://a.example/wp-sitemap.xml' })),
    ).toEqual([
      'would request 1 URL: https://a.example/',
      'would read the sitemap https://a.example/wp-sitemap.xml (indexes followed) and take up to 50 URLs from it',
      'would request each URL that misses a cache again and expect a hit; 4 at a time, within 300 s',
    ]);
  });
});

describe('visitor probe', () => {
  it('does not follow redirects and sends no cache-busting', async () => {
    extra = await startLocalServer((req, res) => {
      res.writeHead(301, {
        location: '/elsewhere',
        'x-seen-cache-control': String(req.headers['cache-control']),
      });
      res.end();
    });
    const outcome = await makeProbe()(`${extra.base}/old?x=1`, 5_000);
    expect(outcome).toMatchObject({ kind: 'response', status: 301 });
    expect(extra.requests).toEqual(['/old?x=1']);
    if (outcome.kind === 'response') expect(outcome.headers['x-seen-cache-control']).toBe('undefined');
  });

  it('reports a refused connection as a network error', async () => {
    extra = await startLocalServer((_req, res) => void res.end());
    const base = extra.base;
    await extra.close();
    extra = undefined;
    expect(await makeProbe()(`${base}/`, 5_000)).toMatchObject({
      kind: 'network',
      message: expect.stringContaining('ECONNREFUSED'),
    });
  });
});
