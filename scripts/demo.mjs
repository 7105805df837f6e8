// `npm run demo`: runs the bundled action (dist/index.js) the way the GitHub runner does, on the
// example sites file, end to end against the local AWS protocol double (__tests__/helpers/aws-double.ts:
// SSM, CloudFront, STS and the GitHub OIDC endpoint on 127.0.0.1 — no AWS account). Shows what a user
// would see: the live log, the outputs and the job summary. Exits non-zero if anything did not work.

import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAwsDouble } from '../__tests__/helpers/aws-double.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bold = (s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (s) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s);

/** Shows runner commands the way the run page does: groups as headings, annotations as labels. */
function renderLog(stdout) {
  return stdout
    .split('\n')
    .filter(
      (line) =>
        line !== '' &&
        !line.startsWith('::endgroup::') &&
        !line.startsWith('::add-mask::') &&
        !line.startsWith('::debug::'),
    )
    .map((line) => {
      const command = /^::(group|error|warning|notice)(?: [^:]*)?::(.*)$/.exec(line);
      if (!command) return `    ${line}`;
      const text = command[2].replace(/%0A/g, '\n    ').replace(/%0D/g, '').replace(/%25/g, '%');
      if (command[1] === 'group') return `  ▼ ${text}`;
      return `  ${command[1].toUpperCase()}: ${text}`;
    })
    .join('\n');
}

function parseOutputs(text) {
  const outputs = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<]+)<<(ghadelimiter_[0-9a-f-]+)$/.exec(lines[i]);
    if (!m) continue;
    const value = [];
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i]);
    outputs[m[1]] = value.join('\n');
  }
  return outputs;
}

async function runLikeTheRunner(workspace, inputs, extraEnv) {
  const output = join(workspace, '.output');
  const summary = join(workspace, '.summary');
  writeFileSync(output, '');
  writeFileSync(summary, '');
  const env = {
    PATH: process.env.PATH,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
    ...extraEnv,
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const child = spawn(process.execPath, [join(root, 'dist/index.js')], { cwd: workspace, env });
  let stdout = '';
  let stderr = '';
  let pending = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop();
    const shown = renderLog(lines.join('\n'));
    if (shown) console.log(shown);
  });
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise((resolve) => child.on('close', resolve));
  if (pending) console.log(renderLog(pending));
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputs(readFileSync(output, 'utf8')),
    summary: readFileSync(summary, 'utf8'),
  };
}

const result = (files, bytes, method) =>
  `CACHE_PURGE_RESULT ${JSON.stringify({ files, bytes, method, durationMs: 40 + (files % 200) })}`;
const MAIN_INSTANCES = ['i-0a1b2c3d4e5f60001', 'i-0a1b2c3d4e5f60002', 'i-0a1b2c3d4e5f60003'];
const script = {
  tags: { 'Site=main': MAIN_INSTANCES },
  documents: {
    'CachePurge-W3TotalCache': {
      default: {
        runMs: 700,
        stdout: `Success: The page cache is flushed.\n${result(1843, 52_428_800, 'wp-cli')}`,
      },
    },
    'CachePurge-WPRocket': {
      default: {
        runMs: 900,
        stdout: `Success: WP Rocket cache cleared.\n${result(960, 31_457_280, 'wp-rocket-cli')}`,
      },
    },
    'CachePurge-FastCGI': {
      default: {
        runMs: 400,
        stdout: `purged /var/cache/nginx\n${result(12_480, 1_288_490_188, 'find-delete')}`,
      },
    },
  },
  cloudfront: { completeAfterMs: 1_500 },
};

const workspace = mkdtempSync(join(tmpdir(), 'cache-purge-demo-'));
const double = await startAwsDouble(script);
let failures = 0;
try {
  mkdirSync(join(workspace, '.github'));
  copyFileSync(join(root, 'examples/cache-purge.yml'), join(workspace, '.github/cache-purge.yml'));
  console.log(
    bold('cache-purge-action demo: both example sites purged end to end (examples/cache-purge.yml)'),
  );
  console.log(
    dim(
      `Each run is \`node dist/index.js\` started the way the GitHub runner starts it, with no AWS keys:\n` +
        `credentials come from the GitHub OIDC token and STS, all served by the local AWS double at ${double.url}.\n`,
    ),
  );
  const runs = [
    {
      site: 'portal',
      'role-to-assume': 'arn:aws:iam::123456789012:role/cache-purge',
      requester: '<@U2CERLKJA>',
    },
    {
      site: 'main',
      'role-to-assume': 'arn:aws:iam::123456789012:role/cache-purge',
      'wait-for-invalidation': 'true',
    },
  ];
  for (const [i, inputs] of runs.entries()) {
    double.reset(script);
    console.log(bold(`━━ uses: ./  with: ${JSON.stringify(inputs)}`));
    console.log(bold('\n  Live log'));
    const run = await runLikeTheRunner(workspace, inputs, {
      ...double.env(),
      GITHUB_RUN_ID: String(9000 + i),
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_ACTOR: 'octocat',
      GITHUB_EVENT_NAME: inputs.requester ? 'workflow_dispatch' : 'push',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'acme/wordpress-sites',
    });
    if (run.stderr) console.log(run.stderr);
    console.log(bold('\n  Outputs'));
    for (const name of ['status', 'command-ids', 'invalidation-ids'])
      console.log(`    ${name} = ${run.outputs[name]}`);
    console.log(`    report = ${(run.outputs.report ?? '').slice(0, 100)}…`);
    console.log(bold('\n  Job summary'));
    console.log(
      run.summary.trim()
        ? run.summary.trim().replace(/^/gm, '    ')
        : dim('    (empty: the run summary comes with the reporting work, not in this build)'),
    );
    const issued = double.issuedCredentials.at(-1);
    const aws = double.calls.filter((c) => c.service === 'ssm' || c.service === 'cloudfront');
    const signedByRole = issued && aws.length > 0 && aws.every((c) => c.accessKeyId === issued.accessKeyId);
    console.log(bold('\n  What the AWS double saw'));
    console.log(
      `    ${double.calls.length} calls: ${double.calls.map((c) => c.operation).join(', ')}\n` +
        `    every SSM/CloudFront call signed with the assumed-role key ${issued?.accessKeyId ?? '(none)'}: ${signedByRole ? 'yes' : 'NO'}`,
    );
    const ok = run.code === 0 && run.outputs.status === 'success' && signedByRole;
    console.log(`\n  ${ok ? '✔' : '✘'} exit code ${run.code}, status ${run.outputs.status}\n`);
    if (!ok) failures++;
  }
} finally {
  await double.close();
  rmSync(workspace, { recursive: true, force: true });
}
if (failures > 0) {
  console.error(`demo failed: ${failures} run(s) did not work`);
  process.exitCode = 1;
} else {
  console.log('demo worked: both sites purged in order, every instance checked, CloudFront invalidated.');
}
