// The relay's decisions about a request from Slack, before any dispatch: the checks every request
// passes (method, content type, size, Slack's signature, then the parse), who may purge, and what the
// text asks for — an answer now (refusal, usage, not a site), or a site to dispatch. Also the answer
// while the relay's configuration is wrong. Every decision carries its log fields; the clock is a
// parameter. Pure.

import type { RelayConfig } from './config.js';
import { authorise, interpretText, parseSlashCommand, type SlashCommand } from './command.js';
import type { DispatchRequest } from './dispatch.js';
import {
  slackReply,
  textReply,
  type RelayRequest,
  type RelayResponse,
  type RequestLogFields,
} from './reply.js';
import { headerValue, verifySlackSignature, type Headers } from './signature.js';
import { escapeMrkdwn } from '../../shared/mrkdwn.js';

/** Slack slash-command bodies are well under 4 KiB; anything far bigger is not from Slack. */
export const MAX_BODY_BYTES = 16 * 1024;

export type Decision =
  | { kind: 'respond'; response: RelayResponse; log: RequestLogFields }
  | { kind: 'dispatch'; site: string; command: SlashCommand; dispatch: DispatchRequest };

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
