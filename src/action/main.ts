// The action's run(): inputs → sites file → plan → (dry run: show it | real run: execute it) → outputs,
// job summary, annotations and the Slack message. Everything it touches from outside comes in through
// `ActionDependencies`, so the same code runs under the real runner, @github/local-action and the
// tests. The AWS part is a lazily loaded chunk: a dry run never loads the AWS SDK (unless `read-stack`
// asks it to read the stack's documents: run/stack-check.ts). With HTTPS_PROXY /
// HTTP_PROXY set, every outbound client (STS, SSM, CloudFront, Slack, verify) gets the proxied HTTP
// plumbing built once here (the OIDC token's client reads the variables itself).

import { actionsRunner, type Runner } from './runner.js';
import { readExecutionInputs, readInputs } from './inputs/inputs.js';
import { readConfigFile } from './sites-file/config-file.js';
import { planOutput, planSites } from './plan/plan-sites-file.js';
import { planLogLines } from './plan/plan-view.js';
import { isUserError } from '../shared/errors.js';
import { readSlackSettings } from './report/slack-webhook.js';
import { publishDryRunSites, publishSitesReport, redactorFor } from './report/publish.js';
import { nextProgress, progressMessage, startProgress } from './report/live-progress.js';
import type { LiveMessage, LiveMessageOptions } from './report/slack-live.js';
import { systemClock } from './clock.js';
import { buildRunContext } from './report/run-context.js';
import { oidcTokenUnavailable, parseExecutionInputs } from './inputs/execution-inputs.js';
import { formatDuration, plural } from '../shared/text.js';
import { misnamedInputError } from './inputs/input-variables.js';
import type { ExecuteDependencies } from './run/execute.js';
import { describeProxySettings, proxySecrets, readProxySettings } from '../shared/proxy-settings.js';
import type { ProxySettings } from '../shared/proxy-settings.js';
import type { ProxiedHttp } from '../shared/proxy-network.js';

interface ActionDependencies {
  runner: Runner;
  env: NodeJS.ProcessEnv;
  /** What the executor uses from outside (clock, OIDC token source, …); tests pass fakes. */
  execute: Omit<ExecuteDependencies, 'runner' | 'env' | 'maxParallelSites'>;
  /** The live message's interval and retry policy; tests pass fast ones. */
  liveMessage: Pick<LiveMessageOptions, 'minIntervalMs' | 'retry'>;
  /** Builds the proxied HTTP clients when HTTPS_PROXY/HTTP_PROXY is set (default: proxy-network.ts). */
  proxiedHttp: (settings: ProxySettings) => Promise<ProxiedHttp>;
}

/** The proxy-network chunk, loaded only when a proxy is set. */
const loadProxiedHttp = async (settings: ProxySettings): Promise<ProxiedHttp> =>
  (await import('../shared/proxy-network.js')).createProxiedHttp(settings);

/** A cancelled run must post before the runner's SIGTERM → SIGKILL grace runs out. */
const CANCELLED_SLACK_BUDGET_MS = 5_000;

export async function run(dependencies: Partial<ActionDependencies> = {}): Promise<void> {
  const baseRunner = dependencies.runner ?? actionsRunner();
  const env = dependencies.env ?? process.env;
  const started = Date.now();
  // Every value the run masks (OIDC token, assumed-role keys) is also redacted from outputs and reports.
  const secrets: string[] = [];
  const runner: Runner = {
    ...baseRunner,
    setSecret: (value) => {
      if (value) secrets.push(value);
      baseRunner.setSecret(value);
    },
  };
  let proxied: ProxiedHttp | undefined;
  try {
    // INPUT_DRY_RUN for dry-run: ignored, it would turn a dry run into a real one; refused first
    const misnamed = misnamedInputError(Object.keys(env));
    if (misnamed) throw misnamed;
    const proxy = readProxySettings(env);
    if (proxy) {
      for (const secret of proxySecrets(proxy)) runner.setSecret(secret);
      runner.info(describeProxySettings(proxy));
      proxied = await (dependencies.proxiedHttp ?? loadProxiedHttp)(proxy);
    }
    const slackFetch = proxied && { fetch: proxied.fetch };
    const inputs = readInputs(runner);
    const slack = readSlackSettings(runner, env); // checked (and masked) before anything runs
    const workspace = env.GITHUB_WORKSPACE || process.cwd();
    // every problem of the file and of every site's plan, in one error
    const plan = planSites(await readConfigFile(workspace, inputs.config), {
      sites: inputs.sites,
      ...(inputs.awsRegion && { region: inputs.awsRegion }),
      ...(env.AWS_REGION && { environmentRegion: env.AWS_REGION }),
      configFile: inputs.config,
      ...(inputs.paths && { paths: inputs.paths }),
      ...(inputs.waitForInvalidation && { waitForInvalidation: true }),
    });
    runner.setOutput('plan', JSON.stringify(planOutput(plan)));
    for (const site of plan.sites) {
      await runner.group(`Plan for ${site.site}`, async () =>
        planLogLines(site).forEach((line) => runner.info(line)),
      );
    }
    const sites = plan.sites.map((site) => site.site).join(', ');
    const steps = plan.sites.reduce((n, site) => n + site.steps.length, 0);

    // Checked before any AWS call, and by a dry run too: it must fail wherever a real run would.
    const settings = parseExecutionInputs(
      readExecutionInputs(runner),
      plan.sites.map((site) => site.site).join('-'),
      env,
    );
    const context = buildRunContext(env, sites, settings.requester);

    if (inputs.dryRun) {
      if (inputs.readStack) {
        const { checkStack } = await import('./run/stack-check.js');
        await checkStack(plan, settings, {
          ...dependencies.execute,
          runner,
          env,
          ...(proxied && { proxied }),
        });
      }
      runner.setOutput('status', 'planned');
      const noToken = !inputs.readStack && oidcTokenUnavailable(settings, env);
      if (noToken)
        runner.warning(`A real run would stop here. ${noToken}`, { title: 'No OIDC token available' });
      runner.info(`Dry run: nothing was purged. ${plural(steps, 'step')} would run for ${sites}.`);
      await publishDryRunSites(plan.sites, context, Date.now() - started, {
        runner,
        env,
        slack,
        ...(slackFetch && { slackPost: slackFetch }),
      });
      return;
    }

    // The live message: posted before anything runs, updated as steps finish, replaced by the result.
    let live: LiveMessage | undefined;
    let progress = startProgress(plan.sites, context);
    if (slack.bot) {
      const { createLiveMessage } = await import('./report/slack-live.js');
      const candidate = await createLiveMessage({
        bot: slack.bot,
        clock: dependencies.execute?.clock ?? systemClock,
        // secrets obtained later in the run (OIDC token, role keys) are redacted too
        redact: (text) => redactorFor({ secrets, env, slack })(text),
        log: (line) => runner.warning(line, { title: 'Live Slack message' }),
        ...(proxied && { agent: proxied.agent }),
        ...dependencies.liveMessage,
      });
      if (await candidate.start(progressMessage(progress))) {
        live = candidate;
        runner.info(`Slack: live message posted in ${slack.bot.channel}; it follows the run.`);
      } else if (slack.webhookUrl) runner.info('Slack: the result goes to slack-webhook-url instead.');
    }

    const { executeSites } = await import('./run/execute.js');
    const report = await executeSites(plan, context, settings, {
      ...dependencies.execute,
      runner,
      env,
      maxParallelSites: inputs.maxParallelSites,
      ...(proxied && { proxied }),
      ...(live && {
        onProgress: (event) => {
          progress = nextProgress(progress, event);
          live.update(progressMessage(progress));
        },
      }),
    });
    runner.info(`Cache purge of ${sites}: ${report.status} in ${formatDuration(report.durationMs)}.`);
    await publishSitesReport(report, {
      ...(live && { live }),
      runner,
      env,
      slack,
      secrets,
      slackPost: {
        ...slackFetch,
        ...(report.status === 'cancelled' && { budgetMs: CANCELLED_SLACK_BUDGET_MS }),
      },
    });
    if (report.status !== 'success') runner.markFailed();
  } catch (error) {
    if (isUserError(error)) {
      runner.error(error.message, { title: error.title, ...error.location });
    } else {
      const message = error instanceof Error ? error.message : String(error);
      runner.error(
        `Unexpected error: ${message}. This is a bug in cache-purge-action; please report it with this log.`,
        { title: 'cache-purge-action failed' },
      );
      if (error instanceof Error && error.stack) runner.debug(error.stack);
    }
    runner.markFailed();
  } finally {
    await proxied?.close();
  }
}
