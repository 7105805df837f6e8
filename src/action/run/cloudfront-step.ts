// Runs one CloudFront step: CreateInvalidation with an idempotent CallerReference, backing off on
// TooManyInvalidationsInProgress and throttling within the step timeout, then (when asked) waiting
// for GetInvalidation to say Completed, also within the step timeout. Counts every HTTP request the
// SDK made (its retries included) so log lines and errors say how many were sent. Only talks to
// CloudFront, the clock and the log.

import {
  CreateInvalidationCommand,
  GetInvalidationCommand,
  type CloudFrontClient,
} from '@aws-sdk/client-cloudfront';
import type { CloudFrontPlanStep } from '../plan/plan.js';
import type { CloudFrontStepReport, RunContext } from '../report/report.js';
import { callerReference } from './requests.js';
import { listPaths } from '../sites-file/paths.js';
import { formatDuration, plural } from '../../shared/text.js';
import { jitteredBackoffMs, type Clock } from '../clock.js';
import { awsErrorName, errorMessage, sdkMetadata, sdkRequests } from './aws-answers.js';
import { reportFinisher, stepReport } from './step-report.js';

interface CloudFrontStepDependencies {
  cloudfront: CloudFrontClient;
  clock: Clock;
  signal: AbortSignal;
  log: (line: string) => void;
  stepTimeoutMs: number;
  /** Used in the CallerReference when GITHUB_RUN_ID is not set (runs outside Actions). */
  fallbackRunId: string;
  /** Set when an earlier step of the run invalidated the same distribution (see callerReference). */
  repeatedStepIndex?: number;
  random?: () => number;
}

/**
 * Throttling and "service unavailable": the SDK's retry strategy (standard or adaptive, 3 requests
 * per send by default) has already retried these before we see them. Which errors it retries is in
 * node_modules/@smithy/core/dist-es/submodules/retry/service-error-classification/constants.js
 * (THROTTLING_ERROR_CODES, which includes "Throttling", "ThrottlingException", "RequestLimitExceeded",
 * "TooManyRequestsException"; TRANSIENT_ERROR_STATUS_CODES 500/502/503/504) and
 * service-error-classification.js next to it (isThrottlingError also takes HTTP 429), @smithy/core
 * 3.41.0. TooManyInvalidationsInProgress is in neither: client-cloudfront models it as a plain 400
 * client error with no retryable trait, so the SDK sends it once and only our loop waits it out.
 */
function isThrottledOrUnavailable(error: unknown): boolean {
  const status = sdkMetadata(error)?.httpStatusCode;
  return THROTTLING_CODES.has(awsErrorName(error)) || status === 429 || status === 503;
}
const THROTTLING_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'ServiceUnavailable',
]);
const TOO_MANY_INVALIDATIONS = 'TooManyInvalidationsInProgress';

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

  const reference = callerReference(context, step.distributionId, deps.fallbackRunId, deps.repeatedStepIndex);
  // Our loop re-sends CreateInvalidation in two cases, both bounded by the step timeout:
  // - TooManyInvalidationsInProgress: the SDK never retries it (see isThrottledOrUnavailable); other
  //   invalidations on the distribution must complete first, which takes seconds to minutes.
  // - throttling / 503 the SDK already retried: here the bounded budget is the point. CreateInvalidation
  //   is rate limited per account (about 0.5 requests/s reported), so other deploys can keep it
  //   throttled past the SDK's 3 quick requests (≤ about 1 s of backoff); the invalidation is what the
  //   user asked for, so we keep trying with longer waits (up to 15 s) until the step timeout.
  // Anything else the SDK retried (network errors, 500/502/504) or refused is reported as it is.
  let requests = 0;
  for (let pass = 0; ; pass++) {
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
      requests += sdkRequests(created);
      report.invalidationId = created.Invalidation?.Id;
      report.invalidationStatus = created.Invalidation?.Status;
      break;
    } catch (error) {
      if (signal.aborted) return cancelled();
      requests += sdkRequests(error);
      const code = awsErrorName(error);
      const waitable = code === TOO_MANY_INVALIDATIONS || isThrottledOrUnavailable(error);
      const delay = Math.max(250, jitteredBackoffMs(pass, 1_000, 15_000, random));
      if (waitable && clock.now() + delay < deadline) {
        log(
          `CreateInvalidation on ${step.distributionId}: ${code} (${plural(requests, 'request')} so far); retrying in ${formatDuration(delay)}.`,
        );
        await clock.sleep(delay, signal);
        if (signal.aborted) return cancelled();
        continue;
      }
      const hint =
        code === TOO_MANY_INVALIDATIONS
          ? " Other invalidations in progress on this distribution hold CloudFront's limits (3,000 file paths, and apart from them 15 wildcard paths, in progress at once): wait for them to complete, or use fewer, wider wildcards."
          : code === 'AccessDenied'
            ? ` The role needs cloudfront:CreateInvalidation on arn:aws:cloudfront::<account>:distribution/${step.distributionId}.`
            : code === 'NoSuchDistribution'
              ? ' Check the distribution id in the sites file.'
              : '';
      const sent = `${requests > 1 ? ` after ${plural(requests, 'request')}` : ''}${waitable ? ` within step-timeout-seconds (${formatDuration(deps.stepTimeoutMs)})` : ''}`;
      log(`CreateInvalidation on ${step.distributionId} failed${sent}: ${code}: ${errorMessage(error)}`);
      return finish('failed', {
        code,
        message: `CreateInvalidation on ${step.distributionId} failed${sent}: ${errorMessage(error)}.${hint}`,
      });
    }
  }
  const took = requests > 1 ? ` (CreateInvalidation took ${plural(requests, 'request')})` : '';
  log(
    `Invalidation ${report.invalidationId} of ${listPaths(step.paths)} on ${step.distributionId}: ${report.invalidationStatus}${took}.`,
  );
  if (!step.wait || report.invalidationStatus === 'Completed') return finish('success');

  const waited = await waitForInvalidation(report, { cloudfront, clock, signal, log, deadline });
  const polls = plural(waited.requests, 'GetInvalidation request');
  switch (waited.outcome) {
    case 'completed':
      log(`Invalidation ${report.invalidationId} completed (${polls}).`);
      return finish('success');
    case 'cancelled':
      return cancelled();
    case 'deadline':
      log(
        `Invalidation ${report.invalidationId} still ${report.invalidationStatus} at the step timeout, after ${polls}.`,
      );
      return finish('timed-out', {
        code: 'StepTimedOut',
        message: `Invalidation ${report.invalidationId} did not complete within step-timeout-seconds (${formatDuration(deps.stepTimeoutMs)}; ${polls}); it cannot be cancelled and will finish on its own.`,
      });
    case 'failed': {
      const code = awsErrorName(waited.error);
      log(`GetInvalidation ${report.invalidationId} failed: ${code}: ${errorMessage(waited.error)}`);
      return finish('failed', {
        code,
        message: `Could not follow invalidation ${report.invalidationId}${waited.requests > 1 ? ` (after ${polls})` : ''}: ${errorMessage(waited.error)}.${code === 'AccessDenied' ? ' Waiting needs cloudfront:GetInvalidation in the role policy.' : ''}`,
      });
    }
  }
}

interface WaitDependencies {
  cloudfront: CloudFrontClient;
  clock: Clock;
  signal: AbortSignal;
  log: (line: string) => void;
  /** clock.now() by which the invalidation must have completed. */
  deadline: number;
}

/**
 * Polls GetInvalidation (after 1 s, growing ×1.5 to 10 s) until the invalidation of `report` says
 * Completed, keeping `report.invalidationStatus` current. A poll whose throttling or 503 outlasted the
 * SDK's own retries is not re-sent: it only means no news until the next poll. Used by the CloudFront
 * step that waits, and by a verify step waiting for the invalidations earlier steps left in progress.
 */
export async function waitForInvalidation(
  report: CloudFrontStepReport,
  deps: WaitDependencies,
): Promise<{
  outcome: 'completed' | 'deadline' | 'cancelled' | 'failed';
  requests: number;
  error?: unknown;
}> {
  const { cloudfront, clock, signal, log, deadline } = deps;
  let requests = 0;
  let delay = 1_000;
  while (report.invalidationStatus !== 'Completed') {
    await clock.sleep(Math.max(0, Math.min(delay, deadline - clock.now())), signal);
    if (signal.aborted) return { outcome: 'cancelled', requests };
    if (clock.now() >= deadline) return { outcome: 'deadline', requests };
    delay = Math.min(10_000, delay * 1.5);
    try {
      const got = await cloudfront.send(
        new GetInvalidationCommand({ DistributionId: report.distributionId, Id: report.invalidationId }),
        { abortSignal: signal },
      );
      requests += sdkRequests(got);
      report.invalidationStatus = got.Invalidation?.Status;
    } catch (error) {
      if (signal.aborted) return { outcome: 'cancelled', requests };
      requests += sdkRequests(error);
      if (!isThrottledOrUnavailable(error)) return { outcome: 'failed', requests, error };
      log(
        `GetInvalidation ${report.invalidationId}: ${awsErrorName(error)} (${plural(requests, 'request')} so far); asking again at the next poll.`,
      );
    }
  }
  return { outcome: 'completed', requests };
}
