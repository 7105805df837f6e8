// Runner-level tests of the committed bundle doing real runs against the local AWS double: no AWS
// keys in the environment, so credentials can only come from GitHub OIDC + STS, and the double checks
// that every SSM and CloudFront request was signed with the assumed-role key. Also failure,
// cancellation by SIGTERM, a failed or missing OIDC token, STS AccessDenied, a run that outlasts the
// role session (assumed again mid-run, later requests signed with the new key; a refused refresh with
// minutes left only logged), and runs without role-to-assume: keys in the environment are used, and
// none at all is one run-level error. Inputs and sites files refused before any AWS call:
// action-refusals.aws.runner.test.ts.

import { describe, expect, it } from 'vitest';
import { errorAnnotations, runAction } from './helpers/run-action.js';
import { startAwsDouble } from './helpers/aws-double.js';
import {
  CONFIG,
  RESULT,
  ROLE,
  double,
  inputs,
  noCredentialFiles,
  runnerEnv,
  useAwsDoubleForRunner,
} from './helpers/action-aws-runner.js';

useAwsDoubleForRunner();

/** The refresh runs: first credentials' lifetime, and step 1's run time (see the tests below). */
const REFRESH_LIFETIME_S = 301.5;
const LONG_STEP_MS = 3_000;

describe('dist/index.js running the plan against AWS (the double)', () => {
  it('purges portal with OIDC credentials: every AWS request signed with the assumed-role key', async () => {
    double.reset({ defaultScript: { runMs: 100, stdout: `ok\n${RESULT}` } });
    const run = await runAction({
      inputs: inputs({ requester: '<@U2CERLKJA>' }),
      files: CONFIG,
      env: runnerEnv(double),
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.outputs.status).toBe('success');
    const report = JSON.parse(run.outputs.report!);
    expect(report.context).toMatchObject({
      requester: '<@U2CERLKJA>',
      trigger: 'slack',
      runUrl: 'https://github.com/acme/site/actions/runs/1234',
    });
    expect(report.steps.map((s: { status: string }) => s.status)).toEqual(['success', 'success', 'success']);
    expect(JSON.parse(run.outputs['command-ids']!)).toEqual(
      report.steps.slice(0, 2).map((s: { commandId: string }) => s.commandId),
    );
    expect(JSON.parse(run.outputs['invalidation-ids']!)).toEqual([report.steps[2].invalidationId]);

    const issued = double.issuedCredentials.at(-1)!;
    expect(issued.roleSessionName).toBe('cache-purge-portal-1234-1');
    const awsCalls = double.calls.filter((c) => c.service === 'ssm' || c.service === 'cloudfront');
    expect(awsCalls.map((c) => c.operation)).toContain('CreateInvalidation');
    expect(awsCalls.every((c) => c.accessKeyId === issued.accessKeyId)).toBe(true);
    expect(double.calls.slice(0, 2).map((c) => c.operation)).toEqual([
      'GetIdToken',
      'AssumeRoleWithWebIdentity',
    ]);
    // masked before use
    expect(run.stdout).toContain(`::add-mask::${issued.secretAccessKey}`);
    expect(run.stdout).toContain(`::add-mask::${issued.sessionToken}`);
    expect(run.stdout).toContain('::group::2. FastCGI cache');
    expect(run.stdout).toMatch(
      /\n {2}✓ i-0123456789abcdef0: Success in \d+ ms — 3 files, 2\.0 KiB removed \(find-delete\)\n/,
    );
    expect(errorAnnotations(run.stdout)).toEqual([]);
  });

  // The two runs that outlast the role session wait in real time (the bundle runs in its own process,
  // on the wall clock the SDK's refresh reads): a few seconds each, at the same time, the second against
  // a double of its own. First credentials end 301.5 s after issue: the SDK's 300 s refresh margin is
  // reached 1.5 s into the run, while step 1 (3 s) is polled. Step 1 is sent within tens of ms of the
  // first credentials (1.5 s is ample even on a loaded machine), and the poll that sees it complete
  // comes after the margin, so the refresh always falls between the two SendCommands. (The same
  // refresh logic on an injected clock, with every timing case, is in
  // aws-execution-credentials.integration.)
  it.concurrent(
    'a run that outlasts the role session gets a fresh OIDC token and role mid-run; later requests carry the new key',
    async ({ expect }) => {
      double.reset({
        sts: { lifetimesSeconds: [REFRESH_LIFETIME_S] },
        documents: { 'CachePurge-W3TotalCache': { default: { runMs: LONG_STEP_MS, stdout: RESULT } } },
        defaultScript: { stdout: RESULT },
      });
      const run = await runAction({ inputs: inputs(), files: CONFIG, env: runnerEnv(double) });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.outputs.status).toBe('success');
      const [first, renewed] = double.issuedCredentials.slice(-2);
      // @actions/core asked the token endpoint twice, and each token was used once
      expect(double.callsOf('GetIdToken')).toHaveLength(2);
      const assumed = double.callsOf('AssumeRoleWithWebIdentity');
      expect(assumed.map((c) => c.input.WebIdentityToken)).toEqual(double.issuedIdTokens.slice(-2));
      expect(assumed[1]!.input).toMatchObject({
        RoleArn: ROLE,
        RoleSessionName: 'cache-purge-portal-1234-1',
        DurationSeconds: '900',
      });
      const [send1, send2] = double.callsOf('SendCommand');
      expect(send1!.accessKeyId).toBe(first!.accessKeyId);
      expect(send1!.seq).toBeLessThan(assumed[1]!.seq);
      expect(send2!.seq).toBeGreaterThan(assumed[1]!.seq);
      const later = double.calls.filter(
        (c) => (c.service === 'ssm' || c.service === 'cloudfront') && c.seq > assumed[1]!.seq,
      );
      expect(later.map((c) => c.operation)).toEqual(
        expect.arrayContaining(['ListCommands', 'SendCommand', 'CreateInvalidation']),
      );
      expect(new Set(later.map((c) => c.accessKeyId))).toEqual(new Set([renewed!.accessKeyId]));
      for (const secret of [renewed!.accessKeyId, renewed!.secretAccessKey, renewed!.sessionToken])
        expect(run.stdout).toContain(`::add-mask::${secret}`);
      expect(run.stdout.match(/^Credentials: refreshed .*$/gm)).toEqual([
        `Credentials: refreshed — assumed ${ROLE} again as session cache-purge-portal-1234-1 with a new GitHub OIDC token (the previous credentials expire at ${first!.expiration}).`,
      ]);
      expect(errorAnnotations(run.stdout)).toEqual([]);
    },
  );

  it.concurrent(
    'a refresh STS refuses with minutes left: one log line, no error, the old key signs the rest of the run',
    async ({ expect, onTestFinished }) => {
      const double = await startAwsDouble();
      onTestFinished(() => double.close());
      double.reset({
        sts: { lifetimesSeconds: [REFRESH_LIFETIME_S], deniedAfterIssued: 1 },
        documents: { 'CachePurge-W3TotalCache': { default: { runMs: LONG_STEP_MS, stdout: RESULT } } },
        defaultScript: { stdout: RESULT },
      });
      const run = await runAction({ inputs: inputs(), files: CONFIG, env: runnerEnv(double) });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.outputs.status).toBe('success');
      const assumed = double.callsOf('AssumeRoleWithWebIdentity');
      expect(assumed.map((c) => c.errorCode)).toEqual([undefined, 'AccessDenied']);
      const first = double.issuedCredentials.at(-1)!; // the refused call issued none
      const signed = double.calls.filter((c) => c.service === 'ssm' || c.service === 'cloudfront');
      expect(signed.filter((c) => c.seq > assumed[1]!.seq).map((c) => c.operation)).toEqual(
        expect.arrayContaining(['ListCommands', 'SendCommand', 'CreateInvalidation']),
      );
      expect(new Set(signed.map((c) => c.accessKeyId))).toEqual(new Set([first.accessKeyId]));
      expect(run.stdout.match(/^Credentials: refreshing failed.*$/gm)).toEqual([
        `Credentials: refreshing failed (AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity); the current ones are valid until ${first.expiration}; trying again in 30 s.`,
      ]);
      expect(errorAnnotations(run.stdout)).toEqual([]);
    },
  );

  it('a failed instance fails the run: exit 1, status failure, one error per failed step, later steps skipped', async () => {
    double.reset({ documents: { 'CachePurge-FastCGI': { default: { fault: 'Undeliverable' } } } });
    const run = await runAction({ inputs: inputs(), files: CONFIG, env: runnerEnv(double) });
    expect(run.code).toBe(1);
    expect(run.outputs.status).toBe('failure');
    const report = JSON.parse(run.outputs.report!);
    expect(report.steps.map((s: { status: string }) => s.status)).toEqual(['success', 'failed', 'skipped']);
    expect(run.stdout).toContain('✗ i-0123456789abcdef0: Undeliverable — SSM could not deliver the command');
    const errors = errorAnnotations(run.stdout);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(
      /^Step 2 "FastCGI cache" of portal failed after \d+ ms \(0\/1 instance succeeded\)\.\n- Undeliverable on i-0123456789abcdef0: SSM could not deliver the command: the SSM agent is not running on the instance, or its instance profile lacks the AmazonSSMManagedInstanceCore policy .*\nNot run: CloudFront\.$/,
    );
    expect(double.callsOf('CreateInvalidation')).toEqual([]);
    expect(JSON.parse(run.outputs['invalidation-ids']!)).toEqual([]);
  });

  it('SIGTERM (job cancelled) cancels the command in flight, reports cancelled and exits non-zero promptly', async () => {
    double.reset({ documents: { 'CachePurge-W3TotalCache': { default: { runMs: 60_000 } } } });
    let signalledAt = 0;
    const run = await runAction({
      inputs: inputs(),
      files: CONFIG,
      env: runnerEnv(double),
      onStart: (child) => {
        const timer = setInterval(() => {
          if (double.callsOf('ListCommands').length > 0) {
            clearInterval(timer);
            signalledAt = performance.now();
            child.kill('SIGTERM');
          }
        }, 20);
      },
    });
    const exitedAfterMs = performance.now() - signalledAt;
    expect(run.code).toBe(1);
    expect(exitedAfterMs).toBeLessThan(3_000);
    expect(run.outputs.status).toBe('cancelled');
    const report = JSON.parse(run.outputs.report!);
    expect(report.steps.map((s: { status: string }) => s.status)).toEqual([
      'cancelled',
      'skipped',
      'skipped',
    ]);
    expect(double.callsOf('CancelCommand').map((c) => c.input.CommandId)).toEqual([
      report.steps[0].commandId,
    ]);
    expect(run.stdout).toContain('Received SIGTERM: the job is being cancelled');
  });

  it('role-to-assume without the OIDC environment says which permission to add, and calls nothing', async () => {
    double.reset();
    const env: Record<string, string> = runnerEnv(double);
    delete env.ACTIONS_ID_TOKEN_REQUEST_URL;
    delete env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
    const run = await runAction({ inputs: inputs(), files: CONFIG, env });
    expect(run.code).toBe(1);
    expect(run.outputs.status).toBe('failure');
    const [error, ...rest] = errorAnnotations(run.stdout);
    expect(rest).toEqual([]);
    expect(error!.properties).toBe('title=No OIDC token available');
    expect(error!.message).toContain('add `permissions: id-token: write` to the job');
    expect(double.calls).toEqual([]);
  });

  it('a failed OIDC token request (HTTP 500) says so and to re-run, not to add a permission the job has', async () => {
    double.reset({ oidc: { failures: 1, status: 500 } });
    const run = await runAction({ inputs: inputs(), files: CONFIG, env: runnerEnv(double) });
    expect(run.code).toBe(1);
    expect(run.outputs.status).toBe('failure');
    const [error, ...rest] = errorAnnotations(run.stdout);
    expect(rest).toEqual([]);
    expect(error!.properties).toBe('title=Could not get the GitHub OIDC token');
    expect(error!.message).toBe(
      [
        'Requesting the GitHub OIDC token for audience "sts.amazonaws.com" failed: GitHub\'s token endpoint answered HTTP 500 (Internal server error while issuing the token); not retried (@actions/core retries only 502, 503 and 504). The job does have `permissions: id-token: write` (the runner set ACTIONS_ID_TOKEN_REQUEST_URL, which it does only then), so this is most likely a transient problem on GitHub\'s side: re-run the job, and check https://www.githubstatus.com if it keeps failing.',
        'Not run: W3 Total Cache, FastCGI cache, CloudFront.',
      ].join('\n'),
    );
    expect(double.calls.map((c) => `${c.operation} ${c.status}`)).toEqual(['GetIdToken 500']);
  });

  it('a token endpoint answering 503 is retried by @actions/core, as the message about it says', async () => {
    double.reset({ oidc: { failures: 2, status: 503 }, defaultScript: { stdout: RESULT } });
    const run = await runAction({ inputs: inputs(), files: CONFIG, env: runnerEnv(double) });
    expect(run.code).toBe(0);
    expect(double.callsOf('GetIdToken').map((c) => c.status)).toEqual([503, 503, 200]);
  });

  it('without role-to-assume and no AWS credentials: one run-level error with the fix, before anything is sent', async () => {
    double.reset();
    const env = { ...noCredentialFiles(), ...runnerEnv(double) };
    const run = await runAction({ inputs: { site: 'portal' }, files: CONFIG, env });
    expect(run.code).toBe(1);
    expect(run.outputs.status).toBe('failure');
    expect(errorAnnotations(run.stdout)).toEqual([
      {
        properties: 'title=No AWS credentials',
        message: [
          'No AWS credentials were found. The "role-to-assume" input is empty, so the action asked the AWS SDK\'s default credential chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE and the shared config files, a web identity token file, container or instance metadata), and none of them had credentials. Fix: set the "role-to-assume" input to the ARN of an IAM role that trusts GitHub\'s OIDC provider (the job then needs `permissions: id-token: write`), or run aws-actions/configure-aws-credentials before this step.',
          'Not run: W3 Total Cache, FastCGI cache, CloudFront.',
        ].join('\n'),
      },
    ]);
    expect(run.stdout).not.toContain('AWS answered');
    expect(run.stdout).not.toContain('::group::1. W3 Total Cache');
    expect(double.calls).toEqual([]);
  });

  it('without role-to-assume, keys left by configure-aws-credentials sign every request', async () => {
    double.reset({ defaultScript: { stdout: RESULT } });
    const env = {
      ...noCredentialFiles(),
      ...runnerEnv(double),
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    };
    const run = await runAction({ inputs: { site: 'portal' }, files: CONFIG, env });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'Credentials: found by the AWS SDK default credential chain (no role-to-assume given).',
    );
    const calls = double.calls;
    expect(calls.filter((c) => c.service === 'oidc' || c.service === 'sts')).toEqual([]);
    expect(calls.length).toBeGreaterThan(3);
    expect(calls.every((c) => c.accessKeyId === 'AKIAIOSFODNN7EXAMPLE')).toBe(true);
  });

  it("STS AccessDenied names the role and the sub and aud of the job's own token, which the trust policy must allow", async () => {
    double.reset({ sts: { accessDenied: true } });
    const run = await runAction({ inputs: inputs(), files: CONFIG, env: runnerEnv(double) });
    expect(run.code).toBe(1);
    const [error] = errorAnnotations(run.stdout);
    expect(error!.message).toContain(`STS denied AssumeRoleWithWebIdentity for ${ROLE}`);
    // the token @actions/core fetched from the (double's) token endpoint, decoded: not GITHUB_REPOSITORY
    const claims = JSON.parse(
      Buffer.from(double.issuedIdTokens.at(-1)!.split('.')[1]!, 'base64url').toString(),
    );
    expect(claims.sub).toBe('repo:example/site:ref:refs/heads/main');
    expect(error!.message).toContain(
      `This job's token has sub "${claims.sub}" and aud "sts.amazonaws.com"; the role's trust policy must allow exactly that`,
    );
    expect(error!.message).not.toContain('repo:acme/site');
    expect(double.calls.filter((c) => c.service === 'ssm')).toEqual([]);
  });
});
