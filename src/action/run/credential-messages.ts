// What a credential failure says, with its fix: no credentials in the default chain, a failed GitHub
// OIDC token request, STS refusing AssumeRoleWithWebIdentity (AccessDenied quotes the token's own
// sub and aud, and the stack parameters that trust that sub), and a mid-run refresh that failed.
// Each failure has a title, the message the user reads, and a one-line `<code>: <reason>` summary for
// the log line of a refresh that failed without failing anything. Pure; credentials.ts does the I/O.

import type { ExecutionSettings } from '../inputs/execution-inputs.js';
import { errorOrigin } from '../report/diagnosis.js';
import { plural } from '../../shared/text.js';

/** A failed assumption: the title and message (with the fix) the user reads, and a one-line summary. */
export interface CredentialFailure {
  title: string;
  message: string;
  summary: string;
}

/** The inputs a message quotes. */
type RoleSettings = Pick<ExecutionSettings, 'audience' | 'roleDurationSeconds'>;

const ROLE_FIX =
  'set the "role-to-assume" input to the ARN of an IAM role that trusts GitHub\'s OIDC provider (the job then needs `permissions: id-token: write`), or run aws-actions/configure-aws-credentials before this step';

/**
 * Without role-to-assume, the default chain found nothing (or one of its sources failed). `profile`:
 * AWS_PROFILE when set, which the SDK's message never names (a mistyped profile reads as no credentials).
 */
export function defaultChainFailure(name: string, message: string, profile?: string): string {
  if (/could not load credentials from any providers/i.test(message)) {
    const named = profile
      ? ` AWS_PROFILE is ${JSON.stringify(profile)}: check that this profile exists in the shared config or credentials file (\`aws configure list-profiles\`) and has credentials (an SSO profile: \`aws sso login --profile ${profile}\`), or unset AWS_PROFILE.`
      : '';
    return `No AWS credentials were found. The "role-to-assume" input is empty, so the action asked the AWS SDK's default credential chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE and the shared config files, a web identity token file, container or instance metadata), and none of them had credentials.${named} Fix: ${ROLE_FIX}.`;
  }
  return `The AWS SDK's default credential chain failed (${name}: ${message}). The "role-to-assume" input is empty, so the action relies on that chain. Fix the credential source it names, or ${ROLE_FIX}.`;
}

/** The OIDC token request (getIDToken) failed with `message`: the whole failure, title and summary too. */
export function oidcTokenRequestFailure(audience: string, message: string): CredentialFailure {
  return {
    title: 'Could not get the GitHub OIDC token',
    message: oidcTokenFailure(audience, message),
    summary: oidcTokenSummary(message),
  };
}

/**
 * The OIDC token request failed although the runner offered a token endpoint — which it does only to
 * jobs with `permissions: id-token: write`, so the permission is not the cause. @actions/core retries
 * HTTP 502, 503 and 504 (10 times, backing off); other answers and network errors are final.
 */
export function oidcTokenFailure(audience: string, message: string): string {
  const { code, detail } = parseTokenError(message);
  let what: string;
  if (code === undefined) what = `GitHub's token endpoint gave no token (${detail})`;
  else if (!/^\d{3}$/.test(code))
    what = `could not reach GitHub's token endpoint (${detail}); @actions/core does not retry that`;
  else if (['502', '503', '504'].includes(code))
    what = `GitHub's token endpoint answered HTTP ${code} (${detail}), still after @actions/core's 10 retries`;
  else
    what = `GitHub's token endpoint answered HTTP ${code} (${detail}); not retried (@actions/core retries only 502, 503 and 504)`;
  // @actions/http-client's tunnel library, when the proxy answered CONNECT with something else than 200
  const refused = /tunneling socket could not be established, statusCode=(\d{3})/.exec(detail)?.[1];
  if (refused !== undefined) {
    return `Requesting the GitHub OIDC token for audience "${audience}" failed: the proxy (HTTPS_PROXY) refused to open a tunnel to GitHub's token endpoint (HTTP ${refused} to CONNECT). ${refused === '407' ? 'It wants a login: put USER:PASSWORD@ in the proxy URL.' : 'Allow CONNECT to the host of ACTIONS_ID_TOKEN_REQUEST_URL on port 443 in the proxy, or list that host in NO_PROXY if the runner reaches it directly.'} See docs/troubleshooting.md, "A proxy refuses CONNECT".`;
  }
  return `Requesting the GitHub OIDC token for audience "${audience}" failed: ${what}. The job does have \`permissions: id-token: write\` (the runner set ACTIONS_ID_TOKEN_REQUEST_URL, which it does only then), so this is most likely a transient problem on GitHub's side: re-run the job, and check https://www.githubstatus.com if it keeps failing.`;
}

/** @actions/core's own wording: "Failed to get ID Token. … Error Code : 500 … Error Message: …" */
function parseTokenError(message: string): { code: string | undefined; detail: string } {
  const code = /Error Code : (\S+)/.exec(message)?.[1];
  const detail = (/Error Message: ([\s\S]*)$/.exec(message)?.[1] ?? message.replace(/^Error message: /, ''))
    .replace(/\s+/g, ' ')
    .trim();
  return { code, detail };
}

/** `OIDC token HTTP 500: Internal server error`, or `OIDC token request: <what failed>`. */
function oidcTokenSummary(message: string): string {
  const { code, detail } = parseTokenError(message);
  return code && /^\d{3}$/.test(code)
    ? `OIDC token HTTP ${code}: ${detail}`
    : `OIDC token request: ${detail}`;
}

/**
 * The `sub` and `aud` claims of a JWT, read from its payload (the middle part, base64url JSON) without
 * verifying it: they are not secret, and STS has just judged the token. Undefined when it has no `sub`.
 */
export function tokenClaims(token: string): { sub: string; aud?: string } | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!claims || typeof claims !== 'object') return undefined;
  const { sub, aud } = claims as { sub?: unknown; aud?: unknown };
  if (typeof sub !== 'string' || sub === '') return undefined;
  const audiences = (Array.isArray(aud) ? aud : [aud]).filter((a): a is string => typeof a === 'string');
  return audiences.length > 0 ? { sub, aud: audiences.join('", "') } : { sub };
}

const withSpace = (sentence: string) => (sentence ? ` ${sentence}` : '');

/**
 * What the stack of infra/cache-purge.yml must be deployed with for its role to trust a token with
 * this `sub` (docs/troubleshooting.md, "Could not assume the role"): its trust policy's sub is built
 * from the stack parameters GitHubOwner, GitHubRepository and GitHubEnvironment, or GitHubBranch when
 * GitHubEnvironment is empty, and one more per ExtraGitHubRepositories entry (owner/repo:branch:NAME
 * or owner/repo:environment:NAME). '' for a sub of any other form (a tag, a pull request).
 */
export function stackParametersFor(sub: string): string {
  const environment = /^repo:([^/:]+)\/([^:]+):environment:(.+)$/.exec(sub);
  if (environment) {
    const [, owner, repository, name] = environment;
    return `If the role is the stack's (infra/cache-purge.yml), the stack must be deployed with GitHubEnvironment=${name}, GitHubOwner=${owner} and GitHubRepository=${repository}, or with ${owner}/${repository}:environment:${name} in ExtraGitHubRepositories.`;
  }
  const branch = /^repo:([^/:]+)\/([^:]+):ref:refs\/heads\/(.+)$/.exec(sub);
  if (branch) {
    const [, owner, repository, name] = branch;
    return `If the role is the stack's (infra/cache-purge.yml), the stack must be deployed with GitHubBranch=${name} and GitHubEnvironment empty, GitHubOwner=${owner} and GitHubRepository=${repository}, or with ${owner}/${repository}:branch:${name} in ExtraGitHubRepositories.`;
  }
  return '';
}

/** STS answered, but with no credentials in it. */
export function noCredentialsReturned(roleArn: string): CredentialFailure {
  return {
    title: 'Could not assume the role',
    message: `STS returned no credentials for ${roleArn}.`,
    summary: 'NoCredentials: STS returned no credentials',
  };
}

/** What an STS failure is judged by: the role, the inputs, the job's environment, the token sent. */
export interface StsFailureContext {
  roleArn: string;
  settings: RoleSettings;
  env: Record<string, string | undefined>;
  /** HTTP requests really made to STS, over every pass. */
  requests: number;
  /** The OIDC token sent: its sub and aud are quoted for AccessDenied. */
  token: string;
}

/** AssumeRoleWithWebIdentity failed with error `code` and `message` (no final period): what to fix. */
export function stsFailure(code: string, message: string, context: StsFailureContext): CredentialFailure {
  const { roleArn, settings, env, requests, token } = context;
  const summary = `${code}: ${message}`;
  const failure = (title: string, text: string) => ({ title, message: text, summary });
  if (code === 'AccessDenied' || code === 'AccessDeniedException') {
    const claims = tokenClaims(token);
    if (claims) {
      const aud = claims.aud ?? settings.audience;
      return failure(
        'Could not assume the role',
        `STS denied AssumeRoleWithWebIdentity for ${roleArn} (${message}). This job's token has sub "${claims.sub}" and aud "${aud}"; the role's trust policy must allow exactly that: it must trust the OIDC provider token.actions.githubusercontent.com, with its condition "token.actions.githubusercontent.com:sub" matching "${claims.sub}" (StringEquals, or StringLike with a wildcard) and "token.actions.githubusercontent.com:aud" matching "${aud}".${withSpace(stackParametersFor(claims.sub))}`,
      );
    }
    const repo = env.GITHUB_REPOSITORY ?? 'OWNER/REPO';
    const ref = env.GITHUB_REF ?? 'refs/heads/main';
    return failure(
      'Could not assume the role',
      `STS denied AssumeRoleWithWebIdentity for ${roleArn} (${message}). Check the role's trust policy: it must trust the OIDC provider token.actions.githubusercontent.com, its condition "token.actions.githubusercontent.com:aud" must be "${settings.audience}", and "token.actions.githubusercontent.com:sub" must match this job (repo:${repo}:ref:${ref}, or repo:${repo}:environment:NAME when the job uses an environment).`,
    );
  }
  // The SDK names STS's modelled errors with "Exception" (InvalidIdentityTokenException for the wire
  // code InvalidIdentityToken); both spellings are matched.
  if (/^(InvalidIdentityToken|ExpiredToken|IDPRejectedClaim)(Exception)?$/.test(code)) {
    return failure(
      'Could not assume the role',
      `STS rejected the GitHub OIDC token for ${roleArn}: ${code}: ${message}. Check that the account has an IAM OIDC identity provider for https://token.actions.githubusercontent.com with audience "${settings.audience}".`,
    );
  }
  if (code === 'ValidationError' && /DurationSeconds/i.test(message)) {
    return failure(
      'Could not assume the role',
      `STS refused the session length for ${roleArn}: ${message}. Lower the "role-duration-seconds" input (now ${settings.roleDurationSeconds}) or raise the role's maximum session duration.`,
    );
  }
  if (errorOrigin(code) === 'network') {
    return failure(
      'Could not reach AWS STS',
      `AssumeRoleWithWebIdentity for ${roleArn} could not reach STS (after ${plural(requests, 'request')}): ${code}: ${message}. Check that the runner can reach the STS endpoint (network, proxy settings, AWS_ENDPOINT_URL if set), then re-run.`,
    );
  }
  return failure(
    'Could not assume the role',
    `STS AssumeRoleWithWebIdentity for ${roleArn} failed after ${plural(requests, 'request')}: ${code}: ${message}. Check the "role-to-assume" input and the role's trust policy; when STS was only unavailable, re-run.`,
  );
}

/**
 * The step error's message for a refresh that failed: what failed (`what`, with its own fix), and how
 * to avoid needing a refresh. `expiration` is the current credentials'.
 */
export function refreshFailureMessage(
  what: string,
  roleArn: string,
  settings: RoleSettings,
  expiration: Date | undefined,
): string {
  const sentence = /[.!?]$/.test(what) ? what : `${what}.`;
  const due = expiration ? ` expire at ${expiration.toISOString()}` : ' are due for renewal';
  return `The assumed-role credentials for ${roleArn}${due}, and refreshing them failed. ${sentence} To need no refresh during a run, raise the "role-duration-seconds" input (now ${settings.roleDurationSeconds}) above the longest run, up to the role's maximum session duration.`;
}

/** A summary as one log-line fragment: `AccessDenied: Not authorized to perform …` (no final period). */
export function oneLineSummary(summary: string): string {
  return summary.replace(/\s+/g, ' ').trim().replace(/\.$/, '');
}
