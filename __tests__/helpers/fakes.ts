// Test doubles for the executor's injected dependencies: a fake clock whose sleep advances time at
// once (polling and retry tests run instantly), and a runner that records what the action shows.

import type { Clock } from '../../src/action/clock.js';
import type { Runner } from '../../src/action/runner.js';

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

export interface RecordingRunner extends Runner {
  lines: string[];
  outputs: Record<string, string>;
  errors: { message: string; title?: string }[];
  secrets: string[];
  failed: boolean;
}

export function recordingRunner(inputs: Record<string, string> = {}): RecordingRunner {
  const runner: RecordingRunner = {
    lines: [],
    outputs: {},
    errors: [],
    secrets: [],
    failed: false,
    getInput: (name) => (inputs[name] ?? '').trim(),
    setOutput: (name, value) => void (runner.outputs[name] = value),
    info: (line) => void runner.lines.push(line),
    debug: () => undefined,
    warning: (message) => void runner.lines.push(`WARNING ${message}`),
    error: (message, annotation) =>
      void runner.errors.push({ message, ...(annotation?.title && { title: annotation.title }) }),
    group: async (title, body) => {
      runner.lines.push(`▼ ${title}`);
      return body();
    },
    appendSummary: async () => undefined,
    setSecret: (value) => void runner.secrets.push(value),
    markFailed: () => void (runner.failed = true),
  };
  return runner;
}
