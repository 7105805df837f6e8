// The GitHub Actions runner as the action sees it: inputs, outputs, log lines, annotations, groups,
// the job summary and masking.
//
// `actionsRunner()` speaks the runner's own protocol (INPUT_* variables, `::command::` lines on
// stdout, the GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files) with the escaping rules of @actions/core;
// __tests__/runner-protocol.test.ts proves byte-for-byte parity with @actions/core. It exists so a
// dry run does not load @actions/core, whose OIDC client pulls in undici and doubles cold start;
// the OIDC token (real runs only) still comes from @actions/core, imported lazily.

import { appendFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { EOL } from 'node:os';
import type { SourceLocation } from '../shared/errors.js';

/**
 * The variable an input is read from. @actions/core's getInput (node_modules/@actions/core/lib/core.js,
 * v3.0.1) reads `process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`]`: spaces become "_",
 * "-" is kept, the name is upper-cased (actionsRunner below reads inputs through this). So the runner sets
 * INPUT_DRY-RUN for dry-run, never INPUT_DRY_RUN.
 */
export const inputVariable = (input: string) => `INPUT_${input.replace(/ /g, '_').toUpperCase()}`;

export interface Annotation extends SourceLocation {
  title?: string;
}

export interface Runner {
  /** The input's value, trimmed; '' when not set. */
  getInput(name: string): string;
  setOutput(name: string, value: string): void;
  info(line: string): void;
  debug(line: string): void;
  warning(message: string, annotation?: Annotation): void;
  error(message: string, annotation?: Annotation): void;
  group<T>(title: string, body: () => Promise<T>): Promise<T>;
  appendSummary(markdown: string): Promise<void>;
  setSecret(value: string): void;
  /** Marks the step as failed (non-zero exit) without printing anything more. */
  markFailed(): void;
}

const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** `::name key=value,…::message`, as @actions/core's issueCommand writes it. */
function workflowCommand(
  name: string,
  properties: Record<string, string | number | undefined>,
  message: string,
): string {
  const props = Object.entries(properties)
    .filter(([, value]) => value !== undefined && value !== '' && value !== 0)
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
    .join(',');
  return `::${name}${props ? ` ${props}` : ''}::${escapeData(message)}`;
}

const annotationProperties = (a: Annotation | undefined) => ({
  title: a?.title,
  file: a?.file,
  line: a?.line,
  col: a?.column,
});

export function actionsRunner(
  env: NodeJS.ProcessEnv = process.env,
  write: (text: string) => void = (t) => void process.stdout.write(t),
): Runner {
  const command = (name: string, properties: Record<string, string | number | undefined>, message: string) =>
    write(workflowCommand(name, properties, message) + EOL);
  const appendToFile = (variable: string, text: string) => {
    const file = env[variable];
    if (!file) throw new Error(`${variable} is not set: this must run inside a GitHub Actions step`);
    appendFileSync(file, text, 'utf8');
  };
  return {
    getInput: (name) => (env[inputVariable(name)] ?? '').trim(),
    setOutput: (name, value) => {
      if (!env.GITHUB_OUTPUT) {
        write(EOL);
        command('set-output', { name }, value);
        return;
      }
      const delimiter = `ghadelimiter_${randomUUID()}`;
      appendToFile('GITHUB_OUTPUT', `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`);
    },
    info: (line) => write(line + EOL),
    debug: (line) => command('debug', {}, line),
    warning: (message, annotation) => command('warning', annotationProperties(annotation), message),
    error: (message, annotation) => command('error', annotationProperties(annotation), message),
    group: async (title, body) => {
      command('group', {}, title);
      try {
        return await body();
      } finally {
        command('endgroup', {}, '');
      }
    },
    appendSummary: async (markdown) => {
      if (env.GITHUB_STEP_SUMMARY) appendToFile('GITHUB_STEP_SUMMARY', markdown + EOL);
    },
    setSecret: (value) => {
      if (value) command('add-mask', {}, value);
    },
    markFailed: () => {
      process.exitCode = 1;
    },
  };
}
