// The verify step's warming against `xargs -P4 curl` (its memory over a 50,000-URL sitemap index is
// bench/verify-memory.mjs). 1,000 URLs through a real nginx FastCGI cache in front of php-fpm (the e2e stack; needs root), the
// cache emptied by the real CachePurge-FastCGI document before every measured run so each contender
// warms a cold cache, contenders alternated over the runs. Ours is runVerify as a step runs it (warm:
// true, concurrency 4, the real probe); curl is `xargs -P4 -n1 curl -s -o /dev/null` over the same
// list.

import './ts-source.mjs';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './measure.mjs';

const { startFastCgiStack, scratchDir, wwwIds } = await import('../__tests__/e2e/helpers/system.ts');
const { loadDocument, runDocument } = await import('../__tests__/helpers/ssm-document-runner.ts');
const { runVerify } = await import('../src/action/verify/run-verify.ts');
const { makeProbe } = await import('../src/action/verify/http-probe.ts');
const { toVerifyStep, verifyStepSchema } = await import('../src/action/sites-file/verify-step-schema.ts');
const { systemClock } = await import('../src/action/clock.ts');

const URLS = Number(process.env.VERIFY_BENCH_URLS ?? 1000);
const RUNS = Number(process.env.VERIFY_BENCH_RUNS ?? 5);
const CONCURRENCY = 4;
export const WARM_TARGET = 1.1;

/** Files below the cache directory: one per cached page (nginx's levels=1:2 directories left out). */
function cachedPages(cacheDir) {
  return readdirSync(cacheDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
}

async function emptyCache(fastcgi, cacheDir) {
  const run = await runDocument(fastcgi, { CachePath: cacheDir });
  if (run.code !== 0) throw new Error(`CachePurge-FastCGI failed (${run.code}): ${run.stderr}`);
  const left = cachedPages(cacheDir);
  if (left !== 0) throw new Error(`the purge left ${left} cached pages`);
}

async function ours(urls, warm) {
  const config = toVerifyStep(
    verifyStepSchema.parse({
      urls,
      warm,
      concurrency: CONCURRENCY,
      'cache-header': 'X-Cache-Status',
      'timeout-seconds': 600,
    }),
  );
  const started = performance.now();
  const report = await runVerify(
    { config, runStartMs: Date.now(), facts: { originPurge: 'succeeded' } },
    {
      probe: makeProbe(),
      clock: systemClock,
      readSitemap: () => {
        throw new Error('the bench gives URLs, not a sitemap');
      },
    },
  );
  const ms = performance.now() - started;
  const requests = Object.values(report.statuses).reduce((a, b) => a + b, 0);
  if (!report.passed) throw new Error(`verify failed: ${report.failures.slice(0, 3).join('; ')}`);
  if (warm && report.warmed !== urls.length)
    throw new Error(`verify warmed ${report.warmed} of ${urls.length}`);
  return { ms, requests };
}

function curl(listFile) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      'sh',
      ['-c', `xargs -P${CONCURRENCY} -n1 curl -s -o /dev/null < "$1"`, 'sh', listFile],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve({ ms: performance.now() - started })
        : reject(new Error(`xargs curl exited ${code}`)),
    );
  });
}

export async function warmBench() {
  const cacheDir = scratchDir('/var/cache/nginx', 'cpa-verify-bench', wwwIds());
  const stack = await startFastCgiStack(cacheDir);
  const fastcgi = loadDocument('CachePurge-FastCGI');
  const work = mkdtempSync(join(tmpdir(), 'cpa-verify-bench-'));
  const urls = Array.from({ length: URLS }, (_, i) => `${stack.base}/bench/page-${i}/`);
  const listFile = join(work, 'urls.txt');
  writeFileSync(listFile, `${urls.join('\n')}\n`);
  const loadAtStart = loadavg()[0];
  const contenders = {
    ours: { ms: [], requests: [] },
    oursOnce: { ms: [], requests: [] },
    curl: { ms: [], requests: [] },
  };
  try {
    // one unmeasured pass of each, so php-fpm's opcache and the first connections are not in run 1
    await emptyCache(fastcgi, cacheDir);
    await curl(listFile);
    await emptyCache(fastcgi, cacheDir);
    await ours(urls, true);
    for (let run = 0; run < RUNS; run++) {
      const order = run % 2 === 0 ? ['ours', 'curl', 'oursOnce'] : ['curl', 'oursOnce', 'ours'];
      for (const name of order) {
        await emptyCache(fastcgi, cacheDir);
        const result =
          name === 'curl' ? { ...(await curl(listFile)), requests: URLS } : await ours(urls, name === 'ours');
        const cached = cachedPages(cacheDir);
        if (cached !== URLS) throw new Error(`${name} left ${cached} of ${URLS} pages cached`);
        contenders[name].ms.push(result.ms);
        contenders[name].requests.push(result.requests);
      }
    }
  } finally {
    await stack.stop();
    rmSync(cacheDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
  const curlMedian = median(contenders.curl.ms);
  const row = (name, what, target) => {
    const m = median(contenders[name].ms);
    return {
      what,
      medianMs: m,
      ratio: m / curlMedian,
      runs: contenders[name].ms,
      requests: contenders[name].requests[0],
      target,
    };
  };
  return {
    urls: URLS,
    loadAtStart,
    loadAtEnd: loadavg()[0],
    rows: [
      row(
        'ours',
        `verify step, warm: true (runVerify, real probe, concurrency ${CONCURRENCY})`,
        `≤ ${WARM_TARGET}× curl`,
      ),
      row('oursOnce', 'verify step, warm: false (one request per URL, as curl)', 'comparison'),
      row('curl', `xargs -P${CONCURRENCY} -n1 curl -s -o /dev/null (a curl process per URL)`, 'baseline'),
    ],
  };
}

/** `curl 7.88.1`: the first two words of `curl --version`. */
export const curlVersion = () =>
  spawnSync('curl', ['--version'], { encoding: 'utf8' }).stdout.split(' ').slice(0, 2).join(' ');
