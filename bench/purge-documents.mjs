// Purge of a generated nginx FastCGI cache (levels=1:2, md5 file names, 300-1,800-byte files), in the same
// run, each on its own identical tree, the page cache dropped before each when the kernel allows it:
//  - the script of the original TD-PurgeFastCGI document (`du -sh` over the cache, then
//    `sudo rm -rf $Working_Directory/*`; its Slack curl left out);
//  - CachePurge-FastCGI's synchronous find -delete, as it still runs where the cache directory is its own
//    mount (the tree is bind-mounted on itself for that run);
//  - CachePurge-FastCGI's instant purge: the step's wall time, and the time until its background reclaim
//    has deleted the trash (the disk space is back). PURGE_BENCH_INSTANT_RUNS (default 3) instant runs,
//    each on a fresh tree; the median is the figure.
// The document runs as SSM Agent >= 3.3.2746.0 runs it (the runCommand lines as a bash script, the parameter
// as SSM_CachePath). Needs root (the document only purges below /var/cache/nginx, and the bind mount).
// PURGE_BENCH_FILES sets the file count; PURGE_BENCH_COMPARE=0 runs the instant purge alone.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const ORIGINAL = (dir) => `#!/bin/bash
Working_Directory=${dir}
if [[ -d "$Working_Directory" ]]; then
dir_size=$(sudo du -sh $Working_Directory | awk '{print $1}')
echo "Removing cache..."
sudo rm -rf $Working_Directory/*
echo "cleared $dir_size of cache"
else
echo "Cache is empty"
fi
`;

function generate(dir, files) {
  const made = new Set();
  const body = Buffer.alloc(1800, 'x');
  for (let i = 0; i < files; i++) {
    const md5 = createHash('md5').update(`httpsGETwww.example.com/page/${i}`).digest('hex');
    const sub = `${dir}/${md5.slice(-1)}/${md5.slice(-3, -1)}`;
    if (!made.has(sub)) {
      mkdirSync(sub, { recursive: true });
      made.add(sub);
    }
    writeFileSync(`${sub}/${md5}`, body.subarray(0, 300 + (i % 1500)));
  }
}

function dropCaches() {
  spawnSync('sync');
  try {
    writeFileSync('/proc/sys/vm/drop_caches', '3');
    return true;
  } catch {
    return false;
  }
}

const PAUSE = new Int32Array(new SharedArrayBuffer(4));
const DOCUMENT_ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root' };

/** Cache files (not directories) left below `dir`; -1 when `dir` is gone. */
function filesLeft(dir) {
  return existsSync(dir)
    ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => !e.isDirectory()).length
    : -1;
}

/** Waits until the reclaim of `cacheDir`'s trash is done (no lock held, no per-purge directory left). */
function waitForReclaim(cacheDir, timeoutMs = 3_600_000) {
  const trash = join(dirname(cacheDir), `.cache-purge-trash-${basename(cacheDir)}`);
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const pending = readdirSync(trash).filter((n) => /^[0-9]{19}-[0-9]+$/.test(n)).length;
    if (pending === 0 && spawnSync('flock', ['-n', trash, 'true']).status === 0) {
      return JSON.parse(readFileSync(join(trash, 'last-reclaim'), 'utf8'));
    }
    Atomics.wait(PAUSE, 0, 0, 100);
  }
  throw new Error(`the reclaim of ${trash} did not finish in ${timeoutMs / 1000} s`);
}

/** The instant purge of `dir`: step wall time, and time until the reclaim is done, from the step's start. */
function instantPurge(script, dir, files) {
  const dropped = dropCaches();
  const started = process.hrtime.bigint();
  const run = timed(script, { ...DOCUMENT_ENV, SSM_CachePath: dir });
  const emptyAtOnce = run.status === 0 && readdirSync(dir).length === 0;
  const reclaimed = emptyAtOnce ? waitForReclaim(dir) : undefined;
  const backMs = Number(process.hrtime.bigint() - started) / 1e6;
  const result = JSON.parse(/CACHE_PURGE_RESULT (\{.*\})/.exec(run.stdout ?? '')?.[1] ?? '{}');
  const succeeded =
    emptyAtOnce && result.method === 'rename-trash' && reclaimed?.files === files && reclaimed.complete;
  if (!succeeded)
    console.error(`instant purge of ${dir}:\n${run.stdout}\n${run.stderr}\n${JSON.stringify(reclaimed)}`);
  return { ms: run.ms, backMs, succeeded, dropped, counted: reclaimed?.files, reclaim: result.reclaim };
}

function timed(script, env) {
  const started = process.hrtime.bigint();
  const run = spawnSync('bash', ['-c', script], { env, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { ...run, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

export function purgeDocuments({
  files = Number(process.env.PURGE_BENCH_FILES ?? 1_000_000),
  instantRuns = Number(process.env.PURGE_BENCH_INSTANT_RUNS ?? 3),
  compare = process.env.PURGE_BENCH_COMPARE !== '0',
} = {}) {
  if (process.getuid?.() !== 0)
    throw new Error('the purge bench needs root: the document only purges below /var/cache/nginx');
  if (!Number.isInteger(files) || files < 1)
    throw new Error(`PURGE_BENCH_FILES must be a positive integer, got ${process.env.PURGE_BENCH_FILES}`);
  if (!Number.isInteger(instantRuns) || instantRuns < 1)
    throw new Error(
      `PURGE_BENCH_INSTANT_RUNS must be a positive integer, got ${process.env.PURGE_BENCH_INSTANT_RUNS}`,
    );
  const doc = JSON.parse(readFileSync(join(root, 'ssm-documents/CachePurge-FastCGI.json'), 'utf8'));
  const ours = doc.mainSteps[0].inputs.runCommand.join('\n');
  mkdirSync('/var/cache/nginx', { recursive: true });
  const base = mkdtempSync('/var/cache/nginx/cpa-bench-');
  chmodSync(base, 0o755); // as on a real host: nginx's workers (the cache owner) can reach the cache directory
  const www = {
    uid: Number(spawnSync('id', ['-u', 'www-data'], { encoding: 'utf8' }).stdout),
    gid: Number(spawnSync('id', ['-g', 'www-data'], { encoding: 'utf8' }).stdout),
  };
  // nginx's workers own the cache (the document refuses a root-owned one); chown -R is not timed
  const own = (dir) => spawnSync('chown', ['-R', `${www.uid}:${www.gid}`, dir]);
  try {
    const trees = {
      ...(compare && { original: join(base, 'original'), findDelete: join(base, 'find-delete') }),
      instant: join(base, 'instant-1'),
    };
    const genStarted = Date.now();
    for (const dir of Object.values(trees)) {
      generate(dir, files);
      own(dir);
    }
    const generatedS = (Date.now() - genStarted) / 1000;
    const rows = [];
    const fmt = (ms) => (ms / 1000).toFixed(ms < 10_000 ? 2 : 1);
    const count = (n) => (n === undefined ? '' : n.toLocaleString('en-US'));

    // PURGE_BENCH_COMPARE=0: the instant purge alone (the comparisons take most of a 1,000,000-file run)
    let original,
      sync,
      originalOk = true,
      syncOk = true;
    if (compare) {
      let dropped = dropCaches();
      original = timed(ORIGINAL(trees.original), DOCUMENT_ENV);
      originalOk = original.status === 0 && filesLeft(trees.original) === 0;
      rows.push([
        'TD-PurgeFastCGI (du -sh, then rm -rf dir/*)',
        count(files),
        fmt(original.ms),
        fmt(original.ms),
        originalOk ? 'yes' : 'NO',
        '',
        dropped ? 'dropped' : 'warm',
        'comparison (was 113 s)',
      ]);

      spawnSync('mount', ['--bind', trees.findDelete, trees.findDelete]);
      dropped = dropCaches();
      sync = timed(ours, { ...DOCUMENT_ENV, SSM_CachePath: trees.findDelete });
      spawnSync('umount', [trees.findDelete]);
      const syncResult = JSON.parse(/CACHE_PURGE_RESULT (\{.*\})/.exec(sync.stdout ?? '')?.[1] ?? '{}');
      syncOk = sync.status === 0 && syncResult.method === 'find-delete' && filesLeft(trees.findDelete) === 0;
      if (!syncOk) console.error(`find -delete:\n${sync.stdout}\n${sync.stderr}`);
      rows.push([
        'CachePurge-FastCGI find -delete, 8 parallel (the fallback)',
        count(files),
        fmt(sync.ms),
        fmt(sync.ms),
        syncOk ? 'yes' : 'NO',
        count(syncResult.files),
        dropped ? 'dropped' : 'warm',
        'comparison (was 43.6 s)',
      ]);
    }

    const instant = [];
    for (let i = 1; i <= instantRuns; i++) {
      const dir = join(base, `instant-${i}`);
      if (i > 1) {
        generate(dir, files);
        own(dir);
      }
      const r = instantPurge(ours, dir, files);
      instant.push(r);
      rows.push([
        `CachePurge-FastCGI instant (rename, reclaim by ${r.reclaim ?? '?'}), run ${i}`,
        count(files),
        fmt(r.ms),
        fmt(r.backMs),
        r.succeeded ? 'yes' : 'NO',
        count(r.counted),
        r.dropped ? 'dropped' : 'warm',
        `step ≤ 1 s at 1,000,000 files: ${r.ms <= 1000 ? 'met' : 'MISSED'}`,
      ]);
    }
    const median = (values) => {
      const sorted = [...values].sort((a, b) => a - b);
      const mid = Math.floor(sorted.length / 2);
      return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    };
    const visibleMs = median(instant.map((r) => r.ms));
    const backMs = median(instant.map((r) => r.backMs));
    const scheduler = (() => {
      try {
        const dev = spawnSync('findmnt', ['-n', '-o', 'SOURCE', '-T', base], { encoding: 'utf8' })
          .stdout.trim()
          .replace(/^\/dev\//, '')
          .replace(/[0-9]+$/, '');
        return readFileSync(`/sys/block/${dev}/queue/scheduler`, 'utf8').trim();
      } catch {
        return 'unknown';
      }
    })();
    return {
      rows,
      files,
      generatedS,
      visibleMs,
      backMs,
      originalMs: original?.ms,
      findDeleteMs: sync?.ms,
      scheduler,
      met: visibleMs <= 1000 && instant.every((r) => r.succeeded) && originalOk && syncOk,
    };
  } finally {
    spawnSync('umount', [join(base, 'find-delete')], { stdio: 'ignore' });
    rmSync(base, { recursive: true, force: true });
    for (const name of readdirSync('/var/cache/nginx'))
      if (name.startsWith(`.cache-purge-trash-${basename(base)}`))
        rmSync(join('/var/cache/nginx', name), { recursive: true, force: true });
  }
}
