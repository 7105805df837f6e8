// Is what a visitor got fresh? One response judged per cache layer — the CDN (CloudFront's X-Cache and
// Age) and the origin (nginx's $upstream_cache_status header, dated by the page's generation-time
// header) — as fresh, stale (cached before this run started), unverified (a hit that cannot be dated)
// or not seen (the layer sent no header). Pure: times are passed in as epoch milliseconds.

export type Layer = 'cdn' | 'origin';
export const LAYERS: readonly Layer[] = ['cdn', 'origin'];
export type LayerVerdict = 'fresh' | 'stale' | 'unverified' | 'not-seen';
/** What the layer did with this request: served its copy, fetched a new one, or neither/unknown. */
export type CacheOutcome = 'hit' | 'miss' | 'other' | 'absent';

export interface LayerFinding {
  layer: Layer;
  verdict: LayerVerdict;
  outcome: CacheOutcome;
  /** The header value as sent, e.g. `Hit from cloudfront` or `HIT`. */
  header?: string;
  /** How old the layer's copy was when it was served, in seconds, when known. */
  ageSeconds?: number;
  /** What was seen, for messages: header values, age, generation time. */
  evidence: string;
}

export interface Observation {
  status: number;
  /** Response headers, names in lower case. */
  headers: Readonly<Record<string, string>>;
  /** Wall-clock time the response headers arrived. */
  responseAtMs: number;
}

export interface FreshnessContext {
  /** Wall-clock time this run started: anything cached before it is stale. */
  runStartMs: number;
  cacheHeader: string;
  generatedAtHeader: string;
}

/**
 * Rounding allowance: Age, Date and a generation time in whole seconds are up to 1 s short; a copy
 * dated within this of the run's start is not called stale.
 */
export const ROUNDING_MS = 1_000;
/** Allowance for the origin's clock against the runner's, used only when the origin sends no Date. */
export const CLOCK_SKEW_MS = 2_000;

const header = (obs: Observation, name: string) => obs.headers[name.toLowerCase()]?.trim();

const whole = (value: string | undefined) =>
  value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;

const secondsAgo = (ms: number) => `${Math.max(0, Math.round(ms / 1000))} s`;

/** CloudFront's X-Cache: `Hit from cloudfront`, `RefreshHit …`, `Miss …`, `Error …`. */
export function classifyCdn(obs: Observation, ctx: FreshnessContext): LayerFinding {
  const value = header(obs, 'x-cache');
  if (value === undefined || value === '') {
    return { layer: 'cdn', verdict: 'not-seen', outcome: 'absent', evidence: 'no X-Cache header' };
  }
  const kind = value.split(/\s+/)[0]!.toLowerCase();
  const age = whole(header(obs, 'age'));
  const seen = `X-Cache: ${value}${age === undefined ? '' : `, Age: ${age}`}`;
  const base = { layer: 'cdn' as const, header: value, ...(age !== undefined && { ageSeconds: age }) };
  if (kind === 'miss') return { ...base, verdict: 'fresh', outcome: 'miss', evidence: seen };
  // RefreshHit: the edge's copy had expired and the origin confirmed it is current.
  if (kind === 'refreshhit') return { ...base, verdict: 'fresh', outcome: 'hit', evidence: seen };
  if (kind === 'hit') {
    if (age === undefined) {
      return { ...base, verdict: 'unverified', outcome: 'hit', evidence: `${seen} (no Age to date it)` };
    }
    const sinceRunStart = obs.responseAtMs - ctx.runStartMs;
    const stale = age * 1000 > sinceRunStart + ROUNDING_MS;
    return {
      ...base,
      verdict: stale ? 'stale' : 'fresh',
      outcome: 'hit',
      evidence: stale
        ? `${seen} — cached ${age} s ago, the run started ${secondsAgo(sinceRunStart)} ago`
        : seen,
    };
  }
  return { ...base, verdict: 'unverified', outcome: 'other', evidence: `${seen} (not a cached answer)` };
}

/**
 * The page's generation time from the generation-time header: unix seconds (fractions allowed, as
 * PHP's microtime(true) prints them) or an RFC 3339 / HTTP date. Epoch milliseconds, or undefined.
 */
export function parseGeneratedAt(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (/^\d{9,11}(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  if (!/[a-z]/i.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * When the page was generated, on the runner's clock. With the origin's Date header the origin clock
 * cancels out: the copy's age is Date − generated-at (both the origin's clock), plus, when the CDN
 * served its own copy, the CDN's Age (the Date header is then as old as that copy).
 */
function generatedOnRunnerClock(obs: Observation, generatedMs: number, cdnAge: number | undefined) {
  const date = Date.parse(header(obs, 'date') ?? '');
  if (Number.isNaN(date)) return { atMs: generatedMs, allowanceMs: CLOCK_SKEW_MS + ROUNDING_MS };
  const ageMs = Math.max(0, date - generatedMs) + (cdnAge ?? 0) * 1000;
  return { atMs: obs.responseAtMs - ageMs, allowanceMs: ROUNDING_MS };
}

const ORIGIN_FRESH = new Set(['miss', 'bypass', 'expired', 'revalidated']);
const ORIGIN_STALE_COPY = new Set(['stale', 'updating']);

/** The origin's cache header (nginx $upstream_cache_status), judged with the CDN's finding beside it. */
export function classifyOrigin(obs: Observation, ctx: FreshnessContext, cdn: LayerFinding): LayerFinding {
  const value = header(obs, ctx.cacheHeader);
  if (value === undefined || value === '') {
    return {
      layer: 'origin',
      verdict: 'not-seen',
      outcome: 'absent',
      evidence: `no ${ctx.cacheHeader} header`,
    };
  }
  const status = value.toLowerCase();
  const generatedRaw = header(obs, ctx.generatedAtHeader);
  const seen = `${ctx.cacheHeader}: ${value}${generatedRaw ? `, ${ctx.generatedAtHeader}: ${generatedRaw}` : ''}`;
  const base = { layer: 'origin' as const, header: value };
  if (cdn.verdict === 'stale') {
    return {
      ...base,
      verdict: 'unverified',
      outcome: 'other',
      evidence: `${seen} (from the CDN's stale copy, not the origin now)`,
    };
  }
  const outcome: CacheOutcome = status === 'hit' ? 'hit' : ORIGIN_FRESH.has(status) ? 'miss' : 'other';
  if (ORIGIN_FRESH.has(status)) return { ...base, verdict: 'fresh', outcome, evidence: seen };
  if (status !== 'hit' && !ORIGIN_STALE_COPY.has(status)) {
    return { ...base, verdict: 'unverified', outcome, evidence: `${seen} (unknown cache status)` };
  }
  const generatedMs = parseGeneratedAt(generatedRaw);
  if (generatedMs === undefined) {
    const why = generatedRaw
      ? `${ctx.generatedAtHeader} is not unix seconds or a date`
      : `no ${ctx.generatedAtHeader} header to date it`;
    return { ...base, verdict: 'unverified', outcome, evidence: `${seen} (${why})` };
  }
  const cdnAge = cdn.outcome === 'hit' ? cdn.ageSeconds : undefined;
  const generated = generatedOnRunnerClock(obs, generatedMs, cdnAge);
  const ageSeconds = Math.max(0, Math.round((obs.responseAtMs - generated.atMs) / 1000));
  const stale = generated.atMs < ctx.runStartMs - generated.allowanceMs;
  const when = `generated ${ageSeconds} s ago, the run started ${secondsAgo(obs.responseAtMs - ctx.runStartMs)} ago`;
  return {
    ...base,
    verdict: stale ? 'stale' : 'fresh',
    outcome,
    ageSeconds,
    evidence: stale ? `${seen} — ${when}` : seen,
  };
}

/** Both layers of one response. */
export function classifyResponse(obs: Observation, ctx: FreshnessContext): Record<Layer, LayerFinding> {
  const cdn = classifyCdn(obs, ctx);
  return { cdn, origin: classifyOrigin(obs, ctx, cdn) };
}

/** A status the step accepts: 2xx or 3xx (redirects are not followed; a redirect is an answer). */
export const isExpectedStatus = (status: number) => status >= 200 && status < 400;

/**
 * The layers a second request must find cached: each one that fetched a new copy on the first. The
 * origin's header is only the origin's answer *now* when the CDN did not serve its own copy.
 */
export function refillCheck(first: Record<Layer, LayerFinding>, second: Record<Layer, LayerFinding>) {
  const notRefilled: Layer[] = [];
  let checked = 0;
  if (first.cdn.outcome === 'miss') {
    checked++;
    if (second.cdn.outcome !== 'hit') notRefilled.push('cdn');
  }
  if (first.origin.outcome === 'miss' && second.cdn.outcome !== 'hit') {
    checked++;
    if (second.origin.outcome !== 'hit') notRefilled.push('origin');
  }
  return { checked, notRefilled };
}

/** The layers of one response at which it was a miss (the request filled that cache, if it could). */
export const missedLayers = (findings: Record<Layer, LayerFinding>) =>
  LAYERS.filter((layer) => findings[layer].outcome === 'miss');
