// CachePurge-FastCGI's trash beside a cache directory, as the end-to-end tests see it: the container's
// path, the per-purge directories not reclaimed yet, whether a background reclaim holds its lock, and
// waiting for the reclaim before a test removes the directories. I/O: reads the directories, runs flock.

import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The trash container CachePurge-FastCGI's instant purge keeps beside `cacheDir`. */
export const trashOf = (cacheDir: string) =>
  join(dirname(cacheDir), `.cache-purge-trash-${basename(cacheDir)}`);

const TRASH_ID = /^[0-9]{19}-[0-9]{1,10}$/;

/** The per-purge trash directories (real directories, as the reclaim takes them) in `cacheDir`'s trash container, not reclaimed yet. */
export function pendingTrash(cacheDir: string): string[] {
  const trash = trashOf(cacheDir);
  if (!existsSync(trash)) return [];
  return readdirSync(trash).filter(
    (name) => TRASH_ID.test(name) && lstatSync(join(trash, name)).isDirectory(),
  );
}

/** Whether a reclaim holds the trash container's lock (flock, as the document's reclaim takes it). */
export function reclaimRunning(cacheDir: string): boolean {
  const trash = trashOf(cacheDir);
  return existsSync(trash) && spawnSync('flock', ['-n', trash, 'true']).status !== 0;
}

/** Waits until the background reclaim of `cacheDir` is done (no lock held, no trash left); false on timeout. */
export async function waitForReclaim(cacheDir: string, timeoutMs = 60_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (!reclaimRunning(cacheDir) && pendingTrash(cacheDir).length === 0) return true;
    await sleep(50);
  }
  return false;
}

/** Removes a scratch cache directory and its trash container, once its reclaim is done. */
export async function removeCacheDir(cacheDir: string): Promise<void> {
  await waitForReclaim(cacheDir);
  rmSync(cacheDir, { recursive: true, force: true });
  rmSync(trashOf(cacheDir), { recursive: true, force: true });
}
