// Executes a run against AWS: credentials first (the OIDC role, or the SDK's default chain; resolved
// before any step, so a credentials failure fails the run, not a step, and shared by every client as
// one provider that the SDK refreshes before it expires), then the pre-flight (roots-preflight.ts: the
// deployed documents against the sites file, before any SendCommand), then each site's steps strictly in order
// (site-steps.ts), up to `maxParallelSites` sites at a time (parallel.ts). One site failing does not
// stop the others; the run's status is the worst of them. With one site, each step has its own log
// group; with several, every log line is prefixed with its site. SIGINT/SIGTERM (the runner
// cancelling the job) cancels the SSM commands in flight, starts no other site, and ends the run as
// `cancelled`. Never throws for AWS faults. Loaded lazily by src/action/main.ts (await import) so a dry
// run never loads the AWS SDK.

import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import type { Plan } from '../plan/plan.js';
import type { RunPlan } from '../plan/plan-sites-file.js';
import type {
  RunContext,
  RunProgress,
  RunReport,
  RunStatus,
  SitesRunReport,
  StepError,
} from '../report/report.js';
import type { ExecutionSettings } from '../inputs/execution-inputs.js';
import { isUserError } from '../../shared/errors.js';
import { describeTrigger, plainRequester } from '../report/report-view.js';
import { formatDuration, plural } from '../../shared/text.js';
import type { Runner } from '../runner.js';
import { CancelledError, systemClock, type Clock } from '../clock.js';
import { errorMessage } from './aws-answers.js';
import type { AwsCredentialProvider } from './credentials.js';
import { runCredentials } from './run-credentials.js';
import { sdkHttpOptions } from './sdk-http-options.js';
import type { ProxiedHttp } from '../../shared/proxy-network.js';
import type { PollPolicy } from './ssm-step-decisions.js';
import { runBounded } from './parallel.js';
import { runSiteSteps, skippedSteps, type SiteStepDependencies } from './site-steps.js';
import { MAX_PARALLEL_SITES_DEFAULT } from '../inputs/site-list.js';
import { rootsPreflight } from './roots-preflight.js';
import { ssmClientPool, type SsmClientPool } from './ssm-clients.js';

export interface ExecuteDependencies {
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
  /** Sites purging at the same time at most (default 4). */
  maxParallelSites?: number;
  /** Hears each step start and end (the live Slack message). */
  onProgress?: (event: RunProgress) => void;
  /** The proxied HTTP clients (HTTPS_PROXY/HTTP_PROXY set): STS, SSM and CloudFront use `agent`, verify `fetch`. */
  proxied?: Pick<ProxiedHttp, 'agent' | 'fetch'>;
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

/** The run's status from its sites': cancelled beats failure beats success. */
export function worstStatus(statuses: readonly RunStatus[]): RunStatus {
  if (statuses.includes('cancelled')) return 'cancelled';
  return statuses.includes('failure') ? 'failure' : 'success';
}

/** Why a run fails before any site starts: our verdict (a StepError), or what was thrown, under `code`. */
type EarlyFailure = { stepError: StepError } | { thrown: unknown; code: string };

/** A run that fails (or is cancelled) before any site starts: every step skipped, the failure on the run and every site. */
function failBeforeAnySite(run: SitesRunReport, cause: EarlyFailure, signal: AbortSignal): SitesRunReport {
  const cancelled = ('thrown' in cause && cause.thrown instanceof CancelledError) || signal.aborted;
  const failure: StepError | undefined = cancelled
    ? undefined
    : 'stepError' in cause
      ? cause.stepError
      : isUserError(cause.thrown)
        ? { code: cause.code, message: cause.thrown.message, title: cause.thrown.title }
        : { code: cause.code, message: errorMessage(cause.thrown) };
  for (const report of run.sites) {
    report.steps = skippedSteps(report.plan, 0);
    report.status = cancelled ? 'cancelled' : 'failure';
    if (failure) report.error = failure;
  }
  run.status = cancelled ? 'cancelled' : 'failure';
  if (failure) run.error = failure;
  return run;
}

/** One site's report before it runs: success until a step says otherwise. */
const siteReport = (plan: Plan, context: RunContext, startedAt: string): RunReport => ({
  status: 'success',
  context: { ...context, site: plan.site },
  startedAt,
  durationMs: 0,
  steps: [],
  plan,
});

/** A one-site run (the shape every one-site caller and view knows). */
export async function executePlan(
  plan: Plan,
  context: RunContext,
  settings: ExecutionSettings,
  deps: ExecuteDependencies,
): Promise<RunReport> {
  const run = await executeSites({ configFile: plan.configFile, sites: [plan] }, context, settings, deps);
  return run.sites[0]!;
}

export async function executeSites(
  runPlan: RunPlan,
  context: RunContext,
  settings: ExecutionSettings,
  deps: ExecuteDependencies,
): Promise<SitesRunReport> {
  const { runner } = deps;
  const clock = deps.clock ?? systemClock;
  const started = clock.now();
  const startedAt = clock.date().toISOString();
  const several = runPlan.sites.length > 1;
  const maxParallelSites = deps.maxParallelSites ?? MAX_PARALLEL_SITES_DEFAULT;
  const listening = deps.signal
    ? undefined
    : cancelOnSignals((name) =>
        runner.info(`Received ${name}: the job is being cancelled; cancelling the commands in flight.`),
      );
  const signal = deps.signal ?? listening!.signal;
  const run: SitesRunReport = {
    status: 'success',
    context,
    startedAt,
    durationMs: 0,
    maxParallelSites,
    sites: runPlan.sites.map((plan) => siteReport(plan, context, startedAt)),
  };
  let ssmClients: SsmClientPool | undefined;
  let cloudfront: CloudFrontClient | undefined;
  const by = `requested by ${plainRequester(context.requester)}, trigger: ${describeTrigger(context.trigger, context.eventName)}`;
  try {
    const [first] = runPlan.sites;
    runner.info(
      several
        ? `Purging ${plural(runPlan.sites.length, 'site')} (${runPlan.sites.map((p) => p.site).join(', ')}), up to ${maxParallelSites} at a time, each site's steps in order, ${by}.`
        : `Purging ${first!.site}: ${plural(first!.steps.length, 'step')} in order, ${by}.`,
    );
    // A provider, not keys: every client asks it for each request, and the SDK has it assume the role
    // again when the session nears its end (a run can outlast role-duration-seconds).
    let credentials: AwsCredentialProvider;
    try {
      credentials = await runCredentials(settings, runPlan.sites, { ...deps, clock, signal });
    } catch (error) {
      return failBeforeAnySite(run, { thrown: error, code: 'CredentialsError' }, signal);
    }

    const sdkHttp = sdkHttpOptions(deps.proxied?.agent);
    const ssm = (ssmClients = ssmClientPool(credentials, deps.proxied?.agent));
    const shared: Omit<SiteStepDependencies, 'log' | 'group'> = {
      clock,
      signal,
      ssmClient: ssm.client,
      cloudFrontClient: () =>
        (cloudfront ??= new CloudFrontClient({
          region: 'us-east-1',
          retryMode: 'adaptive',
          credentials,
          ...sdkHttp,
        })),
      stepTimeoutMs: settings.stepTimeoutSeconds * 1000,
      fallbackRunId: String(Date.now()),
      ...(deps.pollPolicy && { pollPolicy: deps.pollPolicy }),
      ...(deps.random && { random: deps.random }),
      ...(deps.onProgress && { onProgress: deps.onProgress }),
      ...(deps.proxied && { fetch: deps.proxied.fetch }),
    };
    // before any SendCommand of the run: the deployed documents' roots and patterns against the sites file
    try {
      const preflight = await rootsPreflight(runPlan.sites, runPlan.configFile, {
        ssmClient: shared.ssmClient,
        signal,
      });
      for (const line of preflight.lines) runner.info(`Pre-flight: ${line}`);
      for (const report of run.sites) {
        const warnings = preflight.warnings[report.plan.site];
        if (warnings?.length) report.warnings = warnings;
      }
      if (preflight.error) return failBeforeAnySite(run, { stepError: preflight.error }, signal);
    } catch (error) {
      return failBeforeAnySite(run, { thrown: error, code: 'PreflightError' }, signal);
    }
    await runBounded(
      run.sites,
      maxParallelSites,
      async (report) => {
        const siteStarted = clock.now();
        // one site: its report times the whole run, credentials included, as it always did
        if (several) report.startedAt = clock.date().toISOString();
        const log = several
          ? (line: string) => runner.info(`[${report.plan.site}] ${line}`)
          : (line: string) => runner.info(line);
        const group: SiteStepDependencies['group'] = several
          ? (title, body) => {
              log(title);
              return body();
            }
          : (title, body) => runner.group(title, body);
        try {
          await runSiteSteps(report.plan, report.context, report, { ...shared, log, group });
        } finally {
          report.durationMs = Math.round(clock.now() - siteStarted);
        }
        if (several) log(`${report.status} in ${formatDuration(report.durationMs)}.`);
        deps.onProgress?.({ kind: 'site-finished', site: report.plan.site, report });
      },
      {
        signal,
        // a site not started when the job was cancelled: every step skipped
        notStarted: (report) => {
          report.steps = skippedSteps(report.plan, 0);
          report.status = 'cancelled';
          deps.onProgress?.({ kind: 'site-finished', site: report.plan.site, report });
        },
      },
    ).then((settled) => {
      // runSiteSteps does not throw for AWS faults: anything else is a bug, reported as such
      const broken = settled.find((s) => !s.ok);
      if (broken && !broken.ok) throw broken.error;
    });
    run.status = worstStatus(run.sites.map((report) => report.status));
    return run;
  } finally {
    run.durationMs = Math.round(clock.now() - started);
    if (!several) run.sites[0]!.durationMs = run.durationMs;
    listening?.dispose();
    ssmClients?.destroy();
    cloudfront?.destroy();
  }
}
