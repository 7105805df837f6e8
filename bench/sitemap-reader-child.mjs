// The child process of the verify-memory bench: reads a sitemap (index) with the verify step's
// own reader and prints one JSON line with the URLs found, the time taken and its own peak RSS. The
// reader comes as a JavaScript bundle of src/action/verify/sitemap.ts (as the action ships it: loading
// the TypeScript source would add Node's type stripper, about 38 MiB, to every figure).
// Modes: `baseline` loads the reader and reads nothing; `stream` counts the URLs and drops them;
// `keep` keeps them as runVerify does (one item object per URL, plus the reader's `seen` set).
// Usage: node sitemap-reader-child.mjs <reader bundle> <mode> <sitemap URL> <limit>

import { pathToFileURL } from 'node:url';

const [bundle, mode, url, limitText] = process.argv.slice(2);
const limit = Number(limitText);
if (!bundle || !['baseline', 'stream', 'keep'].includes(mode) || !url || !(limit > 0)) {
  process.stderr.write(
    'usage: sitemap-reader-child.mjs <reader bundle> baseline|stream|keep <sitemap URL> <limit>\n',
  );
  process.exit(2);
}
const { sitemapUrls } = await import(pathToFileURL(bundle).href);

const started = performance.now();
let urls = 0;
const kept = [];
if (mode !== 'baseline') {
  for await (const href of sitemapUrls(url, { limit, timeoutMs: 30_000 }, undefined, new Set())) {
    urls++;
    if (mode === 'keep') kept.push({ url: href, source: 'sitemap' });
  }
}
const ms = performance.now() - started;
process.stdout.write(
  `${JSON.stringify({ mode, urls, kept: kept.length, ms, maxRssKiB: process.resourceUsage().maxRSS })}\n`,
);
