// The Slack adapter: reads and checks the Slack inputs (before anything runs), and posts a payload to
// the incoming webhook with @slack/webhook, imported lazily so runs without Slack never load it.
// Retries within a bounded total time: 5xx and network errors through the library's own retry policy
// (p-retry, `retryConfig`); 429, which the library does not retry, by waiting for Slack's Retry-After
// (captured through the library's `fetch` option). A post that still fails comes back as a reason that
// quotes Slack's answer (`channel_not_found`, `no_service`, …) — never containing the URL.

import type { Runner } from '../runner.js';
import type { SlackPayload } from './slack-blocks.js';
import { checkSlackWebhookUrl } from '../inputs/slack-webhook-url.js';
import { readBoolean } from '../inputs/inputs.js';
import { redactor } from './redact.js';
import { formatDuration } from '../../shared/text.js';
import { checkSlackBot, type SlackBotSettings } from '../inputs/slack-bot.js';

export interface SlackSettings {
  /** Absent: no post. */
  webhookUrl?: string;
  failOnError: boolean;
  /** The live message's bot token and channel (slack-bot-token + slack-channel); absent: none. */
  bot?: SlackBotSettings;
}

/**
 * Reads `slack-webhook-url`, `fail-on-slack-error`, `slack-bot-token` and `slack-channel`; masks the
 * URL and the token, warns about an unusual host, says why there is no live message when one input of
 * the two is missing.
 */
export function readSlackSettings(runner: Runner, env: Record<string, string | undefined>): SlackSettings {
  const failOnError = readBoolean(runner, 'fail-on-slack-error', false);
  const token = runner.getInput('slack-bot-token');
  if (token !== '') runner.setSecret(token);
  const { bot, note } = checkSlackBot(token, runner.getInput('slack-channel'), env);
  if (note) runner.info(note);
  const settings = readWebhookSettings(runner, failOnError);
  return { ...settings, ...(bot && { bot }) };
}

function readWebhookSettings(runner: Runner, failOnError: boolean): SlackSettings {
  const raw = runner.getInput('slack-webhook-url');
  if (raw === '') return { failOnError };
  runner.setSecret(raw);
  const path = raw.replace(/^[a-z]+:\/\/[^/]*/i, '');
  if (path.length >= 8) runner.setSecret(path);
  const { url, warnings } = checkSlackWebhookUrl(raw);
  for (const warning of warnings) runner.warning(warning, { title: 'Slack webhook host' });
  return { webhookUrl: url, failOnError };
}

/** Retry policy for 5xx and network errors (the library's `retryConfig`, node-retry options). */
interface SlackRetryPolicy {
  retries: number;
  minTimeout: number;
  maxTimeout: number;
  factor: number;
  randomize: boolean;
}

export interface SlackPostOptions {
  /** Total time for every attempt and wait (default 30 s). */
  budgetMs?: number;
  /** One request (default 10 s). */
  requestTimeoutMs?: number;
  /** 5xx/network retries (default 3 retries, 0.5 s growing ×2, jittered: ≤ ~7 s of waiting). */
  retry?: Partial<SlackRetryPolicy>;
  /** 429 waits; injectable so tests run instantly. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** The HTTP client (through the proxy when HTTPS_PROXY is set); default Node's fetch. */
  fetch?: typeof globalThis.fetch;
}

type SlackPostResult =
  { ok: true; attempts: number } | { ok: false; attempts: number; status?: number; reason: string };

const DEFAULT_SLACK_RETRY: SlackRetryPolicy = {
  retries: 3,
  minTimeout: 500,
  maxTimeout: 4000,
  factor: 2,
  randomize: true,
};

/** What Slack's error answers mean and what to do; the raw answer is always quoted too. */
const SLACK_ERROR_HINTS: Record<string, string> = {
  invalid_payload: 'Slack could not read the message; this is a bug in cache-purge-action, please report it',
  channel_not_found:
    "the webhook's channel no longer exists or the app lost access to it; create a new incoming webhook and update the secret",
  channel_is_archived:
    "the webhook's channel is archived; unarchive it or create a webhook for another channel",
  no_service:
    'the webhook was revoked or its Slack app uninstalled; create a new incoming webhook and update the secret',
  no_service_id: 'the webhook URL is incomplete; copy it again from the Slack app settings',
  no_team: 'the Slack workspace of this webhook no longer exists',
  team_disabled: 'the Slack workspace of this webhook is disabled',
  invalid_token: 'the webhook URL is wrong or was revoked; copy it again from the Slack app settings',
  action_prohibited: 'a Slack admin restricted posting to this channel',
  posting_to_general_channel_denied:
    'only admins may post to this channel; use a webhook for another channel',
  too_many_attachments: 'the message was too large; this is a bug in cache-purge-action, please report it',
  rate_limited: 'Slack rate-limited the webhook for longer than the action waits',
};

const MAX_RETRY_AFTER_MS = 60_000;

/** Slack's answer as we quote it: first line, printable, short. */
function quoteBody(body: string): string {
  const first = (body.split(/\r?\n/)[0] ?? '').replace(/[^\x20-\x7e]/g, '').trim();
  return first.length > 100 ? `${first.slice(0, 100)}…` : first;
}

function httpReason(status: number, body: string, clean: (s: string) => string): string {
  const answer = clean(quoteBody(body));
  const hint =
    SLACK_ERROR_HINTS[answer] ?? (status >= 500 ? 'Slack seems to be having an outage' : undefined);
  return `Slack answered HTTP ${status}${answer ? ` "${answer}"` : ''}${hint ? `: ${hint}` : ''}`;
}

function requestReason(error: unknown, clean: (s: string) => string): string {
  const original = (error as { original?: unknown }).original ?? error;
  const cause = (original as { cause?: { code?: string; message?: string } }).cause;
  const what =
    (original as { name?: string }).name === 'TimeoutError'
      ? 'the request timed out'
      : (cause?.code ?? cause?.message ?? (original instanceof Error ? original.message : String(original)));
  return `could not reach the webhook (${clean(String(what))})`;
}

/** Seconds (or an HTTP date) → ms; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export async function postSlackMessage(
  webhookUrl: string,
  payload: SlackPayload,
  options: SlackPostOptions = {},
): Promise<SlackPostResult> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = now() + (options.budgetMs ?? 30_000);
  const policy = { ...DEFAULT_SLACK_RETRY, ...options.retry };
  const clean = redactor([webhookUrl, new URL(webhookUrl).pathname]);
  const { IncomingWebhook, IncomingWebhookHTTPError } = await import('@slack/webhook');

  let attempts = 0;
  let retryAfter: string | null = null;
  const send = options.fetch ?? globalThis.fetch;
  const countingFetch = async (url: string | URL, init?: RequestInit) => {
    attempts++;
    const response = await send(url, init);
    retryAfter = response.headers.get('retry-after');
    return response;
  };

  for (;;) {
    const remaining = deadline - now();
    const webhook = new IncomingWebhook(webhookUrl, {
      fetch: countingFetch,
      timeout: Math.max(1, Math.min(options.requestTimeoutMs ?? 10_000, remaining)),
      retryConfig: { ...policy, maxRetryTime: Math.max(1, remaining) }, // 0 would mean "no limit"
    });
    try {
      await webhook.send(payload);
      return { ok: true, attempts };
    } catch (error) {
      if (error instanceof IncomingWebhookHTTPError) {
        if (error.statusCode === 429) {
          const wait = parseRetryAfter(retryAfter, now()) ?? 1000;
          if (wait <= MAX_RETRY_AFTER_MS && now() + wait < deadline) {
            await sleep(wait);
            continue;
          }
          return {
            ok: false,
            attempts,
            status: 429,
            reason: `Slack answered HTTP 429 (rate limited) and asked to wait ${formatDuration(wait)}, beyond the ${formatDuration(options.budgetMs ?? 30_000)} the action waits for Slack`,
          };
        }
        const suffix = error.statusCode >= 500 && attempts > 1 ? ` (after ${attempts} attempts)` : '';
        return {
          ok: false,
          attempts,
          status: error.statusCode,
          reason: httpReason(error.statusCode, error.body, clean) + suffix,
        };
      }
      const suffix = attempts > 1 ? ` after ${attempts} attempts` : '';
      return { ok: false, attempts, reason: requestReason(error, clean) + suffix };
    }
  }
}
