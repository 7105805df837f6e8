// AWS credentials for a real run. With `role-to-assume`: the GitHub OIDC token (core.getIDToken,
// imported lazily: it loads an HTTP client the dry run must not pay for), then STS
// AssumeRoleWithWebIdentity with jittered backoff inside a bounded total time, never retrying
// AccessDenied; every returned secret is masked. Without it: undefined, i.e. the SDK's default chain.

import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { oidcTokenUnavailable, type ExecutionSettings } from '../core/execution-inputs.js';
import { UserError } from '../core/errors.js';
import { awsErrorName, errorMessage, jitteredBackoffMs, type Clock } from './clock.js';

/** Static credentials as every AWS SDK v3 client accepts them. */
export interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export interface CredentialDependencies {
  env: Record<string, string | undefined>;
  /** Masks a value in the job log (the runner's add-mask). */
  setSecret: (value: string) => void;
  log: (line: string) => void;
  clock: Clock;
  signal: AbortSignal;
  /** Region of the STS endpoint. */
  region: string;
  /** Fetches the OIDC token; default @actions/core getIDToken. */
  getIdToken?: (audience: string) => Promise<string>;
  random?: () => number;
  /** Total time allowed for STS retries (the token expires). Default 60 s. */
  stsRetryBudgetMs?: number;
}

/** STS failures worth another try; everything else (AccessDenied, InvalidIdentityToken, …) is final. */
const TRANSIENT_STS = new Set([
  'IDPCommunicationError',
  'Throttling',
  'ThrottlingException',
  'ServiceUnavailable',
  'InternalFailure',
  'RequestTimeout',
  'TimeoutError',
  'ECONNRESET',
  'ECONNREFUSED',
]);

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

export async function resolveCredentials(
  settings: ExecutionSettings,
  deps: CredentialDependencies,
): Promise<AwsCredentialIdentity | undefined> {
  const roleArn = settings.roleToAssume;
  if (!roleArn) {
    deps.log('Credentials: the AWS SDK default chain (no role-to-assume given).');
    return undefined;
  }
  const noToken = oidcTokenUnavailable(settings, deps.env);
  if (noToken) throw new UserError('No OIDC token available', noToken);
  let token: string;
  try {
    const getIdToken =
      deps.getIdToken ?? (async (audience: string) => (await import('@actions/core')).getIDToken(audience));
    token = await getIdToken(settings.audience);
  } catch (error) {
    throw new UserError(
      'Could not get the GitHub OIDC token',
      `Requesting the OIDC token for audience "${settings.audience}" failed: ${errorMessage(error)}. Check that the job has \`permissions: id-token: write\`.`,
    );
  }
  deps.setSecret(token);

  const sts = new STSClient({ region: deps.region });
  const random = deps.random ?? Math.random;
  const budget = deps.stsRetryBudgetMs ?? 60_000;
  const started = deps.clock.now();
  try {
    for (let attempt = 0; ; attempt++) {
      if (deps.signal.aborted) throw new CancelledError();
      try {
        const out = await sts.send(
          new AssumeRoleWithWebIdentityCommand({
            RoleArn: roleArn,
            RoleSessionName: settings.roleSessionName,
            WebIdentityToken: token,
            DurationSeconds: settings.roleDurationSeconds,
          }),
          { abortSignal: deps.signal },
        );
        const c = out.Credentials;
        if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) {
          throw new UserError('Could not assume the role', `STS returned no credentials for ${roleArn}.`);
        }
        deps.setSecret(c.AccessKeyId);
        deps.setSecret(c.SecretAccessKey);
        deps.setSecret(c.SessionToken);
        deps.log(
          `Credentials: assumed ${roleArn} as session ${settings.roleSessionName} via GitHub OIDC (audience ${settings.audience}, ${settings.roleDurationSeconds} s).`,
        );
        return {
          accessKeyId: c.AccessKeyId,
          secretAccessKey: c.SecretAccessKey,
          sessionToken: c.SessionToken,
          ...(c.Expiration && { expiration: c.Expiration }),
        };
      } catch (error) {
        if (deps.signal.aborted) throw new CancelledError();
        if (error instanceof UserError) throw error;
        const code = awsErrorName(error);
        const cause = (error as { code?: string }).code;
        const delay = jitteredBackoffMs(attempt, 1_000, 10_000, random);
        const transient = TRANSIENT_STS.has(code) || (cause !== undefined && TRANSIENT_STS.has(cause));
        if (transient && deps.clock.now() - started + delay < budget) {
          deps.log(`STS AssumeRoleWithWebIdentity: ${code}; retrying in ${(delay / 1000).toFixed(1)} s.`);
          await deps.clock.sleep(delay, deps.signal);
          continue;
        }
        throw stsError(code, errorMessage(error), roleArn, settings, deps.env, transient ? attempt + 1 : 1);
      }
    }
  } finally {
    sts.destroy();
  }
}

function stsError(
  code: string,
  message: string,
  roleArn: string,
  settings: ExecutionSettings,
  env: Record<string, string | undefined>,
  attempts: number,
): UserError {
  const repo = env.GITHUB_REPOSITORY ?? 'OWNER/REPO';
  const ref = env.GITHUB_REF ?? 'refs/heads/main';
  if (code === 'AccessDenied' || code === 'AccessDeniedException') {
    return new UserError(
      'Could not assume the role',
      `STS denied AssumeRoleWithWebIdentity for ${roleArn} (${message}). Check the role's trust policy: it must trust the OIDC provider token.actions.githubusercontent.com, its condition "token.actions.githubusercontent.com:aud" must be "${settings.audience}", and "token.actions.githubusercontent.com:sub" must match this job (repo:${repo}:ref:${ref}, or repo:${repo}:environment:NAME when the job uses an environment).`,
    );
  }
  if (code === 'InvalidIdentityToken' || code === 'ExpiredTokenException' || code === 'IDPRejectedClaim') {
    return new UserError(
      'Could not assume the role',
      `STS rejected the GitHub OIDC token for ${roleArn}: ${code}: ${message}. Check that the account has an IAM OIDC identity provider for https://token.actions.githubusercontent.com with audience "${settings.audience}".`,
    );
  }
  return new UserError(
    'Could not assume the role',
    `STS AssumeRoleWithWebIdentity for ${roleArn} failed after ${attempts} attempt(s): ${code}: ${message}.`,
  );
}
