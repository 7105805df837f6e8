// One site's steps, strictly in order, each through its adapter (SSM, CloudFront, verify); the first
// step that does not succeed stops the site and its other steps are reported as skipped. The executor
// (execute.ts) runs one of these per site, several at a time, with shared credentials and clients.
// Tells `onProgress` when each step starts and ends (the live Slack message listens). I/O only
// through the adapters it calls.

import type { SSMClient } from '@aws-sdk/client-ssm';
import type { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import type { Plan } from '../plan/plan.js';
import type { RunContext, RunProgress, RunReport, StepReport } from '../report/report.js';
import { formatDuration } from '../../shared/text.js';
import type { Clock } from '../clock.js';
import { runSsmStep } from './ssm-step.js';
import { runCloudFrontStep } from './cloudfront-step.js';
import { runVerifyStep } from './verify-step.js';
import { stepReport } from './step-report.js';
import { repeatedDistributionStep } from './requests.js';
import type { PollPolicy } from './ssm-step-decisions.js';

export interface SiteStepDependencies {
  clock: Clock;
  signal: AbortSignal;
  /** One log line (the executor prefixes it with the site when several run). */
  log: (line: string) => void;
  /** A log group around one step (a plain heading line when several sites share the log). */
  group: <T>(title: string, body: () => Promise<T>) => Promise<T>;
  ssmClient: (region: string) => SSMClient;
  cloudFrontClient: () => CloudFrontClient;
  stepTimeoutMs: number;
  fallbackRunId: string;
  pollPolicy?: PollPolicy;
  random?: () => number;
  onProgress?: (event: RunProgress) => void;
  /** The verify step's fetch (through the proxy when one is set); default Node's. */
  fetch?: typeof globalThis.fetch;
}

export const skippedSteps = (plan: Plan, from: number): StepReport[] =>
  plan.steps.slice(from).map((step) => stepReport(step, 'skipped'));

/** Runs the site's steps into `report` (status, steps), in order; never throws for AWS faults. */
export async function runSiteSteps(
  plan: Plan,
  context: RunContext,
  report: RunReport,
  deps: SiteStepDependencies,
): Promise<void> {
  const { clock, signal, log } = deps;
  for (const [i, step] of plan.steps.entries()) {
    if (signal.aborted) {
      report.status = 'cancelled';
      report.steps.push(...skippedSteps(plan, i));
      break;
    }
    deps.onProgress?.({ kind: 'step-started', site: plan.site, step });
    const result = await deps.group(`${step.index}. ${step.name}`, async (): Promise<StepReport> => {
      if (step.kind === 'ssm') {
        return runSsmStep(step, context, {
          ssm: deps.ssmClient(step.region),
          clock,
          signal,
          log,
          stepTimeoutMs: deps.stepTimeoutMs,
          ...(deps.pollPolicy && { pollPolicy: deps.pollPolicy }),
        });
      }
      if (step.kind === 'verify') {
        return runVerifyStep(step, {
          clock,
          signal,
          log,
          stepTimeoutMs: deps.stepTimeoutMs,
          runStartMs: Date.parse(report.startedAt),
          earlier: report.steps,
          cloudfront: deps.cloudFrontClient,
          ...(deps.fetch && { fetch: deps.fetch }),
        });
      }
      const repeated = repeatedDistributionStep(plan.steps, step);
      return runCloudFrontStep(step, context, {
        cloudfront: deps.cloudFrontClient(),
        clock,
        signal,
        log,
        stepTimeoutMs: deps.stepTimeoutMs,
        fallbackRunId: deps.fallbackRunId,
        ...(repeated !== undefined && { repeatedStepIndex: repeated }),
        ...(deps.random && { random: deps.random }),
      });
    });
    report.steps.push(result);
    deps.onProgress?.({ kind: 'step-finished', site: plan.site, report: result });
    log(`${step.index}. ${step.name}: ${result.status} (${formatDuration(result.durationMs)})`);
    if (result.status !== 'success') {
      report.status = result.status === 'cancelled' ? 'cancelled' : 'failure';
      report.steps.push(...skippedSteps(plan, i + 1));
      break;
    }
  }
}
