// Purge of a generated nginx FastCGI cache (levels=1:2, md5 file names, 300-1,800-byte files) by our
// CachePurge-FastCGI document (run as SSM Agent >= 3.3.2746.0 runs it: the runCommand lines as a bash script,
// the parameter as SSM_CachePath) against the script of the original TD-PurgeFastCGI document
// (`du -sh` over the cache, then `sudo rm -rf $Working_Directory/*`; its Slack curl left out), in the same
// run, each on its own identical tree, the page cache dropped before each when the kernel allows it.
// Needs root (the document only purges below /var/cache/nginx). PURGE_BENCH_FILES sets the file count.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
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

function timed(script, env) {
  const started = process.hrtime.bigint();
  const run = spawnSync('bash', ['-c', script], { env, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { ...run, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

export function purgeDocuments({ files = Number(process.env.PURGE_BENCH_FILES ?? 1_000_000) } = {}) {
  if (process.getuid?.() !== 0)
    throw new Error('the purge bench needs root: the document only purges below /var/cache/nginx');
  if (!Number.isInteger(files) || files < 1)
    throw new Error(`PURGE_BENCH_FILES must be a positive integer, got ${process.env.PURGE_BENCH_FILES}`);
  const doc = JSON.parse(readFileSync(join(root, 'ssm-documents/CachePurge-FastCGI.json'), 'utf8'));
  const ours = doc.mainSteps[0].inputs.runCommand.join('\n');
  mkdirSync('/var/cache/nginx', { recursive: true });
  const base = mkdtempSync('/var/cache/nginx/cpa-bench-');
  const env = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root' };
  try {
    const trees = { original: join(base, 'original'), ours: join(base, 'ours') };
    const genStarted = Date.now();
    for (const dir of Object.values(trees)) generate(dir, files);
    const generatedS = (Date.now() - genStarted) / 1000;
    const rows = [];
    const results = {};
    for (const [name, label, script, extraEnv] of [
      ['original', 'TD-PurgeFastCGI (du -sh, then rm -rf dir/*)', ORIGINAL(trees.original), {}],
      ['ours', 'CachePurge-FastCGI (find -delete, 8 parallel)', ours, { SSM_CachePath: trees.ours }],
    ]) {
      const dropped = dropCaches();
      const run = timed(script, { ...env, ...extraEnv });
      // success: no cache file left (CachePurge-FastCGI keeps nginx's level directories on purpose)
      const left = existsSync(trees[name])
        ? readdirSync(trees[name], { recursive: true, withFileTypes: true }).filter((e) => !e.isDirectory())
            .length
        : -1;
      const succeeded = run.status === 0 && left === 0;
      const result = /CACHE_PURGE_RESULT (\{.*\})/.exec(run.stdout ?? '')?.[1];
      results[name] = { ms: run.ms, succeeded, run };
      rows.push([
        label,
        files.toLocaleString('en-US'),
        (run.ms / 1000).toFixed(1),
        succeeded ? 'yes' : `NO (exit ${run.status}, ${left} files left)`,
        name === 'ours' && result ? JSON.parse(result).files.toLocaleString('en-US') : '',
        dropped ? 'dropped' : 'warm',
      ]);
      if (!succeeded)
        console.error(`${label}:\n${(run.stdout ?? '').slice(-2000)}\n${(run.stderr ?? '').slice(-2000)}`);
    }
    const speedup = results.original.ms / results.ours.ms;
    return { rows, speedup, files, generatedS, met: speedup >= 2 && results.ours.succeeded };
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}
