// The relay service both adapters (lambda.ts, server.ts) share: runs the pure core, starts the
// dispatch under a hard deadline (aborted, never retried after it; shortened by the time the adapter
// already spent, so the answer still leaves in time) — one per repository, side by side under the same
// deadline, when the sites live in several (SITES site=owner/repo) — maps the result to Slack's answer and writes one
// structured JSON log line per request. A click on a broad purge's prompt is claimed once (the replay
// guard) before its dispatch, and its prompt is replaced through Slack's response_url ("Confirmed by
// … — run link", or why not) before the empty 200 goes back. The dispatcher, clock, deadline, nonce
// source, replay guard, prompt updater and log sink are passed in.

import type { RelayConfig } from './core/config.js';
import { decide } from './core/decide.js';
import { randomUUID } from 'node:crypto';
import { promptUpdate } from './core/confirm-prompt.js';
import { createReplayGuard, type ReplayGuard } from './replay-guard.js';
import { postPromptUpdate, type PromptUpdater } from './response-url.js';
import { replyForDispatches } from './core/dispatch-replies.js';
import { textReply, type RelayRequest, type RelayResponse, type RequestLogFields } from './core/reply.js';
import {
  deadlineResult,
  describeNetworkError,
  DISPATCH_TIMEOUT_MS,
  type DispatchProgress,
  type DispatchRequest,
  type DispatchResult,
  type Dispatcher,
} from './core/dispatch.js';

export interface RelayDependencies {
  config: RelayConfig;
  dispatch: Dispatcher;
  /** Milliseconds since the epoch (default Date.now). */
  now?: () => number;
  /** Receives each log line (default: stdout). */
  log?: (line: string) => void;
  /** Hard limit for the whole GitHub exchange (default 2000 ms). */
  dispatchTimeoutMs?: number;
  /** A fresh random nonce for each confirmation prompt (default randomUUID). */
  nonce?: () => string;
  /** Lets each confirmation token through once (default: in memory, per process). */
  replayGuard?: ReplayGuard;
  /** Replaces a prompt through its response_url (default: fetch). */
  updatePrompt?: PromptUpdater;
}

/** Time left for replacing a confirmed prompt after the dispatch, within Slack's 3 s. */
const PROMPT_UPDATE_TIMEOUT_MS = 600;

export type Relay = (request: RelayRequest, options?: RelayCallOptions) => Promise<RelayResponse>;

export const writeLogLine = (line: string) => void process.stdout.write(`${line}\n`);

/** One JSON log line: the event name, the time, then the given fields. */
export function logLine(event: string, fields: object, nowMs: number): string {
  return JSON.stringify({ time: new Date(nowMs).toISOString(), event, ...fields });
}

/** The one log line of a request: its fields and `latency_ms` from `startedMs`, stamped with `endMs`. */
export function requestLogLine(event: string, fields: object, startedMs: number, endMs: number): string {
  return logLine(event, { ...fields, latency_ms: Math.max(0, endMs - startedMs) }, endMs);
}

/** An unexpected error: logged as an `internal_error` line (its message only), answered 500. */
export function internalError(error: unknown, log: (line: string) => void, nowMs: number): RelayResponse {
  log(logLine('internal_error', { message: error instanceof Error ? error.message : String(error) }, nowMs));
  return textReply(500, 'Internal error');
}

/**
 * Runs the dispatcher until it settles or the deadline passes, whichever comes first. At the deadline
 * the dispatcher's last progress report decides between "nothing was sent" and "may have been sent".
 */
export async function dispatchWithDeadline(
  dispatch: Dispatcher,
  request: DispatchRequest,
  timeoutMs: number,
): Promise<DispatchResult> {
  const controller = new AbortController();
  let progress: DispatchProgress | undefined;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<DispatchResult>((resolve) => {
    timer = setTimeout(() => {
      const result = deadlineResult(progress);
      controller.abort(new Error(`dispatch deadline of ${timeoutMs} ms passed`));
      resolve(result);
    }, timeoutMs);
  });
  const report = (next: DispatchProgress) => {
    if (!controller.signal.aborted) progress = next;
  };
  const attempt = dispatch(request, controller.signal, report).catch((error: unknown): DispatchResult =>
    controller.signal.aborted
      ? deadlineResult(progress)
      : { kind: 'no_answer', cause: 'network', error: describeNetworkError(error) },
  );
  try {
    return await Promise.race([attempt, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Never less than this for the dispatch, however long the adapter took before calling the relay. */
const MIN_DISPATCH_TIMEOUT_MS = 500;

interface RelayCallOptions {
  /**
   * Milliseconds the adapter already spent on this request before calling the relay (the Lambda's
   * secret read): taken off the dispatch deadline, down to MIN_DISPATCH_TIMEOUT_MS, so the answer
   * still leaves in time.
   */
  spentMs?: number;
  /** Fields the adapter adds to the request's log line (the age of a stale secret copy). */
  logFields?: Pick<RequestLogFields, 'secrets_age_s'>;
}

export function createRelay(dependencies: RelayDependencies): Relay {
  const { config, dispatch } = dependencies;
  const now = dependencies.now ?? Date.now;
  const log = dependencies.log ?? writeLogLine;
  const timeoutMs = dependencies.dispatchTimeoutMs ?? DISPATCH_TIMEOUT_MS;
  const nonce = dependencies.nonce ?? (() => randomUUID());
  const replayGuard = dependencies.replayGuard ?? createReplayGuard();
  const updatePrompt = dependencies.updatePrompt ?? postPromptUpdate;

  return async (request, options = {}) => {
    const started = now();
    const spentMs = Math.max(0, options.spentMs ?? 0);
    const finish = (response: RelayResponse, fields: RequestLogFields & { prompt_update_error?: string }) => {
      // latency_ms counts the time the adapter spent before calling the relay
      const event = fields.action !== undefined ? 'slack_interaction' : 'slack_command';
      log(requestLogLine(event, { ...fields, ...options.logFields }, started - spentMs, now()));
      return response;
    };
    /** Replaces a clicked prompt; a failure is logged with the request, never fails it. */
    const replacePrompt = async (url: string, text: string) => {
      const result = await updatePrompt(url, promptUpdate(text), PROMPT_UPDATE_TIMEOUT_MS);
      return result.ok ? {} : { prompt_update_error: result.reason ?? 'failed' };
    };

    const decision = decide(request, config, started, nonce());
    if (decision.kind === 'respond') return finish(decision.response, decision.log);
    if (decision.kind === 'update_prompt') {
      const failed = await replacePrompt(decision.responseUrl, decision.update.text);
      return finish(decision.response, { ...decision.log, ...failed });
    }
    const { confirm } = decision;
    if (confirm && !replayGuard.claim(confirm.nonce, confirm.expiresAtMs, started)) {
      // the first click already dispatched and replaced the prompt: this one changes nothing
      const { userId: user, teamId: team, channelId: channel } = decision.command;
      return finish(textReply(200), {
        decision: 'click_refused',
        reason: 'replayed',
        status: 200,
        action: 'confirm',
        site: decision.site,
        user,
        team,
        channel,
      });
    }

    const reserved = confirm ? PROMPT_UPDATE_TIMEOUT_MS : 0;
    const budgetMs = Math.min(timeoutMs, Math.max(MIN_DISPATCH_TIMEOUT_MS, timeoutMs - spentMs - reserved));
    const outcomes = await Promise.all(
      decision.dispatches.map(async (request) => ({
        request,
        result: await dispatchWithDeadline(dispatch, request, budgetMs),
      })),
    );
    const {
      response,
      text,
      log: fields,
    } = replyForDispatches(outcomes, {
      config,
      site: decision.site,
      command: decision.command,
      nowMs: now(),
      timeoutMs: budgetMs,
      ...(confirm && { confirmed: true }),
    });
    if (!confirm) return finish(response, fields);
    const failed = await replacePrompt(confirm.responseUrl, text);
    return finish(textReply(200), { ...fields, action: 'confirm', ...failed });
  };
}
