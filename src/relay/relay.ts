// The relay service both adapters (lambda.ts, server.ts) share: runs the pure core, starts the
// dispatch under a hard deadline (aborted, never retried after it; shortened by the time the adapter
// already spent, so the answer still leaves in time), maps the result to Slack's answer and writes one
// structured JSON log line per request. The dispatcher, clock, deadline and log sink are passed in.

import type { RelayConfig } from './core/config.js';
import { decide } from './core/decide.js';
import { replyForDispatch } from './core/dispatch-reply.js';
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
}

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

  return async (request, options = {}) => {
    const started = now();
    const spentMs = Math.max(0, options.spentMs ?? 0);
    const finish = (response: RelayResponse, fields: RequestLogFields) => {
      // latency_ms counts the time the adapter spent before calling the relay
      log(requestLogLine('slack_command', { ...fields, ...options.logFields }, started - spentMs, now()));
      return response;
    };

    const decision = decide(request, config, started);
    if (decision.kind === 'respond') return finish(decision.response, decision.log);

    const budgetMs = Math.min(timeoutMs, Math.max(MIN_DISPATCH_TIMEOUT_MS, timeoutMs - spentMs));
    const result = await dispatchWithDeadline(dispatch, decision.dispatch, budgetMs);
    const { response, log: fields } = replyForDispatch(result, {
      config,
      site: decision.site,
      command: decision.command,
      nowMs: now(),
      timeoutMs: budgetMs,
    });
    return finish(response, fields);
  };
}
