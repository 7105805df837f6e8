// The run report: what happened, step by step and instance by instance. Produced by the executor
// (src/action/execute*), consumed by every view (log, job summary, Slack, the `report` output).
// Pure data; JSON-serialisable as is. Fields may be added; none may be renamed or removed.

import type { PurgeResult } from './purge-result.js';
import type { VerifyReport } from '../verify/verify-report.js';
import type { Plan, PlanStep } from '../plan/plan.js';

export type RunStatus = 'success' | 'failure' | 'cancelled';

/** A step that never started is `skipped`; `timed-out` is our step timeout (the command was cancelled). */
export type StepStatus = 'success' | 'failed' | 'timed-out' | 'cancelled' | 'skipped';

/** How the run was triggered, as users name it. */
export type Trigger = 'deploy' | 'manual' | 'slack' | 'other';

export interface RunContext {
  site: string;
  /** Who asked: the `requester` input (a Slack mention like <@U2CERLKJA> from the relay) or the actor. */
  requester: string;
  trigger: Trigger;
  /** GITHUB_EVENT_NAME as given (push, workflow_dispatch, …). */
  eventName?: string;
  repository?: string;
  ref?: string;
  sha?: string;
  runId?: string;
  runAttempt?: string;
  /** Link to the workflow run page. */
  runUrl?: string;
  workflow?: string;
}

export interface InstanceReport {
  instanceId: string;
  /** SSM invocation Status: Success, Failed, TimedOut, Cancelled, Pending, InProgress, Delayed, Cancelling. */
  status: string;
  /** SSM StatusDetails: Success, Failed, Undeliverable, Delivery Timed Out, Execution Timed Out, Access Denied, … */
  statusDetails: string;
  /** The script's exit code (-1 when it never ran). */
  responseCode?: number;
  durationMs?: number;
  /**
   * The script's standard output and error as SSM returned them. Normally from
   * ListCommandInvocations(Details=true), whose plugin `Output` holds only the first 2,500 characters
   * of both together (the agent's truncation markers are removed). When that was cut and held no
   * CACHE_PURGE_RESULT line, read again with GetCommandInvocation: up to the first 24,000 characters
   * of stdout and 8,000 of stderr (for at most 10 plugin outputs per step).
   */
  stdout: string;
  stderr: string;
  /** True when SSM returned only the start of the output: stdout/stderr above are incomplete. */
  outputTruncated?: boolean;
  /** The parsed CACHE_PURGE_RESULT line, when the script printed one (and SSM kept it). */
  result?: PurgeResult;
  /** A CACHE_PURGE_RESULT line that was there but is no result: why (a custom document's mistake). */
  resultProblem?: string;
}

export interface StepError {
  /** AWS error name or our own code (e.g. AccessDeniedException, NoInstancesTargeted, StepTimedOut). */
  code: string;
  message: string;
  /** A short title for an annotation (e.g. "Could not assume the role"). */
  title?: string;
}

interface StepReportBase {
  index: number;
  name: string;
  status: StepStatus;
  /** ISO time the step started; absent for skipped steps. */
  startedAt?: string;
  durationMs: number;
  error?: StepError;
}

export interface SsmStepReport extends StepReportBase {
  kind: 'ssm';
  document: string;
  region: string;
  commandId?: string;
  /** Instances SSM targeted (TargetCount). */
  targetCount: number;
  instances: InstanceReport[];
}

export interface CloudFrontStepReport extends StepReportBase {
  kind: 'cloudfront';
  distributionId: string;
  paths: string[];
  invalidationId?: string;
  /** InProgress or Completed, as CloudFront last reported it. */
  invalidationStatus?: string;
}

/** A `verify` step: the URLs it was given, and what it found (absent when it never got to request). */
export interface VerifyStepReport extends StepReportBase {
  kind: 'verify';
  urls: string[];
  sitemap?: string;
  verify?: VerifyReport;
}

export type StepReport = SsmStepReport | CloudFrontStepReport | VerifyStepReport;

export interface RunReport {
  status: RunStatus;
  context: RunContext;
  startedAt: string;
  durationMs: number;
  steps: StepReport[];
  /** The plan that was executed. */
  plan: Plan;
  /** A failure before any step ran (e.g. credentials); every step is then `skipped`. */
  error?: StepError;
  /** What the run could not check before it started (e.g. the stack's roots, without ssm:GetDocument). */
  warnings?: RunWarning[];
}

/** A warning about the run as a whole, shown as an annotation. */
export interface RunWarning {
  title: string;
  message: string;
}

/**
 * A run of several sites (the `site` input as a list, or `all`): one RunReport per site, in the order
 * asked, each as a one-site run reports it. The `report` output of such a run; docs/results.md.
 */
export interface SitesRunReport {
  /** `cancelled` when any site was cancelled, else `failure` when any failed, else `success`. */
  status: RunStatus;
  /** The run's context; its `site` lists the sites, comma-separated. */
  context: RunContext;
  startedAt: string;
  durationMs: number;
  /** How many sites purged at the same time at most (the `max-parallel-sites` input). */
  maxParallelSites: number;
  sites: RunReport[];
  /** A failure before any site could start (e.g. credentials); every site then reports it too. */
  error?: StepError;
}

/** What happens to a run as it goes, for whoever shows progress (the live Slack message). */
export type RunProgress =
  | { kind: 'step-started'; site: string; step: PlanStep }
  | { kind: 'step-finished'; site: string; report: StepReport }
  | { kind: 'site-finished'; site: string; report: RunReport };
