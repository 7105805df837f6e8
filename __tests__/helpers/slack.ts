// Builds slash-command requests the way Slack sends them: a form body and the v0 signature headers
// over its exact bytes; and posts one to a relay. Self-contained (node: modules only) so scripts can import it too.

import { createHmac } from 'node:crypto';

export const TEST_SIGNING_SECRET = 'relay-test-signing-secret-0123456789';

export interface CommandFields {
  team_id?: string;
  channel_id?: string;
  user_id?: string;
  command?: string;
  text?: string;
  [field: string]: string | undefined;
}

/** A form body with Slack's usual fields (overridable; `undefined` drops a field). */
export function commandBody(fields: CommandFields = {}): string {
  const all: Record<string, string | undefined> = {
    token: 'deprecated-verification-token',
    team_id: 'T0001',
    team_domain: 'acme',
    channel_id: 'C0001',
    channel_name: 'ops',
    user_id: 'U0001',
    user_name: 'ada',
    command: '/clear-cache',
    text: 'portal',
    api_app_id: 'A0001',
    response_url: 'https://hooks.slack.com/commands/T0001/1/abc',
    trigger_id: '1.2.3',
    ...fields,
  };
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(all)) if (value !== undefined) params.append(name, value);
  return params.toString();
}

export function slackSignature(
  secret: string,
  timestamp: string | number,
  body: string | Uint8Array,
): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(body);
  return `v0=${hmac.digest('hex')}`;
}

/** Headers of a signed Slack request; timestamp defaults to now. */
export function slackHeaders(
  body: string | Uint8Array,
  options: { secret?: string; timestamp?: number } = {},
): Record<string, string> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': slackSignature(options.secret ?? TEST_SIGNING_SECRET, timestamp, body),
  };
}

export interface ClickFields {
  token: string;
  action?: 'confirm_purge' | 'cancel_purge';
  user?: string;
  /** The clicking user's name (default ada). */
  userName?: string;
  team?: string;
  channel?: string;
  responseUrl?: string;
}

/** An interactivity request body as Slack sends a click on a prompt's button: `payload=<JSON>`. */
export function clickBody(fields: ClickFields): string {
  const user = fields.user ?? 'U0001';
  const team = fields.team ?? 'T0001';
  const payload = {
    type: 'block_actions',
    user: { id: user, username: fields.userName ?? 'ada', name: fields.userName ?? 'ada', team_id: team },
    api_app_id: 'A0001',
    token: 'deprecated-verification-token',
    container: {
      type: 'message',
      message_ts: '1760000000.000100',
      channel_id: fields.channel ?? 'C0001',
      is_ephemeral: true,
    },
    trigger_id: '1.2.3',
    team: { id: team, domain: 'acme' },
    channel: { id: fields.channel ?? 'C0001', name: 'ops' },
    response_url: fields.responseUrl ?? 'https://hooks.slack.com/actions/T0001/1/abc',
    actions: [
      {
        action_id: fields.action ?? 'confirm_purge',
        block_id: 'b1',
        text: { type: 'plain_text', text: 'Purge 2 sites' },
        value: fields.action === 'cancel_purge' ? 'cancel' : fields.token,
        style: 'danger',
        type: 'button',
        action_ts: '1760000001.000200',
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** Posts a signed Slack request body (a command or a click) to `url`: status, text, and the JSON when it is. */
export async function postSigned(url: string, body: string, timestamp?: number) {
  const headers = slackHeaders(body, timestamp === undefined ? {} : { timestamp });
  const response = await fetch(url, { method: 'POST', headers, body });
  const text = await response.text();
  return {
    status: response.status,
    text,
    ...(text.startsWith('{') && { json: JSON.parse(text) as Record<string, unknown> }),
  };
}
