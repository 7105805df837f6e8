// The verify step's warming against `xargs -P4 curl`, and the sitemap reader's peak memory. Warming:
// 1,000 URLs through a real nginx FastCGI cache in front of php-fpm (the e2e stack; needs root), the
// cache emptied by the real CachePurge-FastCGI document before every measured run so each contender
// warms a cold cache, contenders alternated over the runs. Ours is runVerify as a step runs it (warm:
// true, concurrency 4, the real probe); curl is `xargs -P4 -n1 curl -s -o /dev/null` over the same
// list. Memory: a 50,000-URL sitemap index (50 sitemaps of 1,000, every other one gzip'd) served from
// this process; the reader, bundled by esbuild as the action's own bundle holds it, runs in a child
// process (bench/sitemap-reader-child.mjs) that reports its own peak RSS.

import './ts-source.mjs';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { median } from './measure.mjs';

const { startFastCgiStack, scratchDir, wwwIds } = await import('../__tests__/e2e/helpers/system.ts');
const { loadDocument, runDocument } = await import('../__tests__/helpers/ssm-document-runner.ts');
const { runVerify } = await import('../src/action/verify/run-verify.ts');
const { makeProbe } = await import('../src/action/verify/http-probe.ts');
const { toVerifyStep, verifyStepSchema } = await import('../src/action/verify/verify-config.ts');
const { systemClock } = await import('../src/action/run/clock.ts');

const here = dirname(fileURLToPath(import.meta.url));
const URLS = Number(process.env.VERIFY_BENCH_URLS ?? 1000);
const RUNS = Number(process.env.VERIFY_BENCH_RUNS ?? 5);
const CONCURRENCY = 4;
export const WARM_TARGET = 1.1;
export const MEMORY_TARGET_MIB = 100;

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

/** A sitemap index of `sitemaps` sitemaps of `perSitemap` URLs each; every other sitemap is `.xml.gz`. */
function startSitemapServer(sitemaps, perSitemap) {
  const documents = new Map();
  const server = createServer((req, res) => {
    const body = documents.get(req.url);
    if (!body) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/xml' }).end(body);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const base = `http://127.0.0.1:${server.address().port}`;
      const index = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
      ];
      for (let s = 0; s < sitemaps; s++) {
        const path = `/sitemap-${s}.xml${s % 2 ? '.gz' : ''}`;
        index.push(`<sitemap><loc>${base}${path}</loc></sitemap>`);
        const lines = [
          '<?xml version="1.0" encoding="UTF-8"?>',
          '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
        ];
        for (let u = 0; u < perSitemap; u++) {
          lines.push(
            `<url><loc>${base}/${s}/a-fairly-typical-wordpress-post-slug-${u}/</loc><lastmod>2026-01-01</lastmod></url>`,
          );
        }
        lines.push('</urlset>');
        const xml = Buffer.from(lines.join('\n'));
        documents.set(path, s % 2 ? gzipSync(xml) : xml);
      }
      index.push('</sitemapindex>');
      documents.set('/sitemap-index.xml', Buffer.from(index.join('\n')));
      resolve({ url: `${base}/sitemap-index.xml`, close: () => new Promise((r) => server.close(r)) });
    }),
  );
}

/** src/action/verify/sitemap.ts and what it imports (saxes, zod) as one JavaScript file. */
async function bundleReader(dir) {
  const outfile = join(dir, 'sitemap-reader.mjs');
  await build({
    entryPoints: [join(here, '../src/action/verify/sitemap.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}

/** Runs the reader child; resolves its JSON line. */
function readerChild(bundle, mode, sitemapUrl, limit) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(here, 'sitemap-reader-child.mjs'), bundle, mode, sitemapUrl, String(limit)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (out += c));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`sitemap reader (${mode}) exited ${code}`)),
    );
  });
}

export async function memoryBench(runs = 3) {
  const limit = 50_000;
  const server = await startSitemapServer(50, 1_000);
  const work = mkdtempSync(join(tmpdir(), 'cpa-sitemap-bench-'));
  const bundle = await bundleReader(work);
  const modes = {
    baseline: 'Node with the reader bundle loaded, nothing read',
    stream: 'sitemapUrls, limit 50,000, URLs counted and dropped',
    keep: 'sitemapUrls, limit 50,000, URLs kept as runVerify keeps them',
  };
  const rows = [];
  try {
    for (const [mode, what] of Object.entries(modes)) {
      const results = [];
      for (let i = 0; i < runs; i++) results.push(await readerChild(bundle, mode, server.url, limit));
      const urls = results[0].urls;
      if (mode !== 'baseline' && urls !== limit)
        throw new Error(`the reader found ${urls} URLs, not ${limit}`);
      rows.push({
        mode,
        what,
        urls,
        peakMiB: median(results.map((r) => r.maxRssKiB / 1024)),
        ms: median(results.map((r) => r.ms)),
      });
    }
  } finally {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  }
  return { runs, rows, met: rows.every((r) => r.peakMiB <= MEMORY_TARGET_MIB) };
}

/** `curl 7.88.1`: the first two words of `curl --version`. */
export const curlVersion = () =>
  spawnSync('curl', ['--version'], { encoding: 'utf8' }).stdout.split(' ').slice(0, 2).join(' ');
