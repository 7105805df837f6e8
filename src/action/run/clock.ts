// Time as the executor sees it: a monotonic clock, an abortable sleep, and `untilAborted` for a wait
// on a promise that cannot be aborted itself (CancelledError). Injected so polling and retry tests run
// instantly on a fake clock. Also what the adapters read off an AWS SDK answer or error: its name, its
// message, and the HTTP status and requests the SDK reports in `$metadata`.

import { setTimeout as delay } from 'node:timers/promises';

export interface Clock {
  /** Monotonic milliseconds. */
  now(): number;
  /** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Wall-clock time, for report timestamps. */
  date(): Date;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: async (ms, signal) => {
    if (signal?.aborted || ms <= 0) return;
    await delay(ms, undefined, signal ? { signal } : {}).catch(() => undefined);
  },
  date: () => new Date(),
};

/** What a wait ended by the job's cancellation throws. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

/** `promise`, or a CancelledError as soon as `signal` aborts (e.g. a credential chain waiting on instance metadata). */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new CancelledError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new CancelledError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** Full jitter: a random delay between 0 and the exponential backoff for this attempt. */
export function jitteredBackoffMs(
  attempt: number,
  baseMs: number,
  capMs: number,
  random: () => number,
): number {
  return Math.round(random() * Math.min(capMs, baseMs * 2 ** attempt));
}

/**
 * The AWS error name of an SDK error (its `name`: ThrottlingException, CredentialsProviderError,
 * TimeoutError, …); for a network error the SDK passes on from Node — name `Error`, or
 * `AggregateError` when every address of the endpoint refused (Node tries each in turn) — its system
 * code (ECONNREFUSED, ENOTFOUND, …), so reports can tell "AWS answered" from "AWS was never reached".
 */
export function awsErrorName(error: unknown): string {
  if (!error || typeof error !== 'object') return 'Error';
  const name = 'name' in error && typeof error.name === 'string' ? error.name : 'Error';
  const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  if ((name === 'Error' || name === 'AggregateError') && code && /^E[A-Z0-9_]+$/.test(code)) return code;
  return name;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What the AWS SDK records on every output and service error: the HTTP status, the requests it made. */
interface SdkMetadata {
  attempts?: number;
  httpStatusCode?: number;
}

export function sdkMetadata(outputOrError: unknown): SdkMetadata | undefined {
  if (!outputOrError || typeof outputOrError !== 'object' || !('$metadata' in outputOrError)) return;
  return outputOrError.$metadata as SdkMetadata;
}

/** The HTTP requests one `send` made (its retries included): the SDK's `$metadata.attempts`, else 1. */
export function sdkRequests(outputOrError: unknown): number {
  const attempts = sdkMetadata(outputOrError)?.attempts;
  return typeof attempts === 'number' && attempts > 0 ? attempts : 1;
}
