// Runs one CloudFront step: CreateInvalidation with an idempotent CallerReference, backing off on
// TooManyInvalidationsInProgress and throttling within the step timeout, then (when asked) waiting
// for GetInvalidation to say Completed, also within the step timeout. Only talks to CloudFront, the
// clock and the log.

import {
  CreateInvalidationCommand,
  GetInvalidationCommand,
  type CloudFrontClient,
} from '@aws-sdk/client-cloudfront';
import type { CloudFrontPlanStep } from '../core/plan.js';
import type { CloudFrontStepReport, RunContext } from '../core/report.js';
import { callerReference } from '../core/requests.js';
import { listPaths } from '../core/paths.js';
import { awsErrorName, errorMessage, jitteredBackoffMs, type Clock } from './clock.js';
import { reportFinisher, stepReport } from './step-report.js';

export interface CloudFrontStepDependencies {
  cloudfront: CloudFrontClient;
  clock: Clock;
  signal: AbortSignal;
  log: (line: string) => void;
  stepTimeoutMs: number;
  /** Used in the CallerReference when GITHUB_RUN_ID is not set (runs outside Actions). */
  fallbackRunId: string;
  random?: () => number;
}

/** Errors worth waiting out: too many invalidations at once, and throttling the SDK gave up on. */
const RETRYABLE = new Set([
  'TooManyInvalidationsInProgress',
  'Throttling',
  'ThrottlingException',
  'ServiceUnavailable',
  'RequestLimitExceeded',
]);

export async function runCloudFrontStep(
  step: CloudFrontPlanStep,
  context: RunContext,
  deps: CloudFrontStepDependencies,
): Promise<CloudFrontStepReport> {
  const { cloudfront, clock, signal, log } = deps;
  const random = deps.random ?? Math.random;
  const started = clock.now();
  const deadline = started + deps.stepTimeoutMs;
  const report = stepReport(step, 'failed', clock.date().toISOString());
  const finish = reportFinisher(report, clock, started);
  const cancelled = () =>
    finish('cancelled', {
      code: 'Cancelled',
      message: report.invalidationId
        ? `The job was cancelled; invalidation ${report.invalidationId} cannot be cancelled and completes on its own.`
        : 'The job was cancelled before the invalidation was created.',
    });
  if (signal.aborted) return cancelled();

  const reference = callerReference(context, step.distributionId, deps.fallbackRunId);
  for (let attempt = 0; ; attempt++) {
    try {
      const created = await cloudfront.send(
        new CreateInvalidationCommand({
          DistributionId: step.distributionId,
          InvalidationBatch: {
            CallerReference: reference,
            Paths: { Quantity: step.paths.length, Items: step.paths },
          },
        }),
        { abortSignal: signal },
      );
      report.invalidationId = created.Invalidation?.Id;
      report.invalidationStatus = created.Invalidation?.Status;
      break;
    } catch (error) {
      if (signal.aborted) return cancelled();
      const code = awsErrorName(error);
      const delay = Math.max(250, jitteredBackoffMs(attempt, 1_000, 15_000, random));
      if (RETRYABLE.has(code) && clock.now() + delay < deadline) {
        log(
          `CreateInvalidation on ${step.distributionId}: ${code}; retrying in ${(delay / 1000).toFixed(1)} s.`,
        );
        await clock.sleep(delay, signal);
        if (signal.aborted) return cancelled();
        continue;
      }
      const hint =
        code === 'TooManyInvalidationsInProgress'
          ? ' CloudFront allows 3,000 paths (15 wildcard paths) in progress per distribution: wait for running invalidations or use fewer, wider wildcards.'
          : code === 'AccessDenied'
            ? ` The role needs cloudfront:CreateInvalidation on arn:aws:cloudfront::<account>:distribution/${step.distributionId}.`
            : code === 'NoSuchDistribution'
              ? ' Check the distribution id in the sites file.'
              : '';
      log(`CreateInvalidation on ${step.distributionId} failed: ${code}: ${errorMessage(error)}`);
      return finish('failed', {
        code,
        message: `CreateInvalidation on ${step.distributionId} failed${RETRYABLE.has(code) ? ` after ${attempt + 1} attempts within the step timeout` : ''}: ${errorMessage(error)}.${hint}`,
      });
    }
  }
  log(
    `Invalidation ${report.invalidationId} of ${listPaths(step.paths)} on ${step.distributionId}: ${report.invalidationStatus}.`,
  );
  if (!step.wait || report.invalidationStatus === 'Completed') return finish('success');

  let delay = 1_000;
  for (;;) {
    const wait = Math.min(delay, deadline - clock.now());
    await clock.sleep(wait, signal);
    if (signal.aborted) return cancelled();
    if (clock.now() >= deadline) {
      log(`Invalidation ${report.invalidationId} still ${report.invalidationStatus} at the step timeout.`);
      return finish('timed-out', {
        code: 'StepTimedOut',
        message: `Invalidation ${report.invalidationId} did not complete within step-timeout-seconds (${deps.stepTimeoutMs / 1000} s); it cannot be cancelled and will finish on its own.`,
      });
    }
    delay = Math.min(10_000, delay * 1.5);
    try {
      const got = await cloudfront.send(
        new GetInvalidationCommand({ DistributionId: step.distributionId, Id: report.invalidationId }),
        { abortSignal: signal },
      );
      report.invalidationStatus = got.Invalidation?.Status;
    } catch (error) {
      if (signal.aborted) return cancelled();
      const code = awsErrorName(error);
      if (RETRYABLE.has(code)) continue;
      log(`GetInvalidation ${report.invalidationId} failed: ${code}: ${errorMessage(error)}`);
      return finish('failed', {
        code,
        message: `Could not follow invalidation ${report.invalidationId}: ${errorMessage(error)}.${code === 'AccessDenied' ? ' Waiting needs cloudfront:GetInvalidation in the role policy.' : ''}`,
      });
    }
    if (report.invalidationStatus === 'Completed') {
      log(`Invalidation ${report.invalidationId} completed.`);
      return finish('success');
    }
  }
}
