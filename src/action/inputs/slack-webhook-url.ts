// Checks the `slack-webhook-url` input before anything runs. The URL is a credential: no message here
// ever contains it (only its scheme and host). Not a URL, whitespace inside it (text pasted after
// it), or plain http to anything but a loopback address → a UserError; https to a host other than
// Slack's own hooks host → a warning (proxies and relays exist). Pure.

import { UserError } from '../../shared/errors.js';
import { isLoopbackHost } from '../../shared/loopback-host.js';

const SLACK_HOOK_HOSTS = ['hooks.slack.com', 'hooks.slack-gov.com'];

interface WebhookUrlCheck {
  url: string;
  warnings: string[];
}

const HOW =
  'set it from a secret, e.g. `slack-webhook-url: ${{ secrets.SLACK_WEBHOOK_URL }}`, holding the incoming webhook URL Slack gave you (https://hooks.slack.com/services/…)';

export function checkSlackWebhookUrl(raw: string): WebhookUrlCheck {
  const value = raw.trim();
  // The URL parser would quietly percent-encode a space and keep whatever follows as part of the path.
  const words = value.split(/\s+/).length;
  if (words > 1) {
    throw new UserError(
      'Invalid slack-webhook-url',
      `Input "slack-webhook-url" has whitespace inside it (${words} space-separated parts, e.g. text pasted after the URL): it must be the webhook URL alone. Fix the secret's value; ${HOW}.`,
    );
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UserError('Invalid slack-webhook-url', `Input "slack-webhook-url" is not a URL; ${HOW}.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UserError(
      'Invalid slack-webhook-url',
      `Input "slack-webhook-url" uses ${url.protocol.replace(/:$/, '')}:, not https:; ${HOW}.`,
    );
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url)) {
    throw new UserError(
      'Insecure slack-webhook-url',
      `Input "slack-webhook-url" uses plain http to ${url.hostname}: the webhook URL is a credential and would travel unencrypted. Use https (plain http is only accepted for a loopback address such as 127.0.0.1).`,
    );
  }
  if (url.username || url.password) {
    throw new UserError(
      'Invalid slack-webhook-url',
      'Input "slack-webhook-url" carries a user name or password; incoming webhooks need neither. Remove the "user:password@" part.',
    );
  }
  const warnings: string[] = [];
  if (!SLACK_HOOK_HOSTS.includes(url.hostname.toLowerCase()) && !isLoopbackHost(url)) {
    warnings.push(
      `Input "slack-webhook-url" points at ${url.hostname}, not Slack's own hooks.slack.com. That is fine for a proxy or relay; if you meant Slack, copy the incoming webhook URL from the Slack app's settings.`,
    );
  }
  return { url: value, warnings };
}
