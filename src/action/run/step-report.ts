// The report of one step as the executor builds it: the skeleton of each kind (a skipped step, or a
// step that starts `failed` until it finishes), and the function that finishes it with its status,
// error and duration. Shared by the SSM and CloudFront step runners and the executor's skipped steps.

import type { CloudFrontPlanStep, PlanStep, SsmPlanStep, VerifyPlanStep } from '../plan/plan.js';
import type {
  CloudFrontStepReport,
  SsmStepReport,
  VerifyStepReport,
  StepError,
  StepReport,
  StepStatus,
} from '../report/report.js';
import type { Clock } from '../clock.js';

/** A step's report before anything is known: no command, no instances, no invalidation; 0 ms. */
export function stepReport(step: SsmPlanStep, status: StepStatus, startedAt?: string): SsmStepReport;
export function stepReport(
  step: CloudFrontPlanStep,
  status: StepStatus,
  startedAt?: string,
): CloudFrontStepReport;
export function stepReport(step: VerifyPlanStep, status: StepStatus, startedAt?: string): VerifyStepReport;
export function stepReport(step: PlanStep, status: StepStatus, startedAt?: string): StepReport;
export function stepReport(step: PlanStep, status: StepStatus, startedAt?: string): StepReport {
  const timing = { status, ...(startedAt !== undefined && { startedAt }), durationMs: 0 };
  if (step.kind === 'verify') {
    const { index, name, urls, sitemap } = step;
    return { index, name, kind: 'verify', ...timing, urls, ...(sitemap !== undefined && { sitemap }) };
  }
  return step.kind === 'ssm'
    ? {
        index: step.index,
        name: step.name,
        kind: 'ssm',
        ...timing,
        document: step.document,
        region: step.region,
        targetCount: 0,
        instances: [],
      }
    : {
        index: step.index,
        name: step.name,
        kind: 'cloudfront',
        ...timing,
        distributionId: step.distributionId,
        paths: step.paths,
      };
}

/** Sets the report's final status, its error (if any) and its duration since `started`; returns it. */
export function reportFinisher<R extends StepReport>(
  report: R,
  clock: Clock,
  started: number,
): (status: StepStatus, error?: StepError) => R {
  return (status, error) => {
    report.status = status;
    if (error) report.error = error;
    report.durationMs = Math.round(clock.now() - started);
    return report;
  };
}
