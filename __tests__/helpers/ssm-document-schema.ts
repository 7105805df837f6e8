// SSM Command documents as the service reads them (for ssm-document-runner.ts and the documents'
// tests): their types, `schemaProblems` (the schemaVersion 2.2 rules for a Command document) and
// `checkParameters` (what SendCommand checks before sending: unknown names, required, defaults,
// allowedValues, allowedPattern, minChars/maxChars).

import type { DocumentParameter } from '../../src/action/sites-file/parameter-values.js';

export interface SsmParameter extends DocumentParameter {
  displayType?: string;
  interpolationType?: string;
}

export interface SsmStep {
  action: string;
  name: string;
  precondition?: unknown;
  inputs: { runCommand: string[]; workingDirectory?: string; timeoutSeconds?: string | number };
}

export interface SsmDocument {
  schemaVersion: string;
  description?: string;
  parameters?: Record<string, SsmParameter>;
  mainSteps: SsmStep[];
}

const PARAMETER_TYPES = ['String', 'StringList', 'Boolean', 'Integer', 'MapList', 'StringMap'];
const PARAMETER_FIELDS = [
  'type',
  'description',
  'default',
  'allowedValues',
  'allowedPattern',
  'displayType',
  'minItems',
  'maxItems',
  'minChars',
  'maxChars',
  'interpolationType',
];
const STEP_FIELDS = ['action', 'name', 'inputs', 'precondition', 'isEnd', 'onFailure', 'finallyStep'];
const RUN_SHELL_INPUTS = ['runCommand', 'workingDirectory', 'timeoutSeconds'];
/** A `{{ name }}` reference in a step's lines. */
export const REFERENCE = /\{\{\s*([A-Za-z0-9_.:-]+)\s*\}\}/g;

/** Every way `doc` breaks the schemaVersion 2.2 rules for a Command document (empty when valid). */
export function schemaProblems(doc: unknown): string[] {
  const problems: string[] = [];
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return ['the document is not a JSON object'];
  const d = doc as Record<string, unknown>;
  for (const key of Object.keys(d)) {
    if (!['schemaVersion', 'description', 'parameters', 'mainSteps'].includes(key))
      problems.push(`unknown top-level key "${key}"`);
  }
  if (d.schemaVersion !== '2.2') problems.push(`schemaVersion must be the string "2.2"`);
  if (d.description !== undefined && typeof d.description !== 'string')
    problems.push('description must be text');
  const parameters = (d.parameters ?? {}) as Record<string, Record<string, unknown>>;
  if (typeof parameters !== 'object' || Array.isArray(parameters))
    problems.push('parameters must be an object');
  for (const [name, p] of Object.entries(parameters)) {
    const at = `parameters.${name}`;
    if (!/^[a-zA-Z0-9_]+$/.test(name)) problems.push(`${at}: names are letters, digits and _`);
    if (!p || typeof p !== 'object') {
      problems.push(`${at} must be an object`);
      continue;
    }
    for (const key of Object.keys(p))
      if (!PARAMETER_FIELDS.includes(key)) problems.push(`${at}.${key} is unknown`);
    if (!PARAMETER_TYPES.includes(p.type as string))
      problems.push(`${at}.type must be one of ${PARAMETER_TYPES}`);
    if (p.interpolationType !== undefined) {
      if (p.interpolationType !== 'ENV_VAR') problems.push(`${at}.interpolationType can only be ENV_VAR`);
      if (p.type !== 'String' && p.type !== 'StringList')
        problems.push(`${at}.interpolationType needs type String or StringList`);
    }
    if (p.allowedPattern !== undefined) {
      try {
        new RegExp(p.allowedPattern as string);
      } catch (e) {
        problems.push(`${at}.allowedPattern is not a regular expression: ${(e as Error).message}`);
      }
    }
    for (const key of ['minChars', 'maxChars', 'minItems', 'maxItems']) {
      if (p[key] !== undefined && !(Number.isInteger(p[key]) && (p[key] as number) >= 0))
        problems.push(`${at}.${key} must be a non-negative integer`);
    }
    if (p.default !== undefined && p.type === 'String') {
      const checked = checkValue(name, p as unknown as SsmParameter, p.default);
      if (checked) problems.push(`${at}.default: ${checked}`);
    }
  }
  const steps = d.mainSteps;
  if (!Array.isArray(steps) || steps.length === 0) {
    problems.push('mainSteps must be a non-empty list');
    return problems;
  }
  const names = new Set<string>();
  steps.forEach((step: Record<string, unknown>, i) => {
    const at = `mainSteps[${i}]`;
    for (const key of Object.keys(step))
      if (!STEP_FIELDS.includes(key)) problems.push(`${at}.${key} is unknown`);
    if (typeof step.name !== 'string' || !/^[a-zA-Z0-9_.-]{1,100}$/.test(step.name))
      problems.push(`${at}.name must be 1-100 letters, digits, ".", "_" or "-"`);
    else if (names.has(step.name)) problems.push(`${at}.name "${step.name}" is used twice`);
    else names.add(step.name);
    if (step.action !== 'aws:runShellScript')
      problems.push(`${at}.action: only aws:runShellScript is used here`);
    const inputs = step.inputs as Record<string, unknown> | undefined;
    if (!inputs || typeof inputs !== 'object') {
      problems.push(`${at}.inputs is required`);
      return;
    }
    for (const key of Object.keys(inputs))
      if (!RUN_SHELL_INPUTS.includes(key))
        problems.push(`${at}.inputs.${key} is unknown to aws:runShellScript`);
    const run = inputs.runCommand;
    if (!Array.isArray(run) || run.length === 0 || !run.every((l) => typeof l === 'string'))
      problems.push(`${at}.inputs.runCommand must be a non-empty list of lines`);
    else {
      for (const line of run) {
        for (const m of line.matchAll(REFERENCE)) {
          if (!(m[1]! in parameters))
            problems.push(`${at} refers to {{ ${m[1]} }}, which is not a parameter`);
        }
      }
    }
    const timeout = inputs.timeoutSeconds;
    if (timeout !== undefined && !/^\d+$/.test(String(timeout)))
      problems.push(`${at}.inputs.timeoutSeconds must be a number`);
  });
  return problems;
}

function checkValue(name: string, p: SsmParameter, value: unknown): string | undefined {
  if (p.type === 'String' && typeof value !== 'string') return `parameter "${name}" takes one text value`;
  const text = String(value);
  if (p.allowedValues && !p.allowedValues.includes(text))
    return `parameter "${name}" value is not one of the allowed values: ${p.allowedValues.join(', ')}`;
  if (p.maxChars !== undefined && text.length > p.maxChars)
    return `parameter "${name}" is ${text.length} characters long, more than maxChars ${p.maxChars}`;
  if (p.minChars !== undefined && text.length < p.minChars)
    return `parameter "${name}" is shorter than minChars ${p.minChars}`;
  if (p.allowedPattern !== undefined && !new RegExp(p.allowedPattern).test(text))
    return `parameter "${name}" failed to satisfy constraint: allowedPattern ${p.allowedPattern}`;
  return undefined;
}

export type ParameterCheck = { ok: true; values: Record<string, string> } | { ok: false; error: string };

/** What SendCommand does with `given` before anything is sent: InvalidParameters on any problem. */
export function checkParameters(doc: SsmDocument, given: Record<string, string>): ParameterCheck {
  const declared = doc.parameters ?? {};
  const values: Record<string, string> = {};
  for (const name of Object.keys(given)) {
    if (!(name in declared))
      return { ok: false, error: `InvalidParameters: "${name}" is not a parameter of the document` };
  }
  for (const [name, p] of Object.entries(declared)) {
    const value = name in given ? given[name] : p.default;
    if (value === undefined)
      return { ok: false, error: `InvalidParameters: required parameter "${name}" is missing` };
    const problem = checkValue(name, p, value);
    if (problem) return { ok: false, error: `InvalidParameters: ${problem}` };
    values[name] = String(value);
  }
  return { ok: true, values };
}
