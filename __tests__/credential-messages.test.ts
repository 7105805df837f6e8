// What a credential failure says, built from strings alone (no STS, no token endpoint): the default
// chain's failures, a failed OIDC token request, every branch of an STS refusal (AccessDenied quoting
// the token's sub and aud, a rejected token, a refused session length, an unreachable STS, the rest),
// and a refresh that failed. credentials.test.ts and credentials-refresh.test.ts drive the same
// messages through the adapter.

import { describe, expect, it } from 'vitest';
import {
  defaultChainFailure,
  noCredentialsReturned,
  oidcTokenFailure,
  oidcTokenRequestFailure,
  oneLineSummary,
  refreshFailureMessage,
  stackParametersFor,
  stsFailure,
  tokenClaims,
  type StsFailureContext,
} from '../src/action/run/credential-messages.js';

const ROLE = 'arn:aws:iam::123456789012:role/cache-purge';

/** What @actions/core's getIDToken throws when the token endpoint answers `status` (its own format). */
const coreTokenError = (status: number | undefined, message: string) =>
  new Error(
    `Error message: Failed to get ID Token. \n \n        Error Code : ${status}\n \n        Error Message: ${message}`,
  );

/** A JWT-shaped token with these claims (unsigned: the action only reads them). */
const jwt = (claims: unknown) =>
  ['{"alg":"RS256","typ":"JWT"}', JSON.stringify(claims), 'signature']
    .map((part, i) => (i === 2 ? part : Buffer.from(part).toString('base64url')))
    .join('.');

describe('without role-to-assume: the default chain failed', () => {
  it('a source that fails is named, with the same fix', () => {
    expect(
      defaultChainFailure(
        'CredentialsProviderError',
        'Profile ci could not be found or parsed in shared credentials file.',
      ),
    ).toBe(
      'The AWS SDK\'s default credential chain failed (CredentialsProviderError: Profile ci could not be found or parsed in shared credentials file.). The "role-to-assume" input is empty, so the action relies on that chain. Fix the credential source it names, or set the "role-to-assume" input to the ARN of an IAM role that trusts GitHub\'s OIDC provider (the job then needs `permissions: id-token: write`), or run aws-actions/configure-aws-credentials before this step.',
    );
  });
});

describe('without role-to-assume: nothing found', () => {
  const none = 'Could not load credentials from any providers';
  it('names AWS_PROFILE when it is set (the SDK does not), and not otherwise', () => {
    expect(defaultChainFailure('CredentialsProviderError', none, 'production')).toContain(
      ' none of them had credentials. AWS_PROFILE is "production": check that this profile exists',
    );
    expect(defaultChainFailure('CredentialsProviderError', none)).not.toContain('AWS_PROFILE is');
  });
});

describe('a failed OIDC token request', () => {
  it('502/503/504 were retried by @actions/core; a network error never reached GitHub', () => {
    expect(
      oidcTokenFailure('sts.amazonaws.com', coreTokenError(503, 'Service Unavailable').message),
    ).toContain(
      "failed: GitHub's token endpoint answered HTTP 503 (Service Unavailable), still after @actions/core's 10 retries. The job does have",
    );
    expect(
      oidcTokenFailure(
        'sts.amazonaws.com',
        coreTokenError(undefined, 'connect ECONNREFUSED 10.0.0.1:443').message,
      ),
    ).toContain(
      "failed: could not reach GitHub's token endpoint (connect ECONNREFUSED 10.0.0.1:443); @actions/core does not retry that. The job does have",
    );
    expect(
      oidcTokenFailure('sts.amazonaws.com', 'Error message: Response json body do not have ID Token field'),
    ).toContain(
      "failed: GitHub's token endpoint gave no token (Response json body do not have ID Token field).",
    );
  });

  it('a proxy that refused the tunnel is named as the cause, with the fix, not as GitHub being down', () => {
    const refused = (status: number) =>
      oidcTokenFailure(
        'sts.amazonaws.com',
        coreTokenError(undefined, `tunneling socket could not be established, statusCode=${status}`).message,
      );
    expect(refused(403)).toBe(
      'Requesting the GitHub OIDC token for audience "sts.amazonaws.com" failed: the proxy (HTTPS_PROXY) refused to open a tunnel to GitHub\'s token endpoint (HTTP 403 to CONNECT). Allow CONNECT to the host of ACTIONS_ID_TOKEN_REQUEST_URL on port 443 in the proxy, or list that host in NO_PROXY if the runner reaches it directly. See docs/troubleshooting.md, "A proxy refuses CONNECT".',
    );
    expect(refused(407)).toContain('It wants a login: put USER:PASSWORD@ in the proxy URL.');
    expect(refused(403)).not.toContain('githubstatus');
  });

  it('the failure as the adapter throws it: title, message, and the one-line summary a refresh logs', () => {
    expect(oidcTokenRequestFailure('aud-x', coreTokenError(500, 'Internal server error').message)).toEqual({
      title: 'Could not get the GitHub OIDC token',
      message: oidcTokenFailure('aud-x', coreTokenError(500, 'Internal server error').message),
      summary: 'OIDC token HTTP 500: Internal server error',
    });
    expect(
      oidcTokenRequestFailure('aud-x', coreTokenError(undefined, 'connect ECONNREFUSED 10.0.0.1:443').message)
        .summary,
    ).toBe('OIDC token request: connect ECONNREFUSED 10.0.0.1:443');
  });
});

describe("STS AccessDenied names this job's token's sub and aud", () => {
  it('reads sub and aud from the payload of the token (base64url JSON), unverified', () => {
    expect(
      tokenClaims(jwt({ sub: 'repo:acme/website:environment:production', aud: 'sts.amazonaws.com' })),
    ).toEqual({ sub: 'repo:acme/website:environment:production', aud: 'sts.amazonaws.com' });
    // characters that base64url writes as - and _ (not + and /)
    const sub = 'repo:acme/web~site?>>:ref:refs/heads/feature/ü';
    expect(Buffer.from(JSON.stringify({ sub })).toString('base64')).toMatch(/[+/]/);
    expect(tokenClaims(jwt({ sub, aud: ['a', 'b'] }))).toEqual({ sub, aud: 'a", "b' });
    expect(tokenClaims(jwt({ sub }))).toEqual({ sub });
    for (const bad of [
      '',
      'no-dots',
      'a.!!!.c',
      jwt('text'),
      jwt({ aud: 'x' }),
      jwt({ sub: 7 }),
      'a.bm90IGpzb24.c',
    ])
      expect(tokenClaims(bad)).toBeUndefined();
  });

  it('names the stack parameters the role trusts this sub with: environment or branch form', () => {
    expect(stackParametersFor('repo:acme/website:environment:production')).toBe(
      "If the role is the stack's (infra/cache-purge.yml), the stack must be deployed with GitHubEnvironment=production, GitHubOwner=acme and GitHubRepository=website, or with acme/website:environment:production in ExtraGitHubRepositories.",
    );
    expect(stackParametersFor('repo:acme/website:environment:Staging EU')).toContain(
      'GitHubEnvironment=Staging EU,',
    );
    expect(stackParametersFor('repo:acme/website:ref:refs/heads/release/2.x')).toBe(
      "If the role is the stack's (infra/cache-purge.yml), the stack must be deployed with GitHubBranch=release/2.x and GitHubEnvironment empty, GitHubOwner=acme and GitHubRepository=website, or with acme/website:branch:release/2.x in ExtraGitHubRepositories.",
    );
    // forms the stack's role cannot trust: no parameter to name
    for (const sub of ['repo:acme/website:ref:refs/tags/v1', 'repo:acme/website:pull_request', 'x'])
      expect(stackParametersFor(sub)).toBe('');
  });
});

describe('STS refusals: each names what to fix', () => {
  const context = (more: Partial<StsFailureContext> = {}): StsFailureContext => ({
    roleArn: ROLE,
    settings: { audience: 'sts.amazonaws.com', roleDurationSeconds: 900 },
    env: {},
    requests: 1,
    token: jwt({ sub: 'repo:acme/website:environment:production', aud: 'sts.amazonaws.com' }),
    ...more,
  });
  const denied = 'Not authorized to perform sts:AssumeRoleWithWebIdentity';

  it("AccessDenied (either spelling) quotes the token's sub and aud, and the stack parameters for that sub", () => {
    for (const code of ['AccessDenied', 'AccessDeniedException']) {
      expect(stsFailure(code, denied, context())).toEqual({
        title: 'Could not assume the role',
        message: `STS denied AssumeRoleWithWebIdentity for ${ROLE} (${denied}). This job's token has sub "repo:acme/website:environment:production" and aud "sts.amazonaws.com"; the role's trust policy must allow exactly that: it must trust the OIDC provider token.actions.githubusercontent.com, with its condition "token.actions.githubusercontent.com:sub" matching "repo:acme/website:environment:production" (StringEquals, or StringLike with a wildcard) and "token.actions.githubusercontent.com:aud" matching "sts.amazonaws.com". If the role is the stack's (infra/cache-purge.yml), the stack must be deployed with GitHubEnvironment=production, GitHubOwner=acme and GitHubRepository=website, or with acme/website:environment:production in ExtraGitHubRepositories.`,
        summary: `${code}: ${denied}`,
      });
    }
  });

  it('a token without aud: the audience input is quoted; a sub of another form: no stack parameters', () => {
    const message = stsFailure(
      'AccessDenied',
      denied,
      context({
        token: jwt({ sub: 'repo:acme/website:ref:refs/tags/v1' }),
        settings: { audience: 'mine', roleDurationSeconds: 900 },
      }),
    ).message;
    expect(message).toContain('has sub "repo:acme/website:ref:refs/tags/v1" and aud "mine";');
    expect(message).toMatch(/matching "mine"\.$/);
  });

  it("a token without a readable sub: the forms the sub can take, from the job's environment", () => {
    const env = { GITHUB_REPOSITORY: 'acme/website', GITHUB_REF: 'refs/heads/main' };
    expect(stsFailure('AccessDenied', denied, context({ env, token: 'not-a-jwt' })).message).toBe(
      `STS denied AssumeRoleWithWebIdentity for ${ROLE} (${denied}). Check the role's trust policy: it must trust the OIDC provider token.actions.githubusercontent.com, its condition "token.actions.githubusercontent.com:aud" must be "sts.amazonaws.com", and "token.actions.githubusercontent.com:sub" must match this job (repo:acme/website:ref:refs/heads/main, or repo:acme/website:environment:NAME when the job uses an environment).`,
    );
    expect(stsFailure('AccessDenied', denied, context({ token: 'not-a-jwt' })).message).toContain(
      '(repo:OWNER/REPO:ref:refs/heads/main, or repo:OWNER/REPO:environment:NAME',
    );
  });

  it('a rejected token (wire code or SDK name) points at the OIDC identity provider and its audience', () => {
    for (const code of [
      'InvalidIdentityToken',
      'InvalidIdentityTokenException',
      'ExpiredToken',
      'ExpiredTokenException',
      'IDPRejectedClaim',
      'IDPRejectedClaimException',
    ]) {
      const failure = stsFailure(code, 'Bad token', context());
      expect(failure.title).toBe('Could not assume the role');
      expect(failure.message).toBe(
        `STS rejected the GitHub OIDC token for ${ROLE}: ${code}: Bad token. Check that the account has an IAM OIDC identity provider for https://token.actions.githubusercontent.com with audience "sts.amazonaws.com".`,
      );
    }
  });

  it('a refused session length names role-duration-seconds and its value; another ValidationError does not', () => {
    const message =
      "1 validation error detected: Value '43200' at 'durationSeconds' failed to satisfy constraint";
    expect(stsFailure('ValidationError', message, context()).message).toBe(
      `STS refused the session length for ${ROLE}: ${message}. Lower the "role-duration-seconds" input (now 900) or raise the role's maximum session duration.`,
    );
    expect(stsFailure('ValidationError', 'RoleArn is invalid', context()).message).toMatch(
      /^STS AssumeRoleWithWebIdentity for .* failed after 1 request: ValidationError: RoleArn is invalid\./,
    );
  });

  it('STS never reached: "Could not reach AWS STS", with the requests made and the network fix', () => {
    expect(stsFailure('ENOTFOUND', 'getaddrinfo ENOTFOUND sts.example', context({ requests: 3 }))).toEqual({
      title: 'Could not reach AWS STS',
      message: `AssumeRoleWithWebIdentity for ${ROLE} could not reach STS (after 3 requests): ENOTFOUND: getaddrinfo ENOTFOUND sts.example. Check that the runner can reach the STS endpoint (network, proxy settings, AWS_ENDPOINT_URL if set), then re-run.`,
      summary: 'ENOTFOUND: getaddrinfo ENOTFOUND sts.example',
    });
  });

  it('anything else: the requests made, the input and trust policy to check', () => {
    expect(stsFailure('Throttling', 'Rate exceeded', context({ requests: 6 })).message).toBe(
      `STS AssumeRoleWithWebIdentity for ${ROLE} failed after 6 requests: Throttling: Rate exceeded. Check the "role-to-assume" input and the role's trust policy; when STS was only unavailable, re-run.`,
    );
    expect(noCredentialsReturned(ROLE)).toEqual({
      title: 'Could not assume the role',
      message: `STS returned no credentials for ${ROLE}.`,
      summary: 'NoCredentials: STS returned no credentials',
    });
  });
});

describe('a refresh that failed', () => {
  const settings = { audience: 'sts.amazonaws.com', roleDurationSeconds: 900 };

  it('says when the current credentials expire, what failed (ended with a period), and role-duration-seconds', () => {
    const expiration = new Date('2026-01-01T00:15:00.000Z');
    expect(refreshFailureMessage('Could not assume the role: denied', ROLE, settings, expiration)).toBe(
      `The assumed-role credentials for ${ROLE} expire at 2026-01-01T00:15:00.000Z, and refreshing them failed. Could not assume the role: denied. To need no refresh during a run, raise the "role-duration-seconds" input (now 900) above the longest run, up to the role's maximum session duration.`,
    );
    expect(refreshFailureMessage('Timed out!', ROLE, settings, expiration)).toContain(
      'refreshing them failed. Timed out! To need',
    );
  });

  it('credentials without an expiration are "due for renewal"', () => {
    expect(refreshFailureMessage('x.', ROLE, settings, undefined)).toMatch(
      new RegExp(
        `^The assumed-role credentials for ${ROLE} are due for renewal, and refreshing them failed\\. x\\. To need`,
      ),
    );
  });

  it('its log line gets the summary on one line, without a final period', () => {
    expect(oneLineSummary('AccessDenied: Not authorized\n  to perform it.')).toBe(
      'AccessDenied: Not authorized to perform it',
    );
  });
});
