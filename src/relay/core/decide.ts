// The relay's decisions about a request from Slack, before any dispatch: the checks every request
// passes (method, content type, size, Slack's signature, then the parse — a slash command, or a click
// on a prompt, `payload=`, decided in decide-click.ts), who may purge, and what the text asks for — an
// answer now (refusal, usage, not a site), a site to dispatch, or for several sites / `all` the prompt
// to confirm first (its token signed here). Also the answer while the relay's configuration is wrong.
// Every decision carries its log fields; the clock and the prompt's nonce are parameters. Pure.

import type { RelayConfig } from './config.js';
import { authorise, interpretText, parseSlashCommand, type SlashCommand } from './command.js';
import { parseInteraction, type Click } from './interaction.js';
import { confirmPrompt, siteList } from './confirm-prompt.js';
import { CONFIRM_TTL_MS, signConfirmToken } from './confirm-token.js';
import { dispatchRequests } from './dispatch.js';
import {
  slackReply,
  textReply,
  type RelayRequest,
  type RelayResponse,
  type RequestLogFields,
} from './reply.js';
import { headerValue, verifySlackSignature, type Headers } from './signature.js';
import { escapeMrkdwn } from '../../shared/mrkdwn.js';
import { decideClick } from './decide-click.js';
import type { Decision } from './decision.js';

/** Slack slash-command bodies are well under 4 KiB; anything far bigger is not from Slack. */
export const MAX_BODY_BYTES = 16 * 1024;

function usageText(command: string, sites: readonly string[]): string {
  const name = escapeMrkdwn(command);
  return `Usage: \`${name} <site>\` purges every cache layer of one site; \`${name} <site> <site>…\` or \`${name} all\` purges several in one run, once you confirm. Sites: ${siteList(sites)}.`;
}

function isFormContentType(headers: Headers): boolean {
  const value = headerValue(headers, 'content-type');
  return value?.split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

type Admission =
  | { kind: 'respond'; response: RelayResponse; log: RequestLogFields }
  | { kind: 'command'; command: SlashCommand }
  | { kind: 'click'; click: Click };

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

  const text = Buffer.from(request.body).toString('utf8');
  const form = new URLSearchParams(text);
  if (form.has('payload') && !form.has('command')) {
    // an interactivity request: the form carries one field, the payload's JSON
    if ([...form.keys()].length !== 1)
      return reject(400, 'bad_interaction_form', textReply(400, 'Bad request'));
    const interaction = parseInteraction(form.get('payload')!);
    if (interaction.kind === 'malformed')
      return reject(400, interaction.reason, textReply(400, 'Bad request'));
    if (interaction.kind === 'ignored') {
      return {
        kind: 'respond',
        response: textReply(200),
        log: { decision: 'ignored', reason: interaction.reason, status: 200 },
      };
    }
    return { kind: 'click', click: interaction.click };
  }
  const parsed = parseSlashCommand(text);
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
  if (admission.kind === 'click') {
    const { click } = admission;
    return {
      kind: 'respond',
      response: textReply(200),
      log: {
        decision: 'misconfigured',
        reason: 'config_error',
        status: 200,
        user: click.userId,
        team: click.teamId,
        channel: click.channelId,
      },
    };
  }
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

/**
 * Everything up to the dispatch. `nowMs` is the current time in milliseconds; `nonce` a fresh random
 * value for a prompt's token (used only when a prompt is sent).
 */
export function decide(request: RelayRequest, config: RelayConfig, nowMs: number, nonce = ''): Decision {
  const admission = admit(request, config.signingSecrets, nowMs);
  if (admission.kind === 'respond') return admission;
  if (admission.kind === 'click') return decideClick(admission.click, config, nowMs);

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
        all_with_sites: 'Give `all` alone, or list the sites without it.',
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
        dispatches: dispatchRequests(config, [intent.site], command),
      };
    case 'sites': {
      if (nonce === '') throw new Error('decide needs a nonce to sign a confirmation prompt');
      const token = signConfirmToken(
        {
          sites: intent.sites,
          all: intent.all,
          user: command.userId,
          team: command.teamId,
          channel: command.channelId,
          expiresAtMs: nowMs + CONFIRM_TTL_MS,
          nonce,
        },
        config.signingSecrets[0]!,
      );
      return {
        kind: 'respond',
        response: confirmPrompt(intent.sites, intent.all, token),
        log: {
          decision: 'confirm_prompt',
          reason: intent.all ? 'all' : 'several_sites',
          status: 200,
          site: intent.sites.join(','),
          ...who,
        },
      };
    }
  }
}
