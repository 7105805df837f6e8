// The pieces of a run report, for report-fixtures.ts and the views' tests: the real plan of the example
// `portal` site, the Slack run context, an instance as the executor reports it, the portal's SSM and
// CloudFront steps (a failed one carries decideSsmStep's error), skipped steps, and the report itself.

import { parseSitesConfig } from '../../src/action/sites-file/read-sites-file.js';
import { buildPlan, type Plan } from '../../src/action/plan/plan.js';
import type {
  CloudFrontStepReport,
  InstanceReport,
  RunContext,
  RunReport,
  SsmStepReport,
} from '../../src/action/report/report.js';
import { parsePurgeResult } from '../../src/action/report/purge-result.js';
import { decideSsmStep, type SsmDecision } from '../../src/action/run/ssm-step-decisions.js';
import { exampleConfig } from './run-action.js';

export const portalPlan: Plan = buildPlan(parseSitesConfig(exampleConfig, '.github/cache-purge.yml'), {
  site: 'portal',
  configFile: '.github/cache-purge.yml',
});

export const slackContext: RunContext = {
  site: 'portal',
  requester: '<@U2CERLKJA>',
  trigger: 'slack',
  eventName: 'workflow_dispatch',
  repository: 'acme/portal',
  ref: 'main',
  sha: '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b',
  runId: '123456789',
  runAttempt: '1',
  runUrl: 'https://github.com/acme/portal/actions/runs/123456789',
  workflow: 'Purge cache',
};

export function instance(id: string, overrides: Partial<InstanceReport> = {}): InstanceReport {
  const stdout =
    overrides.stdout ??
    `Purging /var/cache/nginx/portal\nCACHE_PURGE_RESULT {"files":1234,"bytes":12897484,"method":"find-delete","durationMs":412}`;
  const result = parsePurgeResult(stdout);
  return {
    instanceId: id,
    status: 'Success',
    statusDetails: 'Success',
    responseCode: 0,
    durationMs: 1800,
    stdout,
    stderr: '',
    ...(result && { result }),
    ...overrides,
  };
}

/** An instance whose invocation was cancelled (timed-out or cancelled step): no output, no result. */
export const cancelledInstance = (id: string): InstanceReport =>
  instance(id, {
    status: 'Cancelled',
    statusDetails: 'Cancelled',
    responseCode: -1,
    stdout: '',
    result: undefined,
  });

/** A step whose instances failed carries the error the executor gives it (decideSsmStep's). */
export function ssmStep(index: number, overrides: Partial<SsmStepReport> = {}): SsmStepReport {
  const planned = portalPlan.steps[index - 1]!;
  if (planned.kind !== 'ssm') throw new Error('not an SSM step');
  const instances = overrides.instances ?? [instance('i-0123456789abcdef0')];
  const decided: SsmDecision =
    overrides.status === 'failed'
      ? decideSsmStep(overrides.targetCount ?? instances.length, instances)
      : { ok: true };
  return {
    ...(decided.error && { error: decided.error }),
    kind: 'ssm',
    index,
    name: planned.name,
    status: 'success',
    startedAt: '2026-05-01T10:00:00.000Z',
    durationMs: 4100,
    document: planned.document,
    region: planned.region,
    commandId: `c0ffee${index}0-1111-2222-3333-444455556666`,
    targetCount: instances.length,
    instances,
    ...overrides,
  };
}

/** The portal's CloudFront step (step 3), successful: one invalidation in progress. */
export function cloudFrontStep(overrides: Partial<CloudFrontStepReport> = {}): CloudFrontStepReport {
  return {
    kind: 'cloudfront',
    index: 3,
    name: 'CloudFront',
    status: 'success',
    startedAt: '2026-05-01T10:00:08.000Z',
    durationMs: 800,
    distributionId: 'E2EXAMPLE12345',
    paths: ['/*'],
    invalidationId: 'I2J0I21PCUYOIK',
    invalidationStatus: 'InProgress',
    ...overrides,
  };
}

/** Step `index` of the portal plan, skipped (nothing sent, no instances, no invalidation). */
export const skipped = (index: number): SsmStepReport | CloudFrontStepReport =>
  index === 3
    ? {
        ...cloudFrontStep(),
        status: 'skipped',
        durationMs: 0,
        invalidationId: undefined,
        invalidationStatus: undefined,
        startedAt: undefined,
      }
    : {
        ...ssmStep(index),
        status: 'skipped',
        durationMs: 0,
        instances: [],
        targetCount: 0,
        commandId: undefined,
        startedAt: undefined,
      };

/** A report of `steps` with the Slack context and the example's portal plan. */
export function report(status: RunReport['status'], steps: RunReport['steps']): RunReport {
  return {
    status,
    context: slackContext,
    startedAt: '2026-05-01T10:00:00.000Z',
    durationMs: steps.reduce((sum, s) => sum + s.durationMs, 0) + 350,
    steps,
    plan: portalPlan,
  };
}
