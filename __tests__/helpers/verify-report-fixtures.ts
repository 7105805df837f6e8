// Run reports of the example's portal with a verify step last, for the views' tests: every page fresh
// and refilled, or 31 stale at the CDN behind an invalidation of only `/`. Each finding is judged from
// response headers by the verify step's own functions (classifyResponse, refillCheck, buildReport).
// allReportFixtures: these and every fixture of report-fixtures.ts.

import { parse, stringify } from 'yaml';
import { parseSitesConfig } from '../../src/action/sites-file/read-sites-file.js';
import { buildPlan, type Plan } from '../../src/action/plan/plan.js';
import type { RunReport, VerifyStepReport } from '../../src/action/report/report.js';
import { classifyResponse, refillCheck } from '../../src/action/verify/freshness.js';
import type { RunFacts } from '../../src/action/verify/likely-cause.js';
import { buildReport, type ProbeSummary, type UrlCheck } from '../../src/action/verify/verify-report.js';
import { allFixtures, report, successReport } from './report-fixtures.js';
import { exampleConfig } from './run-action.js';

const SITE = 'https://www.example.com';
const RUN_START_MS = Date.parse('2026-05-01T10:00:00.000Z');

/** The example's portal with a verify step of two listed pages and the site's sitemap. */
export const portalVerifyPlan: Plan = (() => {
  const config = parse(exampleConfig);
  config.sites.portal.steps.push({
    verify: { urls: [`${SITE}/`, `${SITE}/shop/`], sitemap: `${SITE}/wp-sitemap.xml`, limit: 50 },
  });
  return buildPlan(parseSitesConfig(stringify(config), '.github/cache-purge.yml'), {
    site: 'portal',
    configFile: '.github/cache-purge.yml',
  });
})();

/** An answer as the verify step summarises it, judged from its headers (at 60 s into the run). */
function answer(headers: Record<string, string>, ttfbMs: number, status = 200): ProbeSummary {
  const ctx = {
    runStartMs: RUN_START_MS,
    cacheHeader: 'X-FastCGI-Cache',
    generatedAtHeader: 'X-Generated-At',
  };
  const responseAtMs = RUN_START_MS + 60_000;
  const date = new Date(responseAtMs).toUTCString();
  const all = { date, ...headers };
  return {
    kind: 'response',
    status,
    ttfbMs,
    findings: classifyResponse({ status, headers: all, responseAtMs }, ctx),
  };
}
const generatedSecondsAgo = (s: number) => String((RUN_START_MS + 60_000) / 1000 - s);
/** Both layers missed: the page was built now. */
const missed = (ttfbMs: number, status = 200) =>
  answer(
    {
      'x-cache': 'Miss from cloudfront',
      'x-fastcgi-cache': 'MISS',
      'x-generated-at': generatedSecondsAgo(0),
    },
    ttfbMs,
    status,
  );
/** The CDN's copy made by the first request, 1 s old. */
const refilled = (ttfbMs: number) =>
  answer(
    {
      'x-cache': 'Hit from cloudfront',
      age: '1',
      'x-fastcgi-cache': 'MISS',
      'x-generated-at': generatedSecondsAgo(1),
    },
    ttfbMs,
  );
/** The CDN's copy from an hour before the run. */
const staleAtCdn = (ttfbMs: number) =>
  answer(
    {
      'x-cache': 'Hit from cloudfront',
      age: '3660',
      'x-fastcgi-cache': 'HIT',
      'x-generated-at': generatedSecondsAgo(3660),
    },
    ttfbMs,
  );

function check(url: string, source: UrlCheck['source'], cold: ProbeSummary, warm?: ProbeSummary): UrlCheck {
  if (!warm || cold.kind !== 'response' || warm.kind !== 'response') return { url, source, cold };
  return { url, source, cold, warm, notRefilled: refillCheck(cold.findings, warm.findings).notRefilled };
}

function verifyStep(
  status: VerifyStepReport['status'],
  checks: UrlCheck[],
  facts: RunFacts,
): VerifyStepReport {
  const verify = buildReport({
    checks,
    notReached: [],
    facts,
    warm: true,
    requestTimeoutSeconds: 10,
    generatedAtHeader: 'X-Generated-At',
    retries: 1,
    durationMs: 8_400,
  });
  return {
    kind: 'verify',
    index: 4,
    name: 'Verify',
    status,
    startedAt: '2026-05-01T10:00:09.000Z',
    durationMs: 8_400,
    urls: [`${SITE}/`, `${SITE}/shop/`],
    sitemap: `${SITE}/wp-sitemap.xml`,
    verify,
    ...(status === 'failed' && {
      error: {
        code: 'VerifyFailed',
        message: `${verify.problemCount} problems seen from the visitor's side (each with its likely cause below).`,
      },
    }),
  };
}

/** nginx served its own copy (HIT) with no generation time to date it: unverified, a warning. */
const undatedOriginHit = (ttfbMs: number) =>
  answer({ 'x-cache': 'Miss from cloudfront', 'x-fastcgi-cache': 'HIT' }, ttfbMs);

/**
 * Every page fresh and refilled: 2 listed pages, 50 from the sitemap (one of them a redirect, one
 * an nginx HIT without X-Generated-At: unverified at the origin, a warning, not a failure).
 */
export const verifyPassedReport = (): RunReport => {
  const pages = [
    `${SITE}/`,
    `${SITE}/shop/`,
    ...Array.from({ length: 50 }, (_, i) => `${SITE}/blog/post-${i}/`),
  ];
  const checks = pages.map((url, i) =>
    i === 7
      ? check(url, 'sitemap', missed(95, 301), refilled(9))
      : i === 9
        ? check(url, 'sitemap', undatedOriginHit(30), refilled(11))
        : check(url, i < 2 ? 'explicit' : 'sitemap', missed(150 + i * 10), refilled(10 + (i % 5))),
  );
  const base = successReport();
  return {
    ...report('success', [
      ...base.steps,
      verifyStep('success', checks, {
        invalidationPaths: ['/*'],
        invalidationCompleted: true,
        originPurge: 'succeeded',
      }),
    ]),
    plan: portalVerifyPlan,
  };
};

/**
 * The CloudFront step invalidated only `/`: 30 of the sitemap's pages (long URLs, one with a Slack
 * control sequence and a backtick in it) are still the CDN's hour-old copies.
 */
export const verifyStaleReport = (): RunReport => {
  const stale = Array.from(
    { length: 30 },
    (_, i) =>
      `${SITE}/shop/${i === 0 ? '<!channel>-`x`' : 'category'}/${'long-product-slug-'.repeat(12)}${i}/`,
  );
  const checks = [
    check(`${SITE}/`, 'explicit', missed(180), refilled(12)),
    check(`${SITE}/shop/`, 'explicit', staleAtCdn(20)),
    ...stale.map((url) => check(url, 'sitemap', staleAtCdn(25))),
  ];
  const base = successReport();
  const steps = base.steps.map((s) => (s.kind === 'cloudfront' ? { ...s, paths: ['/'] } : s));
  return {
    ...report('failure', [
      ...steps,
      verifyStep('failed', checks, {
        invalidationPaths: ['/'],
        invalidationCompleted: true,
        originPurge: 'succeeded',
      }),
    ]),
    plan: portalVerifyPlan,
  };
};

export const allReportFixtures: Record<string, () => RunReport> = {
  ...allFixtures,
  'verify passed': verifyPassedReport,
  'verify found stale copies': verifyStaleReport,
};
