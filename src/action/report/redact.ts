// Keeps secrets out of everything we write where people read: the Slack payload, the job summary and
// annotations are not masked by the runner's log masking (Slack never is). Replaces every known
// secret value, and anything shaped like a secret we were not told about (Slack webhook URLs, AWS
// access key ids, JWTs such as the OIDC token), with `***`. Pure.

export const REDACTED = '***';

/** Environment variables whose values are secrets whenever they are set. */
const SECRET_ENVIRONMENT_VARIABLES = [
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  'ACTIONS_RUNTIME_TOKEN',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_ACCESS_KEY_ID',
  'GITHUB_TOKEN',
  'INPUT_SLACK-WEBHOOK-URL',
  'INPUT_SLACK-BOT-TOKEN',
];

const SECRET_SHAPES: RegExp[] = [
  // Slack incoming webhooks and workflow triggers (the path is the credential).
  /https?:\/\/hooks\.slack(?:-gov)?\.com\/[^\s"'<>|)]+/gi,
  // Slack tokens (bot, user, app, configuration).
  /\bxox[abepr]-[A-Za-z0-9-]{10,}/g,
  // AWS access key ids (long-term AKIA…, temporary ASIA…).
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g,
  // JSON web tokens (the GitHub OIDC token among them).
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
];

/** Values too short to be secrets would redact ordinary words. */
const MIN_SECRET_LENGTH = 6;

export function secretsFromEnvironment(env: NodeJS.ProcessEnv): string[] {
  return SECRET_ENVIRONMENT_VARIABLES.map((name) => env[name]?.trim() ?? '').filter((v) => v !== '');
}

export interface Redactor {
  (text: string): string;
}

/** A function that removes the given secrets (and secret-shaped text) from a string. */
export function redactor(secrets: Iterable<string>): Redactor {
  const values = [...new Set([...secrets].map((s) => s.trim()).filter((s) => s.length >= MIN_SECRET_LENGTH))]
    // Longest first, so a secret that contains another is removed whole.
    .sort((a, b) => b.length - a.length);
  return (text: string) => {
    let result = text;
    for (const value of values) result = result.split(value).join(REDACTED);
    for (const shape of SECRET_SHAPES) result = result.replace(shape, REDACTED);
    return result;
  };
}

/** A deep copy of a JSON-like value with every string (and object key) redacted. */
export function redactDeep<T>(value: T, redact: Redactor): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v, redact)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [redact(k), redactDeep(v, redact)]),
    ) as T;
  }
  return value;
}
