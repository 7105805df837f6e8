// Runs the committed bundle (dist/index.js) exactly as the GitHub runner does: inputs as INPUT_<NAME>
// variables (upper case, hyphens kept), GITHUB_OUTPUT and GITHUB_STEP_SUMMARY as temp files,
// GITHUB_WORKSPACE as the working directory. Returns exit code, stdout, stderr, outputs and summary.

import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const exampleConfig = readFileSync(join(repoRoot, 'examples/cache-purge.yml'), 'utf8');

export interface ActionRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  workspace: string;
}

export interface ActionRunOptions {
  inputs: Record<string, string>;
  /** Files to create in the workspace, by relative path. */
  files?: Record<string, string>;
  /** Extra environment (AWS_ENDPOINT_URL, ACTIONS_ID_TOKEN_REQUEST_URL, …). */
  env?: Record<string, string>;
  /** Called once the child has started, e.g. to signal it. */
  onStart?: (child: import('node:child_process').ChildProcess) => void;
  timeoutMs?: number;
}

/** Parses the GITHUB_OUTPUT file (name<<delimiter … delimiter blocks). */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(ghadelimiter_[0-9a-f-]+)$/.exec(lines[i]!);
    if (!match) continue;
    const [, name, delimiter] = match;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]!);
    outputs[name!] = value.join('\n');
  }
  return outputs;
}

export function runAction(options: ActionRunOptions): Promise<ActionRun> {
  const workspace = mkdtempSync(join(tmpdir(), 'cache-purge-ws-'));
  for (const [path, content] of Object.entries(options.files ?? {})) {
    mkdirSync(dirname(join(workspace, path)), { recursive: true });
    writeFileSync(join(workspace, path), content);
  }
  const outputFile = join(workspace, '.runner-output');
  const summaryFile = join(workspace, '.runner-summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? workspace,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    ...options.env,
  };
  for (const [name, value] of Object.entries(options.inputs)) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'dist/index.js')], { cwd: workspace, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('spawn', () => options.onStart?.(child));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout,
        stderr,
        outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
        summary: readFileSync(summaryFile, 'utf8'),
        workspace,
      });
    });
  });
}

/** The `::<command> …::message` lines of a run (annotations), decoded. */
function annotations(
  stdout: string,
  command: 'error' | 'warning',
): { properties: string; message: string }[] {
  return [...stdout.matchAll(new RegExp(`^::${command}(?: ([^:]*))?::(.*)$`, 'gm'))].map((m) => ({
    properties: (m[1] ?? '').replace(/%3A/g, ':').replace(/%2C/g, ','),
    message: (m[2] ?? '').replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%'),
  }));
}

/** The `::error …::message` lines of a run, decoded. */
export const errorAnnotations = (stdout: string) => annotations(stdout, 'error');

/** The `::warning …::message` lines of a run, decoded. */
export const warningAnnotations = (stdout: string) => annotations(stdout, 'warning');
