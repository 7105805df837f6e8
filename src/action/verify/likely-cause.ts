// Why a verify check failed, as a person fixing it needs to read it: which invalidation path would have
// covered a stale URL (CloudFront's rules: exact path, or a prefix ending in "*"), whether the run's
// FastCGI purge ran, and why a cache would not refill (no-cache/private pages, a cache directory nginx
// cannot write). Pure; fed the facts of the run by the executor.

import { listFirst } from '../../shared/text.js';

/** What the run did before the verify step, as far as the causes need to know. */
export interface RunFacts {
  /** Paths the run's CloudFront steps invalidated; undefined when no CloudFront step ran. */
  invalidationPaths?: readonly string[];
  /** Whether every invalidation of the run had completed when the URLs were requested. */
  invalidationCompleted?: boolean;
  /** How the run's nginx FastCGI purge went; undefined when the run had no such step or it is unknown. */
  originPurge?: 'succeeded' | 'failed' | 'not-run';
}

/** A path as an invalidation path is written (leading "/", as src/core/paths.ts normalises it). */
const normalised = (path: string) => (path.trim().startsWith('/') ? path.trim() : `/${path.trim()}`);

/**
 * The invalidation path that covers `url`, or undefined. CloudFront compares a path with the request's
 * path (and query string, when the cache key has one): equal, or, for a path ending in "*", starting
 * with what comes before the "*". Case-sensitive, compared as encoded.
 */
export function coveringPath(paths: readonly string[], url: string): string | undefined {
  const { pathname, search } = new URL(url);
  const candidates = search === '' ? [pathname] : [pathname + search, pathname];
  return paths.map(normalised).find((path) => {
    if (path.endsWith('*')) return candidates.some((c) => c.startsWith(path.slice(0, -1)));
    return candidates.includes(path);
  });
}

/** The path a fix would add for `url`: the page itself and its directory's wildcard. */
function suggestedPaths(url: string): string {
  const { pathname } = new URL(url);
  if (pathname === '/') return '/ (or /*)';
  const dir = pathname.endsWith('/') ? pathname : pathname.slice(0, pathname.lastIndexOf('/') + 1);
  return dir === '/' ? `${pathname} (or /*)` : `${pathname} or ${dir}*`;
}

export function cdnStaleCause(url: string, facts: RunFacts): string {
  const { pathname } = new URL(url);
  const paths = facts.invalidationPaths;
  if (paths === undefined || paths.length === 0) {
    return 'no CloudFront step of this run invalidated the distribution; add a cloudfront step before verify';
  }
  const covering = coveringPath(paths, url);
  if (covering === undefined) {
    return `the invalidation's paths (${listFirst([...paths], 5, ' ')}) do not cover ${pathname}; add ${suggestedPaths(url)}`;
  }
  if (facts.invalidationCompleted === false) {
    return `the invalidation (${covering} covers ${pathname}) had not completed; set "wait: true" on the cloudfront step or give verify a longer timeout`;
  }
  return `the invalidation covered ${pathname} (${covering}) yet the edge served an older copy: is this host served by the distribution the run invalidated?`;
}

export function originStaleCause(facts: RunFacts): string {
  switch (facts.originPurge) {
    case 'not-run':
    case undefined:
      return 'no step of this run purged the nginx FastCGI cache; add the CachePurge-FastCGI step before verify';
    case 'failed':
      return 'the FastCGI purge step of this run failed; see its output above';
    case 'succeeded':
      return "the purge ran but nginx still serves an older page: is its CachePath this site's fastcgi_cache_path? A plugin cache purged after nginx can also refill nginx with old output — purge the plugin cache first";
  }
}

/** Why a layer still missed on the second request. */
export function notRefillingCause(layer: 'cdn' | 'origin', cacheControl: string | undefined): string {
  const sent = cacheControl ? `Cache-Control: ${cacheControl}` : undefined;
  const refuses = sent !== undefined && /no-cache|no-store|private|max-age=0\b|s-maxage=0\b/i.test(sent);
  if (layer === 'cdn') {
    return refuses
      ? `the page sends ${sent}, so CloudFront does not keep it; let the page be cached or accept the miss`
      : "CloudFront is not keeping the page: check the cache behaviour's cache policy (TTLs, cookies or headers in the cache key)";
  }
  if (refuses) return `the page sends ${sent}, so nginx does not store it (or a cookie bypasses the cache)`;
  return 'the cache is not refilling: nginx may be unable to write its cache directory (a purge that recreated it as root leaves it unwritable to nginx), or fastcgi_cache_bypass / a Set-Cookie skips it';
}

export function statusCause(status: number): string {
  if (status >= 500) {
    return 'the origin is failing after the purge; check php-fpm and the nginx error log (a cache directory nginx can no longer write — "mkdir() … Permission denied" — makes it drop every page it has not cached yet)';
  }
  if (status === 429) return 'the origin or a firewall is rate-limiting the requests; lower "concurrency"';
  if (status === 404 || status === 410) return 'the page does not exist; fix the URL or the sitemap';
  if (status === 401 || status === 403) return 'the page is not public; verify only pages a visitor can see';
  return 'only 2xx and 3xx answers are accepted';
}

export function timeoutCause(timeoutSeconds: number): string {
  return `no answer within ${timeoutSeconds} s: the origin is slow to build pages after the purge (or unreachable); raise "request-timeout-seconds" if that is expected`;
}
