// How a verify step's findings read in one line, wherever a step detail is shown (log, job summary,
// Slack): the layers' counts, the hit ratio after warming and the number of problems. Pure.

import type { VerifyReport } from '../verify/verify-report.js';
import { plural } from '../../shared/text.js';

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
