// Owns the relay's secrets when it runs on Lambda: the CloudFormation stack stores them as one JSON
// secret in Secrets Manager and gives the function only its ARN (RELAY_SECRETS_ARN). This file reads
// that secret once per container (refreshed after a few minutes so a rotation reaches warm
// containers), within a hard deadline (SECRETS_READ_TIMEOUT_MS, retries included), checks its shape,
// and returns the environment with the secret's keys merged over it. A failed refresh keeps the last
// good copy in service for a bounded time (MAX_STALE_MS), reading again at most every
// REFRESH_RETRY_MS, and reports what happened so the adapter can log it.
// Parsing and merging are pure; fetching goes through the AWS SDK, passed in so it can be swapped.

import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { formatDuration } from '../shared/text.js';

/** The keys the stack's secret may hold; each becomes the environment variable of the same name. */
export const RELAY_SECRET_KEYS = [
  'SLACK_SIGNING_SECRET',
  'SLACK_SIGNING_SECRET_PREVIOUS',
  'GITHUB_TOKEN',
  'GITHUB_APP_PRIVATE_KEY',
] as const;

export type RelaySecretKey = (typeof RELAY_SECRET_KEYS)[number];
export type RelaySecrets = Partial<Record<RelaySecretKey, string>>;
export type Env = Record<string, string | undefined>;

/** Reads a secret's SecretString by id or ARN; undefined when the secret holds binary data only. */
export type FetchSecretString = (secretId: string) => Promise<string | undefined>;

const VARIABLE = 'RELAY_SECRETS_ARN';
const EXPECTED_SHAPE = `a JSON object such as {"SLACK_SIGNING_SECRET": "…", "GITHUB_TOKEN": "…"} with only the keys ${RELAY_SECRET_KEYS.join(', ')}`;

/** A configuration problem with the relay's secret; the message names the variable and the fix. */
export class RelaySecretsError extends Error {
  readonly variable: string;
  /**
   * What went wrong, for log lines: Secrets Manager's error code (ThrottlingException,
   * AccessDeniedException, …), a network code (ECONNREFUSED), TimeoutError for a read past its
   * deadline, NoSecretString or InvalidSecret for a secret of the wrong shape.
   */
  readonly code: string | undefined;

  constructor(message: string, variable: string = VARIABLE, code?: string) {
    super(message);
    this.name = 'RelaySecretsError';
    this.variable = variable;
    this.code = code;
  }
}

/**
 * Checks the secret's text: a JSON object whose keys are among RELAY_SECRET_KEYS and whose values are
 * strings. Empty strings mean "not set" and are dropped. Never puts the secret's text in an error.
 */
export function parseRelaySecret(secretString: string, secretId: string): RelaySecrets {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    // JSON.parse's own message quotes the text it choked on: that would leak the secret into logs.
    throw new RelaySecretsError(
      `${VARIABLE}: the secret ${secretId} is not valid JSON. Store ${EXPECTED_SHAPE} (aws secretsmanager put-secret-value --secret-id ${secretId} --secret-string file://relay-secrets.json), or update the stack's NoEcho parameters.`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new RelaySecretsError(
      `${VARIABLE}: the secret ${secretId} holds JSON that is not an object. Store ${EXPECTED_SHAPE}.`,
    );
  }
  const known = new Set<string>(RELAY_SECRET_KEYS);
  const secrets: RelaySecrets = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!known.has(key)) {
      throw new RelaySecretsError(
        `${VARIABLE}: the secret ${secretId} has an unknown key "${key}". Allowed keys: ${RELAY_SECRET_KEYS.join(', ')} (check the spelling).`,
      );
    }
    if (typeof value !== 'string') {
      throw new RelaySecretsError(
        `${VARIABLE}: the secret ${secretId} key "${key}" must be a string, not ${value === null ? 'null' : typeof value}. Store ${EXPECTED_SHAPE}.`,
      );
    }
    if (value !== '') secrets[key as RelaySecretKey] = value;
  }
  return secrets;
}

/** The environment with every secret merged over it (the secret wins over a plain variable). */
export function mergeRelaySecrets(env: Env, secrets: RelaySecrets): Env {
  return { ...env, ...secrets };
}

/**
 * Longest a secret read may take, retries included. Slack gives up after 3 s, and what is left goes to
 * the dispatch (the relay shortens its deadline by the time this took), so the answer still leaves in
 * time when Secrets Manager is slow or accepts the connection and never answers.
 */
export const SECRETS_READ_TIMEOUT_MS = 1_500;

/** A read that did not finish within its deadline; the loader says so, with the likely cause. */
export class SecretReadTimeoutError extends Error {
  readonly timeoutMs: number;

  constructor(timeoutMs: number, cause: unknown) {
    super(`no answer from Secrets Manager within ${timeoutMs} ms`, { cause });
    this.name = 'SecretReadTimeoutError';
    this.timeoutMs = timeoutMs;
  }
}

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

export interface RelaySecretsLoaderOptions {
  fetchSecret?: FetchSecretString;
  /** How long a fetched secret is reused before it is read again (default 5 minutes). */
  maxAgeMs?: number;
  /** After a failed refresh, how long the last good copy is served before the next read (default 30 s). */
  retryAfterFailureMs?: number;
  /** Oldest a copy may be and still be served while refreshes fail (default MAX_STALE_MS, 1 hour). */
  maxStaleMs?: number;
  /** Milliseconds clock, injectable for tests. */
  now?: () => number;
}

const DEFAULT_SECRETS_MAX_AGE_MS = 5 * 60_000;

/**
 * After a failed refresh, the next read waits this long: a Secrets Manager that is down or throttling
 * is not asked again on every request (each ask could also cost a request up to 1.5 s).
 */
export const REFRESH_RETRY_MS = 30_000;

/**
 * The oldest copy of the secret the relay still serves while refreshes keep failing: 1 hour, counted
 * from the last successful read. Long enough to ride out throttling, a network blip or most Secrets
 * Manager incidents (about 120 attempts at REFRESH_RETRY_MS). Short enough that a secret rotated
 * because it leaked (signing secret, token) is not honoured for long by a container that cannot read
 * the new one. Past it the copy is dropped and the relay answers 500, exactly as when a first read
 * fails, until a read succeeds.
 *
 * Rotation while refreshes fail: a request whose signature does not verify with the copy is answered
 * 401 as always, and does NOT trigger a read outside the REFRESH_RETRY_MS schedule. Anyone can send a
 * bad signature, so letting that drive reads would let strangers hammer (and throttle) Secrets Manager,
 * and while it is failing an extra read would not bring the new secret anyway. The new secret arrives
 * with the first scheduled read that succeeds (at most REFRESH_RETRY_MS after Secrets Manager answers
 * again, given a request); meanwhile each request's log line carries `secrets_age_s`, so rejected
 * `bad_signature` lines with it point at a rotation the relay has not read yet.
 */
export const MAX_STALE_MS = 60 * 60_000;

/**
 * What a loader call reports besides the environment, for the adapter's log:
 * - `refresh_failed`: a scheduled re-read failed and the last good copy (read `ageMs` ago) is served
 *   instead; the next read is in `retryInMs`. Reported once per failed read, not per request.
 * - `refresh_recovered`: a read succeeded after `failures` failed ones over `failingForMs`.
 * - `served_stale`: this call's environment comes from a copy past its refresh age (`ageMs` old)
 *   because refreshes are failing; reported on every such call.
 */
export type SecretsLoadEvent =
  | {
      kind: 'refresh_failed';
      secretId: string;
      errorCode: string;
      message: string;
      ageMs: number;
      retryInMs: number;
      staleLimitMs: number;
    }
  | { kind: 'refresh_recovered'; secretId: string; failures: number; failingForMs: number }
  | { kind: 'served_stale'; ageMs: number };

/** Merges the secret over `env`; `report` (optional) hears about failed refreshes and stale copies. */
export type RelaySecretsLoader = (env: Env, report?: (event: SecretsLoadEvent) => void) => Promise<Env>;

/**
 * A loader with its own cache. When RELAY_SECRETS_ARN is unset the environment is returned as is (the
 * plain Node server reads its secrets from the environment); when set, the secret is fetched, checked
 * and merged over the environment. A good value is reused for maxAgeMs, so a Lambda container reads it
 * once per few minutes rather than per request, and a rotated secret reaches warm containers within
 * that time. Concurrent callers share one fetch.
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
  const maxAgeMs = options.maxAgeMs ?? DEFAULT_SECRETS_MAX_AGE_MS;
  const retryAfterFailureMs = options.retryAfterFailureMs ?? REFRESH_RETRY_MS;
  const maxStaleMs = Math.max(options.maxStaleMs ?? MAX_STALE_MS, maxAgeMs);
  const now = options.now ?? Date.now;

  /** The last successful read. */
  let good: { secretId: string; fetchedAt: number; secrets: RelaySecrets } | undefined;
  /** The read in progress, shared by concurrent callers. */
  let inflight: { secretId: string; secrets: Promise<RelaySecrets> } | undefined;
  /** While refreshes fail: no read before `retryAt`; how many failed since when. */
  let failing: { since: number; failures: number; retryAt: number } | undefined;

  async function read(secretId: string, retryClause: string): Promise<RelaySecrets> {
    let secretString: string | undefined;
    try {
      secretString = await fetchSecret(secretId);
    } catch (error) {
      if (error instanceof SecretReadTimeoutError) {
        throw new RelaySecretsError(
          `${VARIABLE}: Secrets Manager did not answer within ${formatDuration(error.timeoutMs)} when reading the secret ${secretId}; ${retryClause}. If it keeps happening, check that the function can reach Secrets Manager (a function in a VPC needs a NAT gateway or a secretsmanager VPC endpoint).`,
          VARIABLE,
          'TimeoutError',
        );
      }
      const { name, message, code } = error as Error & { code?: unknown };
      throw new RelaySecretsError(
        `${VARIABLE}: could not read the secret ${secretId} (${name}: ${message}). Check that ${VARIABLE} is the ARN of the stack's relay secret (output RelaySecretArn) and that the function's role may call secretsmanager:GetSecretValue on it (the stack grants exactly that).`,
        VARIABLE,
        typeof code === 'string' && code !== '' ? code : name,
      );
    }
    if (secretString === undefined) {
      throw new RelaySecretsError(
        `${VARIABLE}: the secret ${secretId} has no SecretString (binary secrets are not supported). Store ${EXPECTED_SHAPE}.`,
        VARIABLE,
        'NoSecretString',
      );
    }
    try {
      return parseRelaySecret(secretString, secretId);
    } catch (error) {
      if (!(error instanceof RelaySecretsError)) throw error;
      throw new RelaySecretsError(error.message, error.variable, 'InvalidSecret');
    }
  }

  /** Starts a read, or joins the one in progress; `started` says whether this call started it. */
  function fetchShared(
    secretId: string,
    retryClause: string,
  ): { secrets: Promise<RelaySecrets>; started: boolean } {
    if (inflight?.secretId === secretId) return { secrets: inflight.secrets, started: false };
    const fetchedAt = now();
    const secrets = read(secretId, retryClause).then((value) => {
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
    const { secrets } = fetchShared(secretId, 'the next request tries again');
    try {
      const value = await secrets;
      failing = undefined;
      return value;
    } catch (error) {
      if (expired === undefined || !(error instanceof RelaySecretsError)) throw error;
      throw new RelaySecretsError(
        `${error.message} The last secret read successfully is ${formatDuration(expired.ageMs)} old, past the ${formatDuration(maxStaleMs)} the relay serves a copy while reads fail, so it is no longer used.`,
        error.variable,
        error.code,
      );
    }
  }

  /** A scheduled re-read while a good copy exists: its failure serves that copy instead. */
  async function refresh(
    current: NonNullable<typeof good>,
    report: (event: SecretsLoadEvent) => void,
  ): Promise<RelaySecrets> {
    const { secrets, started } = fetchShared(
      current.secretId,
      `the relay serves the copy it read before and tries again in ${formatDuration(retryAfterFailureMs)}`,
    );
    const wasFailing = failing;
    try {
      const value = await secrets;
      if (started && wasFailing !== undefined) {
        report({
          kind: 'refresh_recovered',
          secretId: current.secretId,
          failures: wasFailing.failures,
          failingForMs: Math.max(0, now() - wasFailing.since),
        });
      }
      if (started) failing = undefined;
      return value;
    } catch (error) {
      if (!(error instanceof RelaySecretsError)) throw error;
      const at = now();
      if (started) {
        failing = {
          since: failing?.since ?? at,
          failures: (failing?.failures ?? 0) + 1,
          retryAt: at + retryAfterFailureMs,
        };
        report({
          kind: 'refresh_failed',
          secretId: current.secretId,
          errorCode: error.code ?? 'Error',
          message: error.message,
          ageMs: at - current.fetchedAt,
          retryInMs: retryAfterFailureMs,
          staleLimitMs: maxStaleMs,
        });
      }
      report({ kind: 'served_stale', ageMs: at - current.fetchedAt });
      return current.secrets;
    }
  }

  return async (env, report = () => {}) => {
    const raw = env[VARIABLE];
    if (raw === undefined) return { ...env };
    const secretId = raw.trim();
    if (secretId === '') {
      throw new RelaySecretsError(
        `${VARIABLE} is set but empty. Set it to the ARN of the relay secret (the stack's RelaySecretArn output), or unset it and give SLACK_SIGNING_SECRET and GITHUB_TOKEN as environment variables.`,
      );
    }
    const current = good?.secretId === secretId ? good : undefined;
    if (current === undefined) return mergeRelaySecrets(env, await firstRead(secretId));
    const ageMs = now() - current.fetchedAt;
    if (ageMs < maxAgeMs) return mergeRelaySecrets(env, current.secrets);
    if (ageMs >= maxStaleMs) {
      good = undefined; // never served again, whatever the read below gives
      return mergeRelaySecrets(env, await firstRead(secretId, { ageMs }));
    }
    if (failing !== undefined && now() < failing.retryAt && inflight?.secretId !== secretId) {
      report({ kind: 'served_stale', ageMs });
      return mergeRelaySecrets(env, current.secrets);
    }
    return mergeRelaySecrets(env, await refresh(current, report));
  };
}

/** The loader the Lambda adapter uses: `const env = await loadRelaySecrets(process.env)`. */
export const loadRelaySecrets: RelaySecretsLoader = createRelaySecretsLoader();
