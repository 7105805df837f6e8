// A CDN double that caches like one CloudFront edge in front of any origin URL: it answers with
// `X-Cache: Hit|RefreshHit|Miss|Error from cloudfront`, `Age` (seconds since the copy was stored, plus
// any Age the origin sent), `Via` and `X-Amz-Cf-Pop`; it stores 2xx/3xx/404 answers to GET/HEAD for the
// origin's s-maxage or max-age (CloudFront's default TTL of a day when the origin says nothing) and
// never stores no-cache, no-store, private or max-age=0 answers; an expired copy with a validator is
// revalidated (RefreshHit on 304). `invalidate(paths)` evicts what CloudFront would: each path matches
// a request path (query included) exactly, or by prefix when it ends in "*". The AWS double's
// CreateInvalidation can call it. The clock is injectable so a test can age the cache.

import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Entry {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  storedAtMs: number;
  ttlSeconds: number;
}

export interface CdnDouble {
  base: string;
  /** Evicts every cached key an invalidation with these paths covers; returns how many. */
  invalidate(paths: readonly string[]): number;
  /** Cached keys (path + query), for assertions. */
  keys(): string[];
  /** Requests the double sent to the origin. */
  originRequests: string[];
  close(): Promise<void>;
}

export interface CdnDoubleOptions {
  /** Wall-clock milliseconds; default Date.now. */
  now?: () => number;
  /** CloudFront's origin response timeout (30 s by default). */
  originTimeoutMs?: number;
  defaultTtlSeconds?: number;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade']);

/** The TTL CloudFront would give the answer, or 0 when it must not be stored. */
function ttlOf(status: number, headers: Record<string, string>, defaultTtl: number): number {
  if (!((status >= 200 && status < 400) || status === 404)) return 0;
  const cc = (headers['cache-control'] ?? '').toLowerCase();
  if (/\b(no-cache|no-store|private)\b/.test(cc)) return 0;
  if (headers['set-cookie'] !== undefined && !/s-maxage/.test(cc)) return 0;
  const directive = (name: string) => {
    const m = new RegExp(`\\b${name}=(\\d+)`).exec(cc);
    return m ? Number(m[1]) : undefined;
  };
  return directive('s-maxage') ?? directive('max-age') ?? defaultTtl;
}

/** CloudFront's invalidation rule, written apart from the code under test. */
function covers(path: string, key: string): boolean {
  const p = path.startsWith('/') ? path : `/${path}`;
  const pathOnly = key.split('?')[0]!;
  if (p.endsWith('*')) return key.startsWith(p.slice(0, -1));
  return p === key || p === pathOnly;
}

function flatten(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

export async function startCdnDouble(origin: string, options: CdnDoubleOptions = {}): Promise<CdnDouble> {
  const now = options.now ?? Date.now;
  const defaultTtl = options.defaultTtlSeconds ?? 86_400;
  const cache = new Map<string, Entry>();
  const originRequests: string[] = [];
  const originUrl = new URL(origin);

  const fetchOrigin = (method: string, key: string, headers: Record<string, string>) =>
    new Promise<{ status: number; headers: Record<string, string>; body: Buffer }>((resolve, reject) => {
      originRequests.push(key);
      const req = httpRequest(
        {
          host: originUrl.hostname,
          port: originUrl.port,
          path: key,
          method,
          headers: { ...headers, host: originUrl.host },
          timeout: options.originTimeoutMs ?? 30_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 502,
              headers: flatten(res.headers),
              body: Buffer.concat(chunks),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('origin timeout')));
      req.on('error', reject);
      req.end();
    });

  const server = createServer((req, res) => {
    const key = req.url ?? '/';
    const method = req.method ?? 'GET';
    const send = (
      status: number,
      headers: Record<string, string>,
      body: Buffer,
      xCache: string,
      age?: number,
    ) => {
      res.writeHead(status, {
        ...headers,
        'x-cache': `${xCache} from cloudfront`,
        via: '1.1 double.cloudfront.net (CloudFront)',
        'x-amz-cf-pop': 'TEST1-P1',
        ...(age !== undefined && { age: String(age) }),
        'content-length': String(body.length),
      });
      res.end(method === 'HEAD' ? undefined : body);
    };
    const forwarded: Record<string, string> = {};
    for (const name of ['accept', 'accept-encoding', 'user-agent', 'cookie']) {
      const value = req.headers[name];
      if (typeof value === 'string') forwarded[name] = value;
    }
    const ageOf = (entry: Entry) =>
      Math.floor((now() - entry.storedAtMs) / 1000) + Number(entry.headers['age'] ?? 0);
    const serve = async () => {
      const cacheable = method === 'GET' || method === 'HEAD';
      const entry = cacheable ? cache.get(key) : undefined;
      if (entry && now() < entry.storedAtMs + entry.ttlSeconds * 1000) {
        return send(entry.status, entry.headers, entry.body, 'Hit', ageOf(entry));
      }
      const validators: Record<string, string> = {};
      if (entry?.headers['etag']) validators['if-none-match'] = entry.headers['etag'];
      if (entry?.headers['last-modified']) validators['if-modified-since'] = entry.headers['last-modified'];
      const answer = await fetchOrigin(method === 'HEAD' ? 'GET' : method, key, {
        ...forwarded,
        ...validators,
      });
      if (entry && answer.status === 304) {
        entry.storedAtMs = now();
        entry.ttlSeconds = ttlOf(entry.status, { ...entry.headers, ...answer.headers }, defaultTtl);
        return send(entry.status, entry.headers, entry.body, 'RefreshHit', 0);
      }
      if (answer.status >= 500) return send(answer.status, answer.headers, answer.body, 'Error');
      const ttl = cacheable ? ttlOf(answer.status, answer.headers, defaultTtl) : 0;
      if (ttl > 0) {
        cache.set(key, { ...answer, storedAtMs: now(), ttlSeconds: ttl });
      } else cache.delete(key);
      return send(answer.status, answer.headers, answer.body, 'Miss');
    };
    serve().catch(() => {
      if (!res.headersSent)
        send(504, { 'content-type': 'text/plain' }, Buffer.from('origin unreachable'), 'Error');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    invalidate(paths) {
      let evicted = 0;
      for (const key of [...cache.keys()]) {
        if (paths.some((p) => covers(p, key))) {
          cache.delete(key);
          evicted++;
        }
      }
      return evicted;
    },
    keys: () => [...cache.keys()],
    originRequests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
