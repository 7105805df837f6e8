// The executor against the AWS double, for the aws-execution*.integration tests: the sites file they
// run (portal by instance ids, main by tag, two CloudFront steps on one distribution), one double and
// one Timeline per test file (helpers/fakes.ts: the executor's waits take no real time; the HTTP and
// the SDK's own retries are real), and `run` — one site through executePlan with the real AWS SDK
// clients, reached only through AWS_ENDPOINT_URL, credentials through OIDC + STS.

import { afterAll, beforeAll } from 'vitest';
import { startAwsDouble, useAwsDouble, type AwsDouble, type AwsDoubleOptions } from './aws-double.js';
import { recordingRunner } from './recording-runner.js';
import { Timeline } from './fakes.js';
import { parseSitesConfig } from '../../src/action/sites-file/read-sites-file.js';
import { buildPlan, type PlanInputs } from '../../src/action/plan/plan.js';
import { buildRunContext } from '../../src/action/report/run-context.js';
import { parseExecutionInputs } from '../../src/action/inputs/execution-inputs.js';
import { executePlan } from '../../src/action/run/execute.js';
import type { AwsCredentialProvider } from '../../src/action/run/credentials.js';

export const PORTAL = ['i-0123456789abcdef0', 'i-0123456789abcdef1'];
export const CONFIG = parseSitesConfig(
  `
region: us-east-1
sites:
  portal:
    targets: { instance-ids: [${PORTAL.join(', ')}] }
    steps:
      - name: W3 Total Cache
        ssm: { document: CachePurge-W3TotalCache, parameters: { WordPressPath: /var/www/portal } }
      - name: FastCGI cache
        ssm: { document: CachePurge-FastCGI, parameters: { CachePath: /var/cache/nginx/portal } }
      - cloudfront: { distribution-id: E2EXAMPLE12345 }
  main:
    targets: { tags: { Site: main } }
    steps:
      - name: FastCGI cache
        ssm: { document: CachePurge-FastCGI, parameters: { CachePath: /var/cache/nginx/main } }
      - cloudfront: { distribution-id: E3EXAMPLE67890, paths: ['/*'] }
  twice:
    steps:
      - name: Blog pages
        cloudfront: { distribution-id: E4EXAMPLE24680, paths: ['/blog/index.html'] }
      - name: Shop pages
        cloudfront: { distribution-id: E4EXAMPLE24680, paths: ['/shop/index.html'] }
`,
  'sites.yml',
);
export const ROLE = 'arn:aws:iam::123456789012:role/cache-purge';
export const MAIN = { 'Site=main': ['i-0123456789abcdef2'] };
/** Seconds from the first credentials to the moment a refresh test acts: step 1 is sent well before. */
export const REFRESH_AFTER_S = 5;
/** Step 1 of a refresh test runs this long, so the refresh falls while it is polled (every ≤ 2 s). */
export const LONG_STEP_MS = 10_000;
export const RESULT = 'CACHE_PURGE_RESULT {"files":12,"bytes":4096,"method":"find-delete","durationMs":7}';

/** The executor's, the double's and the SDK's clock. */
export const timeline = new Timeline();
/** The file's double (a live binding: set by useExecutionDouble's beforeAll). */
export let double: AwsDouble;

/** Starts the double on the timeline before the file's tests and points the SDK at it; stops both after. */
export function useExecutionDouble(): void {
  let restoreEnv: () => void;
  beforeAll(async () => {
    timeline.start();
    double = await startAwsDouble({}, timeline.now);
    restoreEnv = useAwsDouble(double);
  });
  afterAll(async () => {
    restoreEnv();
    await double.close();
    timeline.stop();
  });
}

/** Runs `site` of CONFIG through executePlan against the double scripted with `options`. */
export async function run(
  options: AwsDoubleOptions,
  site = 'portal',
  more: {
    stepTimeoutSeconds?: string;
    plan?: Partial<PlanInputs>;
    signal?: AbortSignal;
    role?: string;
    defaultChain?: AwsCredentialProvider;
  } = {},
) {
  double.reset(options);
  const plan = buildPlan(CONFIG, { site, configFile: 'sites.yml', ...more.plan });
  const env: Record<string, string> = {
    GITHUB_RUN_ID: String(Math.random()).slice(2, 12),
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_ACTOR: 'octocat',
    ...double.env(),
  };
  const settings = parseExecutionInputs(
    {
      roleToAssume: more.role ?? ROLE,
      audience: '',
      roleSessionName: '',
      roleDurationSeconds: '',
      stepTimeoutSeconds: more.stepTimeoutSeconds ?? '',
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
    random: () => 0,
    ...(more.signal ? { signal: more.signal } : {}),
    ...(more.defaultChain ? { defaultChain: more.defaultChain } : {}),
    getIdToken: async (audience) => {
      const res = await fetch(`${env.ACTIONS_ID_TOKEN_REQUEST_URL}&audience=${audience}`, {
        headers: { authorization: `Bearer ${env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}` },
      });
      return ((await res.json()) as { value: string }).value;
    },
  });
  return { report, recorded, log: recorded.info.join('\n') };
}

/** The double's calls as "Operation" or "Operation!ErrorCode", in order. */
export const operations = () =>
  double.calls.map((c) => `${c.operation}${c.errorCode ? `!${c.errorCode}` : ''}`);
export const statuses = (report: { steps: { status: string }[] }) => report.steps.map((s) => s.status);
