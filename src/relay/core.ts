// The relay's functional core: an HTTP request from Slack → verify the signature → parse → authorise →
// decide (answer now, or dispatch a site), and a dispatch result → Slack's answer. Replies are data
// (status, headers, body) and every decision carries its log fields; no I/O, the clock is a parameter.

import { actionsPageUrl, type RelayConfig } from './config.js';
import { authorise, interpretText, parseSlashCommand, type SlashCommand } from './command.js';
import type { DispatchRequest, DispatchResult, NetworkError } from './dispatch.js';
import { headerValue, verifySlackSignature, type Headers } from './signature.js';
import { escapeMrkdwn } from '../shared/mrkdwn.js';
import { formatDuration } from '../shared/text.js';

/** Slack slash-command bodies are well under 4 KiB; anything far bigger is not from Slack. */
export const MAX_BODY_BYTES = 16 * 1024;
/** Hard limit for GitHub to accept the dispatch (Slack gives up after 3 s). */
export const DISPATCH_TIMEOUT_MS = 2000;

export interface RelayRequest {
  method: string;
  headers: Headers;
  /** The raw body bytes, exactly as received (decoded from base64 by the Lambda adapter). */
  body: Uint8Array;
}

export interface RelayResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Fields of the one structured log line per request. Never a secret, token, signature or the text. */
export interface RequestLogFields {
  decision:
    | 'rejected'
    | 'ssl_check'
    | 'forbidden'
    | 'usage'
    | 'invalid_text'
    | 'dispatched'
    | 'dispatch_failed'
    | 'status_unknown'
    | 'misconfigured';
  reason: string;
  status: number;
  site?: string;
  user?: string;
  team?: string;
  channel?: string;
  github_status?: number;
  run_id?: number;
  /** The network error's code (ECONNREFUSED, ENOTFOUND, CERT_HAS_EXPIRED, …) when there was one. */
  error_code?: string;
  /** The network error's message, e.g. "connect ECONNREFUSED 127.0.0.1:443". */
  error?: string;
  /**
   * Lambda with RELAY_SECRETS_ARN only: the age in seconds of the secret copy this request was checked
   * with, present only while refreshes fail and an older copy is served (a bad_signature with it may
   * be a rotation the relay has not read yet).
   */
  secrets_age_s?: number;
}

export type Decision =
  | { kind: 'respond'; response: RelayResponse; log: RequestLogFields }
  | { kind: 'dispatch'; site: string; command: SlashCommand; dispatch: DispatchRequest };

/** A plain-text answer (every adapter's non-Slack answers: refusals, 404, 500). */
export const textReply = (status: number, body = '', extra: Record<string, string> = {}): RelayResponse => ({
  status,
  headers: { 'content-type': 'text/plain; charset=utf-8', ...extra },
  body,
});

/** A Slack message answer; `response_type` is always explicit. */
function slackReply(responseType: 'ephemeral' | 'in_channel', text: string): RelayResponse {
  return {
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ response_type: responseType, text }),
  };
}

const siteList = (sites: readonly string[]) => sites.map((site) => `\`${site}\``).join(', ');

function usageText(command: string, sites: readonly string[]): string {
  return `Usage: \`${escapeMrkdwn(command)} <site>\` purges every cache layer of one site. Sites: ${siteList(sites)}.`;
}

function isFormContentType(headers: Headers): boolean {
  const value = headerValue(headers, 'content-type');
  return value?.split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

type Admission =
  | { kind: 'respond'; response: RelayResponse; log: RequestLogFields }
  | { kind: 'command'; command: SlashCommand };

/**
 * The checks every request passes before anything reads it as a command: method, content type, size,
 * Slack's signature (with `signingSecrets`), then the parse. `nowMs` is the current time in ms.
 */
function admit(request: RelayRequest, signingSecrets: readonly string[], nowMs: number): Admission {
  const reject = (status: number, reason: string, response = textReply(status)): Admission => ({
    kind: 'respond',
    response,
    log: { decision: 'rejected', reason, status },
  });
  if (request.method.toUpperCase() !== 'POST') {
    return reject(405, 'method_not_allowed', textReply(405, 'Method not allowed', { allow: 'POST' }));
  }
  if (!isFormContentType(request.headers)) {
    return reject(415, 'unsupported_content_type', textReply(415, 'Unsupported content type'));
  }
  if (request.body.byteLength > MAX_BODY_BYTES)
    return reject(413, 'body_too_large', textReply(413, 'Body too large'));

  const signature = verifySlackSignature(request.headers, request.body, signingSecrets, nowMs);
  if (!signature.ok) return reject(401, signature.reason);

  const parsed = parseSlashCommand(Buffer.from(request.body).toString('utf8'));
  if (parsed.kind === 'ssl_check') {
    return {
      kind: 'respond',
      response: textReply(200),
      log: { decision: 'ssl_check', reason: 'ssl_check', status: 200 },
    };
  }
  if (parsed.kind === 'malformed') return reject(400, parsed.reason, textReply(400, 'Bad request'));
  return { kind: 'command', command: parsed.command };
}

/** "`A`", "`A` and `B`", "`A`, `B` and `C`". */
function nameList(names: readonly string[]): string {
  const quoted = names.map((name) => `\`${name}\``);
  return quoted.length <= 1 ? (quoted[0] ?? '') : `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}`;
}

/**
 * The answer while the relay's configuration is wrong but its signing secrets are readable: a request
 * Slack signed gets HTTP 200 with an ephemeral message naming the variables to fix (Slack shows only a
 * generic error for any other status, never the body); anything else is refused as usual.
 */
export function decideMisconfigured(
  request: RelayRequest,
  signingSecrets: readonly string[],
  variables: readonly string[],
  nowMs: number,
): { kind: 'respond'; response: RelayResponse; log: RequestLogFields } {
  const admission = admit(request, signingSecrets, nowMs);
  if (admission.kind === 'respond') return admission;
  const { command } = admission;
  return {
    kind: 'respond',
    response: slackReply(
      'ephemeral',
      `The cache-purge relay is misconfigured, so nothing was started: ${nameList(variables)} ${variables.length === 1 ? 'needs' : 'need'} fixing in its settings. Whoever runs the relay finds what is wrong in its log (\`config_error\` lines).`,
    ),
    log: {
      decision: 'misconfigured',
      reason: 'config_error',
      status: 200,
      user: command.userId,
      team: command.teamId,
      channel: command.channelId,
    },
  };
}

/** Everything up to the dispatch. `nowMs` is the current time in milliseconds. */
export function decide(request: RelayRequest, config: RelayConfig, nowMs: number): Decision {
  const admission = admit(request, config.signingSecrets, nowMs);
  if (admission.kind === 'respond') return admission;

  const command = admission.command;
  const who = { user: command.userId, team: command.teamId, channel: command.channelId };
  const answer = (
    decision: RequestLogFields['decision'],
    reason: string,
    text: string,
    site?: string,
  ): Decision => ({
    kind: 'respond',
    response: slackReply('ephemeral', text),
    log: { decision, reason, status: 200, ...(site && { site }), ...who },
  });

  const authorisation = authorise(command, config);
  if (!authorisation.allowed) {
    // The ids passed SLACK_ID's check in parseSlashCommand: safe to show as they are.
    const refusal = {
      team_not_allowed: `in this workspace: the relay's ${authorisation.variable} does not list this workspace's id \`${command.teamId}\``,
      channel_not_allowed: `in this channel: the relay's ${authorisation.variable} does not list this channel's id \`${command.channelId}\``,
      user_not_allowed: `for you: the relay's ${authorisation.variable} does not list your Slack user id \`${command.userId}\``,
    }[authorisation.reason];
    return answer(
      'forbidden',
      authorisation.reason,
      `Cache purges are not allowed ${refusal}. Ask whoever runs the relay to add it.`,
    );
  }

  const intent = interpretText(command.text, config.sites);
  const usage = usageText(command.command, config.sites);
  switch (intent.kind) {
    case 'usage':
      return answer('usage', 'usage', usage);
    case 'invalid': {
      const what = {
        unknown_site: intent.shown
          ? `\`${intent.shown}\` is not a site.${intent.suggestion ? ` Did you mean \`${intent.suggestion}\`?` : ''}`
          : 'That is not a site name.',
        extra_words: 'Give exactly one site.',
        control_characters: 'That is not a site name.',
        too_long: 'That is not a site name (too long).',
      }[intent.reason];
      return answer('invalid_text', intent.reason, `${what} ${usage}`);
    }
    case 'site':
      return {
        kind: 'dispatch',
        site: intent.site,
        command,
        dispatch: {
          owner: config.owner,
          repo: config.repo,
          workflow: config.workflow,
          ref: config.ref,
          inputs: { site: intent.site, requester: `<@${command.userId}>` },
        },
      };
  }
}

/** GitHub's own error text (or a network error's), made safe to show in Slack. */
function gitHubMessage(message: string): string {
  const flat = message.replace(/[\p{Cc}\s]+/gu, ' ').trim();
  const short = flat.length > 300 ? `${flat.slice(0, 299)}…` : flat;
  return escapeMrkdwn(short === '' ? 'no message' : short);
}

/** The text as a sentence: a full stop added unless it already ends with one (or ? ! …). */
export function asSentence(text: string): string {
  return /[.!?…]["'”’)\]]*$/.test(text) ? text : `${text}.`;
}

function isRateLimited(result: DispatchResult & { kind: 'rejected' }): boolean {
  if (result.status === 429) return true;
  if (result.status !== 403) return false;
  return (
    result.headers['x-ratelimit-remaining'] === '0' ||
    result.headers['retry-after'] !== undefined ||
    /rate limit/i.test(result.message)
  );
}

/** Seconds until GitHub accepts requests again: retry-after, else x-ratelimit-reset, else a minute. */
export function retryAfterSeconds(headers: Readonly<Record<string, string>>, nowMs: number): number {
  const retryAfter = headers['retry-after']?.trim();
  if (retryAfter !== undefined && /^[0-9]{1,6}$/.test(retryAfter)) return Math.max(1, Number(retryAfter));
  const reset = headers['x-ratelimit-reset']?.trim();
  if (reset !== undefined && /^[0-9]{1,12}$/.test(reset)) {
    return Math.min(3600, Math.max(1, Math.ceil(Number(reset) - nowMs / 1000)));
  }
  return 60;
}

export interface DispatchContext {
  config: RelayConfig;
  site: string;
  command: SlashCommand;
  nowMs: number;
  timeoutMs: number;
}

/** The dispatch's result → Slack's answer and the log fields. */
export function replyForDispatch(
  result: DispatchResult,
  context: DispatchContext,
): { response: RelayResponse; log: RequestLogFields } {
  const { config, site, command } = context;
  const who = { site, user: command.userId, team: command.teamId, channel: command.channelId };
  const repository = `${config.owner}/${config.repo}`;
  const actionsPage = actionsPageUrl(config);
  const nothingStarted = 'Nothing was started.';

  const failed = (reason: string, status: number, text: string) => ({
    response: slackReply('ephemeral', text),
    log: { decision: 'dispatch_failed' as const, reason, status: 200, github_status: status, ...who },
  });
  const errorFields = (error: NetworkError | undefined) =>
    error === undefined
      ? {}
      : { ...(error.code !== undefined && { error_code: error.code }), error: error.message };
  /** What failed, for Slack: the error code when there is one (ECONNREFUSED), else its message. */
  const what = (error: NetworkError | undefined) =>
    error === undefined ? '' : ` (${gitHubMessage(error.code ?? error.message)})`;
  const notSent = (reason: string, text: string, error: NetworkError | undefined) => ({
    response: slackReply('ephemeral', `${text} ${nothingStarted}`),
    log: { decision: 'dispatch_failed' as const, reason, status: 200, ...errorFields(error), ...who },
  });
  const unknown = (reason: string, why: string, githubStatus?: number, error?: NetworkError) => ({
    response: slackReply(
      'ephemeral',
      `Cache purge of *${site}*: status unknown — check <${actionsPage}>. ${why}, so the purge may or may not have started; look there before trying again.`,
    ),
    log: {
      decision: 'status_unknown' as const,
      reason,
      status: 200,
      ...(githubStatus !== undefined && { github_status: githubStatus }),
      ...errorFields(error),
      ...who,
    },
  });
  const api = escapeMrkdwn(config.github.apiUrl);
  const within = formatDuration(context.timeoutMs);

  switch (result.kind) {
    case 'accepted': {
      const link =
        result.runUrl ??
        (result.runId !== undefined
          ? `${config.github.webUrl}/${repository}/actions/runs/${result.runId}`
          : actionsPage);
      return {
        response: slackReply(
          'in_channel',
          `Cache purge of *${site}* requested by <@${command.userId}> — <${link}>`,
        ),
        log: {
          decision: 'dispatched',
          reason: result.runId !== undefined ? 'run_created' : 'accepted_without_run_id',
          status: 200,
          ...who,
          ...(result.runId !== undefined && { run_id: result.runId }),
        },
      };
    }
    case 'not_sent':
      if (result.stage === 'credentials') {
        return result.cause === 'timeout'
          ? notSent(
              'github_app_token_timeout',
              `GitHub did not answer the GitHub App's installation-token request within ${within}. Try again in a minute; if it keeps happening, check that the relay can reach ${api} (GITHUB_API_URL).`,
              result.error,
            )
          : notSent(
              'github_app_token_unreachable',
              `The relay could not reach GitHub at ${api} to get the GitHub App's installation token${what(result.error)}. Check GITHUB_API_URL and that the relay can reach it.`,
              result.error,
            );
      }
      return result.cause === 'timeout'
        ? notSent(
            'github_connect_timeout',
            `The relay could not connect to GitHub at ${api} within ${within}. Check GITHUB_API_URL and that the relay can reach it (firewall, proxy, VPC without a NAT gateway).`,
            result.error,
          )
        : notSent(
            'github_unreachable',
            `The relay could not connect to GitHub at ${api}${what(result.error)}. Check GITHUB_API_URL and that the relay can reach it.`,
            result.error,
          );
    case 'no_answer':
      return result.cause === 'timeout'
        ? unknown('github_timeout', `GitHub did not answer within ${within}`, undefined, result.error)
        : unknown(
            'github_connection_lost',
            `The connection to GitHub failed after the dispatch was sent${what(result.error)}`,
            undefined,
            result.error,
          );
    case 'rejected': {
      const { status } = result;
      const said = gitHubMessage(result.message);
      if (status >= 500) return unknown(`github_${status}`, `GitHub answered HTTP ${status}`, status);
      if (isRateLimited(result)) {
        const seconds = retryAfterSeconds(result.headers, context.nowMs);
        return failed(
          'github_rate_limited',
          status,
          `GitHub is busy, try again in ${seconds} s. ${nothingStarted}`,
        );
      }
      if (result.stage === 'credentials') {
        return failed(
          `github_app_token_${status}`,
          status,
          `GitHub refused the GitHub App's installation token (HTTP ${status}: ${said}). Check GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_APP_INSTALLATION_ID, and that the App is installed on ${repository}. ${nothingStarted}`,
        );
      }
      if (status === 401) {
        return failed(
          'github_401',
          status,
          `GitHub did not accept the relay's credentials (HTTP 401: ${said}). Check GITHUB_TOKEN, or GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_APP_INSTALLATION_ID, in the relay's settings. ${nothingStarted}`,
        );
      }
      if (status === 403) {
        return failed(
          'github_403',
          status,
          `GitHub refused the dispatch (HTTP 403: ${said}). The relay's token or GitHub App needs the *Actions: write* permission on ${repository}. ${nothingStarted}`,
        );
      }
      if (status === 404) {
        return failed(
          'github_404',
          status,
          `GitHub found no workflow \`${config.workflow}\` in ${repository} (HTTP 404). Check DISPATCH_REPOSITORY and DISPATCH_WORKFLOW, that the workflow file is on the default branch, and that the relay's token can see the repository. ${nothingStarted}`,
        );
      }
      return failed(
        `github_${status}`,
        status,
        `GitHub rejected the dispatch (HTTP ${status}): ${asSentence(said)} ${nothingStarted}`,
      );
    }
  }
}
