// Time as the action sees it: a monotonic clock, an abortable sleep, full-jitter backoff, and
// `untilAborted` for a wait on a promise that cannot be aborted itself (CancelledError). Injected
// everywhere the action waits (the run's polling and retries, the verify step's requests and warming,
// the live Slack message), so those tests run instantly on a fake clock.

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
