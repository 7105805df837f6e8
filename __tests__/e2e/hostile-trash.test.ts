// A hostile site user against the instant purge's trash: a process running as www-data (the cache's owner,
// no privileges) attacks the trash container beside the cache directory in a tight loop while
// CachePurge-FastCGI runs as root, 200 times per case, and the background reclaims run. Below a
// www-data-owned parent it swaps the container (once the purge made it) for links to a root-owned canary
// tree and to an empty root-owned 0700 directory (what root would hand over with a chown), moves the cache
// directory away and back, and plants trash-named links in the container. In a second case there it swaps
// each fresh container for a link to a root-owned 0700 empty directory beside it, which root must never
// chown to www-data (root makes the container only where no one else may write the parent; elsewhere
// www-data makes it). Below root's /var/cache/nginx it plants, in the container it owns, trash-named links
// and directories leading to the canary, links named last-reclaim (to /etc/shadow) and reclaim.log (to a
// canary file), and trash-named entries inside the cache. Each purge must succeed on the real cache
// (instantly or synchronously) or refuse; after every case and once every reclaim has finished, the canary
// is exactly as made, the empty directories still root's, and no output shows a line of /etc/shadow.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import {
  chownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDocument, runDocument } from '../helpers/ssm-document-runner.js';
import { listTree, requireSystem, scratchDir, wwwIds } from './helpers/system.js';
import { removeCacheDir, trashOf, waitForReclaim } from './helpers/trash.js';

const PURGES_PER_CASE = 200;
const CASE_TIMEOUT_MS = 900_000;
const doc = loadDocument('CachePurge-FastCGI');
const exists = (path: string) => {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
};

/** Root-owned, outside every allowed root: a tree with files, and an empty 0700 directory. */
function makeCanaries() {
  const tree = mkdtempSync(join(tmpdir(), 'cpa-trash-canary-'));
  for (const file of ['keep', 'a/bc/keep', '1700000000000000000-1/keep']) {
    mkdirSync(join(tree, file, '..'), { recursive: true });
    writeFileSync(join(tree, file), 'root-owned canary');
  }
  const empty = mkdtempSync(join(tmpdir(), 'cpa-trash-empty-'));
  const snapshot = listTree(tree).join('\n');
  return {
    tree,
    empty,
    intact: () => {
      try {
        const e = statSync(empty);
        return (
          listTree(tree).join('\n') === snapshot &&
          statSync(tree).uid === 0 &&
          e.uid === 0 &&
          (e.mode & 0o777) === 0o700 &&
          listTree(empty).length === 0
        );
      } catch {
        return false;
      }
    },
    cleanup: () => {
      rmSync(tree, { recursive: true, force: true });
      rmSync(empty, { recursive: true, force: true });
    },
  };
}

/** perl (always on Debian) as www-data, no capabilities, running `script` with `args` until killed. */
function startAttacker(script: string, args: string[]): ChildProcess {
  const { uid, gid } = wwwIds();
  return spawn('perl', ['-e', `my @a = @ARGV; while (1) { ${script} }`, ...args], {
    uid,
    gid,
    stdio: 'ignore',
  });
}

/** Files a purge will find, written as www-data while the attacker is stopped; level directories as nginx makes them. */
function refill(cache: string) {
  const { uid, gid } = wwwIds();
  for (const file of ['a/bc/0123456789abcdef0123456789abcbca', 'e/f0/0123456789abcdef0123456789abcf0e']) {
    mkdirSync(join(cache, file, '..'), { recursive: true });
    for (const d of [join(cache, file.slice(0, 1)), join(cache, file, '..')]) chownSync(d, uid, gid);
    writeFileSync(join(cache, file), 'cached page');
    chownSync(join(cache, file), uid, gid);
  }
}

async function race(
  cache: string,
  attacker: ChildProcess,
  restore: () => void,
  canaries: { intact: () => boolean },
) {
  const tally = { succeeded: 0, refused: 0, instant: 0, other: [] as string[], shadow: 0 };
  const shadowLine = readFileSync('/etc/shadow', 'utf8').split('\n')[0]!;
  try {
    for (let i = 0; i < PURGES_PER_CASE && canaries.intact(); i++) {
      attacker.kill('SIGSTOP');
      await new Promise((resolve) => setTimeout(resolve, 2));
      restore();
      refill(cache);
      attacker.kill('SIGCONT');
      const run = await runDocument(doc, { CachePath: cache }, { timeoutMs: 60_000 });
      if (run.stdout.includes(shadowLine) || run.stderr.includes(shadowLine)) tally.shadow++;
      if (run.code === 0 && run.result?.path === cache) {
        tally.succeeded++;
        if (run.result.method === 'rename-trash') tally.instant++;
      } else if (run.code === 2 && /refused/.test(run.stderr)) tally.refused++;
      else
        tally.other.push(
          `exit ${run.code}, ${run.result?.method}: ${(run.stderr || run.stdout).slice(0, 300)}`,
        );
    }
  } finally {
    attacker.kill('SIGKILL');
  }
  restore();
  return tally;
}

describe('a hostile site user against the trash of the instant purge (www-data, 200 purges per case)', () => {
  const made: string[] = [];
  let canaries: ReturnType<typeof makeCanaries>;
  beforeAll(() => {
    requireSystem();
    canaries = makeCanaries();
  });
  afterAll(async () => {
    for (const dir of made) await removeCacheDir(dir);
    canaries?.cleanup();
  });

  it(
    'below a www-data-owned parent: the container swapped for links, the cache directory moved away and back',
    async () => {
      const top = scratchDir('/var/cache/nginx', 'cpa-hostile-trash-parent');
      made.push(top);
      const parent = join(top, 'sites');
      const cache = join(parent, 'portal');
      mkdirSync(cache, { recursive: true });
      for (const d of [parent, cache]) chownSync(d, wwwIds().uid, wwwIds().gid);
      made.push(cache);
      const trash = trashOf(cache);
      const attacker = startAttacker(
        `my ($c, $t, $tree, $empty) = @a;
         for my $to ($tree, $empty) {
           if (-d $t && ! -l $t && rename($t, "$t.real")) {
             symlink($to, $t); select(undef, undef, undef, 0.0003); unlink($t); rename("$t.real", $t);
           }
         }
         symlink($tree, "$t/1700000000000000001-7") if -d $t && ! -l $t;
         if (rename($c, "$c.away")) { select(undef, undef, undef, 0.0003); rename("$c.away", $c); }
         select(undef, undef, undef, 0.001); # the real directories stand for a moment, so some purges get through`,
        [cache, trash, canaries.tree, canaries.empty],
      );
      // puts back what the attacker had moved aside when it was stopped (a link may stand at the name)
      const restore = () => {
        for (const [aside, name] of [
          [`${cache}.away`, cache],
          [`${trash}.real`, trash],
        ] as const) {
          if (!exists(aside)) continue;
          if (exists(name) && lstatSync(name).isSymbolicLink()) rmSync(name);
          if (!exists(name)) renameSync(aside, name);
        }
      };
      const tally = await race(cache, attacker, restore, canaries);
      expect(await waitForReclaim(cache)).toBe(true);
      expect(canaries.intact(), 'the root-owned canary tree and empty directory').toBe(true);
      expect(tally.other).toEqual([]);
      expect(tally.shadow).toBe(0);
      expect(tally.succeeded + tally.refused).toBe(PURGES_PER_CASE);
      expect(tally.instant, 'some purges were instant despite the attacker').toBeGreaterThan(0);
    },
    CASE_TIMEOUT_MS,
  );

  it(
    'below a www-data-owned parent: a fresh container swapped for a link to a root-owned directory beside it is never handed over',
    async () => {
      const top = scratchDir('/var/cache/nginx', 'cpa-hostile-trash-decoy');
      made.push(top);
      const parent = join(top, 'sites');
      const cache = join(parent, 'portal');
      const decoy = join(parent, 'decoy'); // root's, 0700, empty: what a fresh container looks like to root
      mkdirSync(cache, { recursive: true });
      for (const d of [parent, cache]) chownSync(d, wwwIds().uid, wwwIds().gid);
      mkdirSync(decoy, { mode: 0o700 });
      const trash = trashOf(cache);
      const attacker = startAttacker(
        `my ($t, $d) = @a;
         if (-d $t && ! -l $t) {
           select(undef, undef, undef, rand(0.0004));
           if (rename($t, "$t.real")) {
             symlink($d, "$t.l"); rename("$t.l", $t); select(undef, undef, undef, 0.0003);
             unlink($t); rename("$t.real", $t);
           }
         }`,
        [trash, decoy],
      );
      const decoyIntact = () => {
        const s = statSync(decoy);
        return s.uid === 0 && (s.mode & 0o777) === 0o700 && readdirSync(decoy).length === 0;
      };
      // every purge makes a fresh container: the last one is moved aside while the attacker is stopped
      let aside = 0;
      const restore = () => {
        if (exists(trash) && lstatSync(trash).isSymbolicLink()) rmSync(trash);
        if (exists(`${trash}.real`)) renameSync(`${trash}.real`, trash);
        if (exists(trash)) renameSync(trash, join(top, `old-trash-${aside++}`));
      };
      const tally = await race(cache, attacker, restore, {
        intact: () => canaries.intact() && decoyIntact(),
      });
      expect(decoyIntact(), 'the root-owned directory beside the cache is still root’s, 0700, empty').toBe(
        true,
      );
      expect(tally.other).toEqual([]);
      expect(tally.succeeded + tally.refused).toBe(PURGES_PER_CASE);
      expect(tally.instant, 'some purges were instant despite the attacker').toBeGreaterThan(0);
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "below root's /var/cache/nginx: trash-named links and directories, a last-reclaim link to /etc/shadow",
    async () => {
      const cache = scratchDir('/var/cache/nginx', 'cpa-hostile-trash', wwwIds());
      made.push(cache);
      expect((await runDocument(doc, { CachePath: cache })).code).toBe(0); // the container, www-data's
      const trash = trashOf(cache);
      const attacker = startAttacker(
        `my ($c, $t, $tree) = @a;
         symlink($tree, "$t/1700000000000000001-7");
         if (mkdir("$t/1700000000000000002-8")) { symlink($tree, "$t/1700000000000000002-8/a"); symlink("$tree/keep", "$t/1700000000000000002-8/f"); }
         unlink("$t/last-reclaim"); symlink("/etc/shadow", "$t/last-reclaim");
         unlink("$t/reclaim.log"); symlink("$tree/keep", "$t/reclaim.log");
         symlink($tree, "$c/.cache-purge-trash-x"); mkdir("$c/1700000000000000003-9");
         select(undef, undef, undef, 0.0003);`,
        [cache, trash, canaries.tree],
      );
      const tally = await race(cache, attacker, () => undefined, canaries);
      expect(await waitForReclaim(cache)).toBe(true);
      expect(canaries.intact(), 'the root-owned canary tree and empty directory').toBe(true);
      expect(tally.other).toEqual([]);
      expect(tally.shadow).toBe(0);
      expect(tally.instant).toBe(PURGES_PER_CASE);
    },
    CASE_TIMEOUT_MS,
  );
});
