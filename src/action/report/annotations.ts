// The annotations a run leaves on the run page: one error per failed (or timed-out) step naming what
// failed where and the likely fix, a warning for each thing the run could not check before it started
// (report.warnings), and one warning when the run was cancelled part-way. Pure: the
// runner adapter writes them as `::error::` / `::warning::` lines.

import type { RunReport } from './report.js';
import { describeCause, diagnose } from './diagnosis.js';
import { describeInstanceCount, reportSite, STEP_STATUS_LABEL } from './report-view.js';
import { formatDuration } from '../../shared/text.js';

interface RunAnnotation {
  level: 'error' | 'warning';
  title: string;
  message: string;
}

export function runAnnotations(report: RunReport): RunAnnotation[] {
  const site = reportSite(report);
  const annotations: RunAnnotation[] = [];
  if (report.error) {
    // a failure before any step could start (credentials, …): its message already names the fix
    annotations.push({
      level: 'error',
      title: report.error.title ?? `${site}: purge failed before any step ran`,
      message: `${report.error.message}\nNot run: ${report.steps.map((s) => s.name).join(', ')}.`,
    });
  }
  for (const warning of report.warnings ?? []) {
    annotations.push({ level: 'warning', title: warning.title, message: warning.message });
  }
  for (const step of report.steps) {
    const causes = diagnose(step);
    if (causes.length === 0) continue;
    const count = step.kind === 'ssm' ? describeInstanceCount(step) : undefined;
    const where =
      step.kind === 'cloudfront'
        ? ` (distribution ${step.distributionId})`
        : count && count !== 'no instances'
          ? ` (${count} succeeded)`
          : '';
    const lines = [
      `Step ${step.index} "${step.name}" of ${site} ${STEP_STATUS_LABEL[step.status]} after ${formatDuration(step.durationMs)}${where}.`,
      ...causes.map((cause) => `- ${describeCause(cause)}`),
    ];
    const skipped = report.steps.filter((s) => s.status === 'skipped').map((s) => s.name);
    if (skipped.length > 0) lines.push(`Not run: ${skipped.join(', ')}.`);
    annotations.push({
      level: 'error',
      title: `${site}: ${step.name} ${STEP_STATUS_LABEL[step.status]}`,
      message: lines.join('\n'),
    });
  }
  if (report.status === 'cancelled') {
    const at = report.steps.find((s) => s.status === 'cancelled');
    const done = report.steps.filter((s) => s.status === 'success').map((s) => s.name);
    annotations.push({
      level: 'warning',
      title: `${site}: purge cancelled`,
      message: [
        at
          ? `The run was cancelled during step ${at.index} "${at.name}"; its command was cancelled (best effort: a script already running may still finish).`
          : 'The run was cancelled.',
        done.length > 0 ? `Already done: ${done.join(', ')}.` : 'No step had completed.',
        'The caches may be partly purged: run the purge again.',
      ].join(' '),
    });
  }
  return annotations;
}
