// CachePurge-FastCGI's instant purge beyond the plain case (fastcgi.test.ts): the synchronous fallback where
// the cache directory is its own mount (a tmpfs, and a bind mount of the same filesystem); a trash container
// that is not the owner's or is a link; leftover trash of an interrupted reclaim found and reclaimed while
// look-alikes in the container are left alone; a purge while a reclaim runs and two purges in a row; the
// systemd path (a transient unit) with a systemd-run stand-in in a private mount namespace whose /run says
// systemd runs the host — a unit that finds an impostor container refuses, a failing systemd-run falls back
// to the detached session.
// Over 300 lines: docs/ssm-documents.md lists these cases, the systemd path included, as this one file.

import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDocument, runDocument } from '../helpers/ssm-document-runner.js';
import {
  fillCacheLayout,
  listTree,
  makeCanary,
  requireSystem,
  scratchDir,
  wwwIds,
} from './helpers/system.js';
import {
  lastReclaim,
  pendingTrash,
  reclaimProcesses,
  reclaimedFiles,
  removeCacheDir,
  trashOf,
  waitForReclaim,
} from './helpers/trash.js';
import { PRIVATE_SYSTEMD_RUN, systemdRunStandIn } from './helpers/systemd-stand-in.js';

const doc = loadDocument('CachePurge-FastCGI');
const www = () => wwwIds();
const run = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
};

describe('CachePurge-FastCGI instant purge: fallback, leftovers, concurrency, the systemd path', () => {
  const made: string[] = [];
  const canary = makeCanary();
  beforeAll(() => {
    requireSystem();
  });
  afterAll(async () => {
    for (const dir of made) await removeCacheDir(dir);
    canary.cleanup();
  });
  const cache = (prefix: string) => {
    const dir = scratchDir('/var/cache/nginx', prefix, www());
    made.push(dir);
    return dir;
  };

  it.each([
    [
      'a tmpfs',
      (dir: string) => ['-t', 'tmpfs', '-o', `mode=0755,uid=${www().uid},gid=${www().gid}`, 'tmpfs', dir],
    ],
    [
      'a bind mount of the same filesystem',
      (dir: string) => {
        const source = scratchDir('/var/cache/nginx', 'cpa-e2e-bind-source', www());
        made.push(source);
        return ['--bind', source, dir];
      },
    ],
  ])('a cache directory that is %s is purged synchronously, and the result says why', async (_what, args) => {
    const dir = cache('cpa-e2e-mount');
    run('mount', args(dir));
    try {
      const bytes = fillCacheLayout(dir, 300, www());
      const result = await runDocument(doc, { CachePath: dir });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.result).toMatchObject({ files: 300, bytes, method: 'find-delete', complete: true });
      expect(result.result!.fallback).toMatch(/^the cache directory is its own mount/);
      expect(result.stdout).toMatch(
        /^No instant purge: the cache directory is its own mount .*; deleting synchronously instead\.$/m,
      );
      expect(listTree(dir).filter((p) => /[0-9a-f]{32}$/.test(p))).toEqual([]);
      expect(existsSync(trashOf(dir)), 'no trash beside a mount').toBe(false);
    } finally {
      run('umount', [dir]);
    }
  });

  it.each([
    [
      'owned by root',
      (trash: string) => mkdirSync(trash, { mode: 0o755 }),
      /is not www-data's with mode 0700 \(it is uid 0's, mode 755\)/,
    ],
    [
      'a symbolic link',
      (trash: string) => symlinkSync(canary.dir, trash),
      /cannot be made or is a symbolic link/,
    ],
  ])('a trash container %s: synchronous purge, nothing done through it', async (_what, plant, reason) => {
    const dir = cache('cpa-e2e-badtrash');
    plant(trashOf(dir));
    fillCacheLayout(dir, 50, www());
    const result = await runDocument(doc, { CachePath: dir });
    expect(result.code).toBe(0);
    expect(result.result).toMatchObject({ files: 50, method: 'find-delete' });
    expect(result.result!.fallback).toMatch(reason);
    expect(canary.intact()).toBe(true);
  });

  it('leftover trash of an interrupted reclaim is reclaimed by the next purge; look-alikes are left alone', async () => {
    const dir = cache('cpa-e2e-leftover');
    expect((await runDocument(doc, { CachePath: dir })).code).toBe(0); // makes the container
    expect(await waitForReclaim(dir)).toBe(true);
    const trash = trashOf(dir);
    // what a reclaim killed half-way leaves: a per-purge directory with files, owned by www-data
    const leftover = join(trash, '1700000000000000000-42');
    mkdirSync(leftover);
    chownSync(leftover, www().uid, www().gid);
    fillCacheLayout(leftover, 40, www());
    // look-alikes: other names, and a link named like a trash directory, to the root-owned canary
    for (const name of ['1234', 'not-trash', '1700000000000000000-42.bak']) {
      mkdirSync(join(trash, name));
      writeFileSync(join(trash, name, 'keep'), 'not trash');
    }
    symlinkSync(canary.dir, join(trash, '1700000000000000001-43'));
    fillCacheLayout(dir, 60, www());

    const result = await runDocument(doc, { CachePath: dir });
    expect(result.code).toBe(0);
    expect(result.result).toMatchObject({ method: 'rename-trash', leftoverTrash: 1, reclaimRunning: false });
    expect(result.stdout).toMatch(
      /1 trash directories of earlier purges are still there \(an interrupted reclaim\): reclaimed now too\./,
    );
    expect(await waitForReclaim(dir)).toBe(true);
    expect(lastReclaim(dir)).toMatchObject({ files: 100, trashDirs: 2, complete: true });
    expect(readdirSync(trash).sort()).toEqual(
      [
        '1234',
        '1700000000000000000-42.bak',
        '1700000000000000001-43',
        'last-reclaim',
        'not-trash',
        'reclaim.log',
      ].sort(),
    );
    for (const name of ['1234', 'not-trash', '1700000000000000000-42.bak'])
      expect(readFileSync(join(trash, name, 'keep'), 'utf8')).toBe('not trash');
    expect(canary.intact()).toBe(true);
  });

  it('a purge while a reclaim runs returns at once and says so; the new reclaim waits its turn, detached, as www-data, at idle priority', async () => {
    const dir = cache('cpa-e2e-during');
    expect((await runDocument(doc, { CachePath: dir })).code).toBe(0);
    expect(await waitForReclaim(dir)).toBe(true);
    fillCacheLayout(dir, 200, www());
    // a running reclaim holds the container's lock: here a flock held until the test lets go (stdin closed)
    const holder = spawn('flock', [trashOf(dir), '-c', 'echo locked; read -r _'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    onTestFinished(() => {
      holder.kill();
    });
    await new Promise((resolve) => holder.stdout.once('data', resolve));
    const result = await runDocument(doc, { CachePath: dir });
    expect(result.code).toBe(0);
    expect(holder.exitCode, 'the purge returned while the lock was still held').toBeNull();
    expect(result.result).toMatchObject({ method: 'rename-trash', reclaimRunning: true, detached: 16 });
    expect(listTree(dir)).toEqual([]);
    expect(pendingTrash(dir)).toHaveLength(1);
    // the reclaim this purge started, waiting for the lock: the process working in the container
    let reclaim = reclaimProcesses(trashOf(dir));
    for (let i = 0; i < 400 && !reclaim.some((p) => p.fds[9]); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      reclaim = reclaimProcesses(trashOf(dir));
    }
    expect(reclaim).toHaveLength(1);
    expect(reclaim[0]).toMatchObject({
      uid: www().uid,
      nice: 19,
      ioClass: 'idle',
      ownSession: true,
      fds: {
        0: '/dev/null',
        1: `${trashOf(dir)}/reclaim.log`,
        2: `${trashOf(dir)}/reclaim.log`,
        9: trashOf(dir),
      },
    });
    expect(Object.keys(reclaim[0]!.fds), 'no descriptor of the purge (or of SSM Agent) inherited').toEqual([
      '0',
      '1',
      '2',
      '9',
    ]);
    holder.stdin.end(); // the earlier reclaim is done: this one takes the lock
    expect(await waitForReclaim(dir)).toBe(true);
    expect(lastReclaim(dir)).toMatchObject({ files: 200, trashDirs: 1, complete: true });
  });

  it('two purges in a row: both instant, every file of both reclaimed once', async () => {
    const dir = cache('cpa-e2e-twice');
    fillCacheLayout(dir, 3_000, www());
    const first = await runDocument(doc, { CachePath: dir });
    fillCacheLayout(dir, 3_000, www());
    const second = await runDocument(doc, { CachePath: dir });
    for (const r of [first, second]) {
      expect(r.code).toBe(0);
      expect(r.result).toMatchObject({ method: 'rename-trash', detached: 16, complete: true });
    }
    expect(listTree(dir)).toEqual([]);
    expect(await waitForReclaim(dir)).toBe(true);
    expect(reclaimedFiles(dir).reduce((a, b) => a + b, 0)).toBe(6_000);
  });

  describe('where systemd runs the host (a private /run with /run/systemd/system, a systemd-run stand-in)', () => {
    const standIns = mkdtempSync(join(tmpdir(), 'cpa-systemd-run-'));
    afterAll(() => rmSync(standIns, { recursive: true, force: true }));
    const systemdRun = (name: string, before = '') => systemdRunStandIn(standIns, name, before);
    const wrap = PRIVATE_SYSTEMD_RUN;

    it('the reclaim runs as a transient unit that enters the container by name, checks it, and reclaims', async () => {
      const dir = cache('cpa-e2e-systemd');
      fillCacheLayout(dir, 500, www());
      const standIn = systemdRun('plain');
      const result = await runDocument(doc, { CachePath: dir }, { wrap, pathPrefix: standIn.pathPrefix });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.result).toMatchObject({ method: 'rename-trash', reclaim: 'systemd-run', detached: 16 });
      const unit = result.result!.reclaimUnit as string;
      expect(unit).toMatch(/^cache-purge-reclaim-[0-9]{19}-[0-9]+\.service$/);
      const args = standIn.args();
      expect(args[0]).toBe(`--unit=${unit.replace(/\.service$/, '')}`);
      expect(args[1]).toBe(`--description=cache-purge-action: reclaims the trash of ${dir}`);
      expect(args.slice(2, 5)).toEqual(['--', expect.stringMatching(/\/bash$/), '-c']);
      expect(args[5]).toMatch(/reclaim_trash "\$@"$/);
      expect(args.slice(6, 11)).toEqual([
        'cache-purge-reclaim',
        trashOf(dir),
        expect.any(String),
        expect.any(String),
        String(www().uid),
      ]);
      expect(await waitForReclaim(dir)).toBe(true);
      expect(lastReclaim(dir)).toMatchObject({ files: 500, trashDirs: 1, complete: true });
    });

    it('a unit that finds another directory at the container’s name refuses and deletes nothing', async () => {
      const dir = cache('cpa-e2e-impostor');
      fillCacheLayout(dir, 30, www());
      const trash = trashOf(dir);
      // between the purge and the unit's start, the container is moved away and a www-data directory
      // with a file in a trash-like directory stands at its name
      const standIn = systemdRun(
        'impostor',
        `mv -T -- ${trash} ${trash}.moved && mkdir -m 700 ${trash} ${trash}/1700000000000000000-1 && echo keep >${trash}/1700000000000000000-1/keep && chown -R ${www().uid}:${www().gid} ${trash}`,
      );
      made.push(`${trash}.moved`);
      const result = await runDocument(doc, { CachePath: dir }, { wrap, pathPrefix: standIn.pathPrefix });
      expect(result.code).toBe(0);
      expect(result.result).toMatchObject({ reclaim: 'systemd-run' });
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(readFileSync(join(trash, '1700000000000000000-1', 'keep'), 'utf8')).toBe('keep\n');
      expect(existsSync(join(trash, 'reclaim.log')), 'the refused reclaim never ran as the owner').toBe(
        false,
      );
      // the detached entries wait, intact, in the moved container
      const moved = readdirSync(`${trash}.moved`).filter((n) => /^[0-9]{19}-[0-9]+$/.test(n));
      expect(moved).toHaveLength(1);
      expect(listTree(join(`${trash}.moved`, moved[0]!)).filter((p) => /[0-9a-f]{32}$/.test(p))).toHaveLength(
        30,
      );
      rmSync(trash, { recursive: true, force: true });
      renameSync(`${trash}.moved`, trash);
    });

    it('a failing systemd-run: the reclaim runs in a detached session instead, and the output says so', async () => {
      const dir = cache('cpa-e2e-systemd-fails');
      fillCacheLayout(dir, 100, www());
      const standIn = systemdRun(
        'failing',
        'echo "Failed to start transient service unit: Access denied" >&2; exit 1',
      );
      const result = await runDocument(doc, { CachePath: dir }, { wrap, pathPrefix: standIn.pathPrefix });
      expect(result.code).toBe(0);
      expect(result.result).toMatchObject({ reclaim: 'setsid', method: 'rename-trash' });
      expect(result.result!.reclaimUnit).toBeUndefined();
      expect(result.stdout).toContain(
        'systemd-run failed (Failed to start transient service unit: Access denied): reclaiming in a detached session instead.',
      );
      expect(await waitForReclaim(dir)).toBe(true);
      expect(lastReclaim(dir)).toMatchObject({ files: 100, complete: true });
    });
  });
});
