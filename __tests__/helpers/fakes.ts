// A fake clock for the executor's injected Clock: its sleep advances time at once, so polling and retry
// tests run instantly. (The recording Runner is in recording-runner.ts.)

import type { Clock } from '../../src/action/run/clock.js';

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
