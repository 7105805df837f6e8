// The views of a run of several sites (SitesRunReport): the headline, each site's outcome in a few
// words, the outputs, the annotations and the job summary. Each site's own details are the one-site
// views (summary.ts, annotations.ts) of its RunReport; this adds the overview. Pure.

import type { Plan } from '../plan/plan.js';
import type { RunContext, RunReport, SitesRunReport } from './report.js';
import { runAnnotations } from './annotations.js';
import { commandIds, invalidationIds } from './report-outputs.js';
import { cell } from '../plan/plan-view.js';
import { contextLine, DETAILS_BUDGET, dryRunSummaryMarkdown, runSummaryMarkdown } from './summary.js';
import { failedStep, reportSite } from './report-view.js';
import { formatDuration, plural } from '../../shared/text.js';

export const SITE_ICON = { success: '✅', failure: '❌', cancelled: '⏹' } as const;

/** A site's outcome in a few words: `purged`, `failed at FastCGI cache`, `cancelled`, `not started`. */
export function siteOutcome(report: RunReport): string {
  if (report.status === 'success') return 'purged';
  if (report.status === 'cancelled') {
    return report.steps.every((s) => s.status === 'skipped') ? 'not started (cancelled)' : 'cancelled';
  }
  const step = failedStep(report);
  if (step) return `failed at ${step.name}`;
  return report.error ? 'failed before any step ran' : 'failed';
}

/** `3/3 steps` done of planned. */
export const stepsDone = (report: RunReport) =>
  `${report.steps.filter((s) => s.status === 'success').length}/${plural(report.plan.steps.length, 'step')}`;

/** `✅ 3 sites purged`, `❌ 3 sites: 2 purged, 1 failed (main)`, `⏹ 3 sites: cancelled (1 purged)`. */
export function sitesHeadline(run: SitesRunReport): string {
  const count = plural(run.sites.length, 'site');
  const of = (status: RunReport['status']) => run.sites.filter((r) => r.status === status);
  const purged = of('success').length;
  if (run.status === 'success') return `${SITE_ICON.success} ${count} purged`;
  if (run.status === 'cancelled') return `${SITE_ICON.cancelled} ${count}: cancelled (${purged} purged)`;
  const failed = of('failure').map(reportSite);
  return `${SITE_ICON.failure} ${count}: ${purged} purged, ${failed.length} failed (${failed.join(', ')})`;
}

export const dryRunSitesHeadline = (plans: readonly Plan[]) =>
  `📝 ${plural(plans.length, 'site')} purge planned (dry run): ${plans.map((p) => p.site).join(', ')}`;

/** The outputs of several sites: the report's multi-site form; ids in site order, then step order. */
export function sitesOutputs(run: SitesRunReport): Record<string, string> {
  return {
    status: run.status,
    report: JSON.stringify(run),
    'command-ids': JSON.stringify(run.sites.flatMap(commandIds)),
    'invalidation-ids': JSON.stringify(run.sites.flatMap(invalidationIds)),
  };
}

/** Each site's annotations; a failure before any site started (credentials) is said once, not per site. */
export function sitesAnnotations(run: SitesRunReport): ReturnType<typeof runAnnotations> {
  if (run.error) {
    return [
      {
        level: 'error',
        title: run.error.title ?? 'Purge failed before any site started',
        message: `${run.error.message}\nNot run: every step of ${run.sites.map(reportSite).join(', ')}.`,
      },
    ];
  }
  // a warning about a document several sites run (the pre-flight's) is said once
  const seen = new Set<string>();
  return run.sites.flatMap(runAnnotations).filter((annotation) => {
    if (annotation.level !== 'warning') return true;
    const key = `${annotation.title}\n${annotation.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The job summary: the sites at a glance, then each site's own summary. */
export function sitesSummaryMarkdown(run: SitesRunReport): string {
  const rows = run.sites.map((report) => {
    const icon = SITE_ICON[report.status];
    const why =
      failedStep(report)?.error?.message ?? (report.status === 'failure' ? report.error?.message : '');
    return `| ${cell(reportSite(report))} | ${icon} ${cell(siteOutcome(report))} | ${stepsDone(report)} | ${
      report.steps.every((s) => s.status === 'skipped') ? '–' : formatDuration(report.durationMs)
    } | ${cell(why ?? '')} |`;
  });
  const budget = Math.floor(DETAILS_BUDGET / run.sites.length);
  return [
    `## ${sitesHeadline(run)}`,
    '',
    contextLine(run.context, formatDuration(run.durationMs)),
    '',
    `Up to ${run.maxParallelSites} sites at a time; each site's steps in order, the first failure stopping the rest of that site.`,
    '',
    '| Site | Result | Steps done | Took | Why |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    ...run.sites.map((report) => runSummaryMarkdown(report, { detailsBudget: budget })),
  ].join('\n');
}

export function dryRunSitesSummaryMarkdown(plans: readonly Plan[], context: RunContext): string {
  return [
    `## ${dryRunSitesHeadline(plans)}`,
    '',
    contextLine(context),
    '',
    ...plans.map((plan) => dryRunSummaryMarkdown(plan)),
  ].join('\n');
}
