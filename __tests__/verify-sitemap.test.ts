// Reading sitemaps over real HTTP: urlsets and indexes (followed, depth-limited), gzip by magic bytes
// whatever the headers say, de-duplication, stopping at the limit, and errors that name the URL.

import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../src/shared/errors.js';
import { sitemapUrls, type SitemapStats } from '../src/action/verify/sitemap.js';
import { startLocalServer, type LocalServer } from './helpers/local-http.js';

const urlset = (locs: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">${locs
    .map((l) => `<url><loc>${l}</loc><image:image><image:loc>${l}img.png</image:loc></image:image></url>`)
    .join('\n')}</urlset>`;
const index = (locs: string[]) =>
  `<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${locs
    .map((l) => `<sitemap><loc><![CDATA[${l}]]></loc></sitemap>`)
    .join('')}</sitemapindex>`;

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(
  files: Record<string, { body: string | Buffer; status?: number; headers?: Record<string, string> }>,
) {
  server = await startLocalServer((req, res) => {
    const file = files[req.url ?? ''];
    if (!file) {
      res.statusCode = 404;
      res.end('not found');
      return;
    }
    res.writeHead(file.status ?? 200, { 'content-type': 'application/xml', ...file.headers });
    res.end(file.body);
  });
  return server;
}

const read = async (url: string, limit = 100, stats?: SitemapStats, seen?: Set<string>) => {
  const out: string[] = [];
  for await (const u of sitemapUrls(url, { limit, timeoutMs: 5_000 }, stats, seen)) out.push(u);
  return out;
};

const errorOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
};

describe('sitemapUrls', () => {
  it('follows an index into plain and gzipped sitemaps, in order, de-duplicated, skipping non-http locs', async () => {
    server = await startLocalServer((req, res) => {
      const base = server!.base;
      if (req.url === '/index.xml') res.end(index([`${base}/one.xml`, `${base}/two.xml.gz`]));
      else if (req.url === '/one.xml') res.end(urlset([`${base}/a`, `${base}/b`, 'mailto:x@example.com']));
      else if (req.url === '/two.xml.gz') {
        res.setHeader('content-type', 'application/gzip');
        res.end(gzipSync(urlset([`${base}/c`, `${base}/a`])));
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
    const stats: SitemapStats = { documents: 0, skipped: 0, duplicates: 0 };
    expect(await read(`${server.base}/index.xml`, 100, stats)).toEqual(
      ['/a', '/b', '/c'].map((p) => `${server!.base}${p}`),
    );
    expect(stats).toEqual({ documents: 3, skipped: 1, duplicates: 1 });
  });

  it('reads a gzip body sent with Content-Encoding: gzip and skips URLs already seen', async () => {
    server = await startLocalServer((_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/xml' });
      res.end(gzipSync(urlset([`${server!.base}/x`, `${server!.base}/y`])));
    });
    expect(await read(`${server.base}/s.xml`, 100, undefined, new Set([`${server.base}/x`]))).toEqual([
      `${server.base}/y`,
    ]);
  });

  it('stops at the limit without reading the sitemaps it no longer needs', async () => {
    server = await startLocalServer((req, res) => {
      if (req.url === '/index.xml')
        res.end(index(['/1.xml', '/2.xml', '/3.xml'].map((p) => server!.base + p)));
      else res.end(urlset(Array.from({ length: 10 }, (_, i) => `${server!.base}${req.url}/p${i}`)));
    });
    expect(await read(`${server.base}/index.xml`, 15)).toHaveLength(15);
    expect(server.requests).toEqual(['/index.xml', '/1.xml', '/2.xml']);
  });

  it('names the URL and the fault when a sitemap cannot be read', async () => {
    await serve({
      '/html.xml': { body: '<html><body>hi</body></html>' },
      '/broken.xml': { body: '<urlset><url><loc>https://a.example/</url></urlset>' },
      '/text.xml': { body: 'User-agent: *' },
    });
    const base = server!.base;
    const missing = await errorOf(read(`${base}/gone.xml`));
    expect(missing).toBeInstanceOf(UserError);
    expect(missing.message).toBe(
      `the sitemap "${base}/gone.xml" answered 404 Not Found; fix the "sitemap" URL or the sitemap`,
    );
    expect((await errorOf(read(`${base}/html.xml`))).message).toContain(
      'is XML but not a sitemap (its root element is <html>)',
    );
    expect((await errorOf(read(`${base}/broken.xml`))).message).toContain(
      `"${base}/broken.xml" is not well-formed XML`,
    );
    expect((await errorOf(read(`${base}/text.xml`))).message).toContain('is not well-formed XML');
  });

  it('refuses indexes nested deeper than allowed, and an unreachable host', async () => {
    server = await startLocalServer((req, res) => {
      const depth = Number(req.url!.slice(2, -4));
      res.end(index([`${server!.base}/i${depth + 1}.xml`]));
    });
    const error = await errorOf(read(`${server.base}/i1.xml`));
    expect(error.message).toContain(`"${server.base}/i3.xml" nests sitemap indexes more than 3 levels deep`);
    const closed = server.base;
    await server.close();
    server = undefined;
    expect((await errorOf(read(`${closed}/s.xml`))).message).toContain('could not be requested');
  });
});
