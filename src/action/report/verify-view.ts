// How a verify step's findings read wherever a step is shown (log, job summary, Slack): the one-line
// detail of the steps table, and the pieces of the fuller account the job summary and Slack give of
// it — URLs and time taken, the statuses, time to first byte cold and warm, the warming, the stale
// URLs beyond those listed. Plain text; each view escapes and lays it out its own way. Pure.

import type { Layer } from '../verify/freshness.js';
import type { Percentiles, VerifyReport } from '../verify/verify-report.js';
import { formatDuration, listFirst, plural } from '../../shared/text.js';

export const LAYER_LABEL: Record<Layer, string> = { cdn: 'CDN', origin: 'origin (nginx)' };

/**
 * What a verify step found, in one line: `CDN 12 fresh · origin 10 fresh, 2 unverified · hit ratio after
 * warming 100% · 2 problems` (led by `62 URLs requested` when a sitemap added some; the targets column
 * has the listed ones). Layers that sent no header say so.
 */
export function describeVerification(v: VerifyReport): string {
  const layer = (name: string, c: VerifyReport['layers']['cdn']) => {
    const seen = c.fresh + c.stale + c.unverified;
    if (seen === 0) return `${name} not seen`;
    const parts = [
      `${c.fresh} fresh`,
      c.stale ? `${c.stale} stale` : '',
      c.unverified ? `${c.unverified} unverified` : '',
    ];
    return `${name} ${parts.filter(Boolean).join(', ')}`;
  };
  return [
    ...(v.urls.sitemap > 0 ? [`${plural(v.urls.total, 'URL')} requested`] : []),
    layer('CDN', v.layers.cdn),
    layer('origin', v.layers.origin),
    ...(v.hitRatioAfterWarming === null
      ? []
      : [`hit ratio after warming ${Math.round(v.hitRatioAfterWarming * 100)}%`]),
    ...(v.problemCount > 0 ? [plural(v.problemCount, 'problem')] : []),
  ].join(' · ');
}

/** `52 URLs (2 listed, 50 from the sitemap; 3 not reached) in 8.4 s` */
export function describeVerifiedUrls(v: VerifyReport): string {
  const notReached = v.urls.notReached > 0 ? `; ${v.urls.notReached} not reached` : '';
  return `${plural(v.urls.total, 'URL')} (${v.urls.explicit} listed, ${v.urls.sitemap} from the sitemap${notReached}) in ${formatDuration(v.durationMs)}`;
}

/** `200 ×97, 301 ×2, timeout ×1` (every request, re-requests included), the 8 most frequent first. */
export function describeStatuses(v: VerifyReport): string {
  const entries = Object.entries(v.statuses)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  return entries.length > 0
    ? listFirst(
        entries.map(([s, n]) => `${s} ×${n}`),
        8,
        ', ',
      )
    : 'none';
}

/** A TTFB percentile as read: `180 ms`, or `–` when there was no such request. */
export const ttfb = (ms: number | null) => (ms === null ? '–' : formatDuration(ms));

/** `p50 180 ms / p95 640 ms`, or `none` when no request of that kind was made. */
export const describePercentiles = (p: Percentiles) =>
  p.count === 0 ? 'none' : `p50 ${ttfb(p.p50)} / p95 ${ttfb(p.p95)}`;

/** `hit ratio after warming 98.0% · 51 URLs warmed · 1 retry`; with warm off, that it was not checked. */
export function describeWarming(v: VerifyReport): string {
  const retries = v.retries > 0 ? ` · ${plural(v.retries, 'retry', 'retries')} (429/503)` : '';
  if (v.hitRatioAfterWarming === null) {
    return `warming not checked (warm: false) · ${plural(v.warmed, 'URL')} cached${retries}`;
  }
  return `hit ratio after warming ${(v.hitRatioAfterWarming * 100).toFixed(1)}% · ${plural(v.warmed, 'URL')} warmed${retries}`;
}

/** Stale URL–layer pairs found beyond those the report lists. */
export const staleNotListed = (v: VerifyReport) =>
  Math.max(0, v.layers.cdn.stale + v.layers.origin.stale - v.stale.length);
