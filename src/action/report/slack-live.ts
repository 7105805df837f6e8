// The live Slack message (slack-bot-token + slack-channel), through Slack's maintained Web API client
// (@slack/web-api, imported lazily so runs without a bot never load it): chat.postMessage when the run
// starts, chat.update as steps finish — at most once per `minIntervalMs` (1 s), the newest progress
// winning, timed by the injected clock — and a last chat.update with the result; a failed run adds a
// thread reply (chat.postMessage with thread_ts) that mentions the requester. The client's own retries
// handle 5xx, network errors and 429 (it waits for Slack's Retry-After); the policy is bounded here.
// Every text is redacted first; errors never contain the token. With a proxy set, the requests go
// through the given proxy-choosing agent (the client turns axios' own proxy handling off). I/O: HTTPS
// to Slack's Web API.

import type { Agent } from 'node:http';
import type { Clock } from '../clock.js';
import type { SlackBotSettings } from '../inputs/slack-bot.js';
import type { SlackPayload } from './slack-blocks.js';
import { redactDeep, type Redactor } from './redact.js';

/** Retry policy of the client (p-retry options); tests pass a fast one. */
export interface LiveRetryPolicy {
  retries: number;
  factor: number;
  minTimeout: number;
  maxTimeout: number;
  randomize: boolean;
}

const DEFAULT_RETRY: LiveRetryPolicy = {
  retries: 3,
  factor: 2,
  minTimeout: 500,
  maxTimeout: 4000,
  randomize: true,
};

export interface LiveMessageOptions {
  bot: SlackBotSettings;
  clock: Clock;
  redact: Redactor;
  /** Problems posting: the caller makes them warnings (or errors for the result, fail-on-slack-error). */
  log: (line: string) => void;
  minIntervalMs?: number;
  retry?: Partial<LiveRetryPolicy>;
  /** One request (default 10 s). */
  requestTimeoutMs?: number;
  /** The proxy-choosing agent (HTTPS_PROXY/NO_PROXY); absent: Node's default. */
  agent?: Agent;
}

/** What Slack's error codes mean for this message, and the fix. */
const HINTS: Record<string, string> = {
  not_in_channel: 'the app is not in the channel; invite it there (/invite @Cache Purge)',
  channel_not_found: 'no such channel, or the app cannot see it (a private channel needs the app invited)',
  invalid_auth: 'the bot token is not valid; copy the Bot User OAuth Token again into the secret',
  not_authed: 'no bot token reached Slack',
  token_revoked: 'the bot token was revoked; reinstall the app and update the secret',
  account_inactive: 'the bot token belongs to a deleted app or user; reinstall the app and update the secret',
  missing_scope: 'the app lacks the chat:write scope; add it (examples/slack-app-manifest.yml) and reinstall',
  is_archived: 'the channel is archived',
  msg_too_long: 'the message was too long; this is a bug in cache-purge-action, please report it',
  invalid_blocks: 'Slack could not read the message; this is a bug in cache-purge-action, please report it',
  ratelimited: 'Slack rate-limited the app for longer than the action retries',
};

/** A Web API error as one line: Slack's error code and what it means, or what failed on the way. */
function describeSlackError(error: unknown, redact: Redactor): string {
  const e = (error ?? {}) as {
    code?: string;
    data?: { error?: string };
    statusCode?: number;
    original?: { code?: string; message?: string };
    message?: string;
  };
  if (e.code === 'slack_webapi_platform_error' && e.data?.error) {
    const hint = HINTS[e.data.error];
    return `Slack answered "${e.data.error}"${hint ? `: ${hint}` : ''}`;
  }
  if (e.code === 'slack_webapi_http_error') return `Slack answered HTTP ${e.statusCode ?? '?'}`;
  if (e.code === 'slack_webapi_rate_limited_error') return `Slack rate-limited the app: ${HINTS.ratelimited}`;
  if (e.code === 'slack_webapi_request_error') {
    return `could not reach Slack (${redact(e.original?.code ?? e.original?.message ?? 'network error')})`;
  }
  return redact(e.message ?? String(error));
}

export interface LiveMessage {
  /** Posts the first message; false (and a log line) when Slack refused it: no live message then. */
  start(payload: SlackPayload): Promise<boolean>;
  /** Shows new progress: sent at once, or coalesced until the interval since the last call passed. */
  update(payload: SlackPayload): void;
  /** The result: replaces the message (after any pending update), then the thread reply if any. */
  finish(payload: SlackPayload, threadReply?: string): Promise<{ ok: boolean; reason?: string }>;
}

export async function createLiveMessage(options: LiveMessageOptions): Promise<LiveMessage> {
  const { bot, clock, redact, log } = options;
  const interval = options.minIntervalMs ?? 1000;
  const { WebClient, LogLevel } = await import('@slack/web-api');
  const quiet = () => undefined;
  const client = new WebClient(bot.token, {
    slackApiUrl: bot.apiUrl,
    retryConfig: { ...DEFAULT_RETRY, ...options.retry },
    timeout: options.requestTimeoutMs ?? 10_000,
    rejectRateLimitedCalls: false, // wait for Retry-After, then try again (within the retries)
    ...(options.agent && { agent: options.agent }),
    logLevel: LogLevel.ERROR,
    logger: {
      debug: quiet,
      info: quiet,
      warn: quiet,
      error: (...messages: unknown[]) => log(`Slack client: ${redact(messages.map(String).join(' '))}`),
      setLevel: quiet,
      getLevel: () => LogLevel.ERROR,
      setName: quiet,
    },
  });
  let channel = bot.channel;
  let ts: string | undefined;
  let lastSent = -Infinity;
  let pending: SlackPayload | undefined;
  let queued = false;
  let finished = false;
  const stopWaiting = new AbortController();
  let chain: Promise<void> = Promise.resolve();

  const send = async (payload: SlackPayload) => {
    const safe = redactDeep(payload, redact);
    try {
      await client.chat.update({ channel, ts: ts!, text: safe.text, blocks: safe.blocks });
    } finally {
      // counted from the answer: the next call leaves a full interval after Slack had this one
      lastSent = clock.now();
    }
  };

  return {
    async start(payload) {
      const safe = redactDeep(payload, redact);
      try {
        const answer = await client.chat.postMessage({ channel, text: safe.text, blocks: safe.blocks });
        ts = answer.ts;
        if (typeof answer.channel === 'string') channel = answer.channel;
        lastSent = clock.now();
        return ts !== undefined;
      } catch (error) {
        log(`Live Slack message not posted: ${describeSlackError(error, redact)}.`);
        return false;
      }
    },
    update(payload) {
      if (ts === undefined || finished) return;
      pending = payload;
      if (queued) return;
      queued = true;
      chain = chain.then(async () => {
        const wait = lastSent + interval - clock.now();
        if (wait > 0) await clock.sleep(wait, stopWaiting.signal);
        queued = false;
        const next = pending;
        pending = undefined;
        if (next === undefined || finished) return;
        try {
          await send(next);
        } catch (error) {
          log(`Live Slack message not updated: ${describeSlackError(error, redact)}.`);
        }
      });
    },
    async finish(payload, threadReply) {
      finished = true;
      stopWaiting.abort();
      await chain;
      if (ts === undefined) return { ok: false, reason: 'the live message was never posted' };
      const wait = lastSent + interval - clock.now();
      if (wait > 0) await clock.sleep(wait);
      try {
        await send(payload);
        if (threadReply !== undefined) {
          await client.chat.postMessage({ channel, thread_ts: ts, text: redact(threadReply) });
        }
        return { ok: true };
      } catch (error) {
        return { ok: false, reason: describeSlackError(error, redact) };
      }
    },
  };
}
