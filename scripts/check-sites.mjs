// `npm run check-sites -- <site-repo-dir> <site> [--config .github/cache-purge.yml] [--aws-region R]
// [--read-stack]`: checks a sites file on this machine by running the action's bundle (dist/index.js) as
// a dry run, the way the runner would (INPUT_ variables, GITHUB_WORKSPACE, temp GITHUB_OUTPUT/
// GITHUB_STEP_SUMMARY), so nobody types the env line by hand. It can never purge: dry-run is forced.
// Without --read-stack the child gets no AWS_* or INPUT_* variable of this shell (no keys, no profile;
// the shared credential files and instance metadata are pointed away). With --read-stack it keeps this
// shell's AWS_* variables and credential files (the SDK's default chain: keys, profile, SSO) and sets
// `read-stack`, so the dry run also reads the stack's deployed documents (ssm:GetDocument only) and
// fails where their roots or patterns do not fit the file. Prints the runner's ::error/::warning
// annotations decoded, then the log with the plan; exits with the action's exit code (2 for a bad
// command line).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const USAGE =
  'Usage: npm run check-sites -- <site-repo-dir> <site> [--config .github/cache-purge.yml] [--aws-region us-east-1] [--read-stack]';
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

function fail(message) {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

const positional = [];
const inputs = {};
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const option = { '--config': 'config', '--aws-region': 'aws-region' }[args[i]];
  if (args[i] === '--read-stack') inputs['read-stack'] = 'true';
  else if (option) {
    if (args[i + 1] === undefined) fail(`${args[i]} needs a value.`);
    inputs[option] = args[++i];
  } else if (args[i].startsWith('-')) fail(`Unknown option ${args[i]}.`);
  else positional.push(args[i]);
}
if (positional.length !== 2) fail('Give the directory of the site repository and the site key.');
// `npm run` starts scripts in this package's directory; INIT_CWD is where the user typed the command
const workspace = resolve(process.env.INIT_CWD ?? process.cwd(), positional[0]);
if (!existsSync(workspace)) fail(`${workspace} does not exist.`);
inputs.site = positional[1];
inputs['dry-run'] = 'true';

const readStack = inputs['read-stack'] === 'true';
const temp = mkdtempSync(join(tmpdir(), 'check-sites-'));
const dropped = readStack ? /^(INPUT_|GITHUB_|ACTIONS_)/i : /^(AWS_|INPUT_|GITHUB_|ACTIONS_)/i;
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !dropped.test(name)));
if (!readStack) {
  Object.assign(env, {
    AWS_SHARED_CREDENTIALS_FILE: join(temp, 'no-aws-credentials'),
    AWS_CONFIG_FILE: join(temp, 'no-aws-config'),
    AWS_EC2_METADATA_DISABLED: 'true',
  });
}
Object.assign(env, {
  GITHUB_WORKSPACE: workspace,
  GITHUB_OUTPUT: join(temp, 'output'),
  GITHUB_STEP_SUMMARY: join(temp, 'summary.md'),
});
writeFileSync(env.GITHUB_OUTPUT, '');
writeFileSync(env.GITHUB_STEP_SUMMARY, '');
// the runner's own names (@actions/core getInput): INPUT_ + the name upper-cased, "-" kept
for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;

const run = spawnSync(process.execPath, [join(repoRoot, 'dist/index.js')], {
  cwd: workspace,
  env,
  encoding: 'utf8',
});
rmSync(temp, { recursive: true, force: true });
if (run.error) throw run.error;

/** The escaping of @actions/core's workflow commands, undone (%25 last is not needed: one pass). */
const decode = (text) =>
  text.replace(
    /%(25|0D|0A|3A|2C)/g,
    (_, code) => ({ 25: '%', '0D': '\r', '0A': '\n', '3A': ':', '2C': ',' })[code],
  );

/** What stands in here for the workflow's inputs a message names: the action speaks of a workflow. */
const LOCAL_HINTS = [
  [
    'set the "aws-region" input',
    `check-sites: --aws-region REGION stands in for the "aws-region" input${readStack ? " (with --read-stack your shell's AWS_REGION is used too)" : " (your shell's AWS_REGION is not passed on without --read-stack)"}.`,
  ],
  [
    'the "config" input',
    'check-sites: --config PATH stands in for the "config" input (relative to the site repository).',
  ],
  [
    'The "role-to-assume" input is empty',
    "check-sites --read-stack uses your shell's credentials: AWS_PROFILE (a profile of ~/.aws/config), AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a session from `aws sso login`; role-to-assume is a workflow's.",
  ],
];
const localHints = (text) =>
  LOCAL_HINTS.filter(([found]) => text.includes(found)).map(([, hint]) => `${hint}\n`);

const annotations = [];
const log = [];
for (const line of run.stdout.split(/\r?\n/)) {
  const command = /^::(\w[\w-]*)(?: ([^:]*))?::(.*)$/.exec(line);
  if (!command) {
    log.push(line);
    continue;
  }
  const [, name, properties = '', message] = command;
  if (name === 'error' || name === 'warning') {
    const props = Object.fromEntries(
      properties
        .split(',')
        .filter(Boolean)
        .map((p) => [p.slice(0, p.indexOf('=')), decode(p.slice(p.indexOf('=') + 1))]),
    );
    const where = props.file
      ? ` (${props.file}${props.line ? `:${props.line}` : ''}${props.col ? `:${props.col}` : ''})`
      : '';
    const text = decode(message);
    annotations.push(
      `${name === 'error' ? 'Error' : 'Warning'}: ${props.title ?? ''}${where}\n${text}\n${localHints(text).join('')}`,
    );
  } else if (name === 'group') log.push(`── ${decode(message)}`);
}

process.stdout.write(
  `Checking ${inputs.config ?? '.github/cache-purge.yml'} in ${workspace} for site "${inputs.site}": ${
    readStack
      ? "a dry run that reads the stack's documents with your AWS credentials (ssm:GetDocument only)"
      : 'a dry run, with no AWS credentials'
  }.\n\n`,
);
const printed = log.join('\n').trim();
process.stdout.write([...annotations, ...(printed ? [`${printed}\n`] : [])].join('\n'));
process.stderr.write(run.stderr);
process.exit(run.status ?? 1);
