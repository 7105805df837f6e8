// Runs our SSM Command documents (ssm-documents/*.json) locally the way AWS runs them:
//  1. the service checks the parameters before sending (unknown names, required, defaults, allowedValues,
//     allowedPattern, minChars/maxChars) — `checkParameters`;
//  2. SSM Agent renders the aws:runShellScript step — `renderStep`: parameters with interpolationType
//     ENV_VAR become SSM_<name> environment variables (agent >= 3.3.2746.0, mode "current"); an older
//     agent (mode "legacy") exports nothing and pastes every `{{ name }}` into the script text. Mode
//     "current" pastes the text too (the worst case): whatever a real agent does with `{{ }}` there, the
//     guarded fallback must stay inert;
//  3. the agent writes the runCommand lines, joined by "\n", to a script file and runs it as root with
//     bash, in a small environment of its own — `runDocument` returns exit code, stdout and stderr, plus
//     what the service would keep of them (24,000 / 8,000 characters).
// It also checks a document against the schema 2.2 rules for Command documents — `schemaProblems`.
// The document types, schemaProblems and checkParameters are ssm-document-schema.ts (re-exported here).

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePurgeResult, type PurgeResult } from '../../src/action/report/purge-result.js';
import { repoRoot } from './run-action.js';
import { REFERENCE, checkParameters, type SsmDocument } from './ssm-document-schema.js';

export * from './ssm-document-schema.js';

export const DOCUMENT_NAMES = [
  'CachePurge-FastCGI',
  'CachePurge-W3TotalCache',
  'CachePurge-WPRocket',
  'CachePurge-ObjectCache',
  'CachePurge-OPcache',
] as const;
export type DocumentName = (typeof DOCUMENT_NAMES)[number];

/** The stored service limits: what GetCommandInvocation keeps of each stream. */
export const STDOUT_LIMIT = 24_000;
export const STDERR_LIMIT = 8_000;

export function documentPath(name: DocumentName): string {
  return join(repoRoot, 'ssm-documents', `${name}.json`);
}

export function loadDocument(name: DocumentName): SsmDocument {
  return JSON.parse(readFileSync(documentPath(name), 'utf8')) as SsmDocument;
}

export type AgentMode = 'current' | 'legacy';

/** The script and environment SSM Agent would run for step `stepIndex`. */
export function renderStep(
  doc: SsmDocument,
  values: Record<string, string>,
  agent: AgentMode,
  stepIndex = 0,
): { script: string; env: Record<string, string> } {
  const step = doc.mainSteps[stepIndex]!;
  const env: Record<string, string> = {};
  for (const [name, p] of Object.entries(doc.parameters ?? {})) {
    if (agent === 'current' && p.interpolationType === 'ENV_VAR') env[`SSM_${name}`] = values[name] ?? '';
  }
  const script = step.inputs.runCommand
    .join('\n')
    .replace(REFERENCE, (whole, name: string) => (name in values ? values[name]! : whole));
  return { script, env };
}

export interface RunOptions {
  agent?: AgentMode;
  /** false sends the values as they are, as if the service had not checked them (defence in depth). */
  serviceChecks?: boolean;
  /** Directories put before the agent's PATH (e.g. a `wp` stand-in). */
  pathPrefix?: string[];
  /**
   * A command the script runs under: `unshare --pid …` (its own process namespace), `unshare --mount … --`
   * (a private view of the system).
   */
  wrap?: string[];
  timeoutMs?: number;
}

export interface DocumentRun {
  /** Set when the service refused the parameters: nothing ran. */
  refused?: string;
  code: number | null;
  stdout: string;
  stderr: string;
  /** What GetCommandInvocation would return. */
  standardOutputContent: string;
  standardErrorContent: string;
  result: PurgeResult | undefined;
  ms: number;
}

const AGENT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Checks the parameters as the service does, then runs the document's first step as SSM Agent would. */
export async function runDocument(
  doc: SsmDocument,
  params: Record<string, string>,
  options: RunOptions = {},
): Promise<DocumentRun> {
  const {
    agent = 'current',
    serviceChecks = true,
    pathPrefix = [],
    wrap = [],
    timeoutMs = 600_000,
  } = options;
  let values: Record<string, string>;
  if (serviceChecks) {
    const checked = checkParameters(doc, params);
    if (!checked.ok) {
      return {
        refused: checked.error,
        code: null,
        stdout: '',
        stderr: '',
        standardOutputContent: '',
        standardErrorContent: '',
        result: undefined,
        ms: 0,
      };
    }
    values = checked.values;
  } else {
    values = { ...params };
    for (const [name, p] of Object.entries(doc.parameters ?? {}))
      if (!(name in values) && typeof p.default === 'string') values[name] = p.default;
  }
  const { script, env } = renderStep(doc, values, agent);
  const workDir = mkdtempSync(join(tmpdir(), 'ssm-agent-'));
  const scriptFile = join(workDir, '_script.sh');
  writeFileSync(scriptFile, script, { mode: 0o700 });
  const started = performance.now();
  try {
    return await new Promise<DocumentRun>((resolve, reject) => {
      const [command, ...args] = [...wrap, 'bash', scriptFile];
      const child = spawn(command!, args, {
        cwd: workDir,
        env: {
          PATH: [...pathPrefix, AGENT_PATH].join(':'),
          HOME: '/root',
          AWS_SSM_INSTANCE_ID: 'i-0runner0000000000',
          AWS_SSM_REGION_NAME: 'us-east-1',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({
          code,
          stdout,
          stderr,
          standardOutputContent: stdout.slice(0, STDOUT_LIMIT),
          standardErrorContent: stderr.slice(0, STDERR_LIMIT),
          result: parsePurgeResult(stdout.slice(0, STDOUT_LIMIT)),
          ms: performance.now() - started,
        });
      });
    });
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
