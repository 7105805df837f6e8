// One verify step, start to end: reads the sitemap first (an unreadable one is an error before any
// page is requested), then requests every URL as a visitor — explicit URLs first — with at most
// `concurrency` in flight inside the step's time, judges each answer's freshness per layer, and, with
// `warm`, requests each URL that missed a layer again and expects a hit there. Busy answers (429/503)
// are retried after Retry-After or a backoff. Returns the report; the probe, the sitemap reader and
// the clock are injected.

import type { Clock } from '../clock.js';
import {
  classifyResponse,
  isExpectedStatus,
  missedLayers,
  refillCheck,
  type FreshnessContext,
} from './freshness.js';
import type { Probe, ProbeOutcome } from './http-probe.js';
import type { RunFacts } from './likely-cause.js';
import type { VerifyStepConfig } from '../sites-file/verify-step-schema.js';
import { buildReport, type ProbeSummary, type UrlCheck, type VerifyReport } from './verify-report.js';
import { isBusyStatus, parseRetryAfter, runPool, type Attempted } from './warm.js';

export interface VerifyDeps {
  probe: Probe;
  /** The sitemap's page URLs not already in `seen`, at most `limit` (see sitemap.ts). */
  readSitemap: (url: string, limit: number, seen: Set<string>) => AsyncIterable<string>;
  clock: Clock;
  signal?: AbortSignal;
  random?: () => number;
}

export interface VerifyInput {
  config: VerifyStepConfig;
  /** Wall-clock time the run started (epoch ms): anything cached before it is stale. */
  runStartMs: number;
  facts: RunFacts;
}

interface Item {
  url: string;
  source: 'explicit' | 'sitemap';
  cold?: ProbeSummary;
  warm?: ProbeSummary;
}

function summarise(outcome: ProbeOutcome, ctx: FreshnessContext): ProbeSummary {
  if (outcome.kind !== 'response') return outcome;
  const cacheControl = outcome.headers['cache-control'];
  return {
    kind: 'response',
    status: outcome.status,
    ttfbMs: outcome.ttfbMs,
    findings: classifyResponse(outcome, ctx),
    ...(cacheControl !== undefined && { cacheControl }),
  };
}

/** The URLs to request: explicit ones (de-duplicated), then the sitemap's new ones up to its limit. */
async function collectItems(config: VerifyStepConfig, deps: VerifyDeps): Promise<Item[]> {
  const seen = new Set(config.urls);
  const items: Item[] = config.urls.map((url) => ({ url, source: 'explicit' }));
  if (config.sitemap !== undefined) {
    for await (const url of deps.readSitemap(config.sitemap, config.limit, seen)) {
      items.push({ url, source: 'sitemap' });
    }
  }
  return items;
}

export async function runVerify(input: VerifyInput, deps: VerifyDeps): Promise<VerifyReport> {
  const { config } = input;
  const { clock } = deps;
  const started = clock.now();
  const deadline = started + config.timeoutSeconds * 1000;
  const ctx: FreshnessContext = {
    runStartMs: input.runStartMs,
    cacheHeader: config.cacheHeader,
    generatedAtHeader: config.generatedAtHeader,
  };
  const items = await collectItems(config, deps);
  const requestMs = config.requestTimeoutSeconds * 1000;

  /** One request; a busy answer asks the pool to retry after the origin's Retry-After. */
  const request = async (url: string, budgetMs: number) => {
    const outcome = await deps.probe(url, Math.max(1, Math.min(requestMs, budgetMs)), deps.signal);
    const busy = outcome.kind === 'response' && isBusyStatus(outcome.status);
    const afterMs = busy
      ? parseRetryAfter(outcome.headers['retry-after'], clock.date().getTime())
      : undefined;
    return { summary: summarise(outcome, ctx), busy, afterMs };
  };
  const retryAfter = (afterMs: number | undefined) => ({ ...(afterMs !== undefined && { afterMs }) });

  const task = async (item: Item, budgetMs: number): Promise<Attempted<Item>> => {
    if (!item.cold || (item.cold.kind === 'response' && isBusyStatus(item.cold.status) && !item.warm)) {
      const cold = await request(item.url, budgetMs);
      item.cold = cold.summary;
      if (cold.busy) return { value: item, retry: retryAfter(cold.afterMs) };
    }
    const cold = item.cold;
    const answered = cold.kind === 'response' && isExpectedStatus(cold.status);
    if (!config.warm || !answered || missedLayers(cold.findings).length === 0) {
      return { value: item };
    }
    const remaining = deadline - clock.now();
    if (remaining <= 0) return { value: item };
    const warm = await request(item.url, remaining);
    item.warm = warm.summary;
    return warm.busy ? { value: item, retry: retryAfter(warm.afterMs) } : { value: item };
  };

  const checks: UrlCheck[] = [];
  const pool = await runPool(
    items,
    task,
    (item) => {
      const check: UrlCheck = { url: item.url, source: item.source, cold: item.cold! };
      if (item.warm) {
        check.warm = item.warm;
        if (item.cold!.kind === 'response' && item.warm.kind === 'response') {
          check.notRefilled = refillCheck(item.cold!.findings, item.warm.findings).notRefilled;
        }
      }
      checks.push(check);
    },
    {
      concurrency: config.concurrency,
      deadline,
      clock,
      ...(deps.signal && { signal: deps.signal }),
      ...(deps.random && { random: deps.random }),
    },
  );
  return buildReport({
    checks,
    notReached: pool.notReached.map(({ url, source }) => ({ url, source })),
    facts: input.facts,
    warm: config.warm,
    requestTimeoutSeconds: config.requestTimeoutSeconds,
    generatedAtHeader: config.generatedAtHeader,
    retries: pool.retries,
    durationMs: clock.now() - started,
  });
}
