// The assumed role's credentials refreshed during a run (helpers/credentials-fixtures.ts, OIDC → STS
// against the AWS double, the wall clock faked): refreshed within 5 minutes of expiry, not before; a
// refused refresh with 60 s or less left is an error, with minutes left a line and a retry after 30 s;
// an OIDC token that cannot be had at refresh time; a cancelled job during a refresh.

import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CredentialsRefreshError,
  resolveCredentials,
  type CredentialDependencies,
} from '../src/action/run/credentials.js';
import { FakeClock } from './helpers/fakes.js';
import type { AwsDouble } from './helpers/aws-double.js';
import {
  ROLE,
  TOKEN_ENV,
  coreTokenError,
  deps,
  settings,
  useStsDouble,
} from './helpers/credentials-fixtures.js';

describe('with role-to-assume: assumed once up front, again whenever the SDK finds them near expiry', () => {
  let double: AwsDouble;
  useStsDouble((started) => (double = started));
  afterEach(() => {
    vi.useRealTimers();
  });

  /** getIdToken against the double's OIDC endpoint; `then` scripts the 2nd, 3rd, … request. */
  function oidc(then: ((audience: string) => Promise<string>)[] = []) {
    const asked: string[] = [];
    const getIdToken = async (audience: string) => {
      asked.push(audience);
      const scripted = then[asked.length - 2];
      if (scripted) return scripted(audience);
      return double.idToken(audience);
    };
    return { getIdToken, asked };
  }

  function roleDeps(more: Partial<CredentialDependencies> = {}) {
    const secrets: string[] = [];
    const made = deps({ env: TOKEN_ENV, setSecret: (value) => void secrets.push(value), ...more });
    return { ...made, secrets };
  }

  const assumeCalls = () => double.callsOf('AssumeRoleWithWebIdentity');
  /** Moves the wall clock (the SDK's memoiser and the double's Expiration read Date.now()). */
  const advance = (ms: number) => vi.setSystemTime(Date.now() + ms);

  it('refreshes within 5 minutes of expiry, not before: a fresh OIDC token, the same role settings, new secrets masked, one log line', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    double.reset({ sts: { lifetimesSeconds: [600] } }); // the refresh lives role-duration-seconds (900)
    const { getIdToken, asked } = oidc();
    const { deps: d, lines, secrets } = roleDeps({ getIdToken });
    const provider = await resolveCredentials(settings(ROLE), d);
    const [first, second] = double.issuedCredentials.slice(-1);
    expect(second).toBeUndefined();
    expect(assumeCalls()).toHaveLength(1);

    expect((await provider()).accessKeyId).toBe(first!.accessKeyId);
    advance(299_000); // 301 s left: still more than the SDK's 300 s margin
    expect((await provider()).accessKeyId).toBe(first!.accessKeyId);
    expect(assumeCalls()).toHaveLength(1);

    advance(2_000); // 299 s left: the memoiser asks again, once for concurrent callers
    const [a, b] = await Promise.all([provider(), provider()]);
    const renewed = double.issuedCredentials.at(-1)!;
    expect(renewed.accessKeyId).not.toBe(first!.accessKeyId);
    expect([a.accessKeyId, b.accessKeyId]).toEqual([renewed.accessKeyId, renewed.accessKeyId]);
    expect(a).toMatchObject({ secretAccessKey: renewed.secretAccessKey, sessionToken: renewed.sessionToken });
    expect(a.expiration!.toISOString()).toBe(renewed.expiration);

    expect(asked).toEqual(['sts.amazonaws.com', 'sts.amazonaws.com']);
    const [once, again] = assumeCalls().map((c) => c.input);
    expect(again!.WebIdentityToken).toBe(double.issuedIdTokens.at(-1));
    expect(again!.WebIdentityToken).not.toBe(once!.WebIdentityToken);
    for (const key of ['RoleArn', 'RoleSessionName', 'DurationSeconds']) expect(again![key]).toBe(once![key]);
    expect(renewed).toMatchObject({ roleArn: ROLE, roleSessionName: 'cache-purge-portal-1-1' });
    expect(secrets).toEqual(
      expect.arrayContaining([
        double.issuedIdTokens.at(-1),
        renewed.accessKeyId,
        renewed.secretAccessKey,
        renewed.sessionToken,
      ]),
    );
    expect(lines.filter((l) => l.startsWith('Credentials: refreshed'))).toEqual([
      `Credentials: refreshed — assumed ${ROLE} again as session cache-purge-portal-1-1 with a new GitHub OIDC token (the previous credentials expire at ${first!.expiration}).`,
    ]);

    advance(300_000); // the new ones last 900 s: no further refresh
    expect((await provider()).accessKeyId).toBe(renewed.accessKeyId);
    expect(assumeCalls()).toHaveLength(2);
  });

  it("a refused refresh with 60 s or less left is a CredentialsRefreshFailed error: STS's answer, the token's sub to trust, and role-duration-seconds", async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    double.reset({ sts: { lifetimesSeconds: [600], deniedAfterIssued: 1 } });
    const { deps: d, lines } = roleDeps({ getIdToken: oidc().getIdToken });
    const provider = await resolveCredentials(settings(ROLE), d);
    const expiring = double.issuedCredentials.at(-1)!.expiration;
    advance(541_000); // 59 s left: the last moment to refresh has passed
    const error = await provider().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(CredentialsRefreshError);
    expect(error!.name).toBe('CredentialsRefreshFailed');
    expect(error!.message).toBe(
      `The assumed-role credentials for ${ROLE} expire at ${expiring}, and refreshing them failed. Could not assume the role: STS denied AssumeRoleWithWebIdentity for ${ROLE} (Not authorized to perform sts:AssumeRoleWithWebIdentity). This job's token has sub "repo:example/site:ref:refs/heads/main" and aud "sts.amazonaws.com"; the role's trust policy must allow exactly that: it must trust the OIDC provider token.actions.githubusercontent.com, with its condition "token.actions.githubusercontent.com:sub" matching "repo:example/site:ref:refs/heads/main" (StringEquals, or StringLike with a wildcard) and "token.actions.githubusercontent.com:aud" matching "sts.amazonaws.com". If the role is the stack's (infra/cache-purge.yml), the stack must be deployed with GitHubBranch=main and GitHubEnvironment empty, GitHubOwner=example and GitHubRepository=site, or with example/site:branch:main in ExtraGitHubRepositories. To need no refresh during a run, raise the "role-duration-seconds" input (now 900) above the longest run, up to the role's maximum session duration.`,
    );
    // AccessDenied was sent once, not retried; nothing was logged as a mere warning
    expect(assumeCalls().map((c) => c.errorCode)).toEqual([undefined, 'AccessDenied']);
    expect(lines.filter((l) => l.includes('refreshing failed'))).toEqual([]);
  });

  it('a refused refresh with minutes left fails nothing: one line, the old key goes on signing, no new try for 30 s, then a successful refresh switches keys', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    double.reset({ sts: { lifetimesSeconds: [600] } });
    // the 2nd token is for another audience, so STS refuses it (AccessDenied); the 3rd is good again
    const { getIdToken, asked } = oidc([() => double.idToken('other')]);
    const clock = new FakeClock();
    const { deps: d, lines } = roleDeps({ getIdToken, clock });
    const provider = await resolveCredentials(settings(ROLE), d);
    const first = double.issuedCredentials.at(-1)!;
    const both = (ms: number) => {
      advance(ms);
      clock.t += ms;
    };

    both(301_000); // 299 s left: the memoiser asks for a refresh, which STS refuses
    expect((await provider()).accessKeyId).toBe(first.accessKeyId);
    expect(assumeCalls().map((c) => c.errorCode)).toEqual([undefined, 'AccessDenied']);
    expect(lines.filter((l) => l.startsWith('Credentials: refreshing failed'))).toEqual([
      `Credentials: refreshing failed (AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity); the current ones are valid until ${first.expiration}; trying again in 30 s.`,
    ]);

    // within the 30 s every ask (the memoiser asks on every command) gets the old key, without a call
    for (const step of [1_000, 10_000, 18_999]) {
      both(step);
      expect((await provider()).accessKeyId).toBe(first.accessKeyId);
    }
    expect(assumeCalls()).toHaveLength(2);
    expect(asked).toHaveLength(2);
    expect(lines.filter((l) => l.startsWith('Credentials: refreshing failed'))).toHaveLength(1);

    both(1); // 30 s after the failure: tried again, with a fresh token, and it works
    const [a, b] = await Promise.all([provider(), provider()]);
    const renewed = double.issuedCredentials.at(-1)!;
    expect(renewed.accessKeyId).not.toBe(first.accessKeyId);
    expect([a.accessKeyId, b.accessKeyId]).toEqual([renewed.accessKeyId, renewed.accessKeyId]);
    expect(assumeCalls().map((c) => c.errorCode)).toEqual([undefined, 'AccessDenied', undefined]);
    expect(asked).toHaveLength(3);
    expect(lines.filter((l) => l.startsWith('Credentials: refreshed'))).toEqual([
      `Credentials: refreshed — assumed ${ROLE} again as session cache-purge-portal-1-1 with a new GitHub OIDC token (the previous credentials expire at ${first.expiration}).`,
    ]);
  });

  it('the 30 s wait ends early when the current credentials reach 60 s left: one last try, and its failure fails', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    double.reset({ sts: { lifetimesSeconds: [380], deniedAfterIssued: 1 } });
    const clock = new FakeClock();
    const { deps: d, lines } = roleDeps({ getIdToken: oidc().getIdToken, clock });
    const provider = await resolveCredentials(settings(ROLE), d);
    const first = double.issuedCredentials.at(-1)!;
    const both = (ms: number) => {
      advance(ms);
      clock.t += ms;
    };
    both(300_000); // 80 s left: refused, a warning
    expect((await provider()).accessKeyId).toBe(first.accessKeyId);
    expect(lines.filter((l) => l.startsWith('Credentials: refreshing failed'))).toHaveLength(1);
    both(10_000); // 70 s left, 10 s into the wait: no call
    expect((await provider()).accessKeyId).toBe(first.accessKeyId);
    expect(assumeCalls()).toHaveLength(2);
    both(10_000); // 60 s left, 20 s into the wait: the last try, refused, fails
    await expect(provider()).rejects.toBeInstanceOf(CredentialsRefreshError);
    expect(assumeCalls().map((c) => c.errorCode)).toEqual([undefined, 'AccessDenied', 'AccessDenied']);
    expect(lines.filter((l) => l.startsWith('Credentials: refreshing failed'))).toHaveLength(1);
  });

  it('an OIDC token that cannot be had at refresh time: a warning with minutes left, then the error naming the token request', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    double.reset({ sts: { lifetimesSeconds: [600] } });
    const tokenDown = async () => {
      throw coreTokenError(500, 'Internal server error');
    };
    const { getIdToken } = oidc([tokenDown, tokenDown]);
    const clock = new FakeClock();
    const { deps: d, lines } = roleDeps({ getIdToken, clock });
    const provider = await resolveCredentials(settings(ROLE), d);
    const first = double.issuedCredentials.at(-1)!;
    advance(301_000);
    expect((await provider()).accessKeyId).toBe(first.accessKeyId);
    expect(lines.at(-1)).toBe(
      `Credentials: refreshing failed (OIDC token HTTP 500: Internal server error); the current ones are valid until ${first.expiration}; trying again in 30 s.`,
    );
    advance(240_000); // 59 s left
    await expect(provider()).rejects.toThrow(
      /and refreshing them failed\. Could not get the GitHub OIDC token: Requesting the GitHub OIDC token for audience "sts\.amazonaws\.com" failed: GitHub's token endpoint answered HTTP 500 .* raise the "role-duration-seconds" input \(now 900\)/,
    );
    expect(assumeCalls()).toHaveLength(1);
  });

  it('the job cancelled during a refresh: the refresh stops at once and the current credentials sign the clean-up calls', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    double.reset({ sts: { lifetimesSeconds: [600] } });
    const controller = new AbortController();
    const { getIdToken, asked } = oidc([() => new Promise<string>(() => undefined)]); // hangs
    const provider = await resolveCredentials(
      settings(ROLE),
      roleDeps({ getIdToken, signal: controller.signal }).deps,
    );
    const current = double.issuedCredentials.at(-1)!;
    advance(301_000);
    const pending = provider();
    await vi.waitFor(() => expect(asked).toHaveLength(2));
    controller.abort();
    expect((await pending).accessKeyId).toBe(current.accessKeyId);
    // asked again after the abort: no new token request, no STS call
    expect((await provider()).accessKeyId).toBe(current.accessKeyId);
    expect(asked).toHaveLength(2);
    expect(assumeCalls()).toHaveLength(1);
  });
});
