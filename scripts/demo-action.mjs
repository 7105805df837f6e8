// The demo's shared pieces (scripts/demo.mjs, scripts/demo-slack-loop.mjs): terminal styles, the
// committed action bundle run as the GitHub runner runs it (through __tests__/helpers/run-action.ts)
// with its log shown as the run page shows it, the `with:` of an example workflow resolved as GitHub
// would, a Slack message framed as the channel shows it, and the list of checks the demo holds itself
// to. I/O: runs dist/index.js in a temporary workspace, reads the example workflows, prints.

import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { exampleConfig, repoRoot, runAction } from '../__tests__/helpers/run-action.ts';
import { ANSI_STYLES, PLAIN_STYLES, renderSlackMessage } from './slack-render-text.ts';

const tty = process.stdout.isTTY;
export const bold = (s) => (tty ? `\x1b[1m${s}\x1b[0m` : s);
export const dim = (s) => (tty ? `\x1b[2m${s}\x1b[0m` : s);
export const indent = (text, by = '    ') => text.replace(/^/gm, by);

/** A Slack message (blocks, or text alone) framed as the channel shows it, indented. */
export const slackText = (payload, title) =>
  indent(renderSlackMessage(payload, { styles: tty ? ANSI_STYLES : PLAIN_STYLES, width: 96, title }));

/** Shows runner commands the way the run page does: groups as headings, annotations as labels. */
function renderLog(stdout) {
  return stdout
    .split('\n')
    .filter((line) => line !== '' && !/^::(endgroup|add-mask|debug)::/.test(line))
    .map((line) => {
      const command = /^::(group|error|warning|notice)(?: [^:]*)?::(.*)$/.exec(line);
      if (!command) return `    ${line}`;
      const text = command[2].replace(/%0A/g, '\n    ').replace(/%0D/g, '').replace(/%25/g, '%');
      return command[1] === 'group' ? `  ▼ ${text}` : `  ${command[1].toUpperCase()}: ${text}`;
    })
    .join('\n');
}

/** The action step of an example workflow: its `with:`, expressions resolved as GitHub would. */
export function actionStep(workflowFile, jobName, context) {
  const workflow = parse(readFileSync(join(repoRoot, workflowFile), 'utf8'));
  const step = workflow.jobs[jobName].steps.find((s) => s.with && 'site' in s.with);
  // inputs the dispatch did not send take their declared default, as on GitHub
  const declared = workflow.on?.workflow_dispatch?.inputs ?? {};
  const defaults = Object.fromEntries(
    Object.entries(declared).map(([name, input]) => [name, input.default ?? '']),
  );
  const scopes = { ...context, inputs: { ...defaults, ...context.inputs } };
  const lookup = (ref) => {
    const [, scope, name] = /^(inputs|vars|secrets)\.([\w-]+)$/.exec(ref.trim()) ?? [];
    const found = scopes[scope]?.[name];
    if (found === undefined)
      throw new Error(`${workflowFile}: \${{ ${ref.trim()} }} has no value in the demo`);
    return found;
  };
  // `${{ a.b }}` and `${{ a.b || c.d }}` (the first non-empty, as GitHub's || gives)
  const resolve = (value) =>
    String(value).replace(/\$\{\{([^}]*)\}\}/g, (_, expression) =>
      expression.split('||').reduce((found, ref) => found || lookup(ref), ''),
    );
  return Object.fromEntries(Object.entries(step.with).map(([name, value]) => [name, resolve(value)]));
}

/** Runs dist/index.js the way the runner does (run-action.ts); streams the rendered log. */
export async function runBundledAction(inputs, env, sitesFile = exampleConfig) {
  let pending = '';
  const run = await runAction({
    inputs,
    files: { '.github/cache-purge.yml': sitesFile },
    env: {
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'acme/website',
      GITHUB_RUN_ATTEMPT: '1',
      ...env,
    },
    timeoutMs: 60_000,
    onStart: (child) =>
      child.stdout.on('data', (chunk) => {
        pending += chunk;
        const lines = pending.split('\n');
        pending = lines.pop();
        const shown = renderLog(lines.join('\n'));
        if (shown) console.log(shown);
      }),
  });
  rmSync(run.workspace, { recursive: true, force: true });
  if (pending) console.log(renderLog(pending));
  if (run.stderr) console.log(indent(run.stderr));
  return run;
}

/** What the demo checks: each check printed as it is made, and kept in `checks` for the verdict. */
export function createChecks() {
  const checks = [];
  return {
    checks,
    check(ok, what) {
      checks.push({ ok, what });
      console.log(`  ${ok ? '✔' : '✘'} ${what}`);
    },
  };
}
