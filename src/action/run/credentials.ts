// AWS credentials for a real run, resolved before the first step so a missing or refused credential is
// one run-level failure, not a failed step, and handed to every SSM and CloudFront client as a
// credential *provider*, never as static keys, so a run longer than the role session keeps working.
//
// With `role-to-assume`: the GitHub OIDC token (core.getIDToken, imported lazily: its HTTP client,
// which honours HTTPS_PROXY / NO_PROXY itself, is not loaded by a dry run), then STS
// AssumeRoleWithWebIdentity; every returned secret is masked. Beyond the STS client's standard retries
// (3 requests) we try again, with jittered backoff in a bounded time, only errors the SDK itself re-sent
// (never AccessDenied, a bad token or duration), and every message counts the HTTP requests really made
// (`$metadata.attempts`). The first assumption happens up front; later ones when the SDK's own
// memoizeIdentityProvider (@smithy/core) asks, within 5 minutes of Expiration: a fresh OIDC token, the
// role again, the new secrets masked, one log line. A refresh that fails with more than 60 s left fails
// nothing (one log line, the current credentials go on signing, no new try for 30 s); with 60 s or less
// left it becomes the step's CredentialsRefreshFailed error.
// Without `role-to-assume`: the AWS SDK's default credential chain (environment, shared files, web
// identity, container/instance metadata), asked once up front and then passed on as the (memoised,
// self-refreshing) provider it is, so "no credentials" is said with its fix before anything is sent.
// What each failure says, with its fix, is built in credential-messages.ts.

import type { Agent as HttpAgent } from 'node:http';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { sdkHttpOptions } from './sdk-http-options.js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { doesIdentityRequireRefresh, isIdentityExpired, memoizeIdentityProvider } from '@smithy/core';
import { oidcTokenUnavailable, type ExecutionSettings } from '../inputs/execution-inputs.js';
import { UserError } from '../../shared/errors.js';
import { CREDENTIALS_REFRESH_FAILED } from '../report/diagnosis.js';
import { formatDuration, plural } from '../../shared/text.js';
import { CancelledError, jitteredBackoffMs, untilAborted, type Clock } from '../clock.js';
import { awsErrorName, errorMessage, sdkRequests } from './aws-answers.js';
import {
  defaultChainFailure,
  noCredentialsReturned,
  oidcTokenRequestFailure,
  oneLineSummary,
  refreshFailureMessage,
  stsFailure,
  type CredentialFailure,
} from './credential-messages.js';

/** Credentials as every AWS SDK v3 client accepts them. */
interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** A source of credentials as every AWS SDK v3 client accepts it (memoised and refreshed by the SDK). */
export type AwsCredentialProvider = () => Promise<AwsCredentialIdentity>;

export interface CredentialDependencies {
  env: Record<string, string | undefined>;
  /** Masks a value in the job log (the runner's add-mask). */
  setSecret: (value: string) => void;
  log: (line: string) => void;
  clock: Clock;
  signal: AbortSignal;
  /** Region of the STS endpoint. */
  region: string;
  /** Fetches the OIDC token; default @actions/core getIDToken. Called again for every refresh. */
  getIdToken?: (audience: string) => Promise<string>;
  /** The credential chain used without role-to-assume; default the AWS SDK's (defaultProvider). */
  defaultChain?: AwsCredentialProvider;
  random?: () => number;
  /** Total time allowed for our STS retries (the token expires). Default 60 s. */
  stsRetryBudgetMs?: number;
  /** The proxy-choosing agent for STS (HTTPS_PROXY/NO_PROXY); absent: the SDK's own. */
  httpAgent?: HttpAgent;
}

/** A failed refresh is tried again after this long (on the injected clock)… */
const REFRESH_RETRY_MS = 30_000;
/** …and fails the step only once the current credentials have this long or less left (wall clock). */
const REFRESH_LAST_MARGIN_MS = 60_000;

/**
 * A refresh of the assumed-role credentials failed mid-run: what failed, and the fix. Its name is the
 * code the step reports (CREDENTIALS_REFRESH_FAILED), which the diagnosis shows as is.
 */
export class CredentialsRefreshError extends Error {
  constructor(message: string) {
    super(message);
    this.name = CREDENTIALS_REFRESH_FAILED;
  }
}

/**
 * The credentials every client uses: with role-to-assume, a provider that has already assumed the
 * role once (so a refused role fails here, before any step) and assumes it again whenever the SDK
 * asks; without, the default chain. Throws UserError (with the fix) or CancelledError.
 */
export async function resolveCredentials(
  settings: ExecutionSettings,
  deps: CredentialDependencies,
): Promise<AwsCredentialProvider> {
  const roleArn = settings.roleToAssume;
  if (!roleArn) return resolveDefaultChain(deps);
  const noToken = oidcTokenUnavailable(settings, deps.env);
  if (noToken) throw new UserError('No OIDC token available', noToken);

  /** The credentials last assumed; undefined until the memoiser's first call (below, before any step). */
  let current: AwsCredentialIdentity | undefined;
  /** After a failed refresh: no new try before this clock.now() (unless the margin is reached). */
  let retryAfter: number | undefined;
  const assume = async (): Promise<AwsCredentialIdentity> => {
    const previous = current;
    if (previous === undefined) {
      // The first assumption: its failure is the run's (the UserError with the fix), not a step's.
      current = await assumeRoleWithOidc(roleArn, settings, deps);
      deps.log(
        `Credentials: assumed ${roleArn} as session ${settings.roleSessionName} via GitHub OIDC (audience ${settings.audience}, ${formatDuration(settings.roleDurationSeconds * 1000)}).`,
      );
      return current;
    }
    // Cancelled: no new session, but the current one (the SDK refreshes 5 minutes before it ends, so
    // it is normally still valid) still signs the clean-up calls, e.g. CancelCommand.
    if (deps.signal.aborted) return previous;
    if (
      retryAfter !== undefined &&
      deps.clock.now() < retryAfter &&
      millisecondsLeft(previous) > REFRESH_LAST_MARGIN_MS
    ) {
      return previous;
    }
    try {
      current = await assumeRoleWithOidc(roleArn, settings, deps);
    } catch (error) {
      if (error instanceof CancelledError || deps.signal.aborted) return previous;
      // Compared as the SDK's isIdentityExpired does (Date.now()), after the attempt took its time.
      const until = previous.expiration;
      if (until && millisecondsLeft(previous) > REFRESH_LAST_MARGIN_MS) {
        retryAfter = deps.clock.now() + REFRESH_RETRY_MS;
        deps.log(
          `Credentials: refreshing failed (${failureSummary(error)}); the current ones are valid until ${until.toISOString()}; trying again in ${formatDuration(REFRESH_RETRY_MS)}.`,
        );
        return previous;
      }
      throw refreshFailure(error, roleArn, settings, previous);
    }
    retryAfter = undefined;
    deps.log(
      `Credentials: refreshed — assumed ${roleArn} again as session ${settings.roleSessionName} with a new GitHub OIDC token${previous.expiration ? ` (the previous credentials expire at ${previous.expiration.toISOString()})` : ''}.`,
    );
    return current;
  };
  // The SDK's memoiser, shared by every client so one refresh serves them all: it calls assume
  // only while it has no credentials (the first call, below) and whenever the ones it holds are within
  // EXPIRATION_MS (5 minutes) of their `expiration` — see
  // node_modules/@smithy/core/dist-es/legacy-root-exports/util-identity-and-auth/memoizeIdentityProvider.js
  // (memoizeIdentityProvider, isIdentityExpired, doesIdentityRequireRefresh); concurrent callers
  // share one pending call. Each client wraps it once more the same way (@aws-sdk/core
  // dist-es/submodules/httpAuthSchemes/aws_sdk/resolveAwsSdkSigV4Config.js,
  // normalizeCredentialProvider), which then asks this shared one; a client asks for the identity
  // once per command it sends, before that command's retries (@smithy/core httpAuthSchemeMiddleware).
  const provider = memoizeIdentityProvider(assume, isIdentityExpired, doesIdentityRequireRefresh)!;
  await provider();
  return provider;
}

/** Milliseconds until `credentials` expire, by the wall clock as the SDK reads it; Infinity without expiry. */
function millisecondsLeft(credentials: AwsCredentialIdentity): number {
  return credentials.expiration ? credentials.expiration.getTime() - Date.now() : Infinity;
}

/**
 * A failed assumption: the UserError the user reads (title, message with the fix) and a one-line
 * `<code>: <short reason>` for the log line of a refresh that failed without failing anything.
 */
class AssumeRoleFailure extends UserError {
  readonly summary: string;
  constructor(failure: CredentialFailure) {
    super(failure.title, failure.message);
    this.summary = failure.summary;
  }
}

/** `AccessDenied: Not authorized to perform …` for a failed refresh attempt. */
function failureSummary(error: unknown): string {
  return oneLineSummary(
    error instanceof AssumeRoleFailure ? error.summary : `${awsErrorName(error)}: ${errorMessage(error)}`,
  );
}

/** One OIDC token, then AssumeRoleWithWebIdentity; masks what it returns. UserError or CancelledError. */
async function assumeRoleWithOidc(
  roleArn: string,
  settings: ExecutionSettings,
  deps: CredentialDependencies,
): Promise<AwsCredentialIdentity> {
  let token: string;
  try {
    const getIdToken =
      deps.getIdToken ?? (async (audience: string) => (await import('@actions/core')).getIDToken(audience));
    token = await untilAborted(getIdToken(settings.audience), deps.signal);
  } catch (error) {
    if (error instanceof CancelledError || deps.signal.aborted) throw new CancelledError();
    throw new AssumeRoleFailure(oidcTokenRequestFailure(settings.audience, errorMessage(error)));
  }
  deps.setSecret(token);

  const sts = new STSClient({ region: deps.region, ...sdkHttpOptions(deps.httpAgent) });
  const random = deps.random ?? Math.random;
  const budget = deps.stsRetryBudgetMs ?? 60_000;
  const started = deps.clock.now();
  let requests = 0;
  try {
    for (let pass = 0; ; pass++) {
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
          throw new AssumeRoleFailure(noCredentialsReturned(roleArn));
        }
        deps.setSecret(c.AccessKeyId);
        deps.setSecret(c.SecretAccessKey);
        deps.setSecret(c.SessionToken);
        return {
          accessKeyId: c.AccessKeyId,
          secretAccessKey: c.SecretAccessKey,
          sessionToken: c.SessionToken,
          ...(c.Expiration && { expiration: c.Expiration }),
        };
      } catch (error) {
        if (deps.signal.aborted) throw new CancelledError();
        if (error instanceof UserError) throw error;
        const sent = sdkRequests(error);
        requests += sent;
        const code = awsErrorName(error);
        const delay = jitteredBackoffMs(pass, 1_000, 10_000, random);
        // The SDK re-sends only what it judges transient (throttling, 5xx, timeouts, connection
        // resets, errors STS models as retryable such as IDPCommunicationError); what it sent once is
        // final and would fail the same way again.
        const transient = sent > 1;
        if (transient && deps.clock.now() - started + delay < budget) {
          deps.log(
            `STS AssumeRoleWithWebIdentity: ${code} after ${plural(requests, 'request')}; retrying in ${formatDuration(delay)}.`,
          );
          await deps.clock.sleep(delay, deps.signal);
          continue;
        }
        const message = errorMessage(error).replace(/\.$/, '');
        throw new AssumeRoleFailure(
          stsFailure(code, message, { roleArn, settings, env: deps.env, requests, token }),
        );
      }
    }
  } finally {
    sts.destroy();
  }
}

/** The step error for a refresh that failed: what failed (with its own fix), and how to avoid it. */
function refreshFailure(
  error: unknown,
  roleArn: string,
  settings: ExecutionSettings,
  previous: AwsCredentialIdentity,
): CredentialsRefreshError {
  const what = error instanceof UserError ? `${error.title}: ${error.message}` : errorMessage(error);
  return new CredentialsRefreshError(refreshFailureMessage(what, roleArn, settings, previous.expiration));
}

/**
 * The SDK's default chain, asked once now: credentials found → the chain itself, a provider, for every
 * client — never the static values it returned — so expiring credentials (a web identity file,
 * container or instance metadata, SSO) are renewed: defaultProvider is memoised by memoizeChain, which
 * asks the chain again within 5 minutes of their expiration (node_modules/@aws-sdk/
 * credential-provider-node/dist-es/runtime/memoize-chain.js, credentialsTreatedAsExpired in
 * dist-es/defaultProvider.js). None → a UserError with the fix.
 */
async function resolveDefaultChain(deps: CredentialDependencies): Promise<AwsCredentialProvider> {
  // its STS/SSO clients (web identity file, profiles) go through the proxy too; the instance and
  // container metadata endpoints are link-local and always reached directly
  const chain = deps.defaultChain ?? defaultProvider({ clientConfig: sdkHttpOptions(deps.httpAgent) });
  try {
    await untilAborted(chain(), deps.signal);
  } catch (error) {
    if (error instanceof CancelledError || deps.signal.aborted) throw new CancelledError();
    throw new UserError(
      'No AWS credentials',
      defaultChainFailure(awsErrorName(error), errorMessage(error), deps.env.AWS_PROFILE || undefined),
    );
  }
  deps.log('Credentials: found by the AWS SDK default credential chain (no role-to-assume given).');
  return chain;
}
