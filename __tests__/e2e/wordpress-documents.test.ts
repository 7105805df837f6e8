// CachePurge-W3TotalCache, CachePurge-WPRocket and CachePurge-ObjectCache. WP-CLI and the plugins cannot be installed here, so a
// `wp` STAND-IN on PATH records its arguments, working directory and the user it ran as, and the tests
// assert on those: WP-CLI runs as the owner of the WordPress directory through sudo, never as root, never
// with --allow-root. WP Rocket's directory fallback (no wp-rocket-cli) runs for real on a generated tree.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chownSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDocument, runDocument } from '../helpers/ssm-document-runner.js';
import { listTree, makeCanary, requireSystem, scratchDir, WWW_USER, wwwIds } from './helpers/system.js';
import { makeWpStandIn } from './helpers/wp-stand-in.js';

const w3 = loadDocument('CachePurge-W3TotalCache');
const rocket = loadDocument('CachePurge-WPRocket');
const objectCache = loadDocument('CachePurge-ObjectCache');
let site: string;
let canary: ReturnType<typeof makeCanary>;
const standIns: ReturnType<typeof makeWpStandIn>[] = [];
const standIn = (options: Parameters<typeof makeWpStandIn>[0]) => {
  const s = makeWpStandIn(options);
  standIns.push(s);
  return s;
};

/** A generated WP Rocket page cache: `pages` pages per host, each index.html + index-https.html. */
function fillRocketCache(hosts: string[], pages: number): number {
  const owner = wwwIds();
  let bytes = 0;
  for (const host of hosts) {
    for (let i = 0; i < pages; i++) {
      const dir = join(site, 'wp-content/cache/wp-rocket', host, i === 0 ? '' : `post-${i}`);
      mkdirSync(dir, { recursive: true });
      chownSync(join(dir, '..'), owner.uid, owner.gid);
      chownSync(dir, owner.uid, owner.gid);
      for (const file of ['index.html', 'index-https.html']) {
        const body = `<html><!-- ${host} page ${i} cached by WP Rocket --></html>\n`;
        writeFileSync(join(dir, file), body);
        chownSync(join(dir, file), owner.uid, owner.gid);
        bytes += body.length;
      }
    }
  }
  for (const d of ['wp-content', 'wp-content/cache', 'wp-content/cache/wp-rocket'])
    chownSync(join(site, d), owner.uid, owner.gid);
  return bytes;
}

beforeAll(() => {
  requireSystem();
  canary = makeCanary();
  site = scratchDir('/var/www', 'cpa-site');
  writeFileSync(join(site, 'wp-load.php'), '<?php // stand-in WordPress');
  const owner = wwwIds();
  chownSync(site, owner.uid, owner.gid);
});
afterAll(() => {
  rmSync(site, { recursive: true, force: true });
  canary.cleanup();
  for (const s of standIns) s.cleanup();
});

describe('CachePurge-W3TotalCache (with a wp stand-in, not real WP-CLI)', () => {
  it.each(['current', 'legacy'] as const)(
    'the %s agent runs `wp w3-total-cache flush all` via the stand-in, as the directory owner, never as root',
    async (agent) => {
      const wp = standIn({});
      const run = await runDocument(w3, { WordPressPath: site }, { agent, pathPrefix: [wp.dir] });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(wp.calls()).toEqual([
        { user: WWW_USER, cwd: site, args: `--path=${site} --no-color w3-total-cache flush all` },
      ]);
      expect(run.stdout).toContain('Success: Everything flushed successfully.');
      expect(run.result).toMatchObject({
        method: 'wp-cli',
        files: 0,
        bytes: 0,
        counted: false,
        user: WWW_USER,
        path: site,
      });
    },
  );

  it('fails with the stand-in’s error when the flush fails', async () => {
    const wp = standIn({ fail: true });
    const run = await runDocument(w3, { WordPressPath: site }, { pathPrefix: [wp.dir] });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Error: W3 Total Cache is not active');
    expect(run.stderr).toMatch(
      /CachePurge-W3TotalCache: failed: wp w3-total-cache flush all exited with status 1/,
    );
    expect(run.result).toBeUndefined();
  });

  it('fails clearly when WP-CLI is not installed', async () => {
    const run = await runDocument(w3, { WordPressPath: site });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/WP-CLI \(wp\) is not on PATH .*; install it/);
  });
});

describe('CachePurge-WPRocket (with a wp stand-in, not real WP-CLI or wp-rocket-cli)', () => {
  it('runs `wp rocket clean --confirm` via the stand-in as the directory owner when wp-rocket-cli is installed', async () => {
    const wp = standIn({ hasRocket: true });
    const run = await runDocument(rocket, { WordPressPath: site }, { pathPrefix: [wp.dir] });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(wp.calls()).toEqual([
      { user: WWW_USER, cwd: site, args: `--path=${site} --no-color cli has-command rocket clean` },
      { user: WWW_USER, cwd: site, args: `--path=${site} --no-color rocket clean --confirm` },
    ]);
    expect(run.result).toMatchObject({ method: 'wp-rocket-cli', user: WWW_USER });
  });

  it.each(['current', 'legacy'] as const)(
    'without wp-rocket-cli, the %s agent empties wp-content/cache/wp-rocket/<home host> for real, keeping the rest',
    async (agent) => {
      const wp = standIn({ hasRocket: false, home: 'https://WWW.Example.com/' });
      fillRocketCache(['other.example.org'], 3);
      const bytes = fillRocketCache(['www.example.com'], 50);
      const hostDir = join(site, 'wp-content/cache/wp-rocket/www.example.com');
      const before = statSync(hostDir);
      const run = await runDocument(rocket, { WordPressPath: site }, { agent, pathPrefix: [wp.dir] });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.result).toMatchObject({
        method: 'wp-rocket-dir',
        files: 100,
        bytes,
        path: hostDir,
        complete: true,
      });
      expect(listTree(hostDir)).toEqual([]);
      expect(statSync(hostDir)).toMatchObject({
        uid: before.uid,
        gid: before.gid,
        mode: before.mode,
        ino: before.ino,
      });
      expect(listTree(join(site, 'wp-content/cache/wp-rocket/other.example.org'))).toHaveLength(8);
      expect(wp.calls().map((c) => c.user)).toEqual([WWW_USER, WWW_USER]);
      expect(wp.calls().map((c) => c.args.replace(/^--path=\S+ --no-color /, ''))).toEqual([
        'cli has-command rocket clean',
        'option get home',
      ]);
      expect(canary.intact()).toBe(true);
    },
  );

  it('SiteHost picks the host directory; without WP-CLI and SiteHost, every host is emptied', async () => {
    fillRocketCache(['a.example.com', 'b.example.com'], 2);
    const one = await runDocument(rocket, { WordPressPath: site, SiteHost: 'a.example.com' });
    expect(one.code).toBe(0);
    expect(one.result).toMatchObject({ files: 4, method: 'wp-rocket-dir' });
    expect(listTree(join(site, 'wp-content/cache/wp-rocket/b.example.com'))).toHaveLength(5);
    const all = await runDocument(rocket, { WordPressPath: site });
    expect(all.code).toBe(0);
    expect(all.stdout).toContain('wp-rocket-cli is not installed');
    expect(all.result!.files).toBeGreaterThanOrEqual(4);
    expect(listTree(join(site, 'wp-content/cache/wp-rocket'))).toEqual([]);
  });

  it('an absent cache directory is success with 0 files', async () => {
    const run = await runDocument(rocket, { WordPressPath: site, SiteHost: 'never-cached.example.com' });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Nothing to purge');
    expect(run.result).toMatchObject({ files: 0, bytes: 0, method: 'wp-rocket-dir' });
  });

  it('refuses a cache directory that is a symlink out of the site', async () => {
    const cacheRoot = join(site, 'wp-content/cache/wp-rocket');
    mkdirSync(cacheRoot, { recursive: true });
    const { symlinkSync } = await import('node:fs');
    symlinkSync(canary.dir, join(cacheRoot, 'evil.example.com'));
    try {
      const run = await runDocument(rocket, { WordPressPath: site, SiteHost: 'evil.example.com' });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/wp-rocket\/evil.example.com is a symbolic link/);
      expect(canary.intact()).toBe(true);
      expect(existsSync(join(cacheRoot, 'evil.example.com'))).toBe(true);
    } finally {
      rmSync(join(cacheRoot, 'evil.example.com'));
    }
  });
});

describe('CachePurge-ObjectCache (with a wp stand-in, not real WP-CLI, Redis or Memcached)', () => {
  it.each(['current', 'legacy'] as const)(
    'the %s agent runs `wp cache type` then `wp cache flush` via the stand-in, as the directory owner, never as root',
    async (agent) => {
      const wp = standIn({ cacheType: 'Redis' });
      const run = await runDocument(objectCache, { WordPressPath: site }, { agent, pathPrefix: [wp.dir] });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(wp.calls()).toEqual([
        { user: WWW_USER, cwd: site, args: `--path=${site} --no-color cache type` },
        { user: WWW_USER, cwd: site, args: `--path=${site} --no-color cache flush` },
      ]);
      expect(run.stdout).toContain('Success: The cache was flushed.');
      expect(run.result).toMatchObject({
        method: 'wp-cli',
        command: 'cache flush',
        objectCache: 'Redis',
        counted: false,
        user: WWW_USER,
        path: site,
      });
    },
  );

  it('says so when WordPress has no persistent object cache, and keeps odd `cache type` text out of the JSON', async () => {
    const none = await runDocument(
      objectCache,
      { WordPressPath: site },
      { pathPrefix: [standIn({ cacheType: 'Default' }).dir] },
    );
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('has no persistent object cache (wp cache type: Default)');
    expect(none.result).toMatchObject({ objectCache: 'Default' });
    const odd = await runDocument(
      objectCache,
      { WordPressPath: site },
      { pathPrefix: [standIn({ cacheType: `'Memcached\\"},"files":99'` }).dir] },
    );
    expect(odd.code).toBe(0);
    expect(odd.result).toMatchObject({ objectCache: 'Memcachedfiles99', files: 0 });
  });

  it('fails with the stand-in’s error when the flush fails', async () => {
    const run = await runDocument(
      objectCache,
      { WordPressPath: site },
      { pathPrefix: [standIn({ fail: true }).dir] },
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Error: Could not flush the cache.');
    expect(run.stderr).toMatch(/CachePurge-ObjectCache: failed: wp cache flush exited with status 1/);
    expect(run.result).toBeUndefined();
  });

  it('refuses a root-owned WordPress directory and runs no wp', async () => {
    const rootOwned = scratchDir('/var/www', 'cpa-root-site');
    writeFileSync(join(rootOwned, 'wp-load.php'), '<?php');
    const wp = standIn({});
    try {
      const run = await runDocument(objectCache, { WordPressPath: rootOwned }, { pathPrefix: [wp.dir] });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/is owned by root; WP-CLI is never run as root here/);
      expect(wp.calls()).toEqual([]);
    } finally {
      rmSync(rootOwned, { recursive: true, force: true });
    }
  });
});
