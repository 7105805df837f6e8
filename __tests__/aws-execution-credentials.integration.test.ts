// The executor's AWS credentials with the real AWS SDK against the local AWS double
// (helpers/aws-execution.ts): OIDC + STS AssumeRoleWithWebIdentity up front (AccessDenied naming the
// trust-policy conditions, transient failures retried), the default chain without role-to-assume, and
// a run that outlasts the role session: refreshed mid-step, or a refused refresh with minutes or
// seconds left; on the shared Timeline, so the refresh timing takes no real time.

import { describe, expect, it } from 'vitest';
import {
  LONG_STEP_MS,
  REFRESH_AFTER_S,
  RESULT,
  ROLE,
  double,
  operations,
  run,
  statuses,
  useExecutionDouble,
} from './helpers/aws-execution.js';
import type { AwsCredentialProvider } from '../src/action/run/credentials.js';

useExecutionDouble();

describe('credentials against the AWS double', () => {
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
});
