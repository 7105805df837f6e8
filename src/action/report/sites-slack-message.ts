// The Slack message of a run of several sites: one message, a line per site (its outcome, how long it
// took, its steps done), then for each failed site its failed step's causes and output, as the
// one-site message shows them (slack-message.ts). Also the dry run's message of several plans. Built
// within Block Kit's limits from slack-blocks.ts. Pure.

import { escapeMrkdwn } from '../../shared/mrkdwn.js';
import type { Plan } from '../plan/plan.js';
import type { RunContext, RunReport, SitesRunReport } from './report.js';
import { describeStep } from '../plan/plan-view.js';
import { formatDuration, plural } from '../../shared/text.js';
import {
  bold,
  fallback,
  fitBlocks,
  header,
  packLines,
  section,
  type SlackBlock,
  type SlackPayload,
} from './slack-blocks.js';
import { causeSummary } from './diagnosis.js';
import { failedStep, reportSite } from './report-view.js';
import { contextFields, failureDetails, footer, slackRequester } from './slack-message.js';
import { dryRunSitesHeadline, SITE_ICON, siteOutcome, sitesHeadline, stepsDone } from './sites-view.js';

/** `❌ *main* failed at *FastCGI cache* · 4.2 s · 1/3 steps` */
export function siteLine(report: RunReport): string {
  const outcome = siteOutcome(report);
  const step = failedStep(report);
  const said = step ? `failed at ${bold(step.name)}` : escapeMrkdwn(outcome);
  const ran = !report.steps.every((s) => s.status === 'skipped');
  return [
    `${SITE_ICON[report.status]} ${bold(reportSite(report))} ${said}`,
    ...(ran ? [formatDuration(report.durationMs)] : []),
    stepsDone(report),
  ].join(' · ');
}

/** The short reason of a failed site, for the notification text: `main: Undeliverable on i-0a…`. */
function failureReason(report: RunReport): string | undefined {
  const step = failedStep(report);
  if (!step)
    return report.status === 'failure' && report.error
      ? (report.error.title ?? report.error.code)
      : undefined;
  return causeSummary(step) || step.name;
}

export function sitesReportMessage(run: SitesRunReport): SlackPayload {
  const blocks: SlackBlock[] = [
    header(sitesHeadline(run)),
    contextFields(run.context, formatDuration(run.durationMs)),
    { type: 'divider' },
  ];
  if (run.error)
    blocks.push(section(`${bold(run.error.title ?? 'Error')}: ${escapeMrkdwn(run.error.message)}`));
  blocks.push(...packLines(run.sites.map(siteLine)));
  for (const report of run.sites) {
    const step = failedStep(report);
    if (!step) continue;
    const details = failureDetails(step);
    if (details !== '') blocks.push(section(`${bold(reportSite(report))} · ${bold(step.name)}\n${details}`));
  }
  if (run.status === 'cancelled') {
    blocks.push(
      section(
        'The run was cancelled: steps already done stay done; the caches may be partly purged. Run the purge again to finish.',
      ),
    );
  }
  const end = footer(run.context);
  if (end) blocks.push(end);
  const reasons = run.sites.flatMap((report) => {
    const reason = failureReason(report);
    return reason ? [`${reportSite(report)}: ${reason}`] : [];
  });
  return {
    text: fallback(
      `${sitesHeadline(run)} (requested by ${slackRequester(run.context.requester)}, ${formatDuration(run.durationMs)})${
        reasons.length > 0 ? ` — ${escapeMrkdwn(reasons.join('; '))}` : ''
      }`,
    ),
    blocks: fitBlocks(blocks),
  };
}

export function dryRunSitesMessage(plans: readonly Plan[], context: RunContext): SlackPayload {
  const blocks: SlackBlock[] = [
    header(dryRunSitesHeadline(plans)),
    contextFields(context),
    { type: 'divider' },
  ];
  blocks.push(
    section(
      `Nothing was purged. These sites would purge up to the run's max-parallel-sites at a time, each site's steps in order, the first failure stopping the rest of that site:`,
    ),
  );
  for (const plan of plans) {
    blocks.push(
      ...packLines([
        bold(plan.site),
        ...plan.steps.map((step) => `${step.index}. ${bold(step.name)}: ${escapeMrkdwn(describeStep(step))}`),
      ]),
    );
  }
  const end = footer(context);
  if (end) blocks.push(end);
  const steps = plans.reduce((n, p) => n + p.steps.length, 0);
  return {
    text: fallback(
      `${dryRunSitesHeadline(plans)}: ${plural(steps, 'step')} would run (requested by ${slackRequester(context.requester)})`,
    ),
    blocks: fitBlocks(blocks),
  };
}
