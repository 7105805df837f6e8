// The verify step inside a real run: a sites file with a CloudFront step that does not wait and a verify
// step, executed by the executor with the real SDK against the AWS double (AWS_ENDPOINT_URL), whose
// CreateInvalidation really evicts the CloudFront double's cache, in front of an origin that caches like
// nginx's FastCGI cache. The verify step waits for the invalidation, then proves freshness per layer;
// invalidation paths that miss a page fail it, naming the page, the layer, the evidence and the path to add.
// The executor, the doubles and the origin share one Timeline (helpers/fakes.ts): the wait for the
// invalidation (polls every 1 s and more) takes no real time; the HTTP is real.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startAwsDouble, type AwsDouble } from './helpers/aws-double.js';
import { startCdnDouble, type CdnDouble } from './helpers/cdn-double.js';
import { startOrigin } from './helpers/caching-origin.js';
import { recordingRunner } from './helpers/recording-runner.js';
import { Timeline } from './helpers/fakes.js';
import { parseSitesConfig } from '../src/action/sites-file/read-sites-file.js';
import { buildPlan } from '../src/action/plan/plan.js';
import { buildRunContext } from '../src/action/report/run-context.js';
import { parseExecutionInputs } from '../src/action/inputs/execution-inputs.js';
import { executePlan } from '../src/action/run/execute.js';
import { planLogLines } from '../src/action/plan/plan-view.js';
import { stepDetail } from '../src/action/report/report-view.js';
import { diagnose, describeCause } from '../src/action/report/diagnosis.js';
import type { VerifyStepReport } from '../src/action/report/report.js';
import { restoreEnv } from './helpers/process-env.ts';

let double: AwsDouble;
let origin: Awaited<ReturnType<typeof startOrigin>>;
let cdn: CdnDouble;
let cdnOffsetMs = 0;
const saved = { ...process.env };
const timeline = new Timeline();

beforeAll(async () => {
  timeline.start();
  double = await startAwsDouble({}, timeline.now);
  Object.assign(process.env, double.env(), {
    AWS_ACCESS_KEY_ID: 'AKIDTEST',
    AWS_SECRET_ACCESS_KEY: 'secret',
  });
});
afterAll(async () => {
  restoreEnv(saved);
  await double.close();
  timeline.stop();
});
afterEach(async () => {
  await cdn?.close();
  await origin?.server.close();
});

function sitesFile(paths: string[]) {
  return parseSitesConfig(
    [
      'sites:',
      '  portal:',
      '    steps:',
      `      - cloudfront: { distribution-id: E2EXAMPLE12345, paths: [${paths.map((p) => `'${p}'`).join(', ')}] }`,
      '      - verify:',
      `          urls: ['${cdn.base}/', '${cdn.base}/shop/']`,
      '          cache-header: X-FastCGI-Cache',
      '',
    ].join('\n'),
    'sites.yml',
  );
}

async function purgeAndVerify(paths: string[]) {
  origin = await startOrigin();
  cdnOffsetMs = 0;
  cdn = await startCdnDouble(origin.server.base, { now: () => Date.now() + cdnOffsetMs });
  // visitors filled both caches before the run, an hour "ago" as far as the CDN's Age says
  for (const p of ['/', '/shop/']) await fetch(cdn.base + p).then((r) => r.text());
  cdnOffsetMs = 3_600_000;
  origin.purge(); // the FastCGI purge of the run
  double.reset({ cloudfront: { completeAfterMs: 1_500, onInvalidation: (p) => cdn.invalidate(p) } });
  const plan = buildPlan(sitesFile(paths), { site: 'portal', configFile: 'sites.yml' });
  const env = { GITHUB_RUN_ID: String(Math.random()).slice(2, 12), GITHUB_RUN_ATTEMPT: '1', ...double.env() };
  const settings = parseExecutionInputs(
    {
      roleToAssume: '',
      audience: '',
      roleSessionName: '',
      roleDurationSeconds: '',
      stepTimeoutSeconds: '',
      requester: '',
    },
    plan.site,
    env,
  );
  const { runner, recorded } = recordingRunner();
  const report = await executePlan(plan, buildRunContext(env, plan.site, ''), settings, {
    runner,
    env,
    clock: timeline,
  });
  return { plan, report, log: recorded.info.join('\n'), verify: report.steps[1] as VerifyStepReport };
}

describe('a run with a verify step', () => {
  it('plans it: the URLs listed, the warming said', async () => {
    origin = await startOrigin();
    cdn = await startCdnDouble(origin.server.base);
    const plan = buildPlan(sitesFile(['/*']), { site: 'portal', configFile: 'sites.yml' });
    expect(planLogLines(plan).join('\n')).toContain(
      `2. Verify: verify as a visitor: would request 2 URLs: ${cdn.base}/, ${cdn.base}/shop/`,
    );
  });

  it('waits for the invalidation the CloudFront step left in progress, then finds every layer fresh', async () => {
    const { report, log, verify } = await purgeAndVerify(['/*']);
    expect(report.status).toBe('success');
    expect(log).toMatch(/Waiting for invalidation I\w+ \(step 1\) to complete first\./);
    const gets = double.calls.filter((c) => c.operation === 'GetInvalidation');
    expect(gets.length).toBeGreaterThan(0);
    expect(verify.verify).toMatchObject({
      passed: true,
      layers: {
        cdn: { fresh: 2, stale: 0, unverified: 0, notSeen: 0 },
        origin: { fresh: 2, stale: 0, unverified: 0, notSeen: 0 },
      },
      hitRatioAfterWarming: 1,
    });
    expect(stepDetail(verify)).toBe('CDN 2 fresh · origin 2 fresh · hit ratio after warming 100%');
    expect(log).toContain('Verify passed: 2 URLs (2 listed, 0 from the sitemap)');
  });

  it('fails when the invalidation paths miss a page: the URL, the layer, the Age and the path to add', async () => {
    const { report, verify } = await purgeAndVerify(['/']);
    expect(report.status).toBe('failure');
    expect(verify.status).toBe('failed');
    expect(verify.error?.code).toBe('VerifyFailed');
    expect(verify.verify?.stale).toEqual([
      expect.objectContaining({ url: `${cdn.base}/shop/`, layer: 'cdn' }),
    ]);
    const causes = diagnose(verify).map((c) => describeCause(c));
    expect(causes).toHaveLength(1);
    expect(causes[0]).toContain(`stale at the CDN: ${cdn.base}/shop/`);
    expect(causes[0]).toMatch(/Age/);
    expect(causes[0]).toContain('/shop/');
  });
});
