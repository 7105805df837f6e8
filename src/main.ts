// The action's run(): inputs → sites file → plan → (dry run: show it | real run: execute it) → outputs.
// Everything it touches from outside comes in through `ActionDependencies`, so the same code runs
// under the real runner, @github/local-action and the tests.

import { actionsRunner, type Runner } from './action/runner.js';
import { readInputs } from './action/inputs.js';
import { readConfigFile } from './action/config-file.js';
import { parseSitesConfig } from './core/config.js';
import { buildPlan, type Plan } from './core/plan.js';
import { planLogLines, planMarkdownTable } from './core/plan-view.js';
import { isUserError } from './core/errors.js';
import { parseExecutionInputs } from './core/execution-inputs.js';
import { buildRunContext } from './core/run-context.js';
import { readExecutionInputs } from './action/inputs.js';

export interface ActionDependencies {
  runner: Runner;
  env: NodeJS.ProcessEnv;
}

export async function run(dependencies: Partial<ActionDependencies> = {}): Promise<void> {
  const runner = dependencies.runner ?? actionsRunner();
  const env = dependencies.env ?? process.env;
  try {
    const inputs = readInputs(runner);
    const workspace = env.GITHUB_WORKSPACE || process.cwd();
    const config = parseSitesConfig(await readConfigFile(workspace, inputs.config), inputs.config);
    const plan = buildPlan(config, {
      site: inputs.site,
      ...(inputs.awsRegion && { region: inputs.awsRegion }),
      ...(env.AWS_REGION && { environmentRegion: env.AWS_REGION }),
      configFile: inputs.config,
      ...(inputs.paths && { paths: inputs.paths }),
      ...(inputs.waitForInvalidation && { waitForInvalidation: true }),
    });
    runner.setOutput('plan', JSON.stringify(plan));
    await runner.group(`Plan for ${plan.site}`, async () =>
      planLogLines(plan).forEach((line) => runner.info(line)),
    );

    if (inputs.dryRun) {
      runner.setOutput('status', 'planned');
      runner.info(`Dry run: nothing was purged. ${plan.steps.length} step(s) would run for ${plan.site}.`);
      await runner.appendSummary(dryRunSummary(plan));
      return;
    }
    // A real run: inputs checked before any AWS call; the AWS part is a lazily loaded chunk.
    const settings = parseExecutionInputs(readExecutionInputs(runner), plan.site, env);
    const context = buildRunContext(env, plan.site, settings.requester);
    const { executePlan, reportOutputs } = await import('./action/execute.js');
    const report = await executePlan(plan, context, settings, { runner, env });
    for (const [name, value] of Object.entries(reportOutputs(report))) runner.setOutput(name, value);
    if (report.error)
      runner.error(report.error.message, { title: report.error.title ?? 'cache-purge-action failed' });
    for (const step of report.steps) {
      if (step.status === 'success' || step.status === 'skipped') continue;
      runner.error(
        `Step ${step.index} (${step.name}) ${step.status}: ${step.error?.message ?? 'no detail'}`,
        {
          title: `${plan.site}: ${step.name} ${step.status}`,
        },
      );
    }
    runner.info(
      `Cache purge of ${plan.site}: ${report.status} in ${(report.durationMs / 1000).toFixed(1)} s.`,
    );
    if (report.status !== 'success') runner.markFailed();
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

function dryRunSummary(plan: Plan): string {
  return [
    `## 📝 Cache purge plan for \`${plan.site}\` (dry run)`,
    '',
    `Nothing was purged. From \`${plan.configFile}\`, these steps would run in order; the first failure stops the rest.`,
    '',
    planMarkdownTable(plan),
    '',
  ].join('\n');
}
