// The warming pool: at most `concurrency` in flight, Retry-After honoured by the whole pool, backoff
// without one, nothing started after the deadline. On the fake clock, so it runs instantly.

import { describe, expect, it } from 'vitest';
import { isBusyStatus, parseRetryAfter, runPool, type Attempted } from '../src/action/verify/warm.js';
import { FakeClock } from './helpers/fakes.js';

/** A task that takes `ms` of fake time, tracking how many run at once. */
function tracked(clock: FakeClock, ms: number, answer: (item: number, attempt: number) => Attempted<string>) {
  let inFlight = 0;
  const state = { peak: 0, attempts: new Map<number, number>(), startedAt: [] as number[] };
  const task = async (item: number) => {
    inFlight++;
    state.peak = Math.max(state.peak, inFlight);
    state.startedAt.push(clock.now());
    const attempt = state.attempts.get(item) ?? 0;
    state.attempts.set(item, attempt + 1);
    await clock.sleep(ms);
    inFlight--;
    return answer(item, attempt);
  };
  return { task, state };
}

describe('runPool', () => {
  it('never has more than `concurrency` tasks in flight and finishes every item', async () => {
    const clock = new FakeClock();
    const { task, state } = tracked(clock, 10, (i) => ({ value: `v${i}` }));
    const done: string[] = [];
    const result = await runPool([1, 2, 3, 4, 5, 6, 7], task, (_i, v) => done.push(v), {
      concurrency: 3,
      deadline: 1e9,
      clock,
    });
    expect(state.peak).toBe(3);
    expect(done.sort()).toEqual(['v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7']);
    expect(result).toEqual({ retries: 0, pausedMs: 0, notReached: [] });
  });

  it("pauses the whole pool for the origin's Retry-After, then retries", async () => {
    const clock = new FakeClock();
    const { task, state } = tracked(clock, 1, (i, attempt) =>
      i === 1 && attempt === 0 ? { value: 'busy', retry: { afterMs: 5_000 } } : { value: 'ok' },
    );
    const result = await runPool([1, 2, 3, 4], task, () => undefined, {
      concurrency: 1,
      deadline: 1e9,
      clock,
    });
    expect(state.attempts.get(1)).toBe(2);
    expect(result.retries).toBe(1);
    expect(clock.sleeps).toContain(5_000);
    // item 2 starts only after the pause: nothing hammers a struggling origin
    expect(state.startedAt[2]).toBeGreaterThanOrEqual(5_001);
  });

  it('backs off exponentially without Retry-After and gives up after maxRetries with the last answer', async () => {
    const clock = new FakeClock();
    const { task } = tracked(clock, 0, () => ({ value: '503', retry: {} }));
    const done: string[] = [];
    const result = await runPool([1], task, (_i, v) => done.push(v), {
      concurrency: 1,
      deadline: 1e9,
      clock,
      maxRetries: 3,
      baseBackoffMs: 100,
      random: () => 1,
    });
    expect(clock.sleeps.filter((ms) => ms > 0)).toEqual([100, 200, 400]);
    expect(result.retries).toBe(3);
    expect(done).toEqual(['503']);
  });

  it('starts nothing after the deadline and hands those items back', async () => {
    const clock = new FakeClock();
    const { task } = tracked(clock, 1_000, () => ({ value: 'ok' }));
    const result = await runPool([1, 2, 3, 4, 5], task, () => undefined, {
      concurrency: 1,
      deadline: 2_500,
      clock,
    });
    expect(result.notReached).toEqual([4, 5]);
  });

  it('does not wait for a Retry-After that ends past the deadline', async () => {
    const clock = new FakeClock();
    const { task } = tracked(clock, 0, () => ({ value: 'busy', retry: { afterMs: 60_000 } }));
    const done: string[] = [];
    await runPool([1], task, (_i, v) => done.push(v), { concurrency: 1, deadline: 10_000, clock });
    expect(done).toEqual(['busy']);
    expect(clock.now()).toBeLessThan(10_000);
  });
});

describe('Retry-After', () => {
  it('reads delay-seconds and HTTP dates; 429 and 503 are busy', () => {
    const now = Date.UTC(2025, 0, 1);
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(new Date(now + 30_000).toUTCString(), now)).toBe(30_000);
    expect(parseRetryAfter(new Date(now - 30_000).toUTCString(), now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect([429, 503, 500, 200].map(isBusyStatus)).toEqual([true, true, false, false]);
  });
});
