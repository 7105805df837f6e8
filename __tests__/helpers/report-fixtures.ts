// Run reports as the executor produces them, for the views' tests: success, failure (Undeliverable,
// script exit code with long stderr, AccessDenied, no instances, timeout), cancellation, 100 instances
// and huge outputs (portal with a verify step: verify-report-fixtures.ts). Built on the real plan of
// the example `portal` site.// The pieces they are built of are report-builders.ts (re-exported here).

import type { RunReport } from '../../src/action/report/report.js';
import { fakeInstanceIds } from './aws-double.js';
import { cancelledInstance, cloudFrontStep, instance, report, skipped, ssmStep } from './report-builders.js';

export { instance, portalPlan, report, slackContext } from './report-builders.js';

export const successReport = (): RunReport =>
  report('success', [
    ssmStep(1, {
      instances: [
        instance('i-0123456789abcdef0', {
          // CachePurge-W3TotalCache's own last line: WP-CLI's flush counts nothing.
          stdout:
            'Flushing W3 Total Cache of /var/www/portal as www-data: wp w3-total-cache flush all\nCACHE_PURGE_RESULT {"files":0,"bytes":0,"counted":false,"method":"wp-cli","command":"w3-total-cache flush all","durationMs":900,"path":"/var/www/portal","user":"www-data"}',
        }),
      ],
    }),
    ssmStep(2),
    cloudFrontStep(),
  ]);

/** The success report with its CloudFront step failed with `code` (no invalidation created). */
export function cloudFrontFailedReport(code: string, message: string): RunReport {
  const failed = successReport();
  Object.assign(failed.steps[2]!, { status: 'failed', invalidationId: undefined, error: { code, message } });
  failed.status = 'failure';
  return failed;
}

export const undeliverableReport = (): RunReport =>
  report('failure', [
    ssmStep(1),
    ssmStep(2, {
      status: 'failed',
      durationMs: 12_000,
      targetCount: 3,
      instances: [
        instance('i-0aaaaaaaaaaaaaaa1'),
        instance('i-0aaaaaaaaaaaaaaa2', {
          status: 'Failed',
          statusDetails: 'Undeliverable',
          responseCode: -1,
          stdout: '',
          stderr: '',
          result: undefined,
        }),
        instance('i-0aaaaaaaaaaaaaaa3'),
      ],
    }),
    skipped(3),
  ]);

export const LONG_STDERR = Array.from(
  { length: 400 },
  (_, i) =>
    `rm: cannot remove '/var/cache/nginx/portal/${i.toString(16)}/${'x'.repeat(40)}': Permission denied`,
).join('\n');

export const exitCodeReport = (stderr = LONG_STDERR): RunReport =>
  report('failure', [
    ssmStep(1, {
      status: 'failed',
      durationMs: 3_300,
      instances: [
        instance('i-0123456789abcdef0', {
          status: 'Failed',
          statusDetails: 'Failed',
          responseCode: 2,
          stdout: 'Flushing W3 Total Cache for /var/www/portal\n```\n<!channel> *bold* & more',
          stderr,
          result: undefined,
        }),
      ],
    }),
    skipped(2),
    skipped(3),
  ]);

export const accessDeniedReport = (): RunReport =>
  report('failure', [
    ssmStep(1, {
      status: 'failed',
      durationMs: 300,
      commandId: undefined,
      targetCount: 0,
      instances: [],
      error: {
        code: 'AccessDeniedException',
        message:
          'User: arn:aws:sts::123456789012:assumed-role/purge/gh is not authorized to perform: ssm:SendCommand',
      },
    }),
    skipped(2),
    skipped(3),
  ]);

export const noInstancesReport = (): RunReport =>
  report('failure', [
    ssmStep(1, {
      status: 'failed',
      durationMs: 900,
      targetCount: 0,
      instances: [],
      error: { code: 'NoInstancesTargeted', message: 'The targets matched no instance.' },
    }),
    skipped(2),
    skipped(3),
  ]);

export const timedOutReport = (): RunReport =>
  report('failure', [
    ssmStep(1),
    ssmStep(2, {
      status: 'timed-out',
      durationMs: 600_000,
      instances: [cancelledInstance('i-0123456789abcdef0')],
      error: { code: 'StepTimedOut', message: 'The step did not finish within 600 s.' },
    }),
    skipped(3),
  ]);

export const cancelledReport = (): RunReport =>
  report('cancelled', [
    ssmStep(1),
    ssmStep(2, {
      status: 'cancelled',
      durationMs: 2_500,
      error: {
        code: 'Cancelled',
        message:
          'The job was cancelled; command c0ffee20-1111-2222-3333-444455556666 was cancelled (best effort).',
      },
      instances: [cancelledInstance('i-0123456789abcdef0')],
    }),
    skipped(3),
  ]);

/** 100 tagged instances: 60 purged, 25 exit code 1 with output, 10 Undeliverable, 5 Delivery Timed Out. */
export const hundredInstancesReport = (): RunReport =>
  report('failure', [
    ssmStep(1, {
      status: 'failed',
      durationMs: 45_000,
      targetCount: 100,
      instances: fakeInstanceIds(100).map((id, i) =>
        i < 60
          ? instance(id)
          : i < 85
            ? instance(id, {
                status: 'Failed',
                statusDetails: 'Failed',
                responseCode: 1,
                stderr: `wp: command not found on ${id}`,
                result: undefined,
              })
            : i < 95
              ? instance(id, {
                  status: 'Failed',
                  statusDetails: 'Undeliverable',
                  responseCode: -1,
                  stdout: '',
                  result: undefined,
                })
              : instance(id, {
                  status: 'TimedOut',
                  statusDetails: 'Delivery Timed Out',
                  responseCode: -1,
                  stdout: '',
                  result: undefined,
                }),
      ),
    }),
    skipped(2),
    skipped(3),
  ]);

/** The 100-instance report cut to its first `count` instances: 60 purged, then `count - 60` failed. */
export function firstInstancesReport(count: number): RunReport {
  const cut = hundredInstancesReport();
  const step = cut.steps[0]!;
  if (step.kind !== 'ssm') throw new Error('the first step of hundredInstancesReport is an SSM step');
  step.instances = step.instances.slice(0, count);
  step.targetCount = count;
  return cut;
}

/** SSM's maximum outputs (24,000 / 8,000 characters) on every one of 50 failed instances, one line each. */
export const hugeOutputReport = (): RunReport =>
  report('failure', [
    ssmStep(1, {
      status: 'failed',
      durationMs: 9_000,
      targetCount: 50,
      instances: fakeInstanceIds(50).map((id) =>
        instance(id, {
          status: 'Failed',
          statusDetails: 'Failed',
          responseCode: 1,
          stdout: 'o'.repeat(24_000),
          stderr: 'e'.repeat(8_000),
          outputTruncated: true,
          result: undefined,
        }),
      ),
    }),
    skipped(2),
    skipped(3),
  ]);

/** A site with 50 steps (the schema's maximum) and very long names and paths. */
export const manyStepsReport = (): RunReport => {
  const base = successReport();
  const steps = Array.from({ length: 50 }, (_, i) =>
    i % 2 === 0
      ? { ...ssmStep(2), index: i + 1, name: `Step ${i + 1} ${'n'.repeat(120)}` }
      : {
          ...cloudFrontStep(),
          index: i + 1,
          name: `Invalidate ${i + 1}`,
          paths: Array.from({ length: 40 }, (_, p) => `/path/${p}/${'p'.repeat(60)}*`),
        },
  );
  return { ...base, context: { ...base.context, site: `portal-${'s'.repeat(200)}` }, steps };
};

export const allFixtures: Record<string, () => RunReport> = {
  success: successReport,
  undeliverable: undeliverableReport,
  'exit code with long stderr': () => exitCodeReport(),
  'access denied': accessDeniedReport,
  'no instances': noInstancesReport,
  'timed out': timedOutReport,
  cancelled: cancelledReport,
  '100 instances': hundredInstancesReport,
  'huge outputs': hugeOutputReport,
  '50 steps, long names': manyStepsReport,
};
