// Owns the relay's secrets when it runs on Lambda: the CloudFormation stack stores them as one JSON
// secret in Secrets Manager and gives the function only its ARN (RELAY_SECRETS_ARN). This file reads
// that secret once per container (refreshed after a few minutes so a rotation reaches warm
// containers), within a hard deadline (SECRETS_READ_TIMEOUT_MS, retries included), checks its shape,
// and returns the environment with the secret's keys merged over it.
// Parsing and merging are pure; fetching goes through the AWS SDK, passed in so it can be swapped.

import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

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

  constructor(message: string, variable: string = VARIABLE) {
    super(message);
    this.name = 'RelaySecretsError';
    this.variable = variable;
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
  /** Milliseconds clock, injectable for tests. */
  now?: () => number;
}

const DEFAULT_SECRETS_MAX_AGE_MS = 5 * 60_000;

/**
 * A loader with its own cache. When RELAY_SECRETS_ARN is unset the environment is returned as is (the
 * plain Node server reads its secrets from the environment); when set, the secret is fetched, checked
 * and merged over the environment. A good value is reused for maxAgeMs, so a Lambda container reads it
 * once per few minutes rather than per request, and a rotated secret reaches warm containers within
 * that time. Failures are never cached: the next call tries again. Concurrent callers share one fetch.
 */
export function createRelaySecretsLoader(
  options: RelaySecretsLoaderOptions = {},
): (env: Env) => Promise<Env> {
  const fetchSecret = options.fetchSecret ?? secretsManagerFetcher();
  const maxAgeMs = options.maxAgeMs ?? DEFAULT_SECRETS_MAX_AGE_MS;
  const now = options.now ?? Date.now;
  let cache: { secretId: string; fetchedAt: number; secrets: Promise<RelaySecrets> } | undefined;

  async function read(secretId: string): Promise<RelaySecrets> {
    let secretString: string | undefined;
    try {
      secretString = await fetchSecret(secretId);
    } catch (error) {
      if (error instanceof SecretReadTimeoutError) {
        throw new RelaySecretsError(
          `${VARIABLE}: Secrets Manager did not answer within ${error.timeoutMs / 1000} s when reading the secret ${secretId}; the next request tries again. If it keeps happening, check that the function can reach Secrets Manager (a function in a VPC needs a NAT gateway or a secretsmanager VPC endpoint).`,
        );
      }
      const { name, message } = error as Error;
      throw new RelaySecretsError(
        `${VARIABLE}: could not read the secret ${secretId} (${name}: ${message}). Check that ${VARIABLE} is the ARN of the stack's relay secret (output RelaySecretArn) and that the function's role may call secretsmanager:GetSecretValue on it (the stack grants exactly that).`,
      );
    }
    if (secretString === undefined) {
      throw new RelaySecretsError(
        `${VARIABLE}: the secret ${secretId} has no SecretString (binary secrets are not supported). Store ${EXPECTED_SHAPE}.`,
      );
    }
    return parseRelaySecret(secretString, secretId);
  }

  return async (env) => {
    const raw = env[VARIABLE];
    if (raw === undefined) return { ...env };
    const secretId = raw.trim();
    if (secretId === '') {
      throw new RelaySecretsError(
        `${VARIABLE} is set but empty. Set it to the ARN of the relay secret (the stack's RelaySecretArn output), or unset it and give SLACK_SIGNING_SECRET and GITHUB_TOKEN as environment variables.`,
      );
    }
    if (!cache || cache.secretId !== secretId || now() - cache.fetchedAt >= maxAgeMs) {
      const entry = { secretId, fetchedAt: now(), secrets: read(secretId) };
      cache = entry;
      entry.secrets.catch(() => {
        if (cache === entry) cache = undefined; // never keep a failure
      });
    }
    return mergeRelaySecrets(env, await cache.secrets);
  };
}

/** The loader the Lambda adapter uses: `const env = await loadRelaySecrets(process.env)`. */
export const loadRelaySecrets: (env: Env) => Promise<Env> = createRelaySecretsLoader();
