// What a verify step found, from the per-URL results: the `report` object (per-layer counts, stale URLs
// with evidence and likely cause, status counts, TTFB p50/p95 cold vs warm, hit ratio after warming,
// URLs warmed, duration — its JSON shape is documented in docs/verify.md), the step's verdict (failures
// and warnings, each naming the URL, the layer, the evidence and the likely cause) and the log lines.
// Pure.

import { formatDuration, listFirst, plural } from '../../shared/text.js';
import { isExpectedStatus, LAYERS, type Layer, type LayerFinding } from './freshness.js';
import {
  cdnStaleCause,
  notRefillingCause,
  originStaleCause,
  statusCause,
  timeoutCause,
  type RunFacts,
} from './likely-cause.js';

export type ProbeSummary =
  | {
      kind: 'response';
      status: number;
      ttfbMs: number;
      findings: Record<Layer, LayerFinding>;
      cacheControl?: string;
    }
  | { kind: 'timeout'; afterMs: number }
  | { kind: 'network'; message: string };

export interface UrlCheck {
  url: string;
  source: 'explicit' | 'sitemap';
  cold: ProbeSummary;
  /** The second request, made when `warm` is on and the first missed a layer. */
  warm?: ProbeSummary;
  /** Layers that missed on the first request and still missed on the second. */
  notRefilled?: Layer[];
}

export type ProblemKind = 'stale' | 'status' | 'timeout' | 'network' | 'not-refilling' | 'not-reached';

export interface Problem {
  url: string;
  kind: ProblemKind;
  layer?: Layer;
  evidence: string;
  cause: string;
}

export interface LayerCounts {
  fresh: number;
  stale: number;
  unverified: number;
  notSeen: number;
}

export interface Percentiles {
  count: number;
  p50: number | null;
  p95: number | null;
}

export interface VerifyReport {
  passed: boolean;
  urls: { total: number; explicit: number; sitemap: number; notReached: number };
  layers: Record<Layer, LayerCounts>;
  /** The first MAX_LISTED problems; `problemCount` has them all. */
  problems: Problem[];
  problemCount: number;
  stale: { url: string; layer: Layer; evidence: string }[];
  statuses: Record<string, number>;
  ttfbMs: { cold: Percentiles; warm: Percentiles };
  hitRatioAfterWarming: number | null;
  warmed: number;
  retries: number;
  durationMs: number;
  failures: string[];
  warnings: string[];
}

export const MAX_LISTED = 20;
const LAYER_NAMES: Record<Layer, string> = { cdn: 'the CDN', origin: 'the origin (nginx)' };

/** Nearest-rank percentile of `values` (ms, rounded); null when there are none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!);
}

const percentiles = (values: number[]): Percentiles => ({
  count: values.length,
  p50: percentile(values, 50),
  p95: percentile(values, 95),
});

const statusKey = (probe: ProbeSummary) => (probe.kind === 'response' ? String(probe.status) : probe.kind);

/** The problems one URL shows. */
export function urlProblems(check: UrlCheck, facts: RunFacts, requestTimeoutSeconds: number): Problem[] {
  const { url, cold } = check;
  if (cold.kind === 'timeout') {
    return [
      {
        url,
        kind: 'timeout',
        evidence: `no response after ${formatDuration(cold.afterMs)}`,
        cause: timeoutCause(requestTimeoutSeconds),
      },
    ];
  }
  if (cold.kind === 'network') {
    return [{ url, kind: 'network', evidence: cold.message, cause: 'the host could not be reached' }];
  }
  const problems: Problem[] = [];
  if (!isExpectedStatus(cold.status)) {
    problems.push({
      url,
      kind: 'status',
      evidence: `status ${cold.status}`,
      cause: statusCause(cold.status),
    });
  }
  for (const layer of LAYERS) {
    const finding = cold.findings[layer];
    if (finding.verdict !== 'stale') continue;
    const cause = layer === 'cdn' ? cdnStaleCause(url, facts) : originStaleCause(facts);
    problems.push({ url, kind: 'stale', layer, evidence: finding.evidence, cause });
  }
  const warm = check.warm;
  if (warm && warm.kind !== 'response') {
    problems.push(...urlProblems({ url, source: check.source, cold: warm }, facts, requestTimeoutSeconds));
  } else if (warm) {
    for (const layer of check.notRefilled ?? []) {
      const first = cold.findings[layer].evidence;
      problems.push({
        url,
        kind: 'not-refilling',
        layer,
        evidence: `first request ${first}; second request ${warm.findings[layer].evidence}`,
        cause: notRefillingCause(layer, warm.cacheControl),
      });
    }
  }
  return problems;
}

/** Whether the cache holds the URL now, judged by its last answer; undefined when no layer was seen. */
function cachedNow(check: UrlCheck): boolean | undefined {
  const last = check.warm ?? check.cold;
  if (last.kind !== 'response' || !isExpectedStatus(last.status)) return false;
  const { cdn, origin } = last.findings;
  if (cdn.outcome === 'hit') return true;
  if (origin.outcome === 'absent' && cdn.outcome === 'absent') return undefined;
  if (origin.outcome === 'absent') return false;
  return origin.outcome === 'hit' && cdn.outcome === 'absent';
}

export interface ReportInput {
  checks: readonly UrlCheck[];
  notReached: readonly { url: string; source: 'explicit' | 'sitemap' }[];
  facts: RunFacts;
  warm: boolean;
  requestTimeoutSeconds: number;
  generatedAtHeader: string;
  retries: number;
  durationMs: number;
}

export function buildReport(input: ReportInput): VerifyReport {
  const { checks, facts } = input;
  const layers = Object.fromEntries(
    LAYERS.map((l) => [l, { fresh: 0, stale: 0, unverified: 0, notSeen: 0 }]),
  ) as Record<Layer, LayerCounts>;
  const statuses: Record<string, number> = {};
  const cold: number[] = [];
  const warm: number[] = [];
  const problems: Problem[] = [];
  let warmed = 0;
  let judged = 0;
  let undatedOriginHits = 0;
  for (const check of checks) {
    for (const probe of [check.cold, ...(check.warm ? [check.warm] : [])]) {
      statuses[statusKey(probe)] = (statuses[statusKey(probe)] ?? 0) + 1;
    }
    if (check.cold.kind === 'response') {
      cold.push(check.cold.ttfbMs);
      for (const layer of LAYERS) {
        const verdict = check.cold.findings[layer].verdict;
        layers[layer][verdict === 'not-seen' ? 'notSeen' : verdict]++;
      }
      const origin = check.cold.findings.origin;
      if (origin.verdict === 'unverified' && origin.outcome === 'hit' && origin.ageSeconds === undefined) {
        undatedOriginHits++;
      }
    }
    if (check.warm?.kind === 'response') warm.push(check.warm.ttfbMs);
    const cached = cachedNow(check);
    if (cached !== undefined) judged++;
    if (cached) warmed++;
    problems.push(...urlProblems(check, facts, input.requestTimeoutSeconds));
  }
  for (const { url, source } of input.notReached) {
    if (source !== 'explicit') continue;
    const evidence = `not requested: the step's time ran out first`;
    problems.push({
      url,
      kind: 'not-reached',
      evidence,
      cause: 'raise "timeout-seconds" or list fewer URLs',
    });
  }

  const failures = failureLines(problems);
  const warnings: string[] = [];
  if (undatedOriginHits > 0) {
    warnings.push(
      `${plural(undatedOriginHits, 'URL')} came from the origin's cache (HIT) without a ${input.generatedAtHeader} header, so they could not be dated (unverified); add the header as docs/verify.md shows`,
    );
  }
  const sitemapNotReached = input.notReached.filter((n) => n.source === 'sitemap').length;
  if (sitemapNotReached > 0) {
    warnings.push(
      `${plural(sitemapNotReached, 'sitemap URL')} not warmed: the step's time ran out; raise "timeout-seconds" or lower "limit"`,
    );
  }
  for (const layer of LAYERS) {
    if (checks.length > 0 && layers[layer].notSeen === checks.length) {
      warnings.push(
        `no response showed ${LAYER_NAMES[layer]}'s cache header${layer === 'origin' ? ' (is "cache-header" the header nginx sets?)' : ''}; that layer was not seen`,
      );
    }
  }
  return {
    passed: problems.length === 0,
    urls: {
      total: checks.length + input.notReached.length,
      explicit: [...checks, ...input.notReached].filter((c) => c.source === 'explicit').length,
      sitemap: [...checks, ...input.notReached].filter((c) => c.source === 'sitemap').length,
      notReached: input.notReached.length,
    },
    layers,
    problems: problems.slice(0, MAX_LISTED),
    problemCount: problems.length,
    stale: problems
      .filter((p) => p.kind === 'stale')
      .slice(0, MAX_LISTED)
      .map((p) => ({ url: p.url, layer: p.layer!, evidence: p.evidence })),
    statuses,
    ttfbMs: { cold: percentiles(cold), warm: percentiles(warm) },
    hitRatioAfterWarming: input.warm && judged > 0 ? Math.round((warmed / judged) * 1000) / 1000 : null,
    warmed,
    retries: input.retries,
    durationMs: Math.round(input.durationMs),
    failures,
    warnings,
  };
}

const KIND_TEXT: Record<ProblemKind, string> = {
  stale: 'is stale',
  status: 'answered an unexpected status',
  timeout: 'timed out',
  network: 'could not be requested',
  'not-refilling': 'is not refilling',
  'not-reached': 'was not checked',
};

/** One line per problem, the first MAX_LISTED, then how many more. */
function failureLines(problems: readonly Problem[]): string[] {
  const lines = problems.slice(0, MAX_LISTED).map((p) => {
    const where = p.layer ? ` at ${LAYER_NAMES[p.layer]}` : '';
    return `${p.url} ${KIND_TEXT[p.kind]}${where}: ${p.evidence}. Likely cause: ${p.cause}`;
  });
  if (problems.length > MAX_LISTED) lines.push(`… and ${problems.length - MAX_LISTED} more problems`);
  return lines;
}

const ms = (value: number | null) => (value === null ? '–' : formatDuration(value));

/** The log's account of the step, a line each. */
export function reportLines(report: VerifyReport): string[] {
  const counts = (l: Layer) => {
    const c = report.layers[l];
    return `${LAYER_NAMES[l]}: ${c.fresh} fresh, ${c.stale} stale, ${c.unverified} unverified, ${c.notSeen} not seen`;
  };
  const statuses = Object.entries(report.statuses).map(([s, n]) => `${s} ×${n}`);
  const { cold, warm } = report.ttfbMs;
  return [
    `Verify ${report.passed ? 'passed' : 'FAILED'}: ${plural(report.urls.total, 'URL')} (${report.urls.explicit} listed, ${report.urls.sitemap} from the sitemap) in ${formatDuration(report.durationMs)}`,
    counts('cdn'),
    counts('origin'),
    `Statuses: ${statuses.length ? listFirst(statuses, 8, ', ') : 'none'}`,
    `TTFB cold p50 ${ms(cold.p50)} / p95 ${ms(cold.p95)}; warm p50 ${ms(warm.p50)} / p95 ${ms(warm.p95)}`,
    report.hitRatioAfterWarming === null
      ? `Warming not checked; ${plural(report.warmed, 'URL')} cached`
      : `Hit ratio after warming ${(report.hitRatioAfterWarming * 100).toFixed(1)}%; ${plural(report.warmed, 'URL')} warmed${report.retries ? `, ${plural(report.retries, 'retry', 'retries')}` : ''}`,
    ...report.failures.map((f) => `✗ ${f}`),
    ...report.warnings.map((w) => `⚠ ${w}`),
  ];
}
