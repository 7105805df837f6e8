// The decisions of an SSM step, without I/O: how long to wait before the next poll, when a command
// is over, what each instance's invocation says, whether the step succeeded (every targeted
// instance in Success, at least one targeted — never the parent status alone), and the log lines.

import type { InstanceReport, StepError } from '../report/report.js';
import { readPurgeResult } from '../report/purge-result.js';
import { describeInstanceResult, unreadResultLine } from '../report/purge-view.js';
import { listInstances } from '../report/diagnosis.js';
import { formatCount, formatDuration, plural } from '../../shared/text.js';

export interface PollPolicy {
  /** First delay after SendCommand. */
  initialDelayMs: number;
  growth: number;
  maxDelayMs: number;
  /** Polls allowed before the one-per-second budget applies. */
  burst: number;
  /** Polls per second allowed after the burst. */
  pollsPerSecond: number;
}

/**
 * P1: median added latency ≤ 350 ms, at most 4 polls in any second, at most 1 poll/s averaged over any
 * command that runs 10 s or longer. Polls at 0.25, 0.575, 1.0, 1.55, 2.26, 3.19, 4.40, 5.96, 7.96 s, then
 * every 2 s: modeled over log-uniform 0.3–5 s commands, median 270 ms, 3 polls in the busiest second,
 * 0.92 poll/s at worst over commands of 10 s or more (`npm run bench poll-tradeoff`).
 */
export const DEFAULT_POLL_POLICY: PollPolicy = {
  initialDelayMs: 250,
  growth: 1.3,
  maxDelayMs: 2_000,
  burst: 3,
  pollsPerSecond: 1,
};

/**
 * Delay before poll number `pollsDone + 1`, `elapsedMs` after SendCommand: a backoff from a few
 * hundred ms to a cap of a few seconds, never faster than `burst` + `pollsPerSecond` × elapsed.
 */
export function nextPollDelayMs(pollsDone: number, elapsedMs: number, policy = DEFAULT_POLL_POLICY): number {
  const backoff = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.growth ** pollsDone);
  const earliestByBudget = ((pollsDone + 1 - policy.burst) * 1000) / policy.pollsPerSecond;
  return Math.max(backoff, earliestByBudget - elapsedMs, 0);
}

/** Command statuses after which nothing changes any more. */
const TERMINAL_COMMAND_STATUSES = new Set(['Success', 'Failed', 'TimedOut', 'Cancelled']);
export const isTerminalCommandStatus = (status: string | undefined) =>
  status !== undefined && TERMINAL_COMMAND_STATUSES.has(status);

/** The fields of an SSM CommandInvocation (ListCommandInvocations, Details=true) the report uses. */
interface InvocationLike {
  InstanceId?: string;
  Status?: string;
  StatusDetails?: string;
  CommandPlugins?: {
    Name?: string;
    Status?: string;
    ResponseCode?: number;
    ResponseStartDateTime?: Date;
    ResponseFinishDateTime?: Date;
    Output?: string;
  }[];
}

/** SSM joins a plugin's stdout and stderr in `Output` with this line. */
const SSM_ERROR_SEPARATOR = '\n----------ERROR-------\n';

/**
 * Output sizes SSM keeps: a plugin's `Output` in ListCommandInvocations(Details=true) holds at most
 * the first 2,500 characters of stdout and stderr together (the agent ends a cut stream with one of
 * the two markers below); GetCommandInvocation returns up to 24,000 characters of stdout and 8,000
 * of stderr.
 */
export const SSM_OUTPUT_LIMITS = { pluginOutput: 2_500, standardOutput: 24_000, standardError: 8_000 };
const SSM_STDOUT_TRUNCATED = '\n---Output truncated---';
const SSM_STDERR_TRUNCATED = '\n---Error truncated----';

interface PluginOutput {
  stdout: string;
  stderr: string;
  /** SSM cut the output: it carries a truncation marker, or fills the 2,500 characters. */
  truncated: boolean;
}

export function splitPluginOutput(output: string): PluginOutput {
  let stdout: string;
  let stderr: string;
  const at = output.indexOf(SSM_ERROR_SEPARATOR);
  if (at !== -1) {
    stdout = output.slice(0, at);
    stderr = output.slice(at + SSM_ERROR_SEPARATOR.length);
  } else if (output.startsWith(SSM_ERROR_SEPARATOR.slice(1))) {
    stdout = '';
    stderr = output.slice(SSM_ERROR_SEPARATOR.length - 1);
  } else {
    stdout = output;
    stderr = '';
  }
  let truncated = output.length >= SSM_OUTPUT_LIMITS.pluginOutput;
  if (stdout.endsWith(SSM_STDOUT_TRUNCATED)) {
    stdout = stdout.slice(0, -SSM_STDOUT_TRUNCATED.length);
    truncated = true;
  }
  if (stderr.endsWith(SSM_STDERR_TRUNCATED)) {
    stderr = stderr.slice(0, -SSM_STDERR_TRUNCATED.length);
    truncated = true;
  }
  return { stdout, stderr, truncated };
}

/** A plugin's whole output as GetCommandInvocation returns it (StandardOutputContent / StandardErrorContent). */
export interface FullPluginOutput {
  stdout: string;
  stderr: string;
}

/**
 * One instance's report from its invocation. `fullOutputs` (by plugin name) replaces the 2,500-character
 * `Output` of those plugins with what GetCommandInvocation returned.
 */
export function instanceReport(
  invocation: InvocationLike,
  fullOutputs: Readonly<Record<string, FullPluginOutput>> = {},
): InstanceReport {
  const plugins = invocation.CommandPlugins ?? [];
  const parts = plugins.map((p): PluginOutput => {
    const full = p.Name !== undefined ? fullOutputs[p.Name] : undefined;
    if (!full) return splitPluginOutput(p.Output ?? '');
    return {
      ...full,
      truncated:
        full.stdout.length >= SSM_OUTPUT_LIMITS.standardOutput ||
        full.stderr.length >= SSM_OUTPUT_LIMITS.standardError,
    };
  });
  const stdout = parts
    .map((p) => p.stdout)
    .filter((s) => s !== '')
    .join('\n');
  const stderr = parts
    .map((p) => p.stderr)
    .filter((s) => s !== '')
    .join('\n');
  const failing = plugins.find((p) => p.Status !== undefined && p.Status !== 'Success');
  const codeSource = failing ?? plugins[plugins.length - 1];
  const starts = plugins.flatMap((p) => (p.ResponseStartDateTime ? [p.ResponseStartDateTime.getTime()] : []));
  const ends = plugins.flatMap((p) => (p.ResponseFinishDateTime ? [p.ResponseFinishDateTime.getTime()] : []));
  const report: InstanceReport = {
    instanceId: invocation.InstanceId ?? 'unknown',
    status: invocation.Status ?? 'Unknown',
    statusDetails: invocation.StatusDetails ?? invocation.Status ?? 'Unknown',
    stdout,
    stderr,
  };
  if (codeSource?.ResponseCode !== undefined) report.responseCode = codeSource.ResponseCode;
  if (starts.length > 0 && ends.length > 0)
    report.durationMs = Math.max(0, Math.max(...ends) - Math.min(...starts));
  const reading = readPurgeResult(stdout);
  if (reading && 'result' in reading) report.result = reading.result;
  else if (reading) report.resultProblem = reading.problem;
  if (parts.some((p) => p.truncated)) report.outputTruncated = true;
  return report;
}

/** Full-output reads per step, at most: the normal path makes none (see fullOutputRequests). */
export const MAX_FULL_OUTPUT_READS = 10;

interface FullOutputRequest {
  instanceId: string;
  pluginName: string;
}

/**
 * Which plugin outputs to read again with GetCommandInvocation: only those SSM cut at 2,500 characters,
 * only on instances whose report has no CACHE_PURGE_RESULT (a cut output loses its last line, the
 * result; a failed script's error is what the user needs), the first `max` of them. An instance whose
 * result line survived is never read again, so a normal run keeps its call count.
 */
export function fullOutputRequests(
  invocations: readonly InvocationLike[],
  max = MAX_FULL_OUTPUT_READS,
): { requests: FullOutputRequest[]; notRead: number } {
  const requests: FullOutputRequest[] = [];
  let notRead = 0;
  for (const invocation of invocations) {
    const report = instanceReport(invocation);
    if (!report.outputTruncated || report.result) continue;
    const cut = (invocation.CommandPlugins ?? []).filter(
      (p) => p.Name !== undefined && splitPluginOutput(p.Output ?? '').truncated,
    );
    if (cut.length === 0) continue;
    if (requests.length + cut.length > max) {
      notRead++;
      continue;
    }
    for (const p of cut) requests.push({ instanceId: report.instanceId, pluginName: p.Name! });
  }
  return { requests, notRead };
}

export interface SsmDecision {
  ok: boolean;
  error?: StepError;
}

/** Success only when at least one instance was targeted and every one of them ended in Success. */
export function decideSsmStep(targetCount: number, instances: readonly InstanceReport[]): SsmDecision {
  if (targetCount === 0 && instances.length === 0) {
    return {
      ok: false,
      error: {
        code: 'NoInstancesTargeted',
        message:
          'The targets matched no instance: check the tag key and value (or instance ids), that the instances are running, and that they are managed by SSM (Fleet Manager lists them).',
      },
    };
  }
  const bad = instances.filter((i) => i.status !== 'Success');
  if (bad.length > 0) {
    const byDetail = new Map<string, string[]>();
    for (const i of bad)
      byDetail.set(i.statusDetails, [...(byDetail.get(i.statusDetails) ?? []), i.instanceId]);
    const first = bad[0]!;
    return {
      ok: false,
      error: {
        code: first.statusDetails.replace(/\s+/g, '') || first.status,
        message: `${formatCount(bad.length)} of ${plural(Math.max(targetCount, instances.length), 'instance')} did not succeed: ${[
          ...byDetail,
        ]
          .map(([detail, ids]) => `${detail} on ${listInstances(ids)}`)
          .join('; ')}.`,
      },
    };
  }
  if (instances.length < targetCount) {
    return {
      ok: false,
      error: {
        code: 'MissingInvocations',
        message: `SSM targeted ${plural(targetCount, 'instance')} but reported results for only ${formatCount(instances.length)}.`,
      },
    };
  }
  return { ok: true };
}

/** `FastCGI cache: 2/3 instances done (4.1 s)` */
export function progressLine(stepName: string, done: number, total: number, elapsedMs: number): string {
  return `${stepName}: ${formatCount(done)}/${plural(total, 'instance')} done (${formatDuration(elapsedMs)})`;
}

const firstLine = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '') ?? '';

/** What happened on one instance, in one line. */
export function instanceLine(instance: InstanceReport): string {
  const took = instance.durationMs !== undefined ? ` in ${formatDuration(instance.durationMs)}` : '';
  if (instance.status === 'Success') {
    const r = instance.result;
    const detail = r
      ? ` — ${describeInstanceResult(r)}`
      : instance.resultProblem
        ? ` — ${unreadResultLine(instance.resultProblem)}`
        : '';
    return `✓ ${instance.instanceId}: Success${took}${detail}`;
  }
  const why: Record<string, string> = {
    Undeliverable:
      'SSM could not deliver the command: the SSM agent is not running or the instance profile lacks AmazonSSMManagedInstanceCore',
    'Delivery Timed Out':
      'the command was not delivered before the delivery timeout: the instance is offline or stopped',
    'Execution Timed Out': "the script ran past the document's executionTimeout",
    'Access Denied': 'the role may not run this document on this instance (ssm:SendCommand)',
    Cancelled: 'the command was cancelled',
    Terminated: 'SSM stopped it because MaxErrors was exceeded',
    Pending: 'not started yet when the step ended',
    InProgress: 'still running when the step ended',
    Delayed: 'delayed by SSM when the step ended',
    Cancelling: 'being cancelled when the step ended',
  };
  const code =
    instance.responseCode !== undefined && instance.responseCode >= 0
      ? ` (exit code ${instance.responseCode})`
      : '';
  const explanation = why[instance.statusDetails] ?? firstLine(instance.stderr) ?? '';
  const tail = explanation ? ` — ${explanation}` : '';
  const stderr =
    why[instance.statusDetails] && firstLine(instance.stderr)
      ? `; stderr: ${firstLine(instance.stderr)}`
      : '';
  return `✗ ${instance.instanceId}: ${instance.statusDetails}${code}${took}${tail}${stderr}`;
}
