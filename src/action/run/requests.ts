// What we send to AWS that is built from the run: SendCommand's input for an SSM step (document,
// parameters, targets, limits), with its Comment (site, requester, run id; ≤ 100 characters), and the
// CloudFront CallerReference (idempotent per run attempt, site and distribution). Pure.

import type { SendCommandCommandInput } from '@aws-sdk/client-ssm';
import type { SsmPlanStep } from '../plan/plan.js';
import type { RunContext } from '../report/report.js';

const MAX_SSM_COMMENT = 100;

/** SendCommand for an SSM step: by instance IDs or by tags, as the plan says. */
export function sendCommandInput(step: SsmPlanStep, context: RunContext): SendCommandCommandInput {
  const targets =
    'instanceIds' in step.targets
      ? { InstanceIds: step.targets.instanceIds }
      : {
          Targets: Object.entries(step.targets.tags).map(([key, values]) => ({
            Key: `tag:${key}`,
            Values: values,
          })),
        };
  return {
    DocumentName: step.document,
    ...(step.documentVersion !== undefined && { DocumentVersion: step.documentVersion }),
    Parameters: step.parameters,
    Comment: ssmComment(context),
    TimeoutSeconds: step.deliveryTimeoutSeconds,
    MaxConcurrency: step.maxConcurrency,
    MaxErrors: step.maxErrors,
    ...targets,
  };
}

export function ssmComment(context: RunContext): string {
  const run = context.runId
    ? ` run ${context.runId}${context.runAttempt ? `/${context.runAttempt}` : ''}`
    : '';
  const fixed = `cache-purge ${context.site}${run} by `;
  const room = MAX_SSM_COMMENT - fixed.length;
  const requester =
    context.requester.length > room
      ? `${context.requester.slice(0, Math.max(0, room - 1))}…`
      : context.requester;
  return `${fixed}${requester}`.slice(0, MAX_SSM_COMMENT);
}

/**
 * `cache-purge/<run id>/<attempt>/<site>/<distribution>`: a retried request in the same attempt is the
 * same invalidation; a re-run (new attempt) is a new one. `fallbackRunId` is used outside Actions.
 * A later step of the same run on a distribution an earlier step already invalidated gets
 * `/step-<index>` after it (`stepIndex`): CloudFront answers a CallerReference it has seen with the
 * earlier invalidation (same paths) or InvalidationBatchAlreadyExists (other paths).
 */
export function callerReference(
  context: RunContext,
  distributionId: string,
  fallbackRunId: string,
  stepIndex?: number,
): string {
  return [
    'cache-purge',
    context.runId ?? fallbackRunId,
    context.runAttempt ?? '1',
    context.site,
    distributionId,
    ...(stepIndex === undefined ? [] : [`step-${stepIndex}`]),
  ].join('/');
}

/** The step index `callerReference` needs: set only when an earlier CloudFront step of `steps` has the same distribution. */
export function repeatedDistributionStep(
  steps: readonly { index: number; kind: string; distributionId?: string }[],
  step: { index: number; distributionId: string },
): number | undefined {
  const earlier = steps.some(
    (s) => s.kind === 'cloudfront' && s.index < step.index && s.distributionId === step.distributionId,
  );
  return earlier ? step.index : undefined;
}
