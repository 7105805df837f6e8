// CachePurge-FastCGI's background reclaim works relative to the directories it entered, never through a
// path from the root, and says truthfully how it ended: below an ancestor that the cache owner (www-data)
// cannot traverse, every per-purge trash directory is still emptied and removed and the outcome is
// complete; a trash directory the owner cannot empty (a subdirectory it cannot enter) is left in place and
// the outcome says incomplete, in last-reclaim and reclaim.log, never complete.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, chownSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadDocument, runDocument } from '../helpers/ssm-document-runner.js';
import { fillCacheLayout, requireSystem, scratchDir, wwwIds } from './helpers/system.js';
import {
  lastReclaim,
  pendingTrash,
  reclaimRunning,
  removeCacheDir,
  trashOf,
  waitForReclaim,
} from './helpers/trash.js';

const doc = loadDocument('CachePurge-FastCGI');
const www = () => wwwIds();

describe('CachePurge-FastCGI: how the background reclaim ends', () => {
  const made: string[] = [];
  beforeAll(() => {
    requireSystem();
  });
  afterAll(async () => {
    for (const dir of made) await removeCacheDir(dir);
  });

  it('below an ancestor www-data cannot traverse: every trash directory is removed, the outcome complete', async () => {
    const outer = scratchDir('/var/cache/nginx', 'cpa-e2e-private'); // root's
    made.push(outer);
    chmodSync(outer, 0o700);
    const dir = join(outer, 'portal');
    mkdirSync(dir);
    chownSync(dir, www().uid, www().gid);
    fillCacheLayout(dir, 500, www());

    const result = await runDocument(doc, { CachePath: dir });
    expect(result.code).toBe(0);
    expect(result.result).toMatchObject({ method: 'rename-trash', complete: true, detached: 16 });
    expect(await waitForReclaim(dir, 30_000), 'no per-purge trash directory left').toBe(true);
    expect(lastReclaim(dir)).toMatchObject({ files: 500, trashDirs: 1, complete: true });
    expect(readdirSync(trashOf(dir)).sort()).toEqual(['last-reclaim', 'reclaim.log']);
  });

  it('a trash directory www-data cannot empty stays, and the reclaim says it is incomplete', async () => {
    const dir = scratchDir('/var/cache/nginx', 'cpa-e2e-stuck', www());
    made.push(dir);
    expect((await runDocument(doc, { CachePath: dir })).code).toBe(0); // makes the container
    expect(await waitForReclaim(dir)).toBe(true);
    // a leftover per-purge directory holding a subdirectory its owner cannot enter (mode 0000)
    const stuckName = '1700000000000000000-7';
    const stuck = join(trashOf(dir), stuckName);
    const locked = join(stuck, 'a');
    mkdirSync(locked, { recursive: true });
    writeFileSync(join(locked, 'f'), 'x');
    for (const p of [stuck, locked, join(locked, 'f')]) chownSync(p, www().uid, www().gid);
    chmodSync(locked, 0o000);
    fillCacheLayout(dir, 30, www());
    try {
      const result = await runDocument(doc, { CachePath: dir });
      expect(result.code).toBe(0);
      expect(result.result).toMatchObject({ method: 'rename-trash', leftoverTrash: 1 });
      // done: the lock is free and only the stuck directory is left
      for (let i = 0; i < 600 && (reclaimRunning(dir) || pendingTrash(dir).length !== 1); i++)
        await sleep(50);
      expect(pendingTrash(dir)).toEqual([stuckName]);
      expect(lastReclaim(dir)).toMatchObject({ files: 30, trashDirs: 1, complete: false });
      const log = readFileSync(join(trashOf(dir), 'reclaim.log'), 'utf8');
      expect(log).toContain(`${stuckName}: not empty after three passes; left in place`);
      expect(log).toMatch(
        /reclaimed 1 trash directories of .*: 30 files, \d+ bytes, INCOMPLETE: see the errors above$/m,
      );

      // the next purge reports it
      const next = await runDocument(doc, { CachePath: dir });
      expect(next.result).toMatchObject({ previousReclaim: { files: 30, complete: false } });
    } finally {
      chmodSync(locked, 0o700);
      await waitForReclaim(dir, 10_000);
      rmSync(stuck, { recursive: true, force: true });
    }
  });
});
