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
import type { SitesRunReport } from './report.js';
import type { LiveMessage } from './slack-live.js';
import { failureReply } from './live-progress.js';
import {
  dryRunSitesSummaryMarkdown,
  sitesAnnotations,
  sitesOutputs,
  sitesSummaryMarkdown,
} from './sites-view.js';
import { dryRunSitesMessage, sitesReportMessage } from './sites-slack-message.js';

interface PublishOptions {
  /** The live message of this run (slack-bot-token + slack-channel), when it was posted: the result replaces it, no webhook post. */
  live?: LiveMessage;
  /** For the live message: the thread reply of a failed run (failureReply). */
  threadReply?: string;
  runner: Runner;
  env: NodeJS.ProcessEnv;
  slack: SlackSettings;
  /** Secret values known to the caller (the OIDC token, the assumed role's keys, …). */
  secrets?: string[];
  /** Bounds and policy of the Slack post (a cancelled run passes a short budget). */
  slackPost?: SlackPostOptions;
}

export function redactorFor(options: Pick<PublishOptions, 'secrets' | 'env' | 'slack'>): Redactor {
  return redactor([
    ...(options.secrets ?? []),
    ...secretsFromEnvironment(options.env),
    ...(options.slack.webhookUrl ? [options.slack.webhookUrl] : []),
    ...(options.slack.bot ? [options.slack.bot.token] : []),
  ]);
}

/** The result where Slack shows it: the live message when there is one, else the webhook. */
async function deliver(payload: SlackPayload, options: PublishOptions, redact: Redactor): Promise<void> {
  if (!options.live) return postToSlack(payload, options, redact);
  const result = await options.live.finish(payload, options.threadReply);
  if (result.ok) {
    options.runner.info(
      `Slack: live message updated with the result${options.threadReply ? ', failure reply in its thread' : ''}.`,
    );
  } else slackNotPosted(redact(`Slack result not posted to the live message: ${result.reason}.`), options);
}

async function postToSlack(payload: SlackPayload, options: PublishOptions, redact: Redactor): Promise<void> {
  const { runner, slack } = options;
  if (!slack.webhookUrl) return;
  const result = await postSlackMessage(slack.webhookUrl, redactDeep(payload, redact), options.slackPost);
  if (result.ok) {
    runner.info(
      `Slack: result message posted${result.attempts > 1 ? ` (after ${result.attempts} attempts)` : ''}.`,
    );
  } else slackNotPosted(redact(`Slack message not posted: ${result.reason}.`), options);
}

/** A result Slack did not get (webhook or live message): fails the step with fail-on-slack-error, else a warning. */
function slackNotPosted(message: string, { runner, slack }: PublishOptions): void {
  const title = { title: 'Slack message not posted' };
  if (slack.failOnError) {
    runner.error(`${message} (fail-on-slack-error is true, so this fails the step.)`, title);
    runner.markFailed();
  } else {
    runner.warning(
      `${message} The purge result above is unaffected; set fail-on-slack-error: true to fail the step instead.`,
      title,
    );
  }
}

/** The views publish() writes, built from the redacted report. */
interface Views {
  outputs: Record<string, string>;
  annotations: ReturnType<typeof runAnnotations>;
  summary: string;
  slack: SlackPayload;
}

async function publish(
  views: Views,
  durationMs: number,
  options: PublishOptions,
  redact: Redactor,
): Promise<void> {
  const { runner } = options;
  for (const [name, value] of Object.entries(views.outputs)) runner.setOutput(name, value);
  runner.setOutput('duration-ms', String(Math.round(durationMs)));
  for (const annotation of views.annotations) {
    const title = { title: redact(annotation.title) };
    if (annotation.level === 'error') runner.error(redact(annotation.message), title);
    else runner.warning(redact(annotation.message), title);
  }
  await runner.appendSummary(redact(views.summary));
  await deliver(views.slack, options, redact);
}

/** After a real run: the outputs, annotations, job summary, Slack. */
export async function publishRunReport(report: RunReport, options: PublishOptions): Promise<void> {
  const redact = redactorFor(options);
  const safe = redactDeep(report, redact);
  const views = {
    outputs: reportOutputs(safe),
    annotations: runAnnotations(safe),
    summary: runSummaryMarkdown(safe),
    slack: runReportMessage(safe),
  };
  await publish(views, report.durationMs, options, redact);
}

/** After a real run of one site or several: one site's as publishRunReport; several in one of each. */
export async function publishSitesReport(run: SitesRunReport, options: PublishOptions): Promise<void> {
  const redact = redactorFor(options);
  const safe = redactDeep(run, redact);
  const reply = options.live ? failureReply(safe) : undefined;
  if (reply !== undefined) options = { ...options, threadReply: reply };
  if (run.sites.length === 1) return publishRunReport(run.sites[0]!, options);
  const views = {
    outputs: sitesOutputs(safe),
    annotations: sitesAnnotations(safe),
    summary: sitesSummaryMarkdown(safe),
    slack: sitesReportMessage(safe),
  };
  await publish(views, run.durationMs, options, redact);
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

/** After a dry run of several sites: as publishDryRun, every plan in one summary and one message. */
export async function publishDryRunSites(
  plans: readonly Plan[],
  context: RunContext,
  durationMs: number,
  options: PublishOptions,
): Promise<void> {
  if (plans.length === 1) return publishDryRun(plans[0]!, context, durationMs, options);
  const redact = redactorFor(options);
  const safePlans = redactDeep([...plans], redact);
  const safeContext = redactDeep(context, redact);
  options.runner.setOutput('duration-ms', String(Math.round(durationMs)));
  await options.runner.appendSummary(redact(dryRunSitesSummaryMarkdown(safePlans, safeContext)));
  await postToSlack(dryRunSitesMessage(safePlans, safeContext), options, redact);
}
