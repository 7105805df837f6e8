// CachePurge-FastCGI against a real nginx fastcgi_cache in front of php-fpm on 127.0.0.1: MISS then HIT,
// purge through the document runner (as SSM Agent would run it), cache files gone, the directory and its
// owner kept, the next request a MISS; an empty cache is success; output stays small on a big cache.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, statSync } from 'node:fs';
import { rmSync } from 'node:fs';
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
    if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
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
      const before = statSync(cacheDir);

      const run = await runDocument(doc, { CachePath: cacheDir }, { agent });

      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.result).toMatchObject({
        files: cached.length,
        method: 'find-delete',
        path: cacheDir,
        complete: true,
      });
      expect(run.result!.bytes).toBeGreaterThan(0);
      expect(run.stdout.trimEnd().split('\n').pop()).toMatch(/^CACHE_PURGE_RESULT \{/);
      expect(listTree(cacheDir).filter((p) => /[0-9a-f]{32}$/.test(p))).toEqual([]);
      const after = statSync(cacheDir);
      expect({ uid: after.uid, gid: after.gid, mode: after.mode, ino: after.ino }).toEqual({
        uid: before.uid,
        gid: before.gid,
        mode: before.mode,
        ino: before.ino,
      });
      for (const page of pages) expect((await stack.get(page)).cacheStatus, page).toBe('MISS');
      expect((await stack.get(pages[0]!)).cacheStatus).toBe('HIT');
      expect(canary.intact()).toBe(true);
    },
  );

  it('an already-empty cache is success with 0 files', async () => {
    const empty = scratchDir('/var/cache/nginx', 'cpa-e2e-empty', wwwIds());
    try {
      const run = await runDocument(doc, { CachePath: empty });
      expect(run.code).toBe(0);
      expect(run.result).toMatchObject({ files: 0, bytes: 0, method: 'find-delete' });
      expect(existsSync(empty)).toBe(true);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('counts every file and byte of a 5,000-file cache while deleting, in far less than 24,000 characters', async () => {
    const big = scratchDir('/var/cache/nginx', 'cpa-e2e-big', wwwIds());
    try {
      const bytes = fillCacheLayout(big, 5_000, wwwIds());
      const run = await runDocument(doc, { CachePath: big });
      expect(run.code).toBe(0);
      expect(run.result).toMatchObject({ files: 5_000, bytes, user: 'www-data' });
      expect(parsePurgeResult(run.standardOutputContent)).toEqual(run.result);
      expect(run.stdout.length + run.stderr.length).toBeLessThan(1_000);
      // every file is gone; nginx's level directories stay (it writes into them during a purge)
      const left = listTree(big);
      expect(left.filter((entry) => !statSync(join(big, entry)).isDirectory())).toEqual([]);
      expect(left.every((entry) => /^[0-9a-f](\/[0-9a-f]{2})?$/.test(entry))).toBe(true);
    } finally {
      rmSync(big, { recursive: true, force: true });
    }
  });
});
