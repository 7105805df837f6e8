// A dispatch's result → Slack's answer and the log fields: the run link when GitHub accepted it,
// "nothing was started" with the fix when it certainly did not happen (credentials, 4xx, rate limit,
// no connection), "status unknown — check the Actions page" when it may have (5xx, timeout or a lost
// connection after sending). GitHub's own text is flattened, shortened and escaped for Slack. Pure.

import { actionsPageUrl, type RelayConfig, type Repository } from './config.js';
import type { SlashCommand } from './command.js';
import type { DispatchResult, NetworkError } from './dispatch.js';
import { slackAnswer, type RelayResponse, type RequestLogFields } from './reply.js';
import { escapeMrkdwn } from '../../shared/mrkdwn.js';
import { formatDuration } from '../../shared/text.js';

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

interface DispatchContext {
  config: RelayConfig;
  site: string;
  command: SlashCommand;
  nowMs: number;
  timeoutMs: number;
  /** The dispatch follows a confirmed prompt: the answer replaces the prompt and says who confirmed. */
  confirmed?: boolean;
  /** The repository dispatched to, when it is a site's own (SITES site=owner/repo); default DISPATCH_REPOSITORY. */
  repository?: Repository;
}

/** The dispatch's result → Slack's answer and the log fields. */
export function replyForDispatch(
  result: DispatchResult,
  context: DispatchContext,
): { response: RelayResponse; text: string; log: RequestLogFields } {
  const { config, site, command } = context;
  const who = { site, user: command.userId, team: command.teamId, channel: command.channelId };
  const own = context.repository;
  const repository = own ? `${own.owner}/${own.repo}` : `${config.owner}/${config.repo}`;
  const actionsPage = actionsPageUrl(config, own);
  const repositoryVariable = own ? `SITES (${escapeMrkdwn(site)}=${repository})` : 'DISPATCH_REPOSITORY';
  const nothingStarted = 'Nothing was started.';

  const failed = (reason: string, status: number, text: string) => ({
    ...slackAnswer('ephemeral', text),
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
    ...slackAnswer('ephemeral', `${text} ${nothingStarted}`),
    log: { decision: 'dispatch_failed' as const, reason, status: 200, ...errorFields(error), ...who },
  });
  const unknown = (reason: string, why: string, githubStatus?: number, error?: NetworkError) => ({
    ...slackAnswer(
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
        ...(context.confirmed
          ? slackAnswer(
              'ephemeral',
              `Confirmed by <@${command.userId}> — cache purge of *${site}* — <${link}>`,
            )
          : slackAnswer(
              'in_channel',
              `Cache purge of *${site}* requested by <@${command.userId}> — <${link}>`,
            )),
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
          `GitHub found no workflow \`${config.workflow}\` in ${repository} (HTTP 404). Check ${repositoryVariable} and DISPATCH_WORKFLOW, that the workflow file is on the default branch, and that the relay's token can see the repository. ${nothingStarted}`,
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
