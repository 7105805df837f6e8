// The job summary (GITHUB_STEP_SUMMARY) as Markdown: for a run, a heading with the outcome, who asked
// and how, a table of steps (status, duration, targets, detail), what went wrong and the likely fix,
// the failed instances' output in collapsible <details>, each verify step's findings (a table of the
// layers' counts, time to first byte cold and warm, statuses, warming, the stale URLs), the
// invalidations and the executed plan; for a dry run, the plan. Pure string building; the size stays well under GitHub's 1 MiB per step.

import type { Plan } from '../plan/plan.js';
import type { InstanceReport, RunContext, RunReport, VerifyStepReport } from './report.js';
import { cell, planMarkdownTable } from '../plan/plan-view.js';
import { listPaths } from '../sites-file/paths.js';
import { andMore, formatCount, formatDuration, plural } from '../../shared/text.js';
import { describeCause, diagnose } from './diagnosis.js';
import {
  describeInstanceStatus,
  describeRevision,
  describeTrigger,
  failedInstances,
  headline,
  invalidations,
  OUTPUT_CUT_BY_SSM,
  plainRequester,
  skipReason,
  STEP_ICON,
  STEP_STATUS_LABEL,
  stepDetail,
  stepTargets,
} from './report-view.js';
import {
  describeStatuses,
  describeVerifiedUrls,
  describeWarming,
  LAYER_LABEL,
  staleNotListed,
  ttfb,
} from './verify-view.js';
import { LAYERS } from '../verify/freshness.js';
import { unreadResultLine } from './purge-view.js';

/** Failed instances whose output is shown, the output shown per stream, and all of it together. */
const SHOWN_FAILED_INSTANCES = 20;
const OUTPUT_MAX = 8_000;
export const DETAILS_BUDGET = 256 * 1024;

/** Escapes text for inline Markdown/HTML outside code. */
function inline(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|])/g, '\\$1');
}

/** A fenced block that the content cannot close: the fence is longer than any backtick run in it. */
export function fenced(content: string, language = 'text'): string {
  const longest = Math.max(0, ...[...content.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${content.replace(/\n$/, '')}\n${fence}`;
}

/** The start of stderr (where the first error is), the end of stdout (where the result line is). */
function cutOutput(text: string, keep: 'start' | 'end', max = OUTPUT_MAX): string {
  if (text.length <= max) return text;
  const note = `… ${formatCount(text.length - max)} characters cut`;
  return keep === 'start' ? `${text.slice(0, max)}\n${note}` : `${note}\n${text.slice(-max)}`;
}

export function contextLine(context: RunContext, duration?: string): string {
  const parts = [
    `Requested by **${inline(plainRequester(context.requester))}**`,
    `trigger: ${inline(describeTrigger(context.trigger, context.eventName))}`,
  ];
  const revision = describeRevision(context);
  if (revision) parts.push(`commit \`${revision.replace(/`/g, "'")}\``);
  if (duration) parts.push(`took ${duration}`);
  if (context.runUrl && /^https?:\/\/\S+$/.test(context.runUrl))
    parts.push(`[workflow run](${context.runUrl})`);
  return parts.join(' · ');
}

function instanceDetails(stepName: string, instance: InstanceReport): string {
  const sections: string[] = [];
  if (instance.stderr.trim() !== '') {
    sections.push('Standard error:', '', fenced(cutOutput(instance.stderr, 'start')), '');
  }
  if (instance.stdout.trim() !== '') {
    sections.push('Standard output:', '', fenced(cutOutput(instance.stdout, 'end')), '');
  }
  if (sections.length === 0) sections.push('No output.');
  if (instance.outputTruncated) sections.push(`_${OUTPUT_CUT_BY_SSM}_`, '');
  if (instance.resultProblem) sections.push(`_${inline(unreadResultLine(instance.resultProblem))}_`, '');
  const duration = instance.durationMs !== undefined ? `, ${formatDuration(instance.durationMs)}` : '';
  return [
    '<details>',
    `<summary>${inline(stepName)}: <code>${inline(instance.instanceId)}</code> ${inline(describeInstanceStatus(instance))}${duration}</summary>`,
    '',
    ...sections,
    ...(sections.at(-1) === '' ? [] : ['']),
    '</details>',
  ].join('\n');
}

/** A verify step's findings: the layers' counts and the TTFB as tables, then statuses, warming, stale URLs, warnings. */
function verifySection(step: VerifyStepReport): string[] {
  const v = step.verify;
  if (!v) return [];
  // the evidence and the likely cause of each are in the step's causes below
  const stale = v.stale.map((s) => `- \`${s.url.replace(/`/g, '%60')}\` at the ${LAYER_LABEL[s.layer]}`);
  const more = staleNotListed(v);
  if (more > 0) stale.push(`- ${andMore(more)}: see the \`report\` output's layer counts.`);
  const { cold, warm } = v.ttfbMs;
  return [
    `### 🔎 ${inline(step.name)}: ${inline(describeVerifiedUrls(v))}`,
    '',
    '| layer | fresh | stale | unverified | not seen |',
    '|---|--:|--:|--:|--:|',
    ...LAYERS.map((layer) => {
      const c = v.layers[layer];
      return `| ${LAYER_LABEL[layer]} | ${formatCount(c.fresh)} | ${formatCount(c.stale)} | ${formatCount(c.unverified)} | ${formatCount(c.notSeen)} |`;
    }),
    '',
    '| time to first byte | requests | p50 | p95 |',
    '|---|--:|--:|--:|',
    `| cold (first request) | ${formatCount(cold.count)} | ${ttfb(cold.p50)} | ${ttfb(cold.p95)} |`,
    `| warm (second request) | ${formatCount(warm.count)} | ${ttfb(warm.p50)} | ${ttfb(warm.p95)} |`,
    '',
    `Statuses: ${inline(describeStatuses(v))} · ${inline(describeWarming(v))}`,
    '',
    ...(stale.length > 0 ? ['**Stale URLs**', '', ...stale, ''] : []),
    ...v.warnings.map((w) => `> ⚠ ${inline(w)}`).flatMap((w) => [w, '']),
  ];
}

/** `detailsBudget`: characters of failed instances' output in all (a run of several sites shares 256 KiB). */
export function runSummaryMarkdown(report: RunReport, options: { detailsBudget?: number } = {}): string {
  const detailsBudget = options.detailsBudget ?? DETAILS_BUDGET;
  const detail = { skipReason: skipReason(report), distribution: false };
  const lines: string[] = [
    `## ${headline(report)}`,
    '',
    contextLine(report.context, formatDuration(report.durationMs)),
    '',
    ...(report.error
      ? [
          `> **${cell(report.error.title ?? 'Error')}** (${report.error.code}): ${cell(report.error.message)}`,
          '',
        ]
      : []),
    '| # | Step | Status | Duration | Targets | Detail |',
    '|---|---|---|---|---|---|',
    ...report.steps.map(
      (step) =>
        `| ${step.index} | ${cell(step.name)} | ${STEP_ICON[step.status]} ${STEP_STATUS_LABEL[step.status]} | ${
          step.status === 'skipped' ? '–' : formatDuration(step.durationMs)
        } | ${cell(step.status === 'skipped' ? '–' : stepTargets(step))} | ${cell(stepDetail(step, detail))} |`,
    ),
    '',
  ];

  for (const step of report.steps) if (step.kind === 'verify') lines.push(...verifySection(step));

  for (const step of report.steps) {
    const causes = diagnose(step);
    if (causes.length === 0) continue;
    lines.push(`### ${STEP_ICON[step.status]} ${inline(step.name)} ${STEP_STATUS_LABEL[step.status]}`, '');
    lines.push(...causes.map((cause) => `- ${inline(describeCause(cause, 10))}`), '');
    if (step.kind === 'ssm') {
      const failed = failedInstances(step);
      let used = 0;
      let shown = 0;
      for (const instance of failed.slice(0, SHOWN_FAILED_INSTANCES)) {
        const details = instanceDetails(step.name, instance);
        if (shown > 0 && used + details.length > detailsBudget) break;
        lines.push(details, '');
        used += details.length;
        shown++;
      }
      if (failed.length > shown) {
        const rest = failed.slice(shown).map((i) => i.instanceId);
        lines.push(
          `${andMore(rest.length, 'failed instance')} (${rest.join(', ')}); their output is in the \`report\` output.`,
          '',
        );
      }
    }
  }

  if (report.status === 'cancelled') {
    lines.push(
      'The run was cancelled: steps already done stay done; the caches may be partly purged. Run the purge again.',
      '',
    );
  }

  const done = invalidations(report);
  if (done.length > 0) {
    lines.push('**CloudFront invalidations**', '');
    for (const step of done) {
      lines.push(
        `- \`${step.invalidationId}\` on \`${step.distributionId}\` (${step.invalidationStatus ?? 'created'}): ${listPaths(step.paths.map((p) => `\`${p.replace(/`/g, "'")}\``))}`,
      );
    }
    lines.push('');
  }

  lines.push(
    '<details>',
    `<summary>Executed plan (${plural(report.plan.steps.length, 'step')} from <code>${inline(report.plan.configFile)}</code>)</summary>`,
    '',
    planMarkdownTable(report.plan),
    '',
    '</details>',
    '',
  );
  return lines.join('\n');
}

export function dryRunSummaryMarkdown(plan: Plan, context?: RunContext): string {
  return [
    `## 📝 Cache purge plan for \`${plan.site}\` (dry run)`,
    '',
    ...(context ? [contextLine(context), ''] : []),
    `Nothing was purged. From \`${plan.configFile}\`, these steps would run in order; the first failure stops the rest.`,
    '',
    planMarkdownTable(plan),
    '',
  ].join('\n');
}
