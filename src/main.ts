// The action's run(): inputs → sites file → plan → (dry run: show it | real run: execute it) → outputs.
// Everything it touches from outside comes in through `ActionDependencies`, so the same code runs
// under the real runner, @github/local-action and the tests.

import { actionsRunner, type Runner } from './action/runner.js';
import { readInputs } from './action/inputs.js';
import { readConfigFile } from './action/config-file.js';
import { parseSitesConfig } from './core/config.js';
import { buildPlan } from './core/plan.js';
import { planLogLines } from './core/plan-view.js';
import { isUserError, UserError } from './core/errors.js';
import { readSlackSettings } from './action/slack.js';
import { publishDryRun } from './action/publish.js';
import { buildRunContext } from './core/run-context.js';

export interface ActionDependencies {
  runner: Runner;
  env: NodeJS.ProcessEnv;
}

export async function run(dependencies: Partial<ActionDependencies> = {}): Promise<void> {
  const runner = dependencies.runner ?? actionsRunner();
  const env = dependencies.env ?? process.env;
  const started = Date.now();
  try {
    const inputs = readInputs(runner);
    const slack = readSlackSettings(runner); // checked (and masked) before anything runs
    const workspace = env.GITHUB_WORKSPACE || process.cwd();
    const config = parseSitesConfig(await readConfigFile(workspace, inputs.config), inputs.config);
    const plan = buildPlan(config, {
      site: inputs.site,
      ...(inputs.awsRegion && { region: inputs.awsRegion }),
      ...(env.AWS_REGION && { environmentRegion: env.AWS_REGION }),
      configFile: inputs.config,
    });
    runner.setOutput('plan', JSON.stringify(plan));
    await runner.group(`Plan for ${plan.site}`, async () =>
      planLogLines(plan).forEach((line) => runner.info(line)),
    );

    if (inputs.dryRun) {
      runner.setOutput('status', 'planned');
      runner.info(`Dry run: nothing was purged. ${plan.steps.length} step(s) would run for ${plan.site}.`);
      const context = buildRunContext(env, plan.site, runner.getInput('requester'));
      await publishDryRun(plan, context, Date.now() - started, { runner, env, slack });
      return;
    }
    // Real run (after the executor merge): `const report = await execute(plan, …);` then
    //   await publishRunReport(report, { runner, env, slack, secrets: [oidcToken, ...assumedRoleKeys] });
    //   if (report.status !== 'success') runner.markFailed();
    throw new UserError(
      'Execution not available',
      'This build of cache-purge-action can only plan: set "dry-run: true". Running the plan against AWS is not implemented yet.',
    );
  } catch (error) {
    if (isUserError(error)) {
      runner.error(error.message, { title: error.title, ...error.location });
    } else {
      const message = error instanceof Error ? error.message : String(error);
      runner.error(
        `Unexpected error: ${message}. This is a bug in cache-purge-action; please report it with this log.`,
        {
          title: 'cache-purge-action failed',
        },
      );
      if (error instanceof Error && error.stack) runner.debug(error.stack);
    }
    runner.markFailed();
  }
}
