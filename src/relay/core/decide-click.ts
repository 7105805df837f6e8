// The relay's decision about a click on a broad purge's prompt (a verified `block_actions` request):
// the clicking user must still be allowed (ALLOWED_*_IDS), the token must be the relay's own, not
// expired, for this user, team and channel, and its sites still in SITES — then a dispatch, whose
// nonce the relay claims once (../replay-guard.ts) before it is sent. Cancel and the refusals replace
// the prompt (only its own user saw it); a click by someone else leaves it alone. Pure.

import type { RelayConfig } from './config.js';
import { authorise, type SlashCommand } from './command.js';
import { CONFIRM_ACTION, type Click } from './interaction.js';
import { verifyConfirmToken } from './confirm-token.js';
import { CLICK_TEXTS, promptUpdate } from './confirm-prompt.js';
import { dispatchRequests } from './dispatch.js';
import { textReply, type RequestLogFields } from './reply.js';
import type { Decision } from './decision.js';

export function decideClick(click: Click, config: RelayConfig, nowMs: number): Decision {
  const action = click.action === CONFIRM_ACTION ? ('confirm' as const) : ('cancel' as const);
  const who = { user: click.userId, team: click.teamId, channel: click.channelId };
  const command: SlashCommand = {
    teamId: click.teamId,
    channelId: click.channelId,
    userId: click.userId,
    command: '/clear-cache',
    text: '',
  };
  const log = (decision: RequestLogFields['decision'], reason: string, site?: string): RequestLogFields => ({
    decision,
    reason,
    status: 200,
    action,
    ...(site && { site }),
    ...who,
  });
  const replace = (decision: RequestLogFields['decision'], reason: string, text: string): Decision => ({
    kind: 'update_prompt',
    response: textReply(200),
    log: log(decision, reason),
    responseUrl: click.responseUrl,
    update: promptUpdate(text),
  });

  const authorisation = authorise(command, config);
  if (!authorisation.allowed) {
    return replace(
      'forbidden',
      authorisation.reason,
      `Cache purges are not allowed here: the relay's ${authorisation.variable} does not list this id. Nothing was started.`,
    );
  }
  if (action === 'cancel') return replace('cancelled', 'cancelled', CLICK_TEXTS.cancelled);

  const check = verifyConfirmToken(
    click.value,
    config.signingSecrets,
    { user: click.userId, team: click.teamId },
    nowMs,
  );
  if (!check.ok) {
    // someone else's click must not replace the prompt of the user who asked
    if (check.reason === 'other_user' || check.reason === 'other_team') {
      return { kind: 'respond', response: textReply(200), log: log('click_refused', check.reason) };
    }
    return replace('click_refused', check.reason, CLICK_TEXTS[check.reason]);
  }
  const { claims } = check;
  if (claims.channel !== click.channelId) {
    return { kind: 'respond', response: textReply(200), log: log('click_refused', 'other_channel') };
  }
  const gone = claims.sites.filter((site) => !config.sites.includes(site));
  if (gone.length > 0) {
    return replace(
      'click_refused',
      'site_not_in_sites',
      `${gone.map((site) => `\`${site}\``).join(', ')} ${gone.length === 1 ? 'is' : 'are'} no longer among the relay's sites: nothing was started. Type the command again.`,
    );
  }
  return {
    kind: 'dispatch',
    site: claims.sites.join(','),
    command,
    dispatches: dispatchRequests(config, claims.sites, command),
    confirm: { nonce: claims.nonce, expiresAtMs: claims.expiresAtMs, responseUrl: click.responseUrl },
  };
}
