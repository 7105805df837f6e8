// CachePurge-FastCGI against a real nginx fastcgi_cache in front of php-fpm on 127.0.0.1: MISS then HIT,
// purge through the document runner (as SSM Agent would run it): the moment it returns the cache directory
// is empty (its entries detached into the trash beside it), the directory, its owner and mode kept, every
// page a MISS and then a HIT again (nginx recreates its level directories); the background reclaim deletes
// the trash as www-data and counts every file and byte, which the next purge reports; an empty cache is
// success; output stays small on a big cache.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadDocument, runDocument } from '../helpers/ssm-document-runner.js';
import { parsePurgeResult } from '../../src/action/report/purge-result.js';
import {
  fillCacheLayout,
  listTree,
  makeCanary,
  requireSystem,
  scratchDir,
  startFastCgiStack,
  type FastCgiStack,
  wwwIds,
} from './helpers/system.js';
import { pendingTrash, removeCacheDir, trashOf, waitForReclaim } from './helpers/trash.js';

const doc = loadDocument('CachePurge-FastCGI');

describe('CachePurge-FastCGI on a real nginx FastCGI cache', () => {
  let stack: FastCgiStack;
  let cacheDir: string;
  let canary: ReturnType<typeof makeCanary>;

  beforeAll(async () => {
    requireSystem();
    cacheDir = scratchDir('/var/cache/nginx', 'cpa-e2e');
    canary = makeCanary();
    stack = await startFastCgiStack(cacheDir);
  });
  afterAll(async () => {
    await stack?.stop();
    if (cacheDir) await removeCacheDir(cacheDir);
    canary?.cleanup();
  });

  it.each(['current', 'legacy'] as const)(
    'MISS then HIT; the %s agent purges the cache files, keeps the directory, and the next request is a MISS',
    async (agent) => {
      const pages = [`/${agent}/`, `/${agent}/blog/hello-world/`, `/${agent}/about/?ref=x`];
      for (const page of pages) {
        expect((await stack.get(page)).cacheStatus, page).toBe('MISS');
        const second = await stack.get(page);
        expect(second.status).toBe(200);
        expect(second.cacheStatus, page).toBe('HIT');
      }
      const cached = listTree(cacheDir).filter((p) => /[0-9a-f]{32}$/.test(p));
      expect(cached.length).toBeGreaterThanOrEqual(pages.length);
      const topLevel = readdirSync(cacheDir).length;
      const before = statSync(cacheDir);

      const run = await runDocument(doc, { CachePath: cacheDir }, { agent });

      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.result).toMatchObject({
        files: 0,
        bytes: 0,
        counted: false,
        method: 'rename-trash',
        path: cacheDir,
        user: 'www-data',
        complete: true,
        detached: topLevel,
        notDetached: 0,
        reclaim: 'setsid',
        reclaimLog: `${trashOf(cacheDir)}/reclaim.log`,
      });
      expect(run.result!.trash).toMatch(new RegExp(`^${trashOf(cacheDir)}/[0-9]{19}-[0-9]+$`));
      expect(run.stdout.trimEnd().split('\n').pop()).toMatch(/^CACHE_PURGE_RESULT \{/);
      // the instant the step returns: nothing of the old cache is left in nginx's sight
      expect(listTree(cacheDir)).toEqual([]);
      const after = statSync(cacheDir);
      expect({ uid: after.uid, gid: after.gid, mode: after.mode, ino: after.ino }).toEqual({
        uid: before.uid,
        gid: before.gid,
        mode: before.mode,
        ino: before.ino,
      });
      for (const page of pages) expect((await stack.get(page)).cacheStatus, page).toBe('MISS');
      expect((await stack.get(pages[0]!)).cacheStatus).toBe('HIT');
      // the background reclaim deletes the trash as www-data and counts what it deleted
      expect(await waitForReclaim(cacheDir)).toBe(true);
      expect(pendingTrash(cacheDir)).toEqual([]);
      const reclaimed = JSON.parse(readFileSync(join(trashOf(cacheDir), 'last-reclaim'), 'utf8'));
      expect(reclaimed).toMatchObject({ files: cached.length, trashDirs: 1, complete: true });
      expect(statSync(join(trashOf(cacheDir), 'last-reclaim')).uid).toBe(wwwIds().uid);
      expect(readFileSync(join(trashOf(cacheDir), 'reclaim.log'), 'utf8')).toMatch(
        new RegExp(
          `reclaimed 1 trash directories of ${trashOf(cacheDir)}: ${cached.length} files, \\d+ bytes\\n$`,
        ),
      );
      if (agent === 'legacy') {
        // the second purge of this cache reports the first one's reclaim
        expect(run.result!.previousReclaim).toMatchObject({ trashDirs: 1, complete: true });
      }
      expect(canary.intact()).toBe(true);
    },
  );

  it('an already-empty cache is success with 0 files', async () => {
    const empty = scratchDir('/var/cache/nginx', 'cpa-e2e-empty', wwwIds());
    try {
      const run = await runDocument(doc, { CachePath: empty });
      expect(run.code).toBe(0);
      expect(run.result).toMatchObject({ files: 0, bytes: 0, method: 'rename-trash', detached: 0 });
      expect(existsSync(empty)).toBe(true);
      expect(await waitForReclaim(empty)).toBe(true);
      const reclaimed = JSON.parse(readFileSync(join(trashOf(empty), 'last-reclaim'), 'utf8'));
      expect(reclaimed).toMatchObject({ files: 0, bytes: 0, trashDirs: 1, complete: true });
    } finally {
      await removeCacheDir(empty);
    }
  });

  it('the reclaim counts every file and byte of a 5,000-file cache; the output stays far below 24,000 characters', async () => {
    const big = scratchDir('/var/cache/nginx', 'cpa-e2e-big', wwwIds());
    try {
      const bytes = fillCacheLayout(big, 5_000, wwwIds());
      const run = await runDocument(doc, { CachePath: big });
      expect(run.code).toBe(0);
      expect(run.result).toMatchObject({ method: 'rename-trash', detached: 16, user: 'www-data' });
      expect(parsePurgeResult(run.standardOutputContent)).toEqual(run.result);
      expect(run.stdout.length + run.stderr.length).toBeLessThan(1_500);
      expect(listTree(big)).toEqual([]);
      expect(await waitForReclaim(big)).toBe(true);
      const reclaimed = JSON.parse(readFileSync(join(trashOf(big), 'last-reclaim'), 'utf8'));
      expect(reclaimed).toMatchObject({ files: 5_000, bytes, trashDirs: 1, complete: true });
      expect(readdirSync(trashOf(big)).sort()).toEqual(['last-reclaim', 'reclaim.log']);
    } finally {
      await removeCacheDir(big);
    }
  });
});
