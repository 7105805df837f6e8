// Checks the live-message inputs before anything runs: `slack-bot-token` (a bot token, xoxb-…; a
// credential, never quoted in a message) and `slack-channel` (a channel id, C…/G…/D…), and the
// SLACK_API_URL environment variable that points the Web API client elsewhere (a proxy, or the local
// Slack double of the tests and the demo): https, or plain http to a loopback address only. Both
// inputs are needed for the live message; one alone is not an error (the example workflow passes the
// channel on every run, and a team without a bot leaves the token empty), only a note. Pure.

import { UserError } from '../../shared/errors.js';
import { isLoopbackHost } from '../../shared/loopback-host.js';

const SLACK_API_DEFAULT_URL = 'https://slack.com/api/';

export interface SlackBotSettings {
  token: string;
  channel: string;
  /** The Web API base, ending in `/`. */
  apiUrl: string;
}

const BOT_TOKEN = /^xoxb-[A-Za-z0-9-]{10,250}$/;
const CHANNEL_ID = /^[CGD][A-Z0-9]{2,30}$/;

/** The live-message settings, or why there is no live message (`note`), or a UserError. */
export function checkSlackBot(
  token: string,
  channel: string,
  env: Record<string, string | undefined>,
): { bot?: SlackBotSettings; note?: string } {
  if (token === '' && channel === '') return {};
  if (token === '') {
    return {
      note: `No live Slack message: slack-channel is set (${channel}) but slack-bot-token is empty; the result goes to slack-webhook-url, if set.`,
    };
  }
  if (!BOT_TOKEN.test(token)) {
    throw new UserError(
      'Invalid slack-bot-token',
      'Input "slack-bot-token" is not a Slack bot token (xoxb-…); set it from a secret holding the Bot User OAuth Token of your Slack app (OAuth & Permissions), e.g. `slack-bot-token: ${{ secrets.SLACK_BOT_TOKEN }}`.',
    );
  }
  if (channel === '') {
    return {
      note: 'No live Slack message: slack-bot-token is set but slack-channel is empty (the relay fills it in for a purge from Slack); the result goes to slack-webhook-url, if set.',
    };
  }
  if (!CHANNEL_ID.test(channel)) {
    throw new UserError(
      'Invalid slack-channel',
      `Input "slack-channel" is ${JSON.stringify(channel.slice(0, 40))}; use a channel id such as C0123ABCD (in Slack: the channel's details, at the bottom), never its name — the relay passes the id of the channel the command was typed in.`,
    );
  }
  return { bot: { token, channel, apiUrl: slackApiUrl(env.SLACK_API_URL) } };
}

function slackApiUrl(raw: string | undefined): string {
  const value = raw?.trim() ?? '';
  if (value === '') return SLACK_API_DEFAULT_URL;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UserError(
      'Invalid SLACK_API_URL',
      `SLACK_API_URL is not a URL; unset it to use ${SLACK_API_DEFAULT_URL}.`,
    );
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url));
  if (!secure || url.username || url.password || url.search) {
    throw new UserError(
      'Invalid SLACK_API_URL',
      `SLACK_API_URL must be an https URL without credentials or query (plain http only to a loopback address such as 127.0.0.1): the bot token travels with every call. Unset it to use ${SLACK_API_DEFAULT_URL}.`,
    );
  }
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}
