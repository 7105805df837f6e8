// The action's outputs derived from a RunReport: status, report (JSON), command-ids and
// invalidation-ids (JSON arrays, in step order). Pure.

import type { RunReport } from './report.js';

/** The SSM command ids a run sent, in step order. */
export const commandIds = (report: RunReport): string[] =>
  report.steps.flatMap((s) => (s.kind === 'ssm' && s.commandId ? [s.commandId] : []));

/** The CloudFront invalidation ids a run created, in step order. */
export const invalidationIds = (report: RunReport): string[] =>
  report.steps.flatMap((s) => (s.kind === 'cloudfront' && s.invalidationId ? [s.invalidationId] : []));

export function reportOutputs(report: RunReport): Record<string, string> {
  return {
    status: report.status,
    report: JSON.stringify(report),
    'command-ids': JSON.stringify(commandIds(report)),
    'invalidation-ids': JSON.stringify(invalidationIds(report)),
  };
}
