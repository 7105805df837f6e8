// The documents as a stack with other roots deploys them (#15: CacheRoots, WordPressRoots written into
// them by infra/cache-purge.yml), run for real: an nginx cache at /var/run/nginx-cache (tmpfs on most hosts, not in this container; through
// root's /var/run -> /run link) and at /dev/shm/<name> purged by CachePurge-FastCGI, a Bitnami-style
// WordPress in /opt/<x>/wordpress and a cPanel-style /home/<user>/public_html flushed by the WordPress
// documents; the documents with the default roots refuse the same values; a root through another
// user's symbolic link, or one this instance does not have, is refused, nothing done.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chownSync,
  existsSync,
  lchownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { loadDocument, runDocument } from '../helpers/ssm-document-runner.js';
import { stackDocument } from '../helpers/stack-documents.js';
import {
  makeCanary,
  requireSystem,
  scratchDir,
  startFastCgiStack,
  WWW_USER,
  wwwIds,
  type FastCgiStack,
} from './helpers/system.js';
import { removeCacheDir } from './helpers/trash.js';
import { makeWpStandIn } from './helpers/wp-stand-in.js';

const CACHE_ROOTS = ['/var/cache/nginx', '/var/run/nginx-cache', '/dev/shm/nginx-cache'];

describe("CachePurge-FastCGI with the stack's CacheRoots: tmpfs caches", () => {
  const fastcgi = stackDocument('CachePurge-FastCGI', { CacheRoots: CACHE_ROOTS.join(',') });
  const made: string[] = [];
  let canary: ReturnType<typeof makeCanary>;
  beforeAll(() => {
    requireSystem();
    canary = makeCanary();
    expect(realpathSync('/var/run'), "on Debian /var/run is root's link to /run").toBe('/run');
  });
  afterAll(async () => {
    for (const dir of made) await removeCacheDir(dir);
    for (const root of ['/run/nginx-cache', '/dev/shm/nginx-cache'])
      if (existsSync(root) && readdirSync(root).length === 0) rmSync(root, { recursive: true });
    expect(canary.intact()).toBe(true);
    canary.cleanup();
  });

  it.each(['/var/run/nginx-cache', '/dev/shm/nginx-cache'])(
    'a cache below %s: MISS, HIT, purged, MISS',
    async (root) => {
      // the cache as nginx has it: created below the root by root, handed to the workers' user
      const real = scratchDir(root, 'cpa-tmpfs', wwwIds());
      made.push(real);
      const cachePath = join(root, basename(real)); // as the sites file gives it
      let stack: FastCgiStack | undefined;
      try {
        stack = await startFastCgiStack(real);
        expect((await stack.get('/roots/')).cacheStatus).toBe('MISS');
        expect((await stack.get('/roots/')).cacheStatus).toBe('HIT');

        // the documents with the default roots refuse it: SSM before sending, and the script itself
        const defaults = loadDocument('CachePurge-FastCGI');
        expect((await runDocument(defaults, { CachePath: cachePath })).refused).toMatch(/allowedPattern/);
        const refused = await runDocument(defaults, { CachePath: cachePath }, { serviceChecks: false });
        expect(refused.code).toBe(2);
        expect(refused.stderr).toContain(
          `is not an absolute path strictly below one of the stack's CacheRoots (/var/cache/nginx)`,
        );
        expect((await stack.get('/roots/')).cacheStatus).toBe('HIT');

        const run = await runDocument(fastcgi, { CachePath: cachePath });
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
        expect(run.result).toMatchObject({
          method: 'rename-trash',
          path: realpathSync(real), // /run/nginx-cache/… for /var/run/nginx-cache/…
          user: WWW_USER,
          complete: true,
        });
        expect(readdirSync(real)).toEqual([]);
        expect((await stack.get('/roots/')).cacheStatus).toBe('MISS');
      } finally {
        await stack?.stop();
      }
    },
  );

  it('a root through a symbolic link another user owns is refused, nothing purged', async () => {
    const target = scratchDir('/var/cache/nginx', 'cpa-link-target', wwwIds());
    made.push(target);
    const inner = join(target, 'portal');
    mkdirSync(inner);
    chownSync(inner, wwwIds().uid, wwwIds().gid);
    writeFileSync(join(inner, 'page'), 'cached');
    // www-data's link where the stack's root is: it could point the root anywhere
    const link = '/dev/shm/cpa-link-root';
    const doc = stackDocument('CachePurge-FastCGI', { CacheRoots: `/var/cache/nginx,${link}` });
    expect(existsSync(link)).toBe(false);
    symlinkSync(target, link);
    lchownSync(link, wwwIds().uid, wwwIds().gid);
    try {
      const run = await runDocument(doc, { CachePath: `${link}/portal` });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        `CacheRoots root ${link} goes through ${link}, a symbolic link of uid ${wwwIds().uid}, not root's`,
      );
      expect(readdirSync(inner)).toEqual(['page']);
    } finally {
      rmSync(link);
    }
  });

  it("a root whose way passes through a directory another user may change is refused, even behind root's own link", async () => {
    // root's link -> www-data's directory -> www-data's link -> a cache directory: the first link is
    // root's, but www-data could swap what lies behind it at any moment (a race no snapshot check wins)
    const target = scratchDir('/var/cache/nginx', 'cpa-nest-target', wwwIds());
    made.push(target);
    mkdirSync(join(target, 'portal'));
    chownSync(join(target, 'portal'), wwwIds().uid, wwwIds().gid);
    writeFileSync(join(target, 'portal', 'page'), 'cached');
    const userDir = mkdtempSync('/dev/shm/cpa-nest-user-');
    chownSync(userDir, wwwIds().uid, wwwIds().gid);
    symlinkSync(target, join(userDir, 'hop'));
    lchownSync(join(userDir, 'hop'), wwwIds().uid, wwwIds().gid);
    const link = '/dev/shm/cpa-nest-root';
    symlinkSync(join(userDir, 'hop'), link); // root's
    try {
      const doc = stackDocument('CachePurge-FastCGI', { CacheRoots: `/var/cache/nginx,${link}` });
      const run = await runDocument(doc, { CachePath: `${link}/portal` });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        `CacheRoots root ${link} goes through ${userDir}, a directory of uid ${wwwIds().uid} with mode 700: another user could change where the root leads`,
      );
      expect(readdirSync(join(target, 'portal'))).toEqual(['page']);
    } finally {
      rmSync(link);
      rmSync(userDir, { recursive: true, force: true });
    }
  });

  it('roots this instance does not have: refused, naming them', async () => {
    const doc = stackDocument('CachePurge-FastCGI', { CacheRoots: '/dev/shm/cpa-absent-root' });
    const run = await runDocument(doc, { CachePath: '/dev/shm/cpa-absent-root/portal' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "none of the stack's CacheRoots (/dev/shm/cpa-absent-root) exists on this instance",
    );
  });
});

describe("the WordPress documents with the stack's WordPressRoots: Bitnami- and cPanel-style sites", () => {
  const owner = () => wwwIds();
  let bitnami: string; // /opt/<x>: the root; its wordpress/ is the site, as on a Bitnami AMI
  let home: string; // /home/<user>: its public_html/ is the site, below the root /home
  const standIns: ReturnType<typeof makeWpStandIn>[] = [];
  beforeAll(() => {
    requireSystem();
    bitnami = mkdtempSync('/opt/cpa-bitnami-');
    home = mkdtempSync('/home/cpa-user-');
    for (const site of [join(bitnami, 'wordpress'), join(home, 'public_html')]) {
      mkdirSync(site);
      writeFileSync(join(site, 'wp-load.php'), '<?php // stand-in WordPress');
      chownSync(site, owner().uid, owner().gid);
    }
  });
  afterAll(() => {
    for (const dir of [bitnami, home]) if (dir) rmSync(dir, { recursive: true, force: true });
    for (const s of standIns) s.cleanup();
  });

  it('W3 Total Cache and the object cache, as the site owner, below /opt/<x> and /home', async () => {
    const roots = { WordPressRoots: `/var/www,${bitnami},/home` };
    for (const [name, command] of [
      ['CachePurge-W3TotalCache', 'w3-total-cache flush all'],
      ['CachePurge-ObjectCache', 'cache flush'],
    ] as const) {
      for (const site of [join(bitnami, 'wordpress'), join(home, 'public_html')]) {
        const wp = makeWpStandIn({});
        standIns.push(wp);
        const defaults = loadDocument(name);
        expect((await runDocument(defaults, { WordPressPath: site })).refused).toMatch(/allowedPattern/);
        const refused = await runDocument(
          defaults,
          { WordPressPath: site },
          { pathPrefix: [wp.dir], serviceChecks: false },
        );
        expect(refused.code, `${name} with the default roots refuses ${site}`).toBe(2);
        expect(wp.calls()).toEqual([]);
        const run = await runDocument(
          stackDocument(name, roots),
          { WordPressPath: site },
          { pathPrefix: [wp.dir] },
        );
        expect(run.stderr, `${name} ${site}`).toBe('');
        expect(run.code).toBe(0);
        expect(run.result).toMatchObject({ path: site, user: WWW_USER });
        expect(
          wp
            .calls()
            .map((c) => c.args)
            .filter((a) => a.endsWith(command)),
        ).toEqual([`--path=${site} --no-color ${command}`]);
        expect(wp.calls().every((c) => c.user === WWW_USER)).toBe(true);
      }
    }
  });

  it("WP Rocket's directory fallback empties the page cache inside a Bitnami-style site", async () => {
    const site = join(bitnami, 'wordpress');
    const cache = join(site, 'wp-content/cache/wp-rocket/www.example.com');
    mkdirSync(cache, { recursive: true });
    for (const dir of [
      'wp-content',
      'wp-content/cache',
      'wp-content/cache/wp-rocket',
      'wp-content/cache/wp-rocket/www.example.com',
    ])
      chownSync(join(site, dir), owner().uid, owner().gid);
    writeFileSync(join(cache, 'index.html'), '<html>cached</html>');
    chownSync(join(cache, 'index.html'), owner().uid, owner().gid);
    const wp = makeWpStandIn({ home: 'https://www.example.com' });
    standIns.push(wp);
    const doc = stackDocument('CachePurge-WPRocket', { WordPressRoots: `/var/www,${bitnami}` });
    const run = await runDocument(doc, { WordPressPath: site }, { pathPrefix: [wp.dir] });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({ method: 'wp-rocket-dir', files: 1, path: cache, user: WWW_USER });
    expect(readdirSync(cache)).toEqual([]);
  });
});
