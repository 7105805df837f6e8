// Executes a plan against AWS, strictly in order: credentials first (the OIDC role, or the SDK's
// default chain; resolved before any step, so a credentials failure fails the run, not a step, and
// shared by every client as one provider that the SDK refreshes before it expires), then
// each step in its own log group; the first step that does not succeed stops the run and the rest
// are reported as skipped. SIGINT/SIGTERM (the runner cancelling the job) cancels the in-flight SSM
// command and ends the run as `cancelled`. Returns the RunReport; never throws for AWS faults.
// Loaded lazily by src/action/main.ts (await import) so a dry run never loads the AWS SDK.

import { SSMClient } from '@aws-sdk/client-ssm';
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import type { Plan } from '../plan/plan.js';
import type { RunContext, RunReport, StepReport } from '../report/report.js';
import type { ExecutionSettings } from '../inputs/execution-inputs.js';
import { isUserError } from '../../shared/errors.js';
import { describeTrigger, plainRequester } from '../report/report-view.js';
import { formatDuration, plural } from '../../shared/text.js';
import type { Runner } from '../runner.js';
import { CancelledError, systemClock, errorMessage, type Clock } from './clock.js';
import { resolveCredentials, type AwsCredentialProvider } from './credentials.js';
import { runSsmStep } from './ssm-step.js';
import { runCloudFrontStep } from './cloudfront-step.js';
import { runVerifyStep } from './verify-step.js';
import { stepReport } from './step-report.js';
import { repeatedDistributionStep } from './requests.js';
import type { PollPolicy } from './ssm-step-decisions.js';

interface ExecuteDependencies {
  runner: Runner;
  env: Record<string, string | undefined>;
  clock?: Clock;
  /** Cancels the run when it aborts. Default: SIGINT and SIGTERM of this process. */
  signal?: AbortSignal;
  /** OIDC token source; default @actions/core getIDToken (lazily imported). */
  getIdToken?: (audience: string) => Promise<string>;
  /** Credential chain without role-to-assume; default the AWS SDK's. */
  defaultChain?: AwsCredentialProvider;
  pollPolicy?: PollPolicy;
  /** Jitter source for retries: STS and CreateInvalidation (default Math.random). */
  random?: () => number;
}

/** An AbortSignal that fires on SIGINT/SIGTERM, and the function that stops listening. */
function cancelOnSignals(onSignal: (signal: NodeJS.Signals) => void): {
  signal: AbortSignal;
  dispose: () => void;
} {
  const controller = new AbortController();
  const handler = (name: NodeJS.Signals) => {
    onSignal(name);
    controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

const skipped = (plan: Plan, from: number): StepReport[] =>
  plan.steps.slice(from).map((step) => stepReport(step, 'skipped'));

export async function executePlan(
  plan: Plan,
  context: RunContext,
  settings: ExecutionSettings,
  deps: ExecuteDependencies,
): Promise<RunReport> {
  const { runner, env } = deps;
  const clock = deps.clock ?? systemClock;
  const started = clock.now();
  const startedAt = clock.date().toISOString();
  const listening = deps.signal
    ? undefined
    : cancelOnSignals((name) =>
        runner.info(`Received ${name}: the job is being cancelled; cancelling the command in flight.`),
      );
  const signal = deps.signal ?? listening!.signal;
  const report: RunReport = { status: 'success', context, startedAt, durationMs: 0, steps: [], plan };
  const ssmClients = new Map<string, SSMClient>();
  let cloudfront: CloudFrontClient | undefined;
  try {
    runner.info(
      `Purging ${plan.site}: ${plural(plan.steps.length, 'step')} in order, requested by ${plainRequester(context.requester)}, trigger: ${describeTrigger(context.trigger, context.eventName)}.`,
    );
    // A provider, not keys: every client asks it for each request, and the SDK has it assume the role
    // again when the session nears its end (a run can outlast role-duration-seconds).
    let credentials: AwsCredentialProvider;
    try {
      credentials = await resolveCredentials(settings, {
        env,
        setSecret: (value) => runner.setSecret(value),
        log: (line) => runner.info(line),
        clock,
        signal,
        region: plan.region ?? env.AWS_REGION ?? 'us-east-1',
        ...(deps.getIdToken && { getIdToken: deps.getIdToken }),
        ...(deps.defaultChain && { defaultChain: deps.defaultChain }),
        ...(deps.random && { random: deps.random }),
      });
    } catch (error) {
      report.steps = skipped(plan, 0);
      if (error instanceof CancelledError || signal.aborted) {
        report.status = 'cancelled';
        return report;
      }
      report.status = 'failure';
      report.error = isUserError(error)
        ? { code: 'CredentialsError', message: error.message, title: error.title }
        : { code: 'CredentialsError', message: errorMessage(error) };
      return report;
    }

    const stepTimeoutMs = settings.stepTimeoutSeconds * 1000;
    const fallbackRunId = String(Date.now());
    for (const [i, step] of plan.steps.entries()) {
      if (signal.aborted) {
        report.status = 'cancelled';
        report.steps.push(...skipped(plan, i));
        break;
      }
      const log = (line: string) => runner.info(line);
      const result = await runner.group(`${step.index}. ${step.name}`, async (): Promise<StepReport> => {
        if (step.kind === 'ssm') {
          let ssm = ssmClients.get(step.region);
          if (!ssm) {
            ssm = new SSMClient({
              region: step.region,
              retryMode: 'adaptive',
              credentials,
            });
            ssmClients.set(step.region, ssm);
          }
          return runSsmStep(step, context, {
            ssm,
            clock,
            signal,
            log,
            stepTimeoutMs,
            ...(deps.pollPolicy && { pollPolicy: deps.pollPolicy }),
          });
        }
        const cloudFrontClient = () =>
          (cloudfront ??= new CloudFrontClient({ region: 'us-east-1', retryMode: 'adaptive', credentials }));
        if (step.kind === 'verify') {
          return runVerifyStep(step, {
            clock,
            signal,
            log,
            stepTimeoutMs,
            runStartMs: Date.parse(startedAt),
            earlier: report.steps,
            cloudfront: cloudFrontClient,
          });
        }
        const repeated = repeatedDistributionStep(plan.steps, step);
        return runCloudFrontStep(step, context, {
          cloudfront: cloudFrontClient(),
          clock,
          signal,
          log,
          stepTimeoutMs,
          fallbackRunId,
          ...(repeated !== undefined && { repeatedStepIndex: repeated }),
          ...(deps.random && { random: deps.random }),
        });
      });
      report.steps.push(result);
      runner.info(`${step.index}. ${step.name}: ${result.status} (${formatDuration(result.durationMs)})`);
      if (result.status !== 'success') {
        report.status = result.status === 'cancelled' ? 'cancelled' : 'failure';
        report.steps.push(...skipped(plan, i + 1));
        break;
      }
    }
    return report;
  } finally {
    report.durationMs = Math.round(clock.now() - started);
    listening?.dispose();
    for (const client of ssmClients.values()) client.destroy();
    cloudfront?.destroy();
  }
}
