// A bounded parallel runner: runs one task per item, at most `limit` at a time, starting them in the
// items' order, and returns every result in that order. A task that throws does not stop the others
// (its error is returned in its place); once `signal` aborts, the items not started yet are not
// started but handed to `notStarted` for their result. Time is the caller's (each task uses the
// injected clock); the runner itself only counts. No I/O.

export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

export async function runBounded<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
  options: { signal?: AbortSignal; notStarted?: (item: T, index: number) => R } = {},
): Promise<Settled<R>[]> {
  if (!Number.isInteger(limit) || limit < 1)
    throw new Error(`limit must be a whole number ≥ 1, not ${limit}`);
  const results: Settled<R>[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      const item = items[index]!;
      if (options.signal?.aborted && options.notStarted) {
        results[index] = { ok: true, value: options.notStarted(item, index) };
        continue;
      }
      try {
        results[index] = { ok: true, value: await task(item, index) };
      } catch (error) {
        results[index] = { ok: false, error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
