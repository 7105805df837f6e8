// Credentials before the first step, with the sources injected: the SDK's default chain when there is
// no role-to-assume (found → shared by every client; none → one error naming the fix), a failed GitHub
// OIDC token request, and OIDC → STS against the AWS double (refreshes, retries, AccessDenied quoting
// the token). Every branch of the messages themselves is in credential-messages.test.ts.

import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CancelledError, awsErrorName } from '../src/action/run/clock.js';
import {
  CredentialsRefreshError,
  resolveCredentials,
  type AwsCredentialProvider,
  type CredentialDependencies,
} from '../src/action/run/credentials.js';
import { parseExecutionInputs } from '../src/action/inputs/execution-inputs.js';
import { UserError } from '../src/shared/errors.js';
import { FakeClock } from './helpers/fakes.js';
import { startAwsDouble, type AwsDouble } from './helpers/aws-double.js';

const ROLE = 'arn:aws:iam::123456789012:role/cache-purge';
const settings = (roleToAssume = '') =>
  parseExecutionInputs(
    {
      roleToAssume,
      audience: '',
      roleSessionName: '',
      roleDurationSeconds: '',
      stepTimeoutSeconds: '',
      requester: '',
    },
    'portal',
    { GITHUB_RUN_ID: '1', GITHUB_RUN_ATTEMPT: '1' },
  );
const TOKEN_ENV = {
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token/x?a=1',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't',
};

function deps(more: Partial<CredentialDependencies> = {}) {
  const lines: string[] = [];
  const value: CredentialDependencies = {
    env: {},
    setSecret: () => undefined,
    log: (line) => void lines.push(line),
    clock: new FakeClock(),
    signal: new AbortController().signal,
    region: 'us-east-1',
    ...more,
  };
  return { deps: value, lines };
}

/** What @actions/core's getIDToken throws when the token endpoint answers `status` (its own format). */
const coreTokenError = (status: number | undefined, message: string) =>
  new Error(
    `Error message: Failed to get ID Token. \n \n        Error Code : ${status}\n \n        Error Message: ${message}`,
  );

async function failure(promise: Promise<unknown>): Promise<UserError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

/**
 * For the enclosing describe: an AwsDouble started before its tests (handed to `started`) and the STS
 * client pointed at it through AWS_ENDPOINT_URL_STS, restored and closed after them.
 */
function useStsDouble(started: (double: AwsDouble) => void): void {
  const savedEndpoint = process.env.AWS_ENDPOINT_URL_STS;
  let double: AwsDouble | undefined;
  beforeAll(async () => {
    double = await startAwsDouble();
    started(double);
    process.env.AWS_ENDPOINT_URL_STS = double.url;
  });
  afterAll(async () => {
    if (savedEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL_STS;
    else process.env.AWS_ENDPOINT_URL_STS = savedEndpoint;
    await double?.close();
  });
}

describe('without role-to-assume: the default credential chain, asked before any step', () => {
  it('credentials found: returns the chain itself, for every client to share, and says where they came from', async () => {
    let calls = 0;
    const chain: AwsCredentialProvider = async () => {
      calls++;
      return { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' };
    };
    const { deps: d, lines } = deps({ defaultChain: chain });
    expect(await resolveCredentials(settings(), d)).toBe(chain);
    expect(calls).toBe(1);
    expect(lines).toEqual([
      'Credentials: found by the AWS SDK default credential chain (no role-to-assume given).',
    ]);
  });

  it('no credentials anywhere: "No AWS credentials" with the fix (role-to-assume or configure-aws-credentials)', async () => {
    const chain: AwsCredentialProvider = async () => {
      throw Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      });
    };
    const error = await failure(resolveCredentials(settings(), deps({ defaultChain: chain }).deps));
    expect(error.title).toBe('No AWS credentials');
    expect(error.message).toBe(
      'No AWS credentials were found. The "role-to-assume" input is empty, so the action asked the AWS SDK\'s default credential chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE and the shared config files, a web identity token file, container or instance metadata), and none of them had credentials. Fix: set the "role-to-assume" input to the ARN of an IAM role that trusts GitHub\'s OIDC provider (the job then needs `permissions: id-token: write`), or run aws-actions/configure-aws-credentials before this step.',
    );
    expect(error.message).not.toContain('AWS answered');
  });

  it('the job cancelled while the chain waits (e.g. on instance metadata) is a cancellation, at once', async () => {
    const controller = new AbortController();
    const chain: AwsCredentialProvider = () => new Promise(() => undefined); // never answers
    const pending = resolveCredentials(
      settings(),
      deps({ defaultChain: chain, signal: controller.signal }).deps,
    );
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
  });
});

describe('with role-to-assume: a failed OIDC token request', () => {
  it('HTTP 500 says what failed, that it was not retried, and to re-run; not to add the permission', async () => {
    const { deps: d } = deps({
      env: TOKEN_ENV,
      getIdToken: async () => {
        throw coreTokenError(500, 'Internal server error');
      },
    });
    const error = await failure(resolveCredentials(settings(ROLE), d));
    expect(error.title).toBe('Could not get the GitHub OIDC token');
    expect(error.message).toBe(
      'Requesting the GitHub OIDC token for audience "sts.amazonaws.com" failed: GitHub\'s token endpoint answered HTTP 500 (Internal server error); not retried (@actions/core retries only 502, 503 and 504). The job does have `permissions: id-token: write` (the runner set ACTIONS_ID_TOKEN_REQUEST_URL, which it does only then), so this is most likely a transient problem on GitHub\'s side: re-run the job, and check https://www.githubstatus.com if it keeps failing.',
    );
    expect(error.message).not.toContain('Check that the job has');
  });

  it('no token endpoint at all: the permission to add, and nothing requested', async () => {
    let asked = false;
    const { deps: d } = deps({
      getIdToken: async () => {
        asked = true;
        return 'token';
      },
    });
    const error = await failure(resolveCredentials(settings(ROLE), d));
    expect(error.title).toBe('No OIDC token available');
    expect(error.message).toContain('add `permissions: id-token: write` to the job');
    expect(asked).toBe(false);
  });
});

describe('errors raised on the runner keep their own name', () => {
  it('a Node network error is its system code; an SDK error its name', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' });
    expect(awsErrorName(refused)).toBe('ECONNREFUSED');
    // every address of the endpoint refused: Node's AggregateError carries the same system code
    const everyAddress = Object.assign(new AggregateError([refused], ''), { code: 'ECONNREFUSED' });
    expect(awsErrorName(everyAddress)).toBe('ECONNREFUSED');
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', code: 'x' });
    expect(awsErrorName(throttled)).toBe('ThrottlingException');
    expect(awsErrorName(new Error('plain'))).toBe('Error');
    expect(awsErrorName('text')).toBe('Error');
  });

  it('STS that cannot be reached is "Could not reach AWS STS" with the network fix, not an answer', async () => {
    // a port that was just free: nothing listens there, so connecting is refused
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const saved = process.env.AWS_ENDPOINT_URL_STS;
    process.env.AWS_ENDPOINT_URL_STS = `http://127.0.0.1:${port}`;
    try {
      const { deps: d } = deps({ env: TOKEN_ENV, getIdToken: async () => 'token', stsRetryBudgetMs: 0 });
      const error = await failure(resolveCredentials(settings(ROLE), d));
      expect(error.title).toBe('Could not reach AWS STS');
      expect(error.message).toBe(
        `AssumeRoleWithWebIdentity for ${ROLE} could not reach STS (after 3 requests): ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:${port}. Check that the runner can reach the STS endpoint (network, proxy settings, AWS_ENDPOINT_URL if set), then re-run.`,
      );
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_STS;
      else process.env.AWS_ENDPOINT_URL_STS = saved;
    }
  });
});

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

describe("STS AccessDenied names this job's token's sub and aud", () => {
  describe('against the double', () => {
    let double: AwsDouble;
    useStsDouble((started) => (double = started));
    const issuedToken = (audience: string) => double.idToken(audience);

    it("the token's own sub and aud, not a guess from the environment", async () => {
      double.reset({ sts: { accessDenied: true } });
      const env = { ...TOKEN_ENV, GITHUB_REPOSITORY: 'acme/website', GITHUB_REF: 'refs/heads/main' };
      const error = await failure(
        resolveCredentials(settings(ROLE), deps({ env, getIdToken: issuedToken }).deps),
      );
      expect(error.title).toBe('Could not assume the role');
      expect(error.message).toBe(
        `STS denied AssumeRoleWithWebIdentity for ${ROLE} (Not authorized to perform sts:AssumeRoleWithWebIdentity). This job's token has sub "repo:example/site:ref:refs/heads/main" and aud "sts.amazonaws.com"; the role's trust policy must allow exactly that: it must trust the OIDC provider token.actions.githubusercontent.com, with its condition "token.actions.githubusercontent.com:sub" matching "repo:example/site:ref:refs/heads/main" (StringEquals, or StringLike with a wildcard) and "token.actions.githubusercontent.com:aud" matching "sts.amazonaws.com". If the role is the stack's (infra/cache-purge.yml), the stack must be deployed with GitHubBranch=main and GitHubEnvironment empty, GitHubOwner=example and GitHubRepository=site, or with example/site:branch:main in ExtraGitHubRepositories.`,
      );
      expect(error.message).not.toContain('acme/website');
    });

    it('a job with an environment: the message names GitHubEnvironment=NAME', async () => {
      double.reset({ sts: { accessDenied: true } });
      // the double's STS reads only aud: the token's payload is given the environment form of sub
      const getIdToken = async (audience: string) => {
        const token = await issuedToken(audience);
        const sub = 'repo:acme/website:environment:production';
        const payload = Buffer.from(JSON.stringify({ sub, aud: audience })).toString('base64url');
        double.issuedIdTokens.push(token.replace(/\.[^.]+\./, `.${payload}.`));
        return double.issuedIdTokens.at(-1)!;
      };
      const error = await failure(
        resolveCredentials(settings(ROLE), deps({ env: TOKEN_ENV, getIdToken }).deps),
      );
      expect(error.message).toContain(
        'This job\'s token has sub "repo:acme/website:environment:production" and aud "sts.amazonaws.com"',
      );
      expect(error.message).toMatch(
        /\. If the role is the stack's \(infra\/cache-purge\.yml\), the stack must be deployed with GitHubEnvironment=production, GitHubOwner=acme and GitHubRepository=website, or with acme\/website:environment:production in ExtraGitHubRepositories\.$/,
      );
    });

    it("a token without a readable sub: today's wording, with the forms the sub can take", async () => {
      double.reset({ sts: { accessDenied: true } });
      // the double's STS takes the token (it reads only aud); its payload has no sub for the action to show
      const env = { ...TOKEN_ENV, GITHUB_REPOSITORY: 'acme/website', GITHUB_REF: 'refs/heads/main' };
      const getIdToken = async (audience: string) => {
        const token = await issuedToken(audience);
        const noSub = Buffer.from('{"aud":"sts.amazonaws.com"}').toString('base64url');
        double.issuedIdTokens.push(token.replace(/\.[^.]+\./, `.${noSub}.`));
        return double.issuedIdTokens.at(-1)!;
      };
      const error = await failure(resolveCredentials(settings(ROLE), deps({ env, getIdToken }).deps));
      expect(error.message).toBe(
        `STS denied AssumeRoleWithWebIdentity for ${ROLE} (Not authorized to perform sts:AssumeRoleWithWebIdentity). Check the role's trust policy: it must trust the OIDC provider token.actions.githubusercontent.com, its condition "token.actions.githubusercontent.com:aud" must be "sts.amazonaws.com", and "token.actions.githubusercontent.com:sub" must match this job (repo:acme/website:ref:refs/heads/main, or repo:acme/website:environment:NAME when the job uses an environment).`,
      );
    });
  });
});

describe('STS retries: the SDK re-sends transient failures, our passes add time, messages count requests', () => {
  let double: AwsDouble;
  useStsDouble((started) => (double = started));
  const getIdToken = (audience: string) => double.idToken(audience);
  const assumeCalls = () => double.callsOf('AssumeRoleWithWebIdentity');

  it("throttled throughout: two passes of the SDK's 3 requests within the budget, and the message says 6 requests, as the double counted", async () => {
    double.reset({ throttleEvery: { sts: 1 } });
    const clock = new FakeClock();
    // random 1: our backoff is 1 s, then 2 s; the budget of 2.5 s allows one more pass, not two
    const { deps: d, lines } = deps({
      env: TOKEN_ENV,
      getIdToken,
      clock,
      random: () => 1,
      stsRetryBudgetMs: 2_500,
    });
    const error = await failure(resolveCredentials(settings(ROLE), d));
    expect(assumeCalls()).toHaveLength(6);
    expect(error.title).toBe('Could not assume the role');
    expect(error.message).toBe(
      `STS AssumeRoleWithWebIdentity for ${ROLE} failed after 6 requests: Throttling: Rate exceeded. Check the "role-to-assume" input and the role's trust policy; when STS was only unavailable, re-run.`,
    );
    expect(lines).toEqual(['STS AssumeRoleWithWebIdentity: Throttling after 3 requests; retrying in 1 s.']);
    expect(clock.sleeps).toEqual([1_000]);
  });

  it("an IDP outage longer than the SDK's 3 requests gets another pass and succeeds", async () => {
    double.reset({ sts: { transientFailures: 4 } });
    const { deps: d, lines } = deps({ env: TOKEN_ENV, getIdToken, random: () => 0.5 });
    await resolveCredentials(settings(ROLE), d);
    expect(assumeCalls().map((c) => c.errorCode ?? 'ok')).toEqual([
      'IDPCommunicationError',
      'IDPCommunicationError',
      'IDPCommunicationError',
      'IDPCommunicationError',
      'ok',
    ]);
    expect(lines[0]).toBe(
      'STS AssumeRoleWithWebIdentity: IDPCommunicationErrorException after 3 requests; retrying in 500 ms.',
    );
  });

  it('what the SDK sent once (AccessDenied, an invalid token) is never sent again, and says 1 request', async () => {
    double.reset({ sts: { audience: 'other' } }); // the token's aud does not match: AccessDenied
    const error = await failure(
      resolveCredentials(settings(ROLE), deps({ env: TOKEN_ENV, getIdToken, stsRetryBudgetMs: 60_000 }).deps),
    );
    expect(error.message).toContain(`STS denied AssumeRoleWithWebIdentity for ${ROLE}`);
    expect(assumeCalls()).toHaveLength(1);

    double.reset();
    const bogus = await failure(
      resolveCredentials(
        settings(ROLE),
        deps({ env: TOKEN_ENV, getIdToken: async () => 'not.a-token.issued', stsRetryBudgetMs: 60_000 }).deps,
      ),
    );
    expect(bogus.message).toContain('STS rejected the GitHub OIDC token');
    expect(assumeCalls()).toHaveLength(1);
  });
});
