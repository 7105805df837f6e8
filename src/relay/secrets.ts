// The Secrets Manager adapter of the Lambda relay: reads the relay's secret (RELAY_SECRETS_ARN) with
// GetSecretValue through the AWS SDK within a hard deadline (SECRETS_READ_TIMEOUT_MS, retries
// included), and the loader that keeps the last good copy per container, shares one read among
// concurrent callers, and merges the secret over the environment. What the secret may hold and the
// errors are in core/relay-secret.ts; when to read again and what to serve meanwhile in
// core/secret-cache-policy.ts. The fetcher is passed in, so tests swap it.

import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  mergeRelaySecrets,
  relaySecretId,
  RelaySecretsError,
  secretReadError,
  SecretReadTimeoutError,
  secretsFromAnswer,
  type Env,
  type FetchSecretString,
  type RelaySecrets,
} from './core/relay-secret.js';
import {
  afterFailedRefresh,
  expiredCopyMessage,
  nextSecretLoadStep,
  recoveredEvent,
  refreshFailedEvent,
  retryClause,
  secretCachePolicy,
  type FailingRefreshes,
  type GoodCopy,
  type SecretCachePolicy,
  type SecretsLoadEvent,
} from './core/secret-cache-policy.js';

/**
 * Longest a secret read may take, retries included. Slack gives up after 3 s, and what is left goes to
 * the dispatch (the relay shortens its deadline by the time this took), so the answer still leaves in
 * time when Secrets Manager is slow or accepts the connection and never answers.
 */
export const SECRETS_READ_TIMEOUT_MS = 1_500;

/**
 * The production fetcher: GetSecretValue through the AWS SDK (region, credentials, endpoint from the
 * environment), bounded by `timeoutMs` in all: each attempt by the HTTP handler's requestTimeout
 * (which only throws with throwOnRequestTimeout; without it the SDK merely logs a warning and keeps
 * waiting), the whole read, retries included, by an abort signal.
 */
export function secretsManagerFetcher(
  client?: SecretsManagerClient,
  timeoutMs: number = SECRETS_READ_TIMEOUT_MS,
): FetchSecretString {
  let sdk = client;
  return async (secretId) => {
    // Created on first use, so it picks up the Lambda's environment (AWS_REGION, credentials).
    sdk ??= new SecretsManagerClient({
      maxAttempts: 2, // one quick retry, inside the same deadline
      requestHandler: {
        connectionTimeout: Math.ceil(timeoutMs * 0.6),
        requestTimeout: Math.ceil(timeoutMs * 0.6),
        throwOnRequestTimeout: true,
      },
    });
    const deadline = AbortSignal.timeout(timeoutMs);
    try {
      const answer = await sdk.send(new GetSecretValueCommand({ SecretId: secretId }), {
        abortSignal: deadline,
      });
      return answer.SecretString;
    } catch (error) {
      const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
      if (deadline.aborted || name === 'TimeoutError' || code === 'ETIMEDOUT') {
        throw new SecretReadTimeoutError(timeoutMs, error);
      }
      throw error;
    }
  };
}

interface RelaySecretsLoaderOptions extends Partial<SecretCachePolicy> {
  fetchSecret?: FetchSecretString;
  /** Milliseconds clock, injectable for tests. */
  now?: () => number;
}

/** Merges the secret over `env`; `report` (optional) hears about failed refreshes and stale copies. */
type RelaySecretsLoader = (env: Env, report?: (event: SecretsLoadEvent) => void) => Promise<Env>;

/**
 * A loader with its own cache. When RELAY_SECRETS_ARN is unset the environment is returned as is (the
 * plain Node server reads its secrets from the environment); when set, the secret is fetched, checked
 * and merged over the environment, and reused as secret-cache-policy.ts says. Concurrent callers share
 * one fetch.
 *
 * When a read fails:
 * - the first read (nothing good yet, or the ARN changed): the call throws and nothing is cached, so
 *   the next call tries again;
 * - a refresh (a good copy exists, past maxAgeMs): the call returns the last good copy, reports
 *   `refresh_failed`, and calls within retryAfterFailureMs serve that copy without reading; the call
 *   after that reads again;
 * - a copy older than maxStaleMs is never served: the call reads as a first read does and throws
 *   (saying that the old copy expired) when that fails.
 */
export function createRelaySecretsLoader(options: RelaySecretsLoaderOptions = {}): RelaySecretsLoader {
  const fetchSecret = options.fetchSecret ?? secretsManagerFetcher();
  const policy = secretCachePolicy(options);
  const now = options.now ?? Date.now;

  let good: GoodCopy | undefined;
  /** The read in progress, shared by concurrent callers. */
  let inflight: { secretId: string; secrets: Promise<RelaySecrets> } | undefined;
  let failing: FailingRefreshes | undefined;

  async function read(secretId: string, whatNext: string): Promise<RelaySecrets> {
    let answer: string | undefined;
    try {
      answer = await fetchSecret(secretId);
    } catch (error) {
      throw secretReadError(error, secretId, whatNext);
    }
    return secretsFromAnswer(answer, secretId);
  }

  /** Starts a read, or joins the one in progress; `started` says whether this call started it. */
  function fetchShared(
    secretId: string,
    whatNext: string,
  ): { secrets: Promise<RelaySecrets>; started: boolean } {
    if (inflight?.secretId === secretId) return { secrets: inflight.secrets, started: false };
    const fetchedAt = now();
    const secrets = read(secretId, whatNext).then((value) => {
      good = { secretId, fetchedAt, secrets: value };
      return value;
    });
    const entry = { secretId, secrets };
    inflight = entry;
    const done = () => {
      if (inflight === entry) inflight = undefined;
    };
    secrets.then(done, done);
    return { secrets, started: true };
  }

  /** A read that must succeed (nothing servable is cached): throws its failure, caches nothing bad. */
  async function firstRead(secretId: string, expired?: { ageMs: number }): Promise<RelaySecrets> {
    const { secrets } = fetchShared(secretId, retryClause('first_read', policy));
    try {
      const value = await secrets;
      failing = undefined;
      return value;
    } catch (error) {
      if (expired === undefined || !(error instanceof RelaySecretsError)) throw error;
      throw new RelaySecretsError(
        expiredCopyMessage(error.message, expired.ageMs, policy),
        error.variable,
        error.code,
      );
    }
  }

  /** A scheduled re-read while a good copy exists: its failure serves that copy instead. */
  async function refresh(copy: GoodCopy, report: (event: SecretsLoadEvent) => void): Promise<RelaySecrets> {
    const { secrets, started } = fetchShared(copy.secretId, retryClause('refresh', policy));
    const wasFailing = failing;
    try {
      const value = await secrets;
      if (started && wasFailing !== undefined) report(recoveredEvent(copy.secretId, wasFailing, now()));
      if (started) failing = undefined;
      return value;
    } catch (error) {
      if (!(error instanceof RelaySecretsError)) throw error;
      const at = now();
      if (started) {
        failing = afterFailedRefresh(failing, at, policy);
        report(refreshFailedEvent(copy, error, at, policy));
      }
      report({ kind: 'served_stale', ageMs: at - copy.fetchedAt });
      return copy.secrets;
    }
  }

  return async (env, report = () => {}) => {
    const secretId = relaySecretId(env);
    if (secretId === undefined) return { ...env };
    const state = { good, failing, readingId: inflight?.secretId };
    const step = nextSecretLoadStep(state, secretId, now(), policy);
    switch (step.kind) {
      case 'first_read':
        return mergeRelaySecrets(env, await firstRead(secretId));
      case 'fresh':
        return mergeRelaySecrets(env, step.copy.secrets);
      case 'expired':
        good = undefined; // never served again, whatever the read below gives
        return mergeRelaySecrets(env, await firstRead(secretId, { ageMs: step.ageMs }));
      case 'stale':
        report({ kind: 'served_stale', ageMs: step.ageMs });
        return mergeRelaySecrets(env, step.copy.secrets);
      case 'refresh':
        return mergeRelaySecrets(env, await refresh(step.copy, report));
    }
  };
}

/** The loader the Lambda adapter uses: `const env = await loadRelaySecrets(process.env)`. */
export const loadRelaySecrets: RelaySecretsLoader = createRelaySecretsLoader();
