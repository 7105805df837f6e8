// Publishes what happened where users look, once a run (or a dry run) is over: the outputs (status,
// report, command-ids, invalidation-ids, duration-ms), the annotations, the job summary and the Slack message — in that order, local and fast
// first, the network last. Every text is built by the pure views beside this file (src/action/report/) from a copy of the report
// with every known secret (and secret-shaped text) redacted. Does not decide the exit code for the
// run's own status; a Slack failure is a warning, or a failure when `fail-on-slack-error` is true.

import type { Runner } from '../runner.js';
import type { Plan } from '../plan/plan.js';
import type { RunContext, RunReport } from './report.js';
import { runAnnotations } from './annotations.js';
import { dryRunSummaryMarkdown, runSummaryMarkdown } from './summary.js';
import type { SlackPayload } from './slack-blocks.js';
import { dryRunMessage, runReportMessage } from './slack-message.js';
import { redactDeep, redactor, secretsFromEnvironment, type Redactor } from './redact.js';
import { reportOutputs } from './report-outputs.js';
import { postSlackMessage, type SlackPostOptions, type SlackSettings } from './slack-webhook.js';

interface PublishOptions {
  runner: Runner;
  env: NodeJS.ProcessEnv;
  slack: SlackSettings;
  /** Secret values known to the caller (the OIDC token, the assumed role's keys, …). */
  secrets?: string[];
  /** Bounds and policy of the Slack post (a cancelled run passes a short budget). */
  slackPost?: SlackPostOptions;
}

function redactorFor(options: PublishOptions): Redactor {
  return redactor([
    ...(options.secrets ?? []),
    ...secretsFromEnvironment(options.env),
    ...(options.slack.webhookUrl ? [options.slack.webhookUrl] : []),
  ]);
}

async function postToSlack(payload: SlackPayload, options: PublishOptions, redact: Redactor): Promise<void> {
  const { runner, slack } = options;
  if (!slack.webhookUrl) return;
  const result = await postSlackMessage(slack.webhookUrl, redactDeep(payload, redact), options.slackPost);
  if (result.ok) {
    runner.info(
      `Slack: result message posted${result.attempts > 1 ? ` (after ${result.attempts} attempts)` : ''}.`,
    );
    return;
  }
  const message = redact(`Slack message not posted: ${result.reason}.`);
  if (slack.failOnError) {
    runner.error(`${message} (fail-on-slack-error is true, so this fails the step.)`, {
      title: 'Slack message not posted',
    });
    runner.markFailed();
  } else {
    runner.warning(
      `${message} The purge result above is unaffected; set fail-on-slack-error: true to fail the step instead.`,
      {
        title: 'Slack message not posted',
      },
    );
  }
}

/** After a real run: the outputs, annotations, job summary, Slack. */
export async function publishRunReport(report: RunReport, options: PublishOptions): Promise<void> {
  const redact = redactorFor(options);
  const safe = redactDeep(report, redact);
  const { runner } = options;
  for (const [name, value] of Object.entries(reportOutputs(safe))) runner.setOutput(name, value);
  runner.setOutput('duration-ms', String(Math.round(report.durationMs)));
  for (const annotation of runAnnotations(safe)) {
    const title = { title: redact(annotation.title) };
    if (annotation.level === 'error') runner.error(redact(annotation.message), title);
    else runner.warning(redact(annotation.message), title);
  }
  await runner.appendSummary(redact(runSummaryMarkdown(safe)));
  await postToSlack(runReportMessage(safe), options, redact);
}

/** After a dry run: duration-ms, the plan in the job summary, the planned message in Slack. */
export async function publishDryRun(
  plan: Plan,
  context: RunContext,
  durationMs: number,
  options: PublishOptions,
): Promise<void> {
  const redact = redactorFor(options);
  const safePlan = redactDeep(plan, redact);
  const safeContext = redactDeep(context, redact);
  options.runner.setOutput('duration-ms', String(Math.round(durationMs)));
  await options.runner.appendSummary(redact(dryRunSummaryMarkdown(safePlan, safeContext)));
  await postToSlack(dryRunMessage(safePlan, safeContext), options, redact);
}
