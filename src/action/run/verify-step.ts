// The `verify` step as the executor runs it: first waits (within the step's time) for every invalidation
// an earlier CloudFront step of the run left in progress, so a stale CDN copy is not blamed on a purge
// still under way; then requests the site as a visitor (src/action/verify/run-verify.ts) and turns what
// it found into the step's report: success when every URL is fresh at every layer and refills, failed
// otherwise, with the problems in the report. I/O: GetInvalidation (CloudFront client) and HTTP.

import type { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import type { VerifyPlanStep } from '../plan/plan.js';
import type { CloudFrontStepReport, StepReport, VerifyStepReport } from '../report/report.js';
import { isUserError } from '../../shared/errors.js';
import { formatDuration, plural } from '../../shared/text.js';
import { bundledDocumentName } from '../sites-file/bundled-documents.js';
import type { Clock } from '../clock.js';
import { awsErrorName, errorMessage } from './aws-answers.js';
import { reportFinisher, stepReport } from './step-report.js';
import { waitForInvalidation } from './cloudfront-step.js';
import { makeProbe, type Probe } from '../verify/http-probe.js';
import type { RunFacts } from '../verify/likely-cause.js';
import { reportLines } from '../verify/verify-report.js';
import { runVerify } from '../verify/run-verify.js';
import { sitemapUrls } from '../verify/sitemap.js';

export interface VerifyStepDependencies {
  clock: Clock;
  signal: AbortSignal;
  log: (line: string) => void;
  /** The action's step-timeout-seconds; the step's own timeout-seconds applies within it. */
  stepTimeoutMs: number;
  /** When the run started (epoch ms): a copy cached before it is stale. */
  runStartMs: number;
  /** The reports of the steps that ran before this one. */
  earlier: readonly StepReport[];
  /** The CloudFront client, made only when an invalidation must be waited for. */
  cloudfront: () => CloudFrontClient;
  /** Default: Node's fetch, as a visitor. */
  probe?: Probe;
  fetch?: typeof globalThis.fetch;
}

/** What the run did before this step, as the likely-cause texts need it. */
export function runFacts(earlier: readonly StepReport[]): RunFacts {
  const invalidations = earlier.filter(
    (s): s is CloudFrontStepReport => s.kind === 'cloudfront' && !!s.invalidationId,
  );
  const fastCgi = earlier.filter(
    (s) => s.kind === 'ssm' && bundledDocumentName(s.document) === 'CachePurge-FastCGI',
  );
  return {
    ...(invalidations.length > 0 && {
      invalidationPaths: [...new Set(invalidations.flatMap((s) => s.paths))],
      invalidationCompleted: invalidations.every((s) => s.invalidationStatus === 'Completed'),
    }),
    ...(fastCgi.length > 0 && {
      originPurge: fastCgi.every((s) => s.status === 'success')
        ? ('succeeded' as const)
        : ('failed' as const),
    }),
  };
}

export async function runVerifyStep(
  step: VerifyPlanStep,
  deps: VerifyStepDependencies,
): Promise<VerifyStepReport> {
  const { clock, log, signal } = deps;
  const started = clock.now();
  const report = stepReport(step, 'failed', clock.date().toISOString());
  const finish = reportFinisher(report, clock, started);
  const timeoutMs = Math.min(step.timeoutSeconds * 1000, deps.stepTimeoutMs);
  const deadline = started + timeoutMs;

  const pending = deps.earlier.filter(
    (s): s is CloudFrontStepReport =>
      s.kind === 'cloudfront' && !!s.invalidationId && s.invalidationStatus !== 'Completed',
  );
  for (const invalidation of pending) {
    log(
      `Waiting for invalidation ${invalidation.invalidationId} (step ${invalidation.index}) to complete first.`,
    );
    const waited = await waitForInvalidation(invalidation, {
      cloudfront: deps.cloudfront(),
      clock,
      signal,
      log,
      deadline,
    });
    if (waited.outcome === 'cancelled')
      return finish('cancelled', { code: 'Cancelled', message: 'The run was cancelled.' });
    if (waited.outcome === 'deadline') {
      return finish('timed-out', {
        code: 'StepTimedOut',
        message: `Invalidation ${invalidation.invalidationId} had not completed after ${formatDuration(timeoutMs)}, so no page was requested: visitors may still get the old copies. Raise the step's timeout-seconds, or let the CloudFront step wait.`,
      });
    }
    if (waited.outcome === 'failed') {
      return finish('failed', {
        code: awsErrorName(waited.error),
        message: `Could not follow invalidation ${invalidation.invalidationId}: ${errorMessage(waited.error)}. Waiting needs cloudfront:GetInvalidation in the role policy.`,
      });
    }
  }

  const config = { ...step, timeoutSeconds: Math.max(1, Math.floor((deadline - clock.now()) / 1000)) };
  try {
    const found = await runVerify(
      { config, runStartMs: deps.runStartMs, facts: runFacts(deps.earlier) },
      {
        probe: deps.probe ?? makeProbe({ clock, ...(deps.fetch && { fetch: deps.fetch }) }),
        readSitemap: (url, limit, seen) =>
          sitemapUrls(
            url,
            {
              limit,
              timeoutMs: step.requestTimeoutSeconds * 1000,
              signal,
              ...(deps.fetch && { fetch: deps.fetch }),
            },
            undefined,
            seen,
          ),
        clock,
        signal,
      },
    );
    report.verify = found;
    for (const line of reportLines(found)) log(line);
    if (signal.aborted) return finish('cancelled', { code: 'Cancelled', message: 'The run was cancelled.' });
    if (found.passed) return finish('success');
    return finish('failed', {
      code: 'VerifyFailed',
      message: `${plural(found.problemCount, 'problem')} seen from the visitor's side (each with its likely cause below).`,
    });
  } catch (error) {
    if (signal.aborted) return finish('cancelled', { code: 'Cancelled', message: 'The run was cancelled.' });
    return finish(
      'failed',
      isUserError(error)
        ? { code: 'VerifyInputError', message: error.message, title: error.title }
        : { code: 'VerifyError', message: errorMessage(error) },
    );
  }
}
