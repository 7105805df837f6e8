// The executor with the real AWS SDK clients against the local AWS protocol double, reached only
// through AWS_ENDPOINT_URL: credentials through OIDC + STS, every fault the double can inject, and
// for each the truthful status, a log line naming the instance, and no later step run.
// The executor, the double and the SDK share one Timeline (helpers/fakes.ts): waits of the executor
// (polls, backoff, step timeouts) take no real time; the HTTP and the SDK's own retries are real.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  pluginOutput,
  startAwsDouble,
  useAwsDouble,
  fakeInstanceIds,
  type AwsDouble,
  type AwsDoubleOptions,
} from './helpers/aws-double.js';
import { recordingRunner } from './helpers/recording-runner.js';
import { Timeline } from './helpers/fakes.js';
import { parseSitesConfig } from '../src/action/sites-file/read-sites-file.js';
import { buildPlan, type PlanInputs } from '../src/action/plan/plan.js';
import { buildRunContext } from '../src/action/report/run-context.js';
import { parseExecutionInputs } from '../src/action/inputs/execution-inputs.js';
import { executePlan } from '../src/action/run/execute.js';
import type { AwsCredentialProvider } from '../src/action/run/credentials.js';

const PORTAL = ['i-0123456789abcdef0', 'i-0123456789abcdef1'];
const CONFIG = parseSitesConfig(
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
const ROLE = 'arn:aws:iam::123456789012:role/cache-purge';
const MAIN = { 'Site=main': ['i-0123456789abcdef2'] };
/** Seconds from the first credentials to the moment a refresh test acts: step 1 is sent well before. */
const REFRESH_AFTER_S = 5;
/** Step 1 of a refresh test runs this long, so the refresh falls while it is polled (every ≤ 2 s). */
const LONG_STEP_MS = 10_000;
const RESULT = 'CACHE_PURGE_RESULT {"files":12,"bytes":4096,"method":"find-delete","durationMs":7}';

let double: AwsDouble;
const timeline = new Timeline();
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

async function run(
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

const operations = () => double.calls.map((c) => `${c.operation}${c.errorCode ? `!${c.errorCode}` : ''}`);
const statuses = (report: { steps: { status: string }[] }) => report.steps.map((s) => s.status);

describe('executing a plan against the AWS double', () => {
  it("two CloudFront steps on one distribution are two invalidations: the later one's CallerReference names its step", async () => {
    const { report } = await run({}, 'twice');
    expect(report.status).toBe('success');
    const creates = double.callsOf('CreateInvalidation');
    expect(creates.map((c) => String(c.input.CallerReference))).toEqual([
      expect.stringMatching(/^cache-purge\/\d+\/1\/twice\/E4EXAMPLE24680$/),
      expect.stringMatching(/^cache-purge\/\d+\/1\/twice\/E4EXAMPLE24680\/step-2$/),
    ]);
    expect(creates.map((c) => c.input.Paths)).toEqual([['/blog/index.html'], ['/shop/index.html']]);
    const ids = report.steps.map((s) => (s.kind === 'cloudfront' ? s.invalidationId : undefined));
    expect(new Set(ids).size).toBe(2);
  });

  it('runs every step in order with the assumed-role credentials and reports each instance', async () => {
    const { report, recorded, log } = await run({
      defaultScript: { runMs: 150, stdout: `purged\n${RESULT}` },
    });
    expect(report.status).toBe('success');
    expect(statuses(report)).toEqual(['success', 'success', 'success']);
    const issued = double.issuedCredentials.at(-1)!;
    expect(issued).toMatchObject({ roleArn: ROLE, durationSeconds: 900 });
    expect(issued.roleSessionName).toMatch(/^cache-purge-portal-\d+-1$/);
    const signed = double.calls.filter((c) => c.service === 'ssm' || c.service === 'cloudfront');
    expect(signed.length).toBeGreaterThan(5);
    expect(new Set(signed.map((c) => c.accessKeyId))).toEqual(new Set([issued.accessKeyId]));
    expect(recorded.secrets).toEqual(
      expect.arrayContaining([issued.accessKeyId, issued.secretAccessKey, issued.sessionToken]),
    );
    const sends = double.callsOf('SendCommand');
    expect(sends.map((c) => c.input.DocumentName)).toEqual(['CachePurge-W3TotalCache', 'CachePurge-FastCGI']);
    expect(sends[0]!.input).toMatchObject({ InstanceIds: PORTAL, MaxErrors: '0', TimeoutSeconds: 300 });
    expect(String(sends[0]!.input.Comment)).toMatch(/^cache-purge portal run \d+\/1 by octocat$/);
    // Strictly in order: the second command is sent only after the first one ended on the double.
    const first = report.steps[0]!;
    expect(first.kind === 'ssm' && double.completedAt(first.commandId!)).toBeLessThan(sends[1]!.at);
    const [ssmStep] = report.steps;
    expect(ssmStep!.kind === 'ssm' && ssmStep!.instances[0]!.result).toEqual({
      files: 12,
      bytes: 4096,
      method: 'find-delete',
      durationMs: 7,
    });
    expect(log).toMatch(
      new RegExp(
        `\\n  ✓ ${PORTAL[0]}: Success in \\d+ ms — 12 files, 4\\.0 KiB removed \\(find-delete\\)\\n`,
      ),
    );
    const invalidation = double.callsOf('CreateInvalidation')[0]!;
    expect(invalidation.input).toMatchObject({ DistributionId: 'E2EXAMPLE12345', Paths: ['/*'] });
    expect(String(invalidation.input.CallerReference)).toMatch(
      /^cache-purge\/\d+\/1\/portal\/E2EXAMPLE12345$/,
    );
  });

  it('a parent Success with one Undeliverable instance fails the step, names the instance and runs nothing after', async () => {
    const { report, log } = await run({
      documents: { 'CachePurge-W3TotalCache': { instances: { [PORTAL[1]!]: { fault: 'Undeliverable' } } } },
    });
    const commandId = report.steps[0]!.kind === 'ssm' ? report.steps[0]!.commandId : '';
    const parent = await double.commands.get(commandId!);
    expect(parent).toBeDefined();
    expect(report.status).toBe('failure');
    expect(statuses(report)).toEqual(['failed', 'skipped', 'skipped']);
    expect(report.steps[0]!.error?.code).toBe('Undeliverable');
    expect(log).toContain(`✗ ${PORTAL[1]}: Undeliverable — SSM could not deliver the command`);
    expect(operations().filter((o) => o === 'SendCommand')).toHaveLength(1);
    expect(operations()).not.toContain('CreateInvalidation');
  });

  it.each([
    ['DeliveryTimedOut' as const, 'TimedOut', 'Delivery Timed Out', 'the instance is offline or stopped'],
    [
      'ExecutionTimedOut' as const,
      'TimedOut',
      'Execution Timed Out',
      "the script ran past the document's executionTimeout",
    ],
  ])(
    '%s on one instance fails the step with the instance named',
    async (fault, status, details, explanation) => {
      const { report, log } = await run({
        documents: { 'CachePurge-FastCGI': { instances: { [PORTAL[0]!]: { fault } } } },
      });
      expect(statuses(report)).toEqual(['success', 'failed', 'skipped']);
      const step = report.steps[1]!;
      expect(step.kind === 'ssm' && step.instances.find((i) => i.instanceId === PORTAL[0])).toMatchObject({
        status,
        statusDetails: details,
      });
      expect(log).toMatch(new RegExp(`✗ ${PORTAL[0]}: ${details}( in \\d+ ms)? — [^\\n]*${explanation}`));
    },
  );

  it('a script exit code fails the step with the code and the first stderr line', async () => {
    const { report, log } = await run({
      documents: {
        'CachePurge-W3TotalCache': {
          default: { exitCode: 0, stdout: RESULT },
          instances: {
            [PORTAL[0]!]: {
              exitCode: 3,
              stdout: 'flushing',
              stderr: 'Error: W3 Total Cache is not active.\nmore',
            },
          },
        },
      },
    });
    expect(statuses(report)).toEqual(['failed', 'skipped', 'skipped']);
    const step = report.steps[0]!;
    expect(step.kind === 'ssm' && step.instances.map((i) => [i.status, i.responseCode])).toEqual([
      ['Failed', 3],
      ['Success', 0],
    ]);
    expect(log).toMatch(
      new RegExp(
        `✗ ${PORTAL[0]}: Failed \\(exit code 3\\) in \\d+ ms — Error: W3 Total Cache is not active\\.`,
      ),
    );
  });

  it('survives throttling on every third SSM call and an InvocationDoesNotExist window after SendCommand, and throttled CloudFront polls', async () => {
    const { report } = await run(
      {
        throttleEvery: { ssm: 3, cloudfront: 2 },
        invisibleForMs: 700,
        cloudfront: { completeAfterMs: 1_200 },
      },
      'portal',
      { plan: { waitForInvalidation: true } },
    );
    expect(report.status).toBe('success');
    expect(operations()).toContain('ListCommands!ThrottlingException');
    expect(operations()).toContain('GetInvalidation!Throttling');
  });

  it('a tag that matches no instance is a failure, not a success', async () => {
    const { report, log } = await run({ tags: {} }, 'main');
    expect(report.status).toBe('failure');
    expect(report.steps[0]).toMatchObject({
      status: 'failed',
      targetCount: 0,
      error: { code: 'NoInstancesTargeted' },
    });
    expect(log).toContain('The targets matched no instance');
    expect(statuses(report)).toEqual(['failed', 'skipped']);
  });

  it('reads 120 tagged instances with paginated ListCommandInvocations, once', async () => {
    const ids = fakeInstanceIds(120);
    const { report } = await run({ tags: { 'Site=main': ids }, defaultScript: { runMs: 50 } }, 'main');
    expect(report.status).toBe('success');
    const step = report.steps[0]!;
    expect(step.kind === 'ssm' && step.instances.length).toBe(120);
    expect(double.callsOf('ListCommandInvocations')).toHaveLength(3);
    expect(double.callsOf('ListCommandInvocations').every((c) => c.input.Details === true)).toBe(true);
  });

  it('past step-timeout-seconds cancels the command, reports timed-out and skips the rest', async () => {
    const { report, log } = await run(
      { documents: { 'CachePurge-W3TotalCache': { default: { runMs: 10_000 } } } },
      'portal',
      { stepTimeoutSeconds: '1' },
    );
    expect(statuses(report)).toEqual(['timed-out', 'skipped', 'skipped']);
    expect(report.steps[0]!.durationMs).toBeLessThan(1_500);
    expect(operations()).toContain('CancelCommand');
    expect(log).toMatch(
      new RegExp(`✗ ${PORTAL[0]}: (InProgress — still running|Cancelled — the command was cancelled)`),
    );
  });

  it('retries TooManyInvalidationsInProgress with backoff, and waits for completion when asked', async () => {
    const { report, log } = await run(
      { tags: MAIN, cloudfront: { tooManyInvalidations: 2, completeAfterMs: 1_500 } },
      'main',
      { plan: { waitForInvalidation: true, paths: ['/blog/*', '/'] } },
    );
    expect(report.status).toBe('success');
    expect(operations().filter((o) => o.startsWith('CreateInvalidation'))).toEqual([
      'CreateInvalidation!TooManyInvalidationsInProgress',
      'CreateInvalidation!TooManyInvalidationsInProgress',
      'CreateInvalidation',
    ]);
    // the SDK sends TooManyInvalidationsInProgress once: each of our passes is one request
    expect(log).toContain(
      'CreateInvalidation on E3EXAMPLE67890: TooManyInvalidationsInProgress (1 request so far)',
    );
    expect(log).toContain(
      'CreateInvalidation on E3EXAMPLE67890: TooManyInvalidationsInProgress (2 requests so far)',
    );
    expect(log).toMatch(
      /Invalidation I\w+ of \/blog\/\* \/ on E3EXAMPLE67890: InProgress \(CreateInvalidation took 3 requests\)\./,
    );
    expect(report.steps[1]).toMatchObject({ invalidationStatus: 'Completed', paths: ['/blog/*', '/'] });
    const gets = double.callsOf('GetInvalidation').length;
    expect(gets).toBeGreaterThanOrEqual(1);
    expect(log).toContain(
      `completed (${gets === 1 ? '1 GetInvalidation request' : `${gets} GetInvalidation requests`}).`,
    );
  });

  it('counts the requests the SDK retried: throttling then TooManyInvalidationsInProgress, as many as the double saw', async () => {
    const { report, log } = await run(
      { tags: MAIN, cloudfront: { throttledCreates: 4, tooManyInvalidations: 1 } },
      'main',
    );
    expect(report.status).toBe('success');
    // the SDK's 3 requests end throttled; our next pass: 1 throttled, retried by the SDK into 1
    // TooMany, which it does not retry (an error after 2 requests); then the invalidation
    expect(operations().filter((o) => o.startsWith('CreateInvalidation'))).toEqual([
      ...Array<string>(4).fill('CreateInvalidation!Throttling'),
      'CreateInvalidation!TooManyInvalidationsInProgress',
      'CreateInvalidation',
    ]);
    const retries = log.split('\n').filter((l) => l.startsWith('CreateInvalidation on E3EXAMPLE67890:'));
    expect(retries).toEqual([
      expect.stringMatching(
        /^CreateInvalidation on E3EXAMPLE67890: Throttling \(3 requests so far\); retrying in (\d+ ms|\d+(\.\d)? s)\.$/,
      ),
      expect.stringMatching(/: TooManyInvalidationsInProgress \(5 requests so far\); retrying in /),
    ]);
    expect(double.callsOf('CreateInvalidation')).toHaveLength(6);
    expect(log).toContain('(CreateInvalidation took 6 requests).');
  });

  it('TooManyInvalidationsInProgress that outlasts the step timeout fails with the limit explained and the requests counted', async () => {
    const { report } = await run({ tags: MAIN, cloudfront: { tooManyInvalidations: 1_000 } }, 'main', {
      stepTimeoutSeconds: '2',
    });
    expect(report.steps[1]).toMatchObject({
      status: 'failed',
      error: { code: 'TooManyInvalidationsInProgress' },
    });
    const sent = double.callsOf('CreateInvalidation').length;
    expect(sent).toBeGreaterThan(2);
    expect(report.steps[1]!.error!.message).toMatch(
      new RegExp(
        `^CreateInvalidation on E3EXAMPLE67890 failed after ${sent} requests within step-timeout-seconds \\(2 s\\): `,
      ),
    );
    expect(report.steps[1]!.error!.message).toContain(
      "Other invalidations in progress on this distribution hold CloudFront's limits (3,000 file paths, and apart from them 15 wildcard paths, in progress at once)",
    );
  });

  it('throttling that outlasts the step timeout: every request the SDK retried is counted', async () => {
    const { report, log } = await run({ tags: MAIN, cloudfront: { throttledCreates: 1_000 } }, 'main', {
      stepTimeoutSeconds: '2',
    });
    expect(report.steps[1]).toMatchObject({ status: 'failed', error: { code: 'Throttling' } });
    const sent = double.callsOf('CreateInvalidation').length;
    // each pass of ours is the SDK's 3 requests
    expect(sent % 3).toBe(0);
    expect(sent).toBeGreaterThanOrEqual(3);
    expect(report.steps[1]!.error!.message).toContain(
      `CreateInvalidation on E3EXAMPLE67890 failed after ${sent} requests within step-timeout-seconds (2 s): Rate exceeded.`,
    );
    const lines = log.split('\n').filter((l) => l.includes('requests so far'));
    expect(lines.map((l) => /\((\d+) requests so far\)/.exec(l)![1])).toEqual(
      Array.from({ length: sent / 3 - 1 }, (_, i) => String(3 * (i + 1))),
    );
  });

  it('a throttled GetInvalidation poll is not re-sent by us; the requests counted are those the double saw', async () => {
    const { report, log } = await run(
      { tags: MAIN, cloudfront: { throttledGets: 3, completeAfterMs: 300 } },
      'main',
      { plan: { waitForInvalidation: true } },
    );
    expect(report.steps[1]).toMatchObject({ status: 'success', invalidationStatus: 'Completed' });
    // poll 1: the SDK's 3 requests, all throttled; poll 2 (not sooner): Completed
    expect(operations().filter((o) => o.startsWith('GetInvalidation'))).toEqual([
      ...Array<string>(3).fill('GetInvalidation!Throttling'),
      'GetInvalidation',
    ]);
    expect(log).toMatch(
      /GetInvalidation I\w+: Throttling \(3 requests so far\); asking again at the next poll\./,
    );
    expect(log).toMatch(/Invalidation I\w+ completed \(4 GetInvalidation requests\)\./);
  });

  it('an invalidation that does not complete within the step timeout is timed-out, not success', async () => {
    const { report } = await run({ tags: MAIN, cloudfront: { completeAfterMs: 60_000 } }, 'main', {
      stepTimeoutSeconds: '2',
      plan: { waitForInvalidation: true },
    });
    expect(report.steps[1]).toMatchObject({ status: 'timed-out', invalidationStatus: 'InProgress' });
  });

  it('STS AccessDenied stops before any step, naming the role and the trust-policy conditions, without retrying', async () => {
    const { report } = await run({ sts: { accessDenied: true } });
    expect(report.status).toBe('failure');
    expect(statuses(report)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(report.error!.message).toContain(`STS denied AssumeRoleWithWebIdentity for ${ROLE}`);
    // the sub and aud of the token this run was given (the double's OIDC endpoint issued it)
    expect(report.error!.message).toContain(
      'This job\'s token has sub "repo:example/site:ref:refs/heads/main" and aud "sts.amazonaws.com"',
    );
    expect(report.error!.message).toContain(
      '"token.actions.githubusercontent.com:sub" matching "repo:example/site:ref:refs/heads/main"',
    );
    expect(report.error!.message).toContain(
      '"token.actions.githubusercontent.com:aud" matching "sts.amazonaws.com"',
    );
    expect(operations()).toEqual(['GetIdToken', 'AssumeRoleWithWebIdentity!AccessDenied']);
  });

  it('without role-to-assume and no credentials anywhere: fails before any step, sends nothing, names the fix', async () => {
    const { report, log } = await run({}, 'portal', { role: '' });
    expect(report.status).toBe('failure');
    expect(statuses(report)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(report.error).toMatchObject({ code: 'CredentialsError', title: 'No AWS credentials' });
    expect(report.error!.message).toContain('No AWS credentials were found.');
    expect(report.error!.message).toContain(
      'Fix: set the "role-to-assume" input to the ARN of an IAM role that trusts GitHub\'s OIDC provider (the job then needs `permissions: id-token: write`), or run aws-actions/configure-aws-credentials before this step.',
    );
    expect(double.calls).toEqual([]);
    expect(log).not.toContain('SendCommand');
  });

  it('without role-to-assume, keys in the environment (configure-aws-credentials) sign every request', async () => {
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    });
    try {
      const { report, log } = await run({ defaultScript: { stdout: RESULT } }, 'portal', { role: '' });
      expect(report.status).toBe('success');
      expect(log).toContain(
        'Credentials: found by the AWS SDK default credential chain (no role-to-assume given).',
      );
      expect(operations()).not.toContain('AssumeRoleWithWebIdentity');
      const signed = double.calls.filter((c) => c.service === 'ssm' || c.service === 'cloudfront');
      expect(signed.length).toBeGreaterThan(3);
      expect(signed.every((c) => c.accessKeyId === 'AKIAIOSFODNN7EXAMPLE')).toBe(true);
    } finally {
      delete process.env.AWS_ACCESS_KEY_ID;
      delete process.env.AWS_SECRET_ACCESS_KEY;
    }
  });

  it('retries transient STS failures', async () => {
    const { report } = await run({ sts: { transientFailures: 2 } });
    expect(report.status).toBe('success');
    expect(operations().slice(0, 4)).toEqual([
      'GetIdToken',
      'AssumeRoleWithWebIdentity!IDPCommunicationError',
      'AssumeRoleWithWebIdentity!IDPCommunicationError',
      'AssumeRoleWithWebIdentity',
    ]);
  });

  it('a run that outlasts the role session: the SDK has the role assumed again mid-step, and every later request is signed with the new key', async () => {
    // the first credentials end 305 s after they are issued, so the SDK's 300 s margin is reached
    // 5 s into the run (step 1 must be sent before: ample even on a loaded machine), while step 1
    // (10 s; polled at least every 2 s) is being polled; the second ones last 900 s
    const { report, recorded, log } = await run({
      sts: { lifetimesSeconds: [REFRESH_AFTER_S + 300] },
      documents: { 'CachePurge-W3TotalCache': { default: { runMs: LONG_STEP_MS, stdout: RESULT } } },
      defaultScript: { stdout: RESULT },
    });
    expect(report.status).toBe('success');
    expect(statuses(report)).toEqual(['success', 'success', 'success']);
    const [first, renewed] = double.issuedCredentials.slice(-2);
    expect(double.callsOf('GetIdToken')).toHaveLength(2);
    const assumed = double.callsOf('AssumeRoleWithWebIdentity');
    expect(assumed.map((c) => c.errorCode)).toEqual([undefined, undefined]);

    const sends = double.callsOf('SendCommand');
    const refreshedAt = assumed[1]!.seq;
    // mid-run: after step 1 was sent with the first key, before step 2 was sent
    expect(sends[0]!.accessKeyId).toBe(first!.accessKeyId);
    expect(sends[0]!.seq).toBeLessThan(refreshedAt);
    expect(sends[1]!.seq).toBeGreaterThan(refreshedAt);
    const signed = double.calls.filter((c) => c.service === 'ssm' || c.service === 'cloudfront');
    expect(signed.filter((c) => c.seq < refreshedAt).map((c) => c.accessKeyId)).toEqual(
      signed.filter((c) => c.seq < refreshedAt).map(() => first!.accessKeyId),
    );
    const after = signed.filter((c) => c.seq > refreshedAt);
    expect(after.map((c) => c.operation)).toEqual(
      expect.arrayContaining(['ListCommands', 'CreateInvalidation']),
    );
    expect(new Set(after.map((c) => c.accessKeyId))).toEqual(new Set([renewed!.accessKeyId]));
    // step 1 was still being polled when the refresh happened
    expect(after.some((c) => c.operation === 'ListCommands' && c.seq < sends[1]!.seq)).toBe(true);

    expect(recorded.secrets).toEqual(
      expect.arrayContaining([renewed!.accessKeyId, renewed!.secretAccessKey, renewed!.sessionToken]),
    );
    expect(log.match(/^Credentials: refreshed/gm)).toHaveLength(1);
  });

  it('a refresh STS refuses with minutes left fails nothing: one log line, the old key signs the whole run, no new try within 30 s', async () => {
    const { report, log } = await run({
      sts: { lifetimesSeconds: [REFRESH_AFTER_S + 300], deniedAfterIssued: 1 },
      documents: { 'CachePurge-W3TotalCache': { default: { runMs: LONG_STEP_MS, stdout: RESULT } } },
      defaultScript: { stdout: RESULT },
    });
    expect(report.status).toBe('success');
    expect(statuses(report)).toEqual(['success', 'success', 'success']);
    const first = double.issuedCredentials.at(-1)!;
    // one refused try (the run is shorter than the 30 s wait), though every command asked
    expect(operations().filter((o) => o.startsWith('AssumeRole'))).toEqual([
      'AssumeRoleWithWebIdentity',
      'AssumeRoleWithWebIdentity!AccessDenied',
    ]);
    const refusedAt = double.callsOf('AssumeRoleWithWebIdentity')[1]!.seq;
    const signed = double.calls.filter((c) => c.service === 'ssm' || c.service === 'cloudfront');
    expect(signed.filter((c) => c.seq > refusedAt).map((c) => c.operation)).toEqual(
      expect.arrayContaining(['ListCommands', 'SendCommand', 'CreateInvalidation']),
    );
    expect(new Set(signed.map((c) => c.accessKeyId))).toEqual(new Set([first.accessKeyId]));
    expect(log.match(/^Credentials: refreshing failed.*$/gm)).toEqual([
      `Credentials: refreshing failed (AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity); the current ones are valid until ${first.expiration}; trying again in 30 s.`,
    ]);
    expect(log).not.toMatch(/^Credentials: refreshed/m);
  });

  it('a refresh STS refuses with 60 s or less left fails the step it happens in with what failed and the fix, not ExpiredToken; later steps are skipped', async () => {
    // the first credentials are already within the SDK's 300 s margin: refused at once with 65 s
    // left (a warning); 5 s into the run, 60 s left, the last try is refused too, while step 1 is polled
    const { report, log } = await run({
      sts: { lifetimesSeconds: [REFRESH_AFTER_S + 60], deniedAfterIssued: 1 },
      documents: { 'CachePurge-W3TotalCache': { default: { runMs: LONG_STEP_MS, stdout: RESULT } } },
    });
    expect(report.status).toBe('failure');
    expect(statuses(report)).toEqual(['failed', 'skipped', 'skipped']);
    const error = report.steps[0]!.error!;
    expect(error.code).toBe('CredentialsRefreshFailed');
    expect(error.message).toMatch(
      new RegExp(
        `^Could not follow command [\\w-]+: The assumed-role credentials for ${ROLE} expire at [\\dT:.Z-]+, and refreshing them failed\\. Could not assume the role: STS denied AssumeRoleWithWebIdentity for ${ROLE} `,
      ),
    );
    expect(error.message).toContain(
      'This job\'s token has sub "repo:example/site:ref:refs/heads/main" and aud "sts.amazonaws.com"; the role\'s trust policy must allow exactly that',
    );
    expect(error.message).toContain('raise the "role-duration-seconds" input (now 900)');
    expect(error.message).not.toContain('ExpiredToken:');
    expect(log).toContain('ListCommands failed: CredentialsRefreshFailed: The assumed-role credentials');
    expect(log.match(/^Credentials: refreshing failed/gm)).toHaveLength(1);
    expect(operations().filter((o) => o.startsWith('AssumeRole'))).toEqual([
      'AssumeRoleWithWebIdentity',
      'AssumeRoleWithWebIdentity!AccessDenied',
      'AssumeRoleWithWebIdentity!AccessDenied',
    ]);
    expect(double.callsOf('SendCommand')).toHaveLength(1);
  });

  it('without role-to-assume the default chain is handed to the clients as a provider, asked again as its credentials near expiry', async () => {
    let asked = 0;
    // credentials that are always within the SDK's 5-minute margin: every request asks again
    const defaultChain: AwsCredentialProvider = async () => ({
      accessKeyId: `ASIACHAIN${++asked}`,
      secretAccessKey: 'secret',
      sessionToken: 'token',
      expiration: new Date(Date.now() + 60_000),
    });
    const { report } = await run({ defaultScript: { stdout: RESULT } }, 'portal', { role: '', defaultChain });
    expect(report.status).toBe('success');
    const signed = double.calls.filter((c) => c.service === 'ssm' || c.service === 'cloudfront');
    // each request asked the chain itself (the SDK's memoiser re-asks credentials this close to
    // expiry), so every one is signed with a key the chain handed out after the up-front check
    const keys = signed.map((c) => c.accessKeyId);
    expect(signed.length).toBeGreaterThan(5);
    expect(keys.every((k) => /^ASIACHAIN\d+$/.test(k!) && k !== 'ASIACHAIN1')).toBe(true);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('cancellation mid-step cancels the command in flight and skips the rest', async () => {
    const controller = new AbortController();
    timeline.after(800, () => controller.abort());
    const { report } = await run(
      { documents: { 'CachePurge-FastCGI': { default: { runMs: 10_000 } } } },
      'portal',
      { signal: controller.signal },
    );
    expect(report.status).toBe('cancelled');
    expect(statuses(report)).toEqual(['success', 'cancelled', 'skipped']);
    const cancel = double.callsOf('CancelCommand')[0]!;
    expect(cancel.input.CommandId).toBe(report.steps[1]!.kind === 'ssm' && report.steps[1]!.commandId);
  });
});

describe('instance output beyond what ListCommandInvocations holds (2,500 characters)', () => {
  const LONG = Array.from(
    { length: 80 },
    (_, i) => `removed /var/cache/nginx/main/${i}/${'x'.repeat(32)}`,
  ).join('\n');
  const ssmCalls = () => double.calls.filter((c) => c.service === 'ssm').map((c) => c.operation);

  it('the double cuts Output as the SSM agent does (its own examples, capacity 100)', () => {
    const sample = 'This is a sample text. '.repeat(20);
    expect(pluginOutput('sample output', 'sample error', 100)).toBe(
      'sample output\n----------ERROR-------\nsample error',
    );
    expect(pluginOutput(sample, '', 100)).toBe(`${sample.slice(0, 77)}\n---Output truncated---`);
    expect(pluginOutput('', sample, 100)).toBe(
      `\n----------ERROR-------\n${sample.slice(0, 53)}\n---Error truncated----`,
    );
    expect(pluginOutput(sample, sample, 100)).toBe(
      `${sample.slice(0, 15)}\n---Output truncated---\n----------ERROR-------\n${sample.slice(0, 15)}\n---Error truncated----`,
    );
  });

  it('a long output loses its CACHE_PURGE_RESULT line in the list; it is read again with GetCommandInvocation', async () => {
    const { report, log } = await run(
      { tags: MAIN, defaultScript: { runMs: 50, stdout: `${LONG}\n${RESULT}` } },
      'main',
    );
    expect(report.status).toBe('success');
    const step = report.steps[0]!;
    if (step.kind !== 'ssm') throw new Error('expected an SSM step');
    const [instance] = step.instances;
    expect(instance!.result).toEqual({ files: 12, bytes: 4096, method: 'find-delete', durationMs: 7 });
    expect(instance!.stdout).toBe(`${LONG}\n${RESULT}`);
    expect(instance!.outputTruncated).toBeUndefined();
    const gets = double.callsOf('GetCommandInvocation');
    expect(gets.map((c) => c.input)).toEqual([
      { CommandId: step.commandId, InstanceId: 'i-0123456789abcdef2', PluginName: 'aws:runShellScript' },
    ]);
    expect(log).toMatch(/Success in \d+ ms — 12 files, 4\.0 KiB removed \(find-delete\)/);
  });

  it('the normal path (short outputs with their result line) reads nothing again: 2 + ⌈N/50⌉ + polls calls', async () => {
    const ids = fakeInstanceIds(120, 7);
    const { report } = await run(
      { tags: { 'Site=main': ids }, defaultScript: { runMs: 50, stdout: `purged\n${RESULT}` } },
      'main',
    );
    expect(report.status).toBe('success');
    const calls = ssmCalls();
    expect(calls).not.toContain('GetCommandInvocation');
    const polls = calls.filter((op) => op === 'ListCommands').length;
    // the pre-flight's one GetDocument of the step's document, before anything runs
    expect(calls.filter((op) => op === 'GetDocument')).toHaveLength(1);
    expect(calls[0]).toBe('GetDocument');
    const step = calls.slice(1);
    // SendCommand, the polls, and one ListCommandInvocations per page of 50: within issue 3's bound.
    expect(step).toHaveLength(1 + polls + Math.ceil(120 / 50));
    expect(step.length).toBeLessThanOrEqual(2 + Math.ceil(120 / 50) + polls);
  });

  it('reads at most 10 cut outputs per step, in full up to 24,000 / 8,000 characters, and says how many it left', async () => {
    const ids = fakeInstanceIds(14, 9);
    const failing = Object.fromEntries(
      ids
        .slice(0, 12)
        .map((id) => [
          id,
          { exitCode: 1, stdout: 'o'.repeat(30_000), stderr: `rm: denied ${id}\n${'e'.repeat(20_000)}` },
        ]),
    );
    const { report, log } = await run(
      {
        tags: { 'Site=main': ids },
        documents: {
          'CachePurge-FastCGI': { default: { runMs: 50, stdout: `ok\n${RESULT}` }, instances: failing },
        },
      },
      'main',
    );
    expect(report.status).toBe('failure');
    const step = report.steps[0]!;
    if (step.kind !== 'ssm') throw new Error('expected an SSM step');
    expect(double.callsOf('GetCommandInvocation')).toHaveLength(10);
    const read = step.instances.filter((i) => i.stdout.length === 24_000);
    expect(read).toHaveLength(10);
    for (const instance of read) {
      expect(instance.stderr).toHaveLength(8_000);
      expect(instance.stderr.startsWith(`rm: denied ${instance.instanceId}`)).toBe(true);
      expect(instance.outputTruncated).toBe(true); // still SSM's first 24,000 / 8,000 only
    }
    const listedOnly = step.instances.filter((i) => i.status === 'Failed' && i.stdout.length < 24_000);
    expect(listedOnly).toHaveLength(2);
    for (const instance of listedOnly) {
      expect(instance.stdout.length + instance.stderr.length).toBeLessThan(2_500);
      expect(instance.stdout).not.toContain('---Output truncated---'); // the marker is SSM's, not output
      expect(instance.outputTruncated).toBe(true);
    }
    expect(
      step.instances.filter((i) => i.status === 'Success').every((i) => i.result && !i.outputTruncated),
    ).toBe(true);
    expect(log).toContain(
      'The output of 2 more instances was cut by SSM at 2,500 characters and not read again (at most 10 full reads per step).',
    );
  });

  it('a role that may not call GetCommandInvocation keeps the cut output and says so; the step result stands', async () => {
    const { report, log } = await run(
      {
        tags: MAIN,
        ssmDenied: ['GetCommandInvocation'],
        defaultScript: { runMs: 50, stdout: `${LONG}\n${RESULT}` },
      },
      'main',
    );
    expect(report.status).toBe('success');
    const step = report.steps[0]!;
    if (step.kind !== 'ssm') throw new Error('expected an SSM step');
    expect(step.instances[0]!).toMatchObject({ status: 'Success', outputTruncated: true });
    expect(step.instances[0]!.result).toBeUndefined();
    expect(log).toContain(
      'Could not read the full output of i-0123456789abcdef2: AccessDeniedException (GetCommandInvocation); keeping the first 2,500 characters SSM listed.',
    );
  });
});
