// Credentials before the first step, with the sources injected (helpers/credentials-fixtures.ts): the
// SDK's default chain when there is no role-to-assume (found → shared by every client; none → one error
// naming the fix), a failed GitHub OIDC token request, errors keeping their own names, and OIDC → STS
// against the AWS double (AccessDenied quoting the token, retries). Refreshes of the assumed role:
// credentials-refresh.test.ts. Every branch of the messages themselves is in credential-messages.test.ts.

import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { CancelledError } from '../src/action/clock.js';
import { awsErrorName } from '../src/action/run/aws-answers.js';
import { resolveCredentials, type AwsCredentialProvider } from '../src/action/run/credentials.js';
import { FakeClock } from './helpers/fakes.js';
import type { AwsDouble } from './helpers/aws-double.js';
import {
  ROLE,
  TOKEN_ENV,
  coreTokenError,
  deps,
  failure,
  settings,
  useStsDouble,
} from './helpers/credentials-fixtures.js';

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
