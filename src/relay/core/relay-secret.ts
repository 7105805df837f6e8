// The relay's secret (the stack keeps it as one JSON secret in Secrets Manager; RELAY_SECRETS_ARN names
// it): the keys it may hold, reading RELAY_SECRETS_ARN, checking the secret's text, merging it over the
// environment, and turning a failed read into an error that names the variable and the fix. Never puts
// the secret's text in an error. Pure: the read itself is the adapter's (../secrets.ts).

import { formatDuration } from '../../shared/text.js';

/** The keys the stack's secret may hold; each becomes the environment variable of the same name. */
export const RELAY_SECRET_KEYS = [
  'SLACK_SIGNING_SECRET',
  'SLACK_SIGNING_SECRET_PREVIOUS',
  'GITHUB_TOKEN',
  'GITHUB_APP_PRIVATE_KEY',
] as const;

type RelaySecretKey = (typeof RELAY_SECRET_KEYS)[number];
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

/** A read that did not finish within its deadline (thrown by a FetchSecretString). */
export class SecretReadTimeoutError extends Error {
  readonly timeoutMs: number;

  constructor(timeoutMs: number, cause: unknown) {
    super(`no answer from Secrets Manager within ${timeoutMs} ms`, { cause });
    this.name = 'SecretReadTimeoutError';
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The secret's id from RELAY_SECRETS_ARN, trimmed; undefined when the variable is unset (the plain
 * Node server reads its secrets from the environment). Set but blank is an error.
 */
export function relaySecretId(env: Env): string | undefined {
  const raw = env[VARIABLE];
  if (raw === undefined) return undefined;
  const secretId = raw.trim();
  if (secretId === '') {
    throw new RelaySecretsError(
      `${VARIABLE} is set but empty. Set it to the ARN of the relay secret (the stack's RelaySecretArn output), or unset it and give SLACK_SIGNING_SECRET and GITHUB_TOKEN as environment variables.`,
    );
  }
  return secretId;
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

/**
 * A read's answer → the secrets: no SecretString (a binary secret) is code NoSecretString, a text
 * parseRelaySecret refuses is code InvalidSecret.
 */
export function secretsFromAnswer(secretString: string | undefined, secretId: string): RelaySecrets {
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

/**
 * A failed read → the error to report: the cause and what to check, with `retryClause` saying what
 * the relay does next. Its code is TimeoutError for a read past its deadline, else the error's code
 * (ECONNREFUSED) or name (AccessDeniedException).
 */
export function secretReadError(error: unknown, secretId: string, retryClause: string): RelaySecretsError {
  if (error instanceof SecretReadTimeoutError) {
    return new RelaySecretsError(
      `${VARIABLE}: Secrets Manager did not answer within ${formatDuration(error.timeoutMs)} when reading the secret ${secretId}; ${retryClause}. If it keeps happening, check that the function can reach Secrets Manager (a function in a VPC needs a NAT gateway or a secretsmanager VPC endpoint).`,
      VARIABLE,
      'TimeoutError',
    );
  }
  const { name, message, code } = error as Error & { code?: unknown };
  return new RelaySecretsError(
    `${VARIABLE}: could not read the secret ${secretId} (${name}: ${message}). Check that ${VARIABLE} is the ARN of the stack's relay secret (output RelaySecretArn) and that the function's role may call secretsmanager:GetSecretValue on it (the stack grants exactly that).`,
    VARIABLE,
    typeof code === 'string' && code !== '' ? code : name,
  );
}

/** The environment with every secret merged over it (the secret wins over a plain variable). */
export function mergeRelaySecrets(env: Env, secrets: RelaySecrets): Env {
  return { ...env, ...secrets };
}
