// A setup file of the unit project (vitest.config.ts), run around every test file. The unit project
// runs its files without isolation (one module cache per worker, for speed: see vitest.config.ts), so
// a file must leave the worker as it found it: this fails the file that leaves process.env changed,
// fake timers installed or the working directory moved, naming what it left, instead of letting a
// later file fail for no reason of its own.

import { afterAll, beforeAll, vi } from 'vitest';

let envAtStart: Record<string, string | undefined> = {};
let cwdAtStart = '';

beforeAll(() => {
  envAtStart = { ...process.env };
  cwdAtStart = process.cwd();
});

afterAll(() => {
  vi.unstubAllEnvs();
  const changed = [...new Set([...Object.keys(envAtStart), ...Object.keys(process.env)])].filter(
    (name) => envAtStart[name] !== process.env[name],
  );
  const left: string[] = [];
  if (changed.length > 0) {
    const shown = (value: string | undefined) => (value === undefined ? 'unset' : JSON.stringify(value));
    left.push(
      `process.env changed: ${changed
        .sort()
        .map((name) => `${name} (${shown(envAtStart[name])} → ${shown(process.env[name])})`)
        .join(', ')}`,
    );
  }
  if (vi.isFakeTimers()) left.push('fake timers installed (call vi.useRealTimers())');
  if (process.cwd() !== cwdAtStart) left.push(`the working directory moved to ${process.cwd()}`);
  if (left.length > 0) {
    throw new Error(
      `This test file leaves the shared worker changed: ${left.join('; ')}. Restore it in an afterAll/afterEach.`,
    );
  }
});
