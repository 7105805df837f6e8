// The bounded parallel runner (src/action/run/parallel.ts): at most `limit` tasks in flight, started in
// order, results in order, a throwing task does not stop the others, nothing new starts once cancelled.

import { describe, expect, it } from 'vitest';
import { runBounded } from '../src/action/run/parallel.js';

/** A task per item that waits until the test releases it, recording how many run at once. */
function gate() {
  const waiting = new Map<number, () => void>();
  let running = 0;
  let most = 0;
  const started: number[] = [];
  const task = (fail?: (i: number) => boolean) => async (item: number) => {
    started.push(item);
    running++;
    most = Math.max(most, running);
    await new Promise<void>((resolve) => waiting.set(item, resolve));
    running--;
    if (fail?.(item)) throw new Error(`task ${item} broke`);
    return item * 10;
  };
  const release = async (item: number) => {
    await new Promise((r) => setImmediate(r));
    waiting.get(item)!();
    waiting.delete(item);
    await new Promise((r) => setImmediate(r));
  };
  return { task, release, started, waiting, most: () => most };
}

describe('runBounded', () => {
  it('keeps at most `limit` in flight, starts in order, and returns results in item order', async () => {
    const g = gate();
    const done = runBounded([1, 2, 3, 4, 5], 2, g.task());
    await new Promise((r) => setImmediate(r));
    expect(g.started).toEqual([1, 2]);
    await g.release(2);
    expect(g.started).toEqual([1, 2, 3]);
    await g.release(1);
    await g.release(3);
    await g.release(4);
    await g.release(5);
    expect(await done).toEqual([10, 20, 30, 40, 50].map((value) => ({ ok: true, value })));
    expect(g.most()).toBe(2);
  });

  it('a task that throws does not stop the others; its error takes its place', async () => {
    const g = gate();
    const done = runBounded(
      [1, 2, 3],
      3,
      g.task((i) => i === 1),
    );
    for (const i of [1, 2, 3]) await g.release(i);
    const results = await done;
    expect(results[0]).toMatchObject({ ok: false, error: new Error('task 1 broke') });
    expect(results.slice(1)).toEqual([
      { ok: true, value: 20 },
      { ok: true, value: 30 },
    ]);
  });

  it('once the signal aborts, items not started are handed to notStarted, never started', async () => {
    const g = gate();
    const controller = new AbortController();
    const done = runBounded([1, 2, 3], 1, g.task(), { signal: controller.signal, notStarted: (i) => -i });
    await new Promise((r) => setImmediate(r));
    controller.abort();
    await g.release(1);
    expect(await done).toEqual([
      { ok: true, value: 10 },
      { ok: true, value: -2 },
      { ok: true, value: -3 },
    ]);
    expect(g.started).toEqual([1]);
  });

  it('refuses a limit below 1', async () => {
    await expect(runBounded([1], 0, async () => 1)).rejects.toThrow(
      'limit must be a whole number ≥ 1, not 0',
    );
  });
});
