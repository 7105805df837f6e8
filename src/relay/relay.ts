// The relay service both adapters (lambda.ts, server.ts) share: runs the pure core, starts the
// dispatch under a hard deadline (aborted, never retried after it), maps the result to Slack's
// answer and writes one structured JSON log line per request. The dispatcher, clock, deadline and log
// sink are passed in.

import type { RelayConfig } from './config.js';
import {
  decide,
  DISPATCH_TIMEOUT_MS,
  replyForDispatch,
  type RelayRequest,
  type RelayResponse,
  type RequestLogFields,
} from './core.js';
import type { DispatchRequest, DispatchResult, Dispatcher } from './dispatch.js';

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

export type Relay = (request: RelayRequest) => Promise<RelayResponse>;

export const writeLogLine = (line: string) => void process.stdout.write(`${line}\n`);

/** One JSON log line: the event name, the time, then the given fields. */
export function logLine(event: string, fields: object, nowMs: number): string {
  return JSON.stringify({ time: new Date(nowMs).toISOString(), event, ...fields });
}

/** Runs the dispatcher until it settles or the deadline passes, whichever comes first. */
export async function dispatchWithDeadline(
  dispatch: Dispatcher,
  request: DispatchRequest,
  timeoutMs: number,
): Promise<DispatchResult> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<DispatchResult>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error(`dispatch deadline of ${timeoutMs} ms passed`));
      resolve({ kind: 'no_answer', cause: 'timeout' });
    }, timeoutMs);
  });
  const attempt = dispatch(request, controller.signal).catch((error: unknown): DispatchResult => ({
    kind: 'no_answer',
    cause: controller.signal.aborted ? 'timeout' : 'network',
    detail: error instanceof Error ? error.message : String(error),
  }));
  try {
    return await Promise.race([attempt, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export function createRelay(dependencies: RelayDependencies): Relay {
  const { config, dispatch } = dependencies;
  const now = dependencies.now ?? Date.now;
  const log = dependencies.log ?? writeLogLine;
  const timeoutMs = dependencies.dispatchTimeoutMs ?? DISPATCH_TIMEOUT_MS;

  return async (request) => {
    const started = now();
    const finish = (response: RelayResponse, fields: RequestLogFields) => {
      const end = now();
      log(logLine('slack_command', { ...fields, latency_ms: Math.max(0, end - started) }, end));
      return response;
    };

    const decision = decide(request, config, started);
    if (decision.kind === 'respond') return finish(decision.response, decision.log);

    const result = await dispatchWithDeadline(dispatch, decision.dispatch, timeoutMs);
    const { response, log: fields } = replyForDispatch(result, {
      config,
      site: decision.site,
      command: decision.command,
      nowMs: now(),
      timeoutMs,
    });
    return finish(response, fields);
  };
}
