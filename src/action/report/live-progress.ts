// The live Slack message while a run goes (slack-bot-token + slack-channel): what is known so far —
// each site's steps done, the one running, the ones to come — as a chat.postMessage / chat.update
// payload ("⏳ Purging portal…" and the run link), and the thread reply that mentions the requester when
// the run failed. The progress is kept by a pure reducer over the executor's RunProgress events; the
// final message is the result message (slack-message.ts / sites-slack-message.ts). Pure.

import { escapeMrkdwn } from '../../shared/mrkdwn.js';
import type { Plan } from '../plan/plan.js';
import type { RunContext, RunProgress, RunReport, SitesRunReport, StepReport } from './report.js';
import { formatDuration, plural } from '../../shared/text.js';
import {
  bold,
  fallback,
  fitBlocks,
  header,
  link,
  packLines,
  type SlackBlock,
  type SlackPayload,
} from './slack-blocks.js';
import { failedStep, isSlackMention, plainRequester, reportSite, STEP_ICON } from './report-view.js';
import { causeSummary } from './diagnosis.js';
import { SITE_ICON, stepsDone } from './sites-view.js';
import { footer, slackRequester } from './slack-message.js';

interface SiteProgress {
  plan: Plan;
  done: StepReport[];
  running?: string;
  finished?: RunReport;
}

export interface LiveProgress {
  context: RunContext;
  sites: SiteProgress[];
}

export function startProgress(plans: readonly Plan[], context: RunContext): LiveProgress {
  return { context, sites: plans.map((plan) => ({ plan, done: [] })) };
}

/** The progress after one event (a new object; the old one is left as it was). */
export function nextProgress(progress: LiveProgress, event: RunProgress): LiveProgress {
  return {
    ...progress,
    sites: progress.sites.map((site): SiteProgress => {
      if (site.plan.site !== event.site) return site;
      switch (event.kind) {
        case 'step-started':
          return { ...site, running: event.step.name };
        case 'step-finished': {
          const { running: _, ...rest } = site;
          return { ...rest, done: [...site.done, event.report] };
        }
        case 'site-finished': {
          const { running: _, ...rest } = site;
          return { ...rest, finished: event.report };
        }
      }
    }),
  };
}

const what = (progress: LiveProgress) =>
  progress.sites.length === 1 ? progress.sites[0]!.plan.site : plural(progress.sites.length, 'site');

/** `⏳ *portal* · 1/3 steps done · running *FastCGI cache*` (or its steps one per line for one site). */
function siteLine(site: SiteProgress): string {
  const total = site.plan.steps.length;
  const done = (site.finished?.steps ?? site.done).filter((s) => s.status === 'success').length;
  if (site.finished) {
    const { status } = site.finished;
    return `${SITE_ICON[status]} ${bold(site.plan.site)} · ${stepsDone(site.finished)} · ${status}`;
  }
  const state = site.running
    ? `running ${bold(site.running)}`
    : site.done.length > 0
      ? 'between steps'
      : 'waiting';
  return `⏳ ${bold(site.plan.site)} · ${done}/${plural(total, 'step')} done · ${state}`;
}

function stepLines(site: SiteProgress): string[] {
  return site.plan.steps.map((step, i) => {
    const report = site.done[i];
    if (report) {
      const took = report.status === 'skipped' ? '' : ` · ${formatDuration(report.durationMs)}`;
      return `${STEP_ICON[report.status]} ${bold(step.name)}${took}`;
    }
    return site.running === step.name && site.done.length === i
      ? `⏳ ${bold(step.name)} · running`
      : `◻️ ${bold(step.name)}`;
  });
}

/** The message while the run goes: the same message is updated as steps finish. */
export function progressMessage(progress: LiveProgress): SlackPayload {
  const { context } = progress;
  const runLink = context.runUrl ? ` · ${link(context.runUrl, 'View the run')}` : '';
  const blocks: SlackBlock[] = [
    header(`⏳ Purging ${what(progress)}…`),
    ...packLines([
      `Requested by ${slackRequester(context.requester)}${runLink}`,
      ...(progress.sites.length === 1 ? stepLines(progress.sites[0]!) : progress.sites.map(siteLine)),
    ]),
  ];
  const end = footer(context);
  if (end) blocks.push(end);
  const url = context.runUrl && /^https?:\/\/\S+$/.test(context.runUrl) ? ` ${context.runUrl}` : '';
  return { text: fallback(`Purging ${escapeMrkdwn(what(progress))}…${url}`), blocks: fitBlocks(blocks) };
}

/** The reason a site failed in a few words: `WP Rocket: Exit code 3 on i-0a…`. */
function failureReason(report: RunReport): string {
  const step = failedStep(report);
  if (!step) return report.error ? (report.error.title ?? report.error.code) : report.status;
  const causes = causeSummary(step);
  return `${step.name}${causes ? `: ${causes}` : ''}`;
}

/**
 * The thread reply under the live message when the run failed: the requester mentioned (a Slack user;
 * anyone else named as plain text), each failed site and why, and the run link. undefined otherwise.
 */
export function failureReply(run: SitesRunReport): string | undefined {
  if (run.status !== 'failure') return undefined;
  const who = isSlackMention(run.context.requester)
    ? run.context.requester.trim()
    : escapeMrkdwn(plainRequester(run.context.requester));
  const failed = run.sites.filter((report) => report.status === 'failure');
  const lines = failed.map(
    (report) => `• ${bold(reportSite(report))}: ${escapeMrkdwn(failureReason(report))}`,
  );
  const runLink = run.context.runUrl ? ` ${link(run.context.runUrl, 'View the run')}.` : '';
  const subject =
    run.sites.length === 1
      ? 'the purge failed'
      : `${plural(failed.length, 'site')} of ${run.sites.length} failed`;
  return fallback([`${who}, ${subject}:${runLink}`, ...lines].join('\n'));
}
