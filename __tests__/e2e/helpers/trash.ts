// CachePurge-FastCGI's trash beside a cache directory, as the end-to-end tests see it: the container's
// path, the per-purge directories not reclaimed yet, whether a background reclaim holds its lock, its
// record (last-reclaim, reclaim.log) and its processes, and waiting for the reclaim before a test
// removes the directories. I/O: reads the directories and /proc, runs flock and ionice.

import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
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

/** The reclaim's own record of how it ended (last-reclaim). */
export const lastReclaim = (cache: string) =>
  JSON.parse(readFileSync(join(trashOf(cache), 'last-reclaim'), 'utf8'));
/** The files each line of reclaim.log says it deleted. */
export const reclaimedFiles = (cache: string) =>
  [...readFileSync(join(trashOf(cache), 'reclaim.log'), 'utf8').matchAll(/: (\d+) files, \d+ bytes$/gm)].map(
    (m) => Number(m[1]),
  );

/** The bash processes whose working directory is `dir`: user, nice, I/O class, whether it leads its own session, open descriptors. */
export function reclaimProcesses(dir: string) {
  const found = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (
        readlinkSync(`/proc/${pid}/cwd`) !== dir ||
        readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'bash'
      )
        continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
        .replace(/^.*\) /, '')
        .split(' ');
      const fds = Object.fromEntries(
        readdirSync(`/proc/${pid}/fd`).map((fd) => [fd, readlinkSync(`/proc/${pid}/fd/${fd}`)]),
      );
      found.push({
        uid: Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]),
        nice: Number(stat[16]),
        ioClass: spawnSync('ionice', ['-p', pid], { encoding: 'utf8' }).stdout.trim(),
        ownSession: stat[3] !== String(process.pid) && Number(stat[3]) !== readSession(),
        fds,
      });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}
const readSession = () =>
  Number(
    readFileSync('/proc/self/stat', 'utf8')
      .replace(/^.*\) /, '')
      .split(' ')[3],
  );
