// A verified interactivity request (`payload=<JSON>`, form-encoded, signed like a slash command) →
// the click the relay acts on: a `block_actions` payload with one action of ours (confirm or cancel a
// broad purge), who clicked (user, team, channel ids) and the `response_url` to replace the prompt
// through. Anything else is malformed or ignored. Parsing happens only after the signature is
// verified; only ids are read (names change). Pure.

import { isLoopbackHost } from '../../shared/loopback-host.js';
import { SLACK_ID } from './slack-id.js';

export const CONFIRM_ACTION = 'confirm_purge';
export const CANCEL_ACTION = 'cancel_purge';

export interface Click {
  action: typeof CONFIRM_ACTION | typeof CANCEL_ACTION;
  /** The button's value: the confirmation token. */
  value: string;
  userId: string;
  teamId: string;
  channelId: string;
  responseUrl: string;
}

type InteractionParse =
  | { kind: 'click'; click: Click }
  /** Another interaction (another type, another app's action): acknowledged, nothing done. */
  | { kind: 'ignored'; reason: string }
  | { kind: 'malformed'; reason: string };

const MAX_VALUE_LENGTH = 2000;

/**
 * A `response_url` the relay may POST to: https to a Slack host (hooks.slack.com, …slack.com), or
 * http to a loopback address (the tests' and the demo's Slack double; isLoopbackHost, as for the other
 * local doubles). Anything else is refused, so a
 * payload can never point the relay at another server.
 */
function isSlackResponseUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  if (url.protocol === 'https:') return url.hostname === 'slack.com' || url.hostname.endsWith('.slack.com');
  return url.protocol === 'http:' && isLoopbackHost(url);
}

const field = (value: unknown, key: string): unknown =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;

/** Reads the `payload` field of a verified form body (its other fields are not Slack's). */
export function parseInteraction(payloadJson: string): InteractionParse {
  let payload: unknown;
  try {
    payload = JSON.parse(payloadJson);
  } catch {
    return { kind: 'malformed', reason: 'bad_payload_json' };
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return { kind: 'malformed', reason: 'bad_payload' };
  }
  const type = field(payload, 'type');
  if (type !== 'block_actions') return { kind: 'ignored', reason: 'not_block_actions' };
  const actions = field(payload, 'actions');
  if (!Array.isArray(actions) || actions.length !== 1) return { kind: 'malformed', reason: 'bad_actions' };
  const [action] = actions as unknown[];
  const actionId = field(action, 'action_id');
  if (actionId !== CONFIRM_ACTION && actionId !== CANCEL_ACTION) {
    return { kind: 'ignored', reason: 'unknown_action' };
  }
  const value = field(action, 'value');
  const user = field(payload, 'user');
  const userId = field(user, 'id');
  const teamId = field(field(payload, 'team'), 'id') ?? field(user, 'team_id');
  const channelId = field(field(payload, 'channel'), 'id');
  const responseUrl = field(payload, 'response_url');
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_VALUE_LENGTH) {
    return { kind: 'malformed', reason: 'bad_value' };
  }
  if (typeof userId !== 'string' || !SLACK_ID.test(userId))
    return { kind: 'malformed', reason: 'bad_user_id' };
  if (typeof teamId !== 'string' || !SLACK_ID.test(teamId))
    return { kind: 'malformed', reason: 'bad_team_id' };
  if (typeof channelId !== 'string' || !SLACK_ID.test(channelId)) {
    return { kind: 'malformed', reason: 'bad_channel_id' };
  }
  if (typeof responseUrl !== 'string' || !isSlackResponseUrl(responseUrl)) {
    return { kind: 'malformed', reason: 'bad_response_url' };
  }
  return { kind: 'click', click: { action: actionId, value, userId, teamId, channelId, responseUrl } };
}
