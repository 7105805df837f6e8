// The Slack result message: a run report (or, for a dry run, the plan) → `{text, blocks}`, posted as an
// incoming-webhook payload or, with a bot token, as the live message's final chat.update: the headline, who asked and how, each step's line, a verify step's findings (the
// layers' counts, time to first byte, statuses, warming, the first stale URLs) as short lines a phone
// shows without scrolling sideways, a failed step's causes and the first lines of its instances'
// output, the fallback text a notification shows. Built as objects
// (serialised by the webhook client), never as JSON templates, from slack-blocks.ts, which holds
// every block within Block Kit's limits. The link to the run is a mrkdwn link, not a URL button: a
// button in a message from an app without an interactivity URL shows Slack's warning icon when
// clicked. Pure.

import { escapeMrkdwn } from '../../shared/mrkdwn.js';
import type { Plan } from '../plan/plan.js';
import type { RunContext, RunReport, SsmStepReport, StepReport, VerifyStepReport } from './report.js';
import { describeStep } from '../plan/plan-view.js';
import { andMore, formatDuration, plural } from '../../shared/text.js';
import {
  SLACK_LIMITS,
  bold,
  code,
  fallback,
  fitBlocks,
  header,
  link,
  mrkdwn,
  packLines,
  section,
  type Mrkdwn,
  type SlackBlock,
  type SlackPayload,
} from './slack-blocks.js';
import { describeCause, diagnose, listInstances } from './diagnosis.js';
import {
  describeRevision,
  describeTrigger,
  dryRunHeadline,
  failedInstances,
  failedStep,
  failureOutputLines,
  headline,
  isFailedStep,
  isSlackMention,
  plainRequester,
  skipReason,
  STEP_ICON,
  stepDetail,
  stepTargets,
  describeInstanceStatus,
} from './report-view.js';
import {
  describePercentiles,
  describeStatuses,
  describeVerifiedUrls,
  describeWarming,
  LAYER_LABEL,
  staleNotListed,
} from './verify-view.js';
import { LAYERS } from '../verify/freshness.js';

/** Instances whose output is shown for a failed step, and lines of it each. */
const SHOWN_FAILED_INSTANCES = 5;
const OUTPUT_LINES = 5;
const OUTPUT_LINE_MAX = 200;
/** Stale URLs a verify step's section lists (the job summary lists 20), and the characters of each. */
const SHOWN_STALE_URLS = 5;
const URL_MAX = 120;

/** A Slack mention stays a mention; anything else is shown as escaped text. */
export function slackRequester(requester: string): string {
  const trimmed = requester.trim();
  return isSlackMention(trimmed) ? trimmed : escapeMrkdwn(plainRequester(trimmed));
}

// ── parts ────────────────────────────────────────────────────────────────────────────────────────

export function contextFields(context: RunContext, duration?: string): SlackBlock {
  const fields: Mrkdwn[] = [
    mrkdwn(`*Requested by*\n${slackRequester(context.requester)}`, SLACK_LIMITS.fieldText),
    mrkdwn(
      `*Trigger*\n${escapeMrkdwn(describeTrigger(context.trigger, context.eventName))}`,
      SLACK_LIMITS.fieldText,
    ),
  ];
  if (duration) fields.push(mrkdwn(`*Took*\n${duration}`, SLACK_LIMITS.fieldText));
  const revision = describeRevision(context);
  if (revision) fields.push(mrkdwn(`*Commit*\n${code(revision)}`, SLACK_LIMITS.fieldText));
  return { type: 'section', fields: fields.slice(0, SLACK_LIMITS.fields) };
}

export function footer(context: RunContext): SlackBlock | undefined {
  const parts: string[] = [];
  if (context.runUrl) {
    const attempt =
      context.runAttempt && context.runAttempt !== '1' ? ` (attempt ${context.runAttempt})` : '';
    parts.push(link(context.runUrl, `View the workflow run${attempt}`));
  }
  if (context.repository) parts.push(escapeMrkdwn(context.repository));
  if (context.workflow) parts.push(escapeMrkdwn(context.workflow));
  if (parts.length === 0) return undefined;
  return { type: 'context', elements: [mrkdwn(parts.join(' · '))] };
}

/** `✅ *W3 Total Cache* · 4.2 s · 3/3 instances · 1,234 files (12.3 MiB) removed · wp-cli` */
function stepLine(step: StepReport, skipped: string): string {
  const parts = [`${STEP_ICON[step.status]} ${bold(step.name)}`];
  if (step.status !== 'skipped') parts.push(formatDuration(step.durationMs));
  if (step.status !== 'skipped') parts.push(escapeMrkdwn(stepTargets(step)));
  // A failed step's instances and causes follow in their own section.
  parts.push(
    escapeMrkdwn(
      stepDetail(step, { failures: !isFailedStep(step), skipReason: skipped, distribution: false }),
    ),
  );
  return parts.join(' · ');
}

/** Which instances failed, how, the first lines of their output, and the likely fix. */
export function failureDetails(step: StepReport): string {
  const pieces: string[] = diagnose(step).map((cause) => `• ${escapeMrkdwn(describeCause(cause))}`);
  if (step.kind === 'ssm') pieces.push(...instanceOutputs(step));
  return pieces.join('\n');
}

function instanceOutputs(step: SsmStepReport): string[] {
  const failed = failedInstances(step);
  const pieces: string[] = [];
  for (const instance of failed.slice(0, SHOWN_FAILED_INSTANCES)) {
    const lines = failureOutputLines(instance, OUTPUT_LINES).map((line) =>
      line.length > OUTPUT_LINE_MAX ? `${line.slice(0, OUTPUT_LINE_MAX)}…` : line,
    );
    const cut = instance.outputTruncated ? ' _(output cut by SSM)_' : '';
    const title = `${code(instance.instanceId)} ${escapeMrkdwn(describeInstanceStatus(instance))}${cut}`;
    if (lines.length === 0) {
      pieces.push(`${title}: no output`);
      continue;
    }
    // A fence inside the output would close ours early.
    const body = escapeMrkdwn(lines.join('\n').replace(/```/g, "'''"));
    pieces.push(`${title}\n\`\`\`${body}\`\`\``);
  }
  if (failed.length > SHOWN_FAILED_INSTANCES) {
    pieces.push(
      `_${andMore(failed.length - SHOWN_FAILED_INSTANCES, 'failed instance')}: see the job summary._`,
    );
  }
  return pieces;
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** A verify step's findings, a short line each. */
function verifyDetails(step: VerifyStepReport): string | undefined {
  const v = step.verify;
  if (!v) return undefined;
  const counts = (layer: (typeof LAYERS)[number]) => {
    const c = v.layers[layer];
    return `${bold(LAYER_LABEL[layer])} ${c.fresh} fresh · ${c.stale} stale · ${c.unverified} unverified · ${c.notSeen} not seen`;
  };
  const url = (u: string) => code(u.length > URL_MAX ? `${u.slice(0, URL_MAX - 1)}…` : u);
  const stale = v.stale
    .slice(0, SHOWN_STALE_URLS)
    .map((s) => `• ${url(s.url)} at the ${LAYER_LABEL[s.layer]}`);
  const more = v.stale.length - stale.length + staleNotListed(v);
  if (more > 0) stale.push(`_${andMore(more)}: see the job summary._`);
  return [
    `${bold('Requested')} ${escapeMrkdwn(describeVerifiedUrls(v))}`,
    ...LAYERS.map(counts),
    `${bold('TTFB')} cold ${describePercentiles(v.ttfbMs.cold)} · warm ${describePercentiles(v.ttfbMs.warm)}`,
    `${bold('Statuses')} ${escapeMrkdwn(describeStatuses(v))}`,
    escapeMrkdwn(capitalised(describeWarming(v))),
    ...(stale.length > 0 ? [bold('Stale'), ...stale] : []),
    ...v.warnings.map((w) => `⚠ ${escapeMrkdwn(w)}`),
  ].join('\n');
}

// ── messages ─────────────────────────────────────────────────────────────────────────────────────

export function runReportMessage(report: RunReport): SlackPayload {
  const { context } = report;
  const blocks: SlackBlock[] = [
    header(headline(report)),
    contextFields(context, formatDuration(report.durationMs)),
  ];
  blocks.push({ type: 'divider' });
  if (report.error)
    blocks.push(section(`${bold(report.error.title ?? 'Error')}: ${escapeMrkdwn(report.error.message)}`));

  const skipped = skipReason(report);
  // Steps before the failure pack together; the failed step gets its own section and its details.
  // So does a verify step that found something: its findings follow its line.
  let pending: string[] = [];
  for (const step of report.steps) {
    const verified = step.kind === 'verify' ? verifyDetails(step) : undefined;
    if (!isFailedStep(step) && verified === undefined) {
      pending.push(stepLine(step, skipped));
      continue;
    }
    blocks.push(...packLines(pending));
    pending = [];
    blocks.push(section(stepLine(step, skipped)));
    if (verified !== undefined) blocks.push(section(verified));
    if (isFailedStep(step)) blocks.push(section(failureDetails(step)));
  }
  blocks.push(...packLines(pending));

  if (report.status === 'cancelled') {
    const at = report.steps.find((s) => s.status === 'cancelled');
    blocks.push(
      section(
        `${at ? `Cancelled during ${bold(at.name)}. ` : ''}Steps already done stay done; the caches may be partly purged. Run the purge again to finish.`,
      ),
    );
  }
  const end = footer(context);
  if (end) blocks.push(end);

  const requester = slackRequester(context.requester);
  const failure = failedStep(report);
  const reason = failure
    ? `: ${escapeMrkdwn(
        diagnose(failure)
          .map((c) =>
            c.instanceIds.length > 0 ? `${c.label} on ${listInstances(c.instanceIds, 3)}` : c.label,
          )
          .join('; '),
      )}`
    : report.error
      ? `: ${escapeMrkdwn(report.error.title ?? report.error.code)}`
      : '';
  return {
    text: fallback(
      `${headline(report)} (requested by ${requester}, ${formatDuration(report.durationMs)})${reason}`,
    ),
    blocks: fitBlocks(blocks),
  };
}

export function dryRunMessage(plan: Plan, context: RunContext): SlackPayload {
  const blocks: SlackBlock[] = [header(dryRunHeadline(plan.site)), contextFields(context)];
  blocks.push({ type: 'divider' });
  blocks.push(
    section(
      `Nothing was purged. From ${code(plan.configFile)}, these steps would run in order; the first failure stops the rest:`,
    ),
  );
  blocks.push(
    ...packLines(
      plan.steps.map((step) => `${step.index}. ${bold(step.name)}: ${escapeMrkdwn(describeStep(step))}`),
    ),
  );
  const end = footer(context);
  if (end) blocks.push(end);
  return {
    text: fallback(
      `${dryRunHeadline(plan.site)}: ${plural(plan.steps.length, 'step')} would run (requested by ${slackRequester(context.requester)})`,
    ),
    blocks: fitBlocks(blocks),
  };
}
