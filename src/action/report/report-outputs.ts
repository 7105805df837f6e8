// The action's outputs derived from a RunReport: status, report (JSON), command-ids and
// invalidation-ids (JSON arrays, in step order). Pure.

import type { RunReport } from './report.js';

export function reportOutputs(report: RunReport): Record<string, string> {
  const commandIds = report.steps.flatMap((s) => (s.kind === 'ssm' && s.commandId ? [s.commandId] : []));
  const invalidationIds = report.steps.flatMap((s) =>
    s.kind === 'cloudfront' && s.invalidationId ? [s.invalidationId] : [],
  );
  return {
    status: report.status,
    report: JSON.stringify(report),
    'command-ids': JSON.stringify(commandIds),
    'invalidation-ids': JSON.stringify(invalidationIds),
  };
}
