// The verify step's memory over a 50,000-URL sitemap index (50 sitemaps of 1,000, every other one
// gzip'd, served by this process). Two measurements of the same code the action runs:
//   1. the reader alone: src/action/verify/sitemap.ts bundled by esbuild as the action's bundle holds
//      it, in a child process (bench/sitemap-reader-child.mjs) reporting its own peak RSS, beside bare
//      `node -e 0` and the child with the reader loaded but nothing read — what Node 24 and the loaded
//      modules cost before the first byte, and so what the reader itself adds;
//   2. the action itself: the committed bundle (node dist/index.js, as the runner starts it) purging
//      the example's portal against the local AWS double, then a verify step reading the index
//      (limit 50,000, warm: false, concurrency 16) and requesting every URL from a local page server.
//      Its peak RSS (VmHWM, read from /proc while it runs) is taken when it asks for the index (the
//      earlier steps' cost), when it asks for its first page (the read's), and at the end.

import './ts-source.mjs';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { parse, stringify } from 'yaml';
import { median } from './measure.mjs';

const { startAwsDouble } = await import('../__tests__/helpers/aws-double.ts');
const { exampleConfig, runAction } = await import('../__tests__/helpers/run-action.ts');

const here = dirname(fileURLToPath(import.meta.url));
export const MEMORY_TARGET_MIB = 100;
const SITEMAPS = 50;
const PER_SITEMAP = 1_000;
const LIMIT = SITEMAPS * PER_SITEMAP;

/**
 * A sitemap index of SITEMAPS sitemaps of PER_SITEMAP URLs each (every other one `.xml.gz`); any
 * other path is a page, answered 200 with an nginx cache header. `marks` records when the index and
 * the first page were asked for.
 */
function startSiteServer() {
  const documents = new Map();
  const marks = { indexAt: undefined, firstPageAt: undefined, pages: 0 };
  const server = createServer((req, res) => {
    const body = documents.get(req.url);
    if (req.url === '/sitemap-index.xml') marks.indexAt ??= performance.now();
    if (body) return res.writeHead(200, { 'content-type': 'application/xml' }).end(body);
    if (marks.pages++ === 0) marks.firstPageAt = performance.now();
    res.writeHead(200, { 'content-type': 'text/html', 'x-fastcgi-cache': 'MISS' }).end('<p>ok</p>');
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const base = `http://127.0.0.1:${server.address().port}`;
      const index = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
      ];
      for (let s = 0; s < SITEMAPS; s++) {
        const path = `/sitemap-${s}.xml${s % 2 ? '.gz' : ''}`;
        index.push(`<sitemap><loc>${base}${path}</loc></sitemap>`);
        const lines = [
          '<?xml version="1.0" encoding="UTF-8"?>',
          '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
        ];
        for (let u = 0; u < PER_SITEMAP; u++) {
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
      resolve({
        url: `${base}/sitemap-index.xml`,
        marks,
        resetMarks: () => Object.assign(marks, { indexAt: undefined, firstPageAt: undefined, pages: 0 }),
        close: () => new Promise((r) => server.close(r)),
      });
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
function readerChild(bundle, mode, sitemapUrl) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(here, 'sitemap-reader-child.mjs'), bundle, mode, sitemapUrl, String(LIMIT)],
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

/** Peak RSS of bare `node -e 0`, in MiB. */
function bareNode() {
  const child = spawnSync(process.execPath, ['-e', 'console.log(process.resourceUsage().maxRSS)'], {
    encoding: 'utf8',
  });
  return Number(child.stdout) / 1024;
}

async function readerRows(server, runs) {
  const work = mkdtempSync(join(tmpdir(), 'cpa-sitemap-bench-'));
  const bundle = await bundleReader(work);
  const modes = {
    baseline: 'reader child: the reader bundle loaded, nothing read',
    stream: 'reader child: sitemapUrls, limit 50,000, URLs counted and dropped',
    keep: 'reader child: sitemapUrls, limit 50,000, URLs kept as runVerify keeps them',
  };
  const bare = median(Array.from({ length: runs }, bareNode));
  const rows = [{ mode: 'bare', what: 'bare `node -e 0` (Node itself)', urls: 0, peakMiB: bare, runs: [] }];
  try {
    for (const [mode, what] of Object.entries(modes)) {
      const results = [];
      for (let i = 0; i < runs; i++) results.push(await readerChild(bundle, mode, server.url));
      if (mode !== 'baseline' && results.some((r) => r.urls !== LIMIT))
        throw new Error(`the reader found ${results.map((r) => r.urls).join('/')} URLs, not ${LIMIT}`);
      const peaks = results.map((r) => r.maxRssKiB / 1024);
      rows.push({ mode, what, urls: results[0].urls, peakMiB: median(peaks), runs: peaks });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return rows;
}

/** VmHWM (peak RSS so far) of a live process, in MiB; undefined once it is gone. */
function peakSoFar(pid) {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
  } catch {
    return undefined;
  }
}

/** One run of dist/index.js: portal's three steps, then the verify step over the index. */
async function actionRun(server, aws) {
  aws.reset({
    defaultScript: {
      runMs: 100,
      stdout: 'ok\nCACHE_PURGE_RESULT {"files":3,"bytes":2048,"method":"find-delete","durationMs":5}',
    },
  });
  server.resetMarks();
  const config = parse(exampleConfig);
  config.sites.portal.steps.push({
    verify: { sitemap: server.url, limit: LIMIT, warm: false, concurrency: 16, 'timeout-seconds': 900 },
  });
  const seen = { atIndex: undefined, atFirstPage: undefined, last: 0 };
  let timer;
  const run = await runAction({
    inputs: {
      site: 'portal',
      'role-to-assume': 'arn:aws:iam::123456789012:role/cache-purge',
      'step-timeout-seconds': '900',
    },
    files: { '.github/cache-purge.yml': stringify(config) },
    env: {
      ...aws.env(),
      GITHUB_RUN_ID: '1',
      GITHUB_ACTOR: 'octocat',
      GITHUB_EVENT_NAME: 'workflow_dispatch',
    },
    timeoutMs: 300_000,
    onStart: (child) => {
      timer = setInterval(() => {
        const peak = peakSoFar(child.pid);
        if (peak === undefined) return;
        seen.last = peak;
        if (server.marks.indexAt !== undefined) seen.atIndex ??= peak;
        if (server.marks.firstPageAt !== undefined) seen.atFirstPage ??= peak;
      }, 2);
    },
  });
  clearInterval(timer);
  rmSync(run.workspace, { recursive: true, force: true });
  const report = run.outputs.report ? JSON.parse(run.outputs.report) : undefined;
  const verify = report?.steps.at(-1)?.verify;
  if (run.code !== 0 || verify?.urls.total !== LIMIT || server.marks.pages !== LIMIT) {
    throw new Error(
      `the action run failed (exit ${run.code}, ${verify?.urls.total ?? 'no'} URLs verified, ${server.marks.pages} pages requested): ${run.stderr}`,
    );
  }
  return seen;
}

async function actionRows(server, runs) {
  const aws = await startAwsDouble();
  const results = [];
  try {
    for (let i = 0; i < runs; i++) results.push(await actionRun(server, aws));
  } finally {
    await aws.close();
  }
  const row = (what, key) => {
    const peaks = results.map((r) => r[key]);
    return { mode: key, what, urls: key === 'atIndex' ? 0 : LIMIT, peakMiB: median(peaks), runs: peaks };
  };
  return [
    row('dist/index.js: peak up to asking for the index (portal purged: SSM ×2, CloudFront)', 'atIndex'),
    row('dist/index.js: peak up to its first page request (the index read)', 'atFirstPage'),
    row('dist/index.js: peak over the whole run (the 50,000 URLs requested)', 'last'),
  ];
}

export async function memoryBench(runs = 3) {
  const server = await startSiteServer();
  try {
    const reader = await readerRows(server, runs);
    const action = await actionRows(server, runs);
    const baseline = reader.find((r) => r.mode === 'baseline').peakMiB;
    const beforeRead = action.find((r) => r.mode === 'atIndex').peakMiB;
    for (const r of reader) if (r.urls > 0) r.added = r.peakMiB - baseline;
    for (const r of action) if (r.mode !== 'atIndex') r.added = r.peakMiB - beforeRead;
    const targeted = [...reader.filter((r) => r.urls > 0), action.find((r) => r.mode === 'atFirstPage')];
    return { runs, rows: [...reader, ...action], met: targeted.every((r) => r.peakMiB <= MEMORY_TARGET_MIB) };
  } finally {
    await server.close();
  }
}

/** Which rows the ≤ 100 MiB target is about: every read of the index, in the child and in the action. */
export const isTargeted = (row) => ['stream', 'keep', 'atFirstPage'].includes(row.mode);
