// The Slack result message: a run report (or, for a dry run, the plan) → an incoming-webhook payload
// `{text, blocks}`. Built as objects (serialised by the webhook client), never as JSON templates.
// Within Block Kit's limits by construction: header ≤ 150 characters, section text ≤ 3,000, fields
// ≤ 10 of ≤ 2,000, ≤ 50 blocks, no empty text; long output is cut with a note, never dropped silently.
// The link to the run is a mrkdwn link, not a URL button: a button in a message from an app without
// an interactivity URL shows Slack's warning icon when clicked. Pure.

import { escapeMrkdwn } from '../../shared/mrkdwn.js';
import type { Plan } from '../plan/plan.js';
import type { RunContext, RunReport, SsmStepReport, StepReport } from './report.js';
import { describeStep } from '../plan/plan-view.js';
import { andMore, formatCount, formatDuration, plural } from '../../shared/text.js';
import { describeCause, diagnose, listInstances } from './diagnosis.js';
import {
  describeRevision,
  describeTrigger,
  dryRunHeadline,
  failedInstances,
  failedStep,
  firstOutputLines,
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

export const SLACK_LIMITS = {
  headerText: 150,
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  contextElements: 10,
  blocks: 50,
  /** Slack truncates `text` beyond 40,000; notifications show far less. */
  fallbackText: 500,
} as const;

export interface PlainText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}
export interface Mrkdwn {
  type: 'mrkdwn';
  text: string;
}
export type SlackBlock =
  | { type: 'header'; text: PlainText }
  | { type: 'section'; text: Mrkdwn; fields?: Mrkdwn[] }
  | { type: 'section'; fields: Mrkdwn[]; text?: undefined }
  | { type: 'divider' }
  | { type: 'context'; elements: Mrkdwn[] };

export interface SlackPayload {
  text: string;
  blocks: SlackBlock[];
}

/** Instances whose output is shown for a failed step, and lines of it each. */
const SHOWN_FAILED_INSTANCES = 5;
const OUTPUT_LINES = 5;
const OUTPUT_LINE_MAX = 200;

// ── mrkdwn ───────────────────────────────────────────────────────────────────────────────────────

/** Inline code that cannot be closed early by a backtick in the text. */
const code = (text: string) => `\`${escapeMrkdwn(text.replace(/`/g, "'"))}\``;
/** Bold that cannot be broken by an asterisk in the text. */
const bold = (text: string) => `*${escapeMrkdwn(text.replace(/\*/g, '∗'))}*`;

/** A Slack mention stays a mention; anything else is shown as escaped text. */
export function slackRequester(requester: string): string {
  const trimmed = requester.trim();
  return isSlackMention(trimmed) ? trimmed : escapeMrkdwn(plainRequester(trimmed));
}

/** A link label may not contain `|` or `>`; the URL may not contain `|`, `<`, `>` or spaces. */
function link(url: string, label: string): string {
  if (!/^https?:\/\/[^\s<>|]+$/.test(url)) return escapeMrkdwn(label);
  return `<${url}|${escapeMrkdwn(label.replace(/[|]/g, '/'))}>`;
}

/**
 * Cuts text to `max` characters, at a line break when one is near, adding a note that says how much
 * was left out. Keeps code fences balanced.
 */
export function truncate(text: string, max: number, where = 'see the run for the rest'): string {
  if (text.length <= max) return text;
  const note = (omitted: number) => `\n… ${formatCount(omitted)} more characters cut (${where})`;
  const room = Math.max(0, max - note(text.length).length - 4);
  let cut = text.slice(0, room);
  const lineBreak = cut.lastIndexOf('\n');
  if (lineBreak > room * 0.7) cut = cut.slice(0, lineBreak);
  if ((cut.match(/```/g) ?? []).length % 2 === 1) cut += '\n```';
  return `${cut}${note(text.length - cut.length)}`.slice(0, max);
}

/** A header is one line: cut with an ellipsis. */
function oneLine(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

const mrkdwn = (text: string, max: number = SLACK_LIMITS.sectionText): Mrkdwn => ({
  type: 'mrkdwn',
  text: truncate(text.trim() === '' ? '–' : text, max),
});
const header = (text: string): SlackBlock => ({
  type: 'header',
  text: { type: 'plain_text', text: oneLine(text, SLACK_LIMITS.headerText), emoji: true },
});
const section = (text: string): SlackBlock => ({ type: 'section', text: mrkdwn(text) });

// ── parts ────────────────────────────────────────────────────────────────────────────────────────

function contextFields(context: RunContext, duration?: string): SlackBlock {
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

function footer(context: RunContext): SlackBlock | undefined {
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
function failureDetails(step: StepReport): string {
  const pieces: string[] = diagnose(step).map((cause) => `• ${escapeMrkdwn(describeCause(cause))}`);
  if (step.kind === 'ssm') pieces.push(...instanceOutputs(step));
  return pieces.join('\n');
}

function instanceOutputs(step: SsmStepReport): string[] {
  const failed = failedInstances(step);
  const pieces: string[] = [];
  for (const instance of failed.slice(0, SHOWN_FAILED_INSTANCES)) {
    const lines = firstOutputLines(instance, OUTPUT_LINES).map((line) =>
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

/** Packs lines into as few sections as fit (≤ 3,000 characters each). */
function packLines(lines: string[]): SlackBlock[] {
  const blocks: SlackBlock[] = [];
  let current = '';
  for (const line of lines) {
    const next = current === '' ? line : `${current}\n${line}`;
    if (next.length > SLACK_LIMITS.sectionText && current !== '') {
      blocks.push(section(current));
      current = line;
    } else {
      current = next;
    }
  }
  if (current !== '') blocks.push(section(current));
  return blocks;
}

/** At most 50 blocks: the rest is replaced by a note. */
function fitBlocks(blocks: SlackBlock[]): SlackBlock[] {
  if (blocks.length <= SLACK_LIMITS.blocks) return blocks;
  const kept = blocks.slice(0, SLACK_LIMITS.blocks - 1);
  return [
    ...kept,
    {
      type: 'context',
      elements: [mrkdwn(`${andMore(blocks.length - kept.length, 'block')} left out: see the run.`)],
    },
  ];
}

function fallback(text: string): string {
  return truncate(text, SLACK_LIMITS.fallbackText, 'see the message');
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
  let pending: string[] = [];
  for (const step of report.steps) {
    if (!isFailedStep(step)) {
      pending.push(stepLine(step, skipped));
      continue;
    }
    blocks.push(...packLines(pending));
    pending = [];
    blocks.push(section(stepLine(step, skipped)));
    blocks.push(section(failureDetails(step)));
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
