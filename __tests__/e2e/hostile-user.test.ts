// A hostile site user against the purge: a process running as www-data (not root) swaps a directory on the
// purge's path for a symbolic link to a root-owned canary outside the cache, in a tight loop, while the
// documents run as SSM Agent runs them (as root), 200 times per case. Each purge must either succeed on the
// real cache or refuse; the canary must be untouched after every case. Cases: FastCGI with the standard
// layout (the level directories inside the cache swapped), FastCGI below a www-data-owned parent (a parent
// of the cache swapped), and the WP Rocket fallback (wp-content swapped). Before the documents deleted as the
// directory's owner, the parent and WP Rocket cases deleted canary files as root within a few runs. The
// FastCGI cases run the instant purge (renames into the trash beside the cache, reclaimed in the background
// as www-data): the canary is judged once every reclaim has finished. hostile-trash.test.ts attacks the trash.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDocument, runDocument, type DocumentName } from '../helpers/ssm-document-runner.js';
import { listTree, requireSystem, scratchDir, wwwIds, WWW_USER } from './helpers/system.js';
import { removeCacheDir, waitForReclaim } from './helpers/trash.js';

const PURGES_PER_CASE = 200;
/** 200 purges with the attacker spinning on one of the two cores: about a minute a case on an idle machine. */
const CASE_TIMEOUT_MS = 900_000;
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/** A root-owned tree outside every allowed root, laid out like what the swapped link should stand for. */
function makeCanaryLike(layout: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'cpa-hostile-canary-'));
  for (const file of layout) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), 'root-owned canary');
  }
  const snapshot = listTree(dir).join('\n');
  return {
    dir,
    intact: () => listTree(dir).join('\n') === snapshot,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * The attacker: perl (always on Debian) running as www-data with no capabilities, renaming `target` away,
 * a symlink to `linkTo` into its place, and back, as fast as it can. SIGSTOP/SIGCONT pause it while the
 * test refills the cache.
 */
function startSwapper(target: string, linkTo: string): ChildProcess {
  const script = `
    my ($t, $to) = @ARGV;
    while (1) {
      symlink($to, "$t.lnk") unless -l "$t.lnk";
      if (rename($t, "$t.real")) {
        rename("$t.lnk", $t);
        rename($t, "$t.lnk") if -l $t;
        rename("$t.real", $t);
        select(undef, undef, undef, 0.0005); # the real directory stands for a moment, so some purges get through
      }
    }`;
  const { uid, gid } = wwwIds();
  return spawn('perl', ['-e', script, target, linkTo], { uid, gid, stdio: 'ignore' });
}

/** Pauses the attacker and puts `target` back as the real directory, if there is one (the refill makes it). */
function pauseAndRestore(swapper: ChildProcess, target: string) {
  swapper.kill('SIGSTOP');
  // kill() only queues the signal: wait until the kernel shows the process stopped ("T").
  while (!/^\d+ \(.*\) T /.test(readFileSync(`/proc/${swapper.pid}/stat`, 'utf8')))
    Atomics.wait(PAUSE, 0, 0, 1);
  const isLink = (p: string) => {
    try {
      return lstatSync(p).isSymbolicLink();
    } catch {
      return false;
    }
  };
  const exists = (p: string) => {
    try {
      lstatSync(p);
      return true;
    } catch {
      return false;
    }
  };
  if (isLink(target)) renameSync(target, `${target}.lnk`);
  if (!exists(target) && exists(`${target}.real`)) renameSync(`${target}.real`, target);
  if (isLink(target)) throw new Error(`could not restore ${target}`);
}

/** Writes `files` below `dir` (created as needed, never through a link: the attacker is paused), as www-data. */
function refill(dir: string, files: string[]) {
  const { uid, gid } = wwwIds();
  for (const file of files) {
    const parts = file.split('/');
    let at = dir;
    for (const part of parts.slice(0, -1)) {
      at = join(at, part);
      try {
        if (lstatSync(at).isSymbolicLink()) rmSync(at);
      } catch {
        // missing: made below
      }
      mkdirSync(at, { recursive: true });
      chownSync(at, uid, gid);
    }
    writeFileSync(join(dir, file), 'cached page');
    chownSync(join(dir, file), uid, gid);
  }
}

interface Tally {
  succeeded: number;
  refused: number;
  other: string[];
}

/** The pass condition of every case: the canary untouched, and each purge succeeded on the real cache or refused. */
function expectHeld(tally: Tally, canary: { intact: () => boolean }, minSucceeded: number, what: string) {
  expect(canary.intact(), `the root-owned canary outside the ${what}`).toBe(true);
  expect(tally.other, 'every purge succeeded on the real cache or refused').toEqual([]);
  expect(tally.succeeded + tally.refused).toBe(PURGES_PER_CASE);
  expect(
    tally.succeeded,
    `at least ${minSucceeded} purges did their job despite the attacker`,
  ).toBeGreaterThanOrEqual(minSucceeded);
}

async function race(options: {
  document: DocumentName;
  params: Record<string, string>;
  swapped: string;
  cache: string;
  cacheFiles: string[];
  refillBase: string;
  canary: ReturnType<typeof makeCanaryLike>;
  linkTo: string;
}): Promise<Tally> {
  const doc = loadDocument(options.document);
  const swapper = startSwapper(options.swapped, options.linkTo);
  const tally: Tally = { succeeded: 0, refused: 0, other: [] };
  try {
    for (let i = 0; i < PURGES_PER_CASE && options.canary.intact(); i++) {
      pauseAndRestore(swapper, options.swapped);
      refill(options.refillBase, options.cacheFiles);
      swapper.kill('SIGCONT');
      const run = await runDocument(doc, options.params, { timeoutMs: 60_000 });
      if (run.code === 0 && run.result?.path === options.cache) tally.succeeded++;
      else if (run.code === 2 && /refused/.test(run.stderr)) tally.refused++;
      else tally.other.push(`exit ${run.code}, path ${run.result?.path}: ${run.stderr.slice(0, 300)}`);
    }
  } finally {
    swapper.kill('SIGKILL');
  }
  return tally;
}

describe('a hostile site user racing the purge (runs as www-data, swaps directories for links)', () => {
  const made: string[] = [];
  const canaries: Array<{ cleanup: () => void }> = [];
  beforeAll(() => {
    requireSystem();
  });
  afterEach(() => {
    for (const c of canaries.splice(0)) c.cleanup();
  });
  afterAll(async () => {
    for (const dir of made) await removeCacheDir(dir);
  });
  const www = () => wwwIds();

  it(
    `FastCGI, standard layout: level directories swapped for links, ${PURGES_PER_CASE} purges`,
    async () => {
      const cache = scratchDir('/var/cache/nginx', 'cpa-hostile');
      made.push(cache);
      chownSync(cache, www().uid, www().gid);
      const cacheFiles = ['a/bc/0123456789abcdef0123456789abcbca', 'a/de/0123456789abcdef0123456789abcdea'];
      const canary = makeCanaryLike(['bc/keep', 'de/keep', 'keep']);
      canaries.push(canary);
      const tally = await race({
        document: 'CachePurge-FastCGI',
        params: { CachePath: cache },
        swapped: join(cache, 'a'),
        cache,
        cacheFiles,
        refillBase: cache,
        canary,
        linkTo: canary.dir,
      });
      // the instant purge's background reclaims (as www-data) are done before the canary is judged
      expect(await waitForReclaim(cache)).toBe(true);
      expectHeld(tally, canary, PURGES_PER_CASE / 2 + 1, 'cache');
    },
    CASE_TIMEOUT_MS,
  );

  it(
    `FastCGI below a ${WWW_USER}-owned parent: the parent swapped for a link, ${PURGES_PER_CASE} purges`,
    async () => {
      const top = scratchDir('/var/cache/nginx', 'cpa-hostile-parent');
      made.push(top);
      const sites = join(top, 'sites');
      mkdirSync(join(sites, 'x', 'portal'), { recursive: true });
      for (const dir of [sites, join(sites, 'x'), join(sites, 'x', 'portal')])
        chownSync(dir, www().uid, www().gid);
      const cache = join(sites, 'x', 'portal');
      const cacheFiles = ['a/bc/0123456789abcdef0123456789abcbca', 'top-level-entry'];
      const canary = makeCanaryLike(['portal/a/bc/keep', 'portal/top-level-entry', 'portal/keep']);
      canaries.push(canary);
      const tally = await race({
        document: 'CachePurge-FastCGI',
        params: { CachePath: cache },
        swapped: join(sites, 'x'),
        cache,
        cacheFiles,
        refillBase: cache,
        canary,
        linkTo: canary.dir,
      });
      expect(await waitForReclaim(cache)).toBe(true);
      expectHeld(tally, canary, 1, 'cache');
    },
    CASE_TIMEOUT_MS,
  );

  it(
    `WP Rocket fallback (no WP-CLI): wp-content swapped for a link, ${PURGES_PER_CASE} purges`,
    async () => {
      const site = scratchDir('/var/www', 'cpa-hostile-wp');
      made.push(site);
      writeFileSync(join(site, 'wp-load.php'), '<?php // stand-in WordPress');
      chownSync(site, www().uid, www().gid);
      const host = 'www.example.com';
      const cache = join(site, 'wp-content/cache/wp-rocket', host);
      const inCache = ['index.html', 'blog/index.html'];
      const cacheFiles = inCache.map((f) => `wp-content/cache/wp-rocket/${host}/${f}`);
      const canary = makeCanaryLike(inCache.map((f) => `cache/wp-rocket/${host}/${f}`));
      canaries.push(canary);
      const tally = await race({
        document: 'CachePurge-WPRocket',
        params: { WordPressPath: site, SiteHost: host },
        swapped: join(site, 'wp-content'),
        cache,
        cacheFiles,
        refillBase: site,
        canary,
        linkTo: canary.dir,
      });
      expectHeld(tally, canary, 1, 'site');
    },
    CASE_TIMEOUT_MS,
  );
});
