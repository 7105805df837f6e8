// The inputs of a real run — role, audience, session name and duration, step timeout, requester —
// checked against AWS's rules before any AWS call (and by a dry run, so it fails where a real run
// would). Pure: the problems become one UserError naming each input and its fix.

import { formats, ROLE_DURATION_RANGE } from '../../shared/aws-formats.js';
import { UserError } from '../../shared/errors.js';

const DEFAULT_AUDIENCE = 'sts.amazonaws.com';
const DEFAULT_ROLE_DURATION_SECONDS = 900;
const DEFAULT_STEP_TIMEOUT_SECONDS = 600;
const STEP_TIMEOUT_RANGE = { min: 1, max: 86_400 } as const;

export interface ExecutionSettings {
  /** IAM role to assume through GitHub OIDC; absent → the SDK's default credential chain. */
  roleToAssume?: string;
  audience: string;
  roleSessionName: string;
  roleDurationSeconds: number;
  stepTimeoutSeconds: number;
  /** The `requester` input as given ('' → the workflow actor). */
  requester: string;
}

export interface RawExecutionInputs {
  roleToAssume: string;
  audience: string;
  roleSessionName: string;
  roleDurationSeconds: string;
  stepTimeoutSeconds: string;
  requester: string;
}

/** `cache-purge-<site>-<run id>-<attempt>`, sanitised to STS's [\w+=,.@-]{2,64}. */
export function defaultSessionName(site: string, runId?: string, runAttempt?: string): string {
  const raw = ['cache-purge', site, runId ?? String(Date.now()), runAttempt ?? '1'].join('-');
  const clean = raw.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
  return clean.length >= 2 ? clean : 'cache-purge';
}

/** A whole number of seconds within `range`; '' → `fallback`; anything else → a problem. */
function integer(
  name: string,
  raw: string,
  fallback: number,
  range: { min: number; max: number },
  problems: string[],
): number {
  if (raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < range.min || Number(raw) > range.max) {
    problems.push(
      `Input "${name}" is ${JSON.stringify(raw)}; use a whole number of seconds from ${range.min} to ${range.max}.`,
    );
    return fallback;
  }
  return Number(raw);
}

/**
 * Checks the inputs a real run uses; a dry run checks them too, so it fails exactly where a real run
 * would. Every problem is reported at once (one per line), each naming its input and the fix.
 */
export function parseExecutionInputs(
  raw: RawExecutionInputs,
  site: string,
  env: Record<string, string | undefined>,
): ExecutionSettings {
  const problems: string[] = [];
  const settings: ExecutionSettings = {
    audience: raw.audience || DEFAULT_AUDIENCE,
    roleSessionName:
      raw.roleSessionName || defaultSessionName(site, env.GITHUB_RUN_ID, env.GITHUB_RUN_ATTEMPT),
    roleDurationSeconds: integer(
      'role-duration-seconds',
      raw.roleDurationSeconds,
      DEFAULT_ROLE_DURATION_SECONDS,
      ROLE_DURATION_RANGE,
      problems,
    ),
    stepTimeoutSeconds: integer(
      'step-timeout-seconds',
      raw.stepTimeoutSeconds,
      DEFAULT_STEP_TIMEOUT_SECONDS,
      STEP_TIMEOUT_RANGE,
      problems,
    ),
    requester: raw.requester,
  };
  if (raw.roleToAssume !== '') {
    if (formats.roleArn.pattern.test(raw.roleToAssume)) settings.roleToAssume = raw.roleToAssume;
    else {
      problems.push(
        `Input "role-to-assume" is ${JSON.stringify(raw.roleToAssume)}, which is not an IAM role ARN; use ${formats.roleArn.allowed}.`,
      );
    }
  }
  if (!formats.roleSessionName.pattern.test(settings.roleSessionName)) {
    problems.push(
      `Input "role-session-name" is ${JSON.stringify(raw.roleSessionName)}; use ${formats.roleSessionName.allowed} (or leave it empty for the default).`,
    );
  }
  if (/\s/.test(settings.audience)) {
    problems.push(
      `Input "audience" is ${JSON.stringify(raw.audience)}; use the audience your IAM OIDC provider expects, without spaces (default sts.amazonaws.com).`,
    );
  }
  if (problems.length === 1) throw new UserError('Invalid input', problems[0]!);
  if (problems.length > 1) {
    throw new UserError(
      'Invalid inputs',
      [`${problems.length} inputs are not valid:`, ...problems.map((p) => `  - ${p}`)].join('\n'),
    );
  }
  return settings;
}

/**
 * Why a run with `role-to-assume` cannot get a GitHub OIDC token (the runner sets
 * ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN only for jobs with `permissions: id-token: write`), or undefined
 * when it can or does not need one. A real run fails with it; a dry run warns.
 */
export function oidcTokenUnavailable(
  settings: ExecutionSettings,
  env: Record<string, string | undefined>,
): string | undefined {
  if (!settings.roleToAssume) return undefined;
  if (env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) return undefined;
  return 'Input "role-to-assume" is set, but the runner offers no GitHub OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL is not set): add `permissions: id-token: write` to the job (keep `contents: read` so checkout still works).';
}
