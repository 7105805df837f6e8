// Who the documents delete as: the owner of the confined directory (FastCGI: the cache directory's owner;
// WP Rocket fallback: the WordPress directory's owner), never root. A directory owned by root, or by a system
// account that no nginx or php-fpm runs as, is refused (exit 2) with nothing deleted. A root-owned file the
// owner cannot delete stays and the purge says so — proof that the deletion did not run as root. FastCGI's
// instant purge renames as the owner too: a root-owned level directory cannot be moved out of sight, stays,
// and the purge says so; the reclaim deletes a link in the trash as a link.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chownSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { loadDocument, runDocument } from '../helpers/ssm-document-runner.js';
import { listTree, makeCanary, requireSystem, scratchDir, wwwIds } from './helpers/system.js';
import { removeCacheDir, trashOf, waitForReclaim } from './helpers/trash.js';

const fastcgi = loadDocument('CachePurge-FastCGI');
const rocket = loadDocument('CachePurge-WPRocket');
const idOf = (user: string) => Number(spawnSync('id', ['-u', user], { encoding: 'utf8' }).stdout.trim());

describe('the documents delete as the directory owner, never as root', () => {
  const made: string[] = [];
  const canary = makeCanary();
  beforeAll(() => {
    requireSystem();
  });
  afterAll(async () => {
    for (const dir of made) await removeCacheDir(dir);
    canary.cleanup();
  });

  function cache(owner: { uid: number; gid: number } | undefined) {
    const dir = scratchDir('/var/cache/nginx', 'cpa-owner');
    made.push(dir);
    mkdirSync(join(dir, 'a/bc'), { recursive: true });
    writeFileSync(join(dir, 'a/bc/0123456789abcdef0123456789abcbca'), 'KEY: cached page');
    if (owner)
      for (const p of ['', 'a', 'a/bc', 'a/bc/0123456789abcdef0123456789abcbca'])
        chownSync(join(dir, p), owner.uid, owner.gid);
    return dir;
  }

  it('FastCGI: a cache directory owned by root is refused, nothing deleted', async () => {
    const dir = cache(undefined);
    const before = listTree(dir);
    const run = await runDocument(fastcgi, { CachePath: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/is owned by root, and the purge never deletes as root: .*chown www-data: /);
    expect(listTree(dir)).toEqual(before);
    expect(existsSync(trashOf(dir)), 'no trash made for a refused purge').toBe(false);
  });

  it('FastCGI: a cache directory owned by a system account no web server runs as (daemon) is refused', async () => {
    const daemon = idOf('daemon');
    const dir = cache({ uid: daemon, gid: daemon });
    const before = listTree(dir);
    const run = await runDocument(fastcgi, { CachePath: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /is owned by daemon \(uid 1\), a system account that no nginx or php-fpm process runs as/,
    );
    expect(listTree(dir)).toEqual(before);
  });

  it('FastCGI: renames and deletes as www-data — a root-owned level directory stays in sight, and the purge says so', async () => {
    const dir = cache(wwwIds());
    // a root-owned, root-only directory inside the cache: root could move or empty it, www-data cannot
    mkdirSync(join(dir, 'b/cd'), { recursive: true, mode: 0o755 });
    writeFileSync(join(dir, 'b/cd/root-owned'), 'only root may delete this');
    const link = join(dir, 'link-to-canary');
    symlinkSync(canary.dir, link);
    chownSync(link, wwwIds().uid, wwwIds().gid);
    const run = await runDocument(fastcgi, { CachePath: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(
        `^mv: cannot move './b' to '${trashOf(dir)}/[0-9]+-[0-9]+(/\\.pass\\.\\w+)?/b': Permission denied$`,
        'm',
      ),
    );
    expect(run.result).toMatchObject({
      path: dir,
      user: 'www-data',
      method: 'rename-trash',
      complete: false,
      detached: 2,
      notDetached: 1,
    });
    expect(run.stdout).toMatch(
      /but 1 could not be moved out of nginx's sight \(see the errors\): they still serve/,
    );
    expect(listTree(dir)).toEqual(['b', 'b/cd', 'b/cd/root-owned']);
    expect(await waitForReclaim(dir)).toBe(true);
    expect(JSON.parse(readFileSync(join(trashOf(dir), 'last-reclaim'), 'utf8'))).toMatchObject({
      files: 1, // a/bc/…; the link is deleted as a link, not counted as a file
      complete: true,
    });
    expect(canary.intact(), 'the link was removed as a link, never followed').toBe(true);
  });

  it('WP Rocket fallback: deletes as the WordPress owner; a WordPress directory owned by daemon is refused', async () => {
    const site = scratchDir('/var/www', 'cpa-owner-wp');
    made.push(site);
    writeFileSync(join(site, 'wp-load.php'), '<?php');
    const cacheDir = join(site, 'wp-content/cache/wp-rocket/www.example.com');
    mkdirSync(join(cacheDir, 'blog'), { recursive: true });
    writeFileSync(join(cacheDir, 'blog/index.html'), '<p>cached</p>');
    mkdirSync(join(cacheDir, 'root-only'), { mode: 0o755 });
    writeFileSync(join(cacheDir, 'root-only/index.html'), '<p>root-owned</p>');
    const params = { WordPressPath: site, SiteHost: 'www.example.com' };
    const daemon = idOf('daemon');
    chownSync(site, daemon, daemon);
    const refused = await runDocument(rocket, params);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/is owned by daemon \(uid 1\), a system account that no nginx or php-fpm/);
    expect(listTree(cacheDir)).toEqual(['blog', 'blog/index.html', 'root-only', 'root-only/index.html']);

    const www = wwwIds();
    for (const p of ['', 'wp-content', 'wp-content/cache', 'wp-content/cache/wp-rocket'])
      chownSync(join(site, p), www.uid, www.gid);
    for (const p of ['', 'blog', 'blog/index.html']) chownSync(join(cacheDir, p), www.uid, www.gid);
    const run = await runDocument(rocket, params);
    expect(run.code).toBe(1);
    expect(run.result).toMatchObject({ path: cacheDir, user: 'www-data', complete: false, files: 1 });
    expect(run.stderr).toMatch(/Permission denied/);
    expect(listTree(cacheDir)).toEqual(['root-only', 'root-only/index.html']);
  });
});
