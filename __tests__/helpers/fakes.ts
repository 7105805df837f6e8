// Fake clocks for the executor's injected Clock. FakeClock: its sleep advances time at once, so
// polling and retry tests run instantly. Timeline: the same for a run against the in-process AWS
// double, whose time (and the AWS SDK's) is the test's faked Date. (The recording Runner is in
// recording-runner.ts.)

import { vi } from 'vitest';
import type { Clock } from '../../src/action/clock.js';

export class FakeClock implements Clock {
  t = 0;
  readonly sleeps: number[] = [];
  now = () => this.t;
  date = () => new Date(Date.UTC(2026, 0, 1) + this.t);
  sleep = async (ms: number, signal?: AbortSignal) => {
    if (signal?.aborted) return;
    this.sleeps.push(ms);
    this.t += Math.max(0, ms);
  };
}

/**
 * One timeline for the executor, the AWS double and the AWS SDK: Date, faked while `start()`ed
 * (vi.useFakeTimers, Date only, running on with real time so the SDK's own waits see time pass).
 * The executor's sleeps move that Date forward at once instead of waiting, so a 10 s step polled
 * every 2 s, a step timeout or the SDK refreshing credentials 5 minutes before they expire take
 * no real time; what happens between sleeps (HTTP to the double, the SDK's retries) is real.
 * `after` schedules a callback at a point of the timeline (it fires during the sleep that passes it).
 */
export class Timeline implements Clock {
  private timers: { at: number; fire: () => void }[] = [];

  start(): void {
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  }

  stop(): void {
    this.timers = [];
    vi.useRealTimers();
  }

  now = () => Date.now();
  date = () => new Date();

  after(ms: number, fire: () => void): void {
    this.timers.push({ at: Date.now() + ms, fire });
    this.timers.sort((a, b) => a.at - b.at);
  }

  sleep = async (ms: number, signal?: AbortSignal) => {
    if (signal?.aborted || ms <= 0) return;
    await new Promise((resolve) => setImmediate(resolve));
    const until = Date.now() + ms;
    while (this.timers.length > 0 && this.timers[0]!.at <= until) {
      const timer = this.timers.shift()!;
      if (timer.at > Date.now()) vi.setSystemTime(timer.at);
      timer.fire();
      if (signal?.aborted) return;
    }
    if (until > Date.now()) vi.setSystemTime(until);
  };
}
