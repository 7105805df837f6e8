// Credentials before the first step, with the sources injected: the SDK's default chain when there is
// no role-to-assume (found → shared by every client; none → one error naming the fix), and the
// messages for a failed GitHub OIDC token request (the permission is there; say what failed).

import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { awsErrorName } from '../src/action/clock.js';
import {
  CancelledError,
  defaultChainFailure,
  oidcTokenFailure,
  resolveCredentials,
  type AwsCredentialProvider,
  type CredentialDependencies,
} from '../src/action/credentials.js';
import { parseExecutionInputs } from '../src/core/execution-inputs.js';
import { UserError } from '../src/core/errors.js';
import { FakeClock } from './helpers/fakes.js';

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
