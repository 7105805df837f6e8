// What a run report means to a person, independent of where it is shown: the outcome headline, each
// step's status, duration, targets and detail, the failed instances and their output, who asked and
// how. Slack, the job summary, the annotations and the terminal renderer all build on these. Pure.

import { describePurgeTotals } from './purge-view.js';
import type {
  CloudFrontStepReport,
  InstanceReport,
  RunContext,
  RunReport,
  SsmStepReport,
  StepReport,
  StepStatus,
  Trigger,
} from './report.js';
import { formatCount, listFirst, plural } from '../../shared/text.js';
import { describeVerification } from './verify-view.js';

// ── who and how ──────────────────────────────────────────────────────────────────────────────────

/** A Slack user mention as the relay passes it: `<@U2CERLKJA>` or `<@U2CERLKJA|alice>`. */
const SLACK_MENTION = /^<@([UW][A-Z0-9]{2,})(?:\|([^<>]{1,80}))?>$/;

export function isSlackMention(requester: string): boolean {
  return SLACK_MENTION.test(requester.trim());
}

/**
 * The requester outside Slack (the log, the job summary): `<@U2CERLKJA>` → `Slack user U2CERLKJA`,
 * `<@U2CERLKJA|alice>` → `alice (Slack)`. Never `@…`: on GitHub that reads as a GitHub user's handle.
 */
export function plainRequester(requester: string): string {
  const trimmed = requester.trim();
  const mention = SLACK_MENTION.exec(trimmed);
  if (mention) return mention[2] !== undefined ? `${mention[2]} (Slack)` : `Slack user ${mention[1]}`;
  return trimmed === '' ? 'unknown' : trimmed;
}

export function describeTrigger(trigger: Trigger, eventName?: string): string {
  switch (trigger) {
    case 'deploy':
      return eventName ? `deploy (${eventName})` : 'deploy';
    case 'manual':
      return 'manual dispatch';
    case 'slack':
      return 'Slack command';
    default:
      return eventName ? `${eventName} event` : 'other';
  }
}

/** `main @ 1a2b3c4`, `main`, `1a2b3c4` or undefined. */
export function describeRevision(context: RunContext): string | undefined {
  const ref = context.ref?.replace(/^refs\/(heads|tags)\//, '');
  const sha = context.sha ? context.sha.slice(0, 7) : undefined;
  if (ref && sha) return `${ref} @ ${sha}`;
  return ref || sha || undefined;
}

// ── outcome ──────────────────────────────────────────────────────────────────────────────────────

export const STEP_ICON: Record<StepStatus, string> = {
  success: '✅',
  failed: '❌',
  'timed-out': '⌛',
  cancelled: '⏹',
  skipped: '⏭',
};

export const STEP_STATUS_LABEL: Record<StepStatus, string> = {
  success: 'succeeded',
  failed: 'failed',
  'timed-out': 'timed out',
  cancelled: 'cancelled',
  skipped: 'skipped',
};

export const isFailedStep = (step: StepReport) => step.status === 'failed' || step.status === 'timed-out';

/** The step that stopped the run: the first failed or timed-out one. */
export function failedStep(report: RunReport): StepReport | undefined {
  return report.steps.find(isFailedStep);
}

/** The site a report is about: as the run named it, else as the plan did. */
export const reportSite = (report: RunReport) => report.context.site || report.plan.site;

/** `✅ portal purged` / `❌ portal purge failed at FastCGI cache` / `⏹ portal purge cancelled`. */
export function headline(report: RunReport): string {
  const site = reportSite(report);
  if (report.status === 'success') return `✅ ${site} purged`;
  if (report.status === 'cancelled') return `⏹ ${site} purge cancelled`;
  const step = failedStep(report);
  if (step) return `❌ ${site} purge failed at ${step.name}`;
  return report.error ? `❌ ${site} purge failed before any step ran` : `❌ ${site} purge failed`;
}

export const dryRunHeadline = (site: string) => `📝 ${site} purge planned (dry run)`;

// ── steps ────────────────────────────────────────────────────────────────────────────────────────

const instanceSucceeded = (instance: InstanceReport) => instance.status === 'Success';

/** `3/3 instances` (succeeded of targeted), for SSM steps that ran. */
export function describeInstanceCount(step: SsmStepReport): string | undefined {
  if (step.status === 'skipped') return undefined;
  const targeted = Math.max(step.targetCount, step.instances.length);
  const succeeded = step.instances.filter(instanceSucceeded).length;
  if (targeted === 0) return 'no instances';
  return `${formatCount(succeeded)}/${plural(targeted, 'instance')}`;
}

/** `Failed (exit code 2)`, `Undeliverable`, `Delivery Timed Out`. */
export function describeInstanceStatus(instance: InstanceReport): string {
  const details = instance.statusDetails || instance.status || 'unknown';
  const exit =
    instance.responseCode !== undefined && instance.responseCode >= 0 && instance.status !== 'Success'
      ? ` (exit code ${instance.responseCode})`
      : '';
  return `${details}${exit}`;
}

export const failedInstances = (step: SsmStepReport) => step.instances.filter((i) => !instanceSucceeded(i));

/** Said wherever an instance's output is shown while `outputTruncated` is set. */
export const OUTPUT_CUT_BY_SSM = 'SSM kept only the start of this output; the end is missing.';

/**
 * At most `count` non-empty lines of a failed instance's output: the start of its stderr (where the first
 * error is), after as many of the last lines of its stdout as leave room — what the script printed just
 * before it failed. The bundled documents print a failing tool's own output on stdout and end with one
 * line on stderr that says "(output above)", so that line alone would point at nothing.
 */
export function failureOutputLines(instance: InstanceReport, count: number): string[] {
  const lines = (text: string) => text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const stderr = lines(instance.stderr).slice(0, count);
  const room = count - stderr.length;
  return [...(room > 0 ? lines(instance.stdout).slice(-room) : []), ...stderr];
}

/** CloudFront: `invalidation I2J0I21PCUYOIK (InProgress) of /*` (+ ` on E2EXAMPLE12345` unless told not to). */
export function describeInvalidation(
  step: CloudFrontStepReport,
  options: { distribution?: boolean } = {},
): string {
  const paths = listFirst(step.paths, 5, ' ');
  const on = options.distribution === false ? '' : ` on ${step.distributionId}`;
  if (!step.invalidationId) return `${paths}${on}`;
  const status = step.invalidationStatus ? ` (${step.invalidationStatus})` : '';
  return `invalidation ${step.invalidationId}${status} of ${paths}${on}`;
}

/** Why the run's skipped steps did not run: the step that stopped it, the cancellation, or an early failure. */
export function skipReason(report: RunReport): string {
  const stopped = report.steps.find((s) => isFailedStep(s) || s.status === 'cancelled');
  if (report.status === 'cancelled' || stopped?.status === 'cancelled')
    return 'not run: the run was cancelled';
  if (stopped) return `not run: ${stopped.name} ${STEP_STATUS_LABEL[stopped.status]}`;
  if (report.error) return 'not run: the run failed before any step started';
  return 'not run: an earlier step did not succeed';
}

interface StepDetailOptions {
  /** false: leave out the failed instances (shown elsewhere, e.g. in their own Slack section). */
  failures?: boolean;
  /** What a skipped step says (see skipReason); default: an earlier step did not succeed. */
  skipReason?: string;
  /** false: leave the distribution id out of a CloudFront detail (when it has its own column). */
  distribution?: boolean;
}

/**
 * One plain-text detail for a step: the purge result, the invalidation, or what went wrong. A step
 * failed by its instances is described by them (its own error only summarises them); a step-level
 * error (AccessDenied, no instances, timeout, cancellation) is said once.
 */
export function stepDetail(step: StepReport, options: StepDetailOptions = {}): string {
  if (step.status === 'skipped') return options.skipReason ?? 'not run: an earlier step did not succeed';
  if (step.kind === 'cloudfront') {
    const what = describeInvalidation(step, { distribution: options.distribution ?? true });
    return step.error ? `${what} · ${step.error.code}: ${step.error.message}` : what;
  }
  if (step.kind === 'verify') {
    const what = step.verify
      ? describeVerification(step.verify)
      : `${plural(step.urls.length, 'URL')} listed`;
    return step.error ? `${what} · ${step.error.code}: ${step.error.message}` : what;
  }
  const parts: string[] = [];
  const failed = failedInstances(step);
  const failedByInstances = step.status === 'failed' && failed.length > 0;
  // A cancelled step's own error only says it was cancelled, which its status already does.
  const cancelledOnly = step.status === 'cancelled' && step.error?.code === 'Cancelled';
  if (step.error && !failedByInstances && !cancelledOnly) {
    parts.push(`${step.error.code}: ${step.error.message}`);
  }
  if (failed.length > 0 && step.status !== 'success' && options.failures !== false) {
    const described = failed.map((i) =>
      step.status === 'failed'
        ? `${i.instanceId} ${describeInstanceStatus(i)}`
        : `${i.instanceId} (${describeInstanceStatus(i)})`,
    );
    const shown = listFirst(described, 3, ', ');
    parts.push(`${step.status === 'failed' ? 'failed on' : 'not finished on'} ${shown}`);
  }
  const totals = describePurgeTotals(step);
  if (totals) parts.push(totals);
  if (parts.length === 0) parts.push(step.status === 'success' ? 'done' : STEP_STATUS_LABEL[step.status]);
  return parts.join(' · ');
}

/** Targets column: `3/3 instances` for SSM, the distribution for CloudFront, the URLs for verify. */
export function stepTargets(step: StepReport): string {
  if (step.kind === 'cloudfront') return step.distributionId;
  if (step.kind === 'verify')
    return step.sitemap ? `${plural(step.urls.length, 'URL')} + sitemap` : plural(step.urls.length, 'URL');
  return describeInstanceCount(step) ?? (step.targetCount > 0 ? plural(step.targetCount, 'instance') : '–');
}

export function invalidations(report: RunReport): CloudFrontStepReport[] {
  return report.steps.filter((s): s is CloudFrontStepReport => s.kind === 'cloudfront' && !!s.invalidationId);
}
