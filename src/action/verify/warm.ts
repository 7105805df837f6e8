// Runs one task per item with at most `concurrency` in flight, inside a deadline. A task may ask to be
// retried (the origin answered 429 or 503): every worker then pauses — the origin is struggling, so
// the whole pool backs off, not just one request — until the `Retry-After` the origin gave, or an
// exponential backoff with full jitter when it gave none, never past the deadline. Items not started
// by the deadline are handed back as not reached. Time comes from the injected clock.

import { jitteredBackoffMs, type Clock } from '../clock.js';

export interface Attempted<R> {
  value: R;
  /** Set when the task should be tried again: after `afterMs` when the origin said so. */
  retry?: { afterMs?: number };
}

export interface PoolOptions {
  concurrency: number;
  /** Monotonic clock time (clock.now()) after which nothing new starts. */
  deadline: number;
  clock: Clock;
  signal?: AbortSignal;
  /** Retries per item after the first attempt. */
  maxRetries?: number;
  baseBackoffMs?: number;
  capBackoffMs?: number;
  /** Longest Retry-After honoured; longer ones are cut to this. */
  maxRetryAfterMs?: number;
  random?: () => number;
}

export interface PoolResult<T> {
  /** Retries made, all items together. */
  retries: number;
  /** Time spent paused for Retry-After or backoff, in ms (the pool's pauses, not per worker). */
  pausedMs: number;
  notReached: T[];
}

/**
 * Runs `task` on every item of `items` (taken in order, lazily); `task` gets the time it may take and
 * `onDone` each final value. Resolves when every started item is done.
 */
export async function runPool<T, R>(
  items: Iterable<T>,
  task: (item: T, budgetMs: number) => Promise<Attempted<R>>,
  onDone: (item: T, value: R) => void,
  options: PoolOptions,
): Promise<PoolResult<T>> {
  const { clock, deadline } = options;
  const maxRetries = options.maxRetries ?? 3;
  const base = options.baseBackoffMs ?? 500;
  const cap = options.capBackoffMs ?? 30_000;
  const maxRetryAfter = options.maxRetryAfterMs ?? 60_000;
  const random = options.random ?? Math.random;
  const iterator = items[Symbol.iterator]();
  const notReached: T[] = [];
  let pauseUntil = 0;
  let pausedMs = 0;
  let retries = 0;
  let exhausted = false;
  const stopped = () => options.signal?.aborted === true || clock.now() >= deadline;

  const next = (): { item: T } | undefined => {
    if (exhausted) return undefined;
    const step = iterator.next();
    if (step.done) {
      exhausted = true;
      return undefined;
    }
    return { item: step.value };
  };

  /** Waits out the pool's pause; false when the deadline or the signal comes first. */
  const waitForPause = async () => {
    while (clock.now() < pauseUntil) {
      if (pauseUntil >= deadline) return false;
      const started = clock.now();
      await clock.sleep(pauseUntil - started, options.signal);
      pausedMs += clock.now() - started;
      if (options.signal?.aborted) return false;
    }
    return !stopped();
  };

  const worker = async () => {
    for (let taken = next(); taken; taken = next()) {
      const { item } = taken;
      if (!(await waitForPause())) {
        notReached.push(item);
        continue;
      }
      for (let attempt = 0; ; attempt++) {
        const result = await task(item, deadline - clock.now());
        const wantsRetry = result.retry !== undefined && attempt < maxRetries;
        if (wantsRetry) {
          const wait =
            result.retry!.afterMs !== undefined
              ? Math.min(result.retry!.afterMs, maxRetryAfter)
              : jitteredBackoffMs(attempt, base, cap, random);
          pauseUntil = Math.max(pauseUntil, clock.now() + wait);
          if (pauseUntil < deadline && (await waitForPause())) {
            retries++;
            continue;
          }
        }
        onDone(item, result.value);
        break;
      }
    }
  };

  const workers = Array.from({ length: Math.max(1, options.concurrency) }, worker);
  await Promise.all(workers);
  return { retries, pausedMs, notReached };
}

/**
 * `Retry-After` in milliseconds from `nowMs` (wall clock): delay-seconds or an HTTP date; undefined
 * when absent or unreadable. A date in the past is 0.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** Statuses that mean "not now": retried after Retry-After or a backoff. */
export const isBusyStatus = (status: number) => status === 429 || status === 503;
