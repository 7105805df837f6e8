// A Runner that records everything the action tells the runner (inputs come from a map), for
// in-process tests of the adapters: outputs, log lines, annotations, summary, secrets, failure.

import type { Annotation, Runner } from '../../src/action/runner.js';

export interface Recorded {
  outputs: Record<string, string>;
  info: string[];
  warnings: { message: string; annotation?: Annotation }[];
  errors: { message: string; annotation?: Annotation }[];
  summary: string;
  secrets: string[];
  failed: boolean;
}

export function recordingRunner(inputs: Record<string, string> = {}): { runner: Runner; recorded: Recorded } {
  const recorded: Recorded = {
    outputs: {},
    info: [],
    warnings: [],
    errors: [],
    summary: '',
    secrets: [],
    failed: false,
  };
  const runner: Runner = {
    getInput: (name) => (inputs[name] ?? '').trim(),
    setOutput: (name, value) => void (recorded.outputs[name] = value),
    info: (line) => void recorded.info.push(line),
    debug: () => undefined,
    warning: (message, annotation) =>
      void recorded.warnings.push({ message, ...(annotation && { annotation }) }),
    error: (message, annotation) => void recorded.errors.push({ message, ...(annotation && { annotation }) }),
    group: async (title, body) => {
      recorded.info.push(`[group] ${title}`);
      return body();
    },
    appendSummary: async (markdown) => void (recorded.summary += markdown + '\n'),
    setSecret: (value) => void recorded.secrets.push(value),
    markFailed: () => void (recorded.failed = true),
  };
  return { runner, recorded };
}
