// `npm run demo`: runs the bundled action (dist/index.js) the way the GitHub runner does, on the
// embedded example sites file, and shows what a user would see: the live log, the outputs and the
// job summary. Today: a dry run of both example sites. Exits non-zero if anything did not work.

import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

function runLikeTheRunner(workspace, inputs) {
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
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const child = spawnSync(process.execPath, [join(root, 'dist/index.js')], {
    cwd: workspace,
    env,
    encoding: 'utf8',
  });
  return {
    code: child.status,
    stdout: child.stdout,
    stderr: child.stderr,
    outputs: parseOutputs(readFileSync(output, 'utf8')),
    summary: readFileSync(summary, 'utf8'),
  };
}

const workspace = mkdtempSync(join(tmpdir(), 'cache-purge-demo-'));
let failures = 0;
try {
  mkdirSync(join(workspace, '.github'));
  copyFileSync(join(root, 'examples/cache-purge.yml'), join(workspace, '.github/cache-purge.yml'));
  console.log(bold('cache-purge-action demo: dry runs of the example sites (examples/cache-purge.yml)'));
  console.log(dim('Each run is `node dist/index.js` started the way the GitHub runner starts it.\n'));
  for (const site of ['portal', 'main']) {
    const inputs = { site, 'dry-run': 'true' };
    console.log(bold(`━━ uses: ./  with: ${JSON.stringify(inputs)}`));
    const run = runLikeTheRunner(workspace, inputs);
    console.log(bold('\n  Log'));
    console.log(renderLog(run.stdout));
    if (run.stderr) console.log(run.stderr);
    console.log(bold('\n  Outputs'));
    console.log(`    status = ${run.outputs.status}`);
    console.log(`    plan   = ${(run.outputs.plan ?? '').slice(0, 100)}…`);
    console.log(bold('\n  Job summary'));
    console.log(run.summary.trim().replace(/^/gm, '    '));
    const ok = run.code === 0 && run.outputs.status === 'planned';
    console.log(`\n  ${ok ? '✔' : '✘'} exit code ${run.code}, status ${run.outputs.status}\n`);
    if (!ok) failures++;
  }
} finally {
  rmSync(workspace, { recursive: true, force: true });
}
if (failures > 0) {
  console.error(`demo failed: ${failures} run(s) did not work`);
  process.exitCode = 1;
} else {
  console.log('demo worked: both sites planned.');
}
