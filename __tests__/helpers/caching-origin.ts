// An origin that caches pages the way nginx's FastCGI cache does and says so in its headers
// (X-FastCGI-Cache HIT/MISS, X-Generated-At), with the faults the verify tests need: a 500 page, a slow
// page, busy answers (503 + Retry-After), a no-cache page, and a cache that stops storing (unwritable).

import { startLocalServer } from './local-http.ts';

/** Starts the origin; `purge()` empties its cache, `state` switches the faults. */
export async function startOrigin() {
  const pages = new Map<string, number>();
  // clockOffsetMs dates the pages it builds (X-Generated-At) that much off now: -3_600_000 builds "an hour ago"
  const state = { unwritable: false, busyLeft: 0, clockOffsetMs: 0 };
  const server = await startLocalServer(async (req, res) => {
    const path = req.url ?? '/';
    if (path === '/slow') await new Promise((r) => setTimeout(r, 1_500));
    if (path === '/boom') {
      res.writeHead(500, { 'x-fastcgi-cache': 'MISS' });
      return void res.end('fatal error');
    }
    if (path === '/busy' && state.busyLeft > 0) {
      state.busyLeft--;
      res.writeHead(503, { 'retry-after': '1' });
      return void res.end('busy');
    }
    const noCache = path === '/cart';
    const cached = pages.get(path);
    const generatedAt = cached ?? Date.now() + state.clockOffsetMs;
    if (cached === undefined && !noCache && !state.unwritable) pages.set(path, generatedAt);
    res.writeHead(200, {
      'content-type': 'text/html',
      'x-fastcgi-cache': cached === undefined ? 'MISS' : 'HIT',
      'x-generated-at': (generatedAt / 1000).toFixed(3),
      ...(noCache && { 'cache-control': 'no-cache, must-revalidate, max-age=0' }),
    });
    res.end(`<p>${path} at ${generatedAt}</p>`);
  });
  return { server, pages, state, purge: () => pages.clear() };
}
