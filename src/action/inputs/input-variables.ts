// The action's input names (action.yml's `inputs:`; __tests__/input-variables.test.ts keeps them equal)
// and the check of the INPUT_* variables of a run: a variable that no input reads but that looks like
// one (INPUT_DRY_RUN for dry-run) is an error before anything runs. A person running dist/index.js by
// hand who types INPUT_DRY_RUN=true would otherwise get a real purge, the dry run silently ignored.
// Pure: variable names in, a UserError (or none) out.

import { UserError } from '../../shared/errors.js';
import { inputVariable } from '../runner.js';

/** Every input of action.yml, in its order. */
export const ACTION_INPUTS = [
  'site',
  'max-parallel-sites',
  'config',
  'aws-region',
  'dry-run',
  'read-stack',
  'role-to-assume',
  'audience',
  'role-session-name',
  'role-duration-seconds',
  'step-timeout-seconds',
  'paths',
  'wait-for-invalidation',
  'requester',
  'slack-webhook-url',
  'fail-on-slack-error',
  'slack-bot-token',
  'slack-channel',
] as const;

interface MisnamedInputVariable {
  /** The variable as set, e.g. INPUT_DRY_RUN. */
  variable: string;
  /** The input it looks like, e.g. dry-run. */
  input: string;
  /** The variable that input is read from, e.g. INPUT_DRY-RUN. */
  expected: string;
}

/**
 * The variables among `names` that start with INPUT_ (any case), are not the variable of an input,
 * and name an input once "_" is read as "-" and case is ignored.
 */
export function misnamedInputVariables(names: Iterable<string>): MisnamedInputVariable[] {
  const expected = new Set(ACTION_INPUTS.map(inputVariable));
  const found: MisnamedInputVariable[] = [];
  for (const variable of names) {
    if (!/^INPUT_/i.test(variable) || expected.has(variable)) continue;
    const looksLike = variable.slice('INPUT_'.length).toLowerCase().replace(/_/g, '-');
    const input = ACTION_INPUTS.find((name) => name.toLowerCase() === looksLike);
    if (input) found.push({ variable, input, expected: inputVariable(input) });
  }
  return found.sort((a, b) => (a.variable < b.variable ? -1 : a.variable > b.variable ? 1 : 0));
}

/** The run-level error for misnamed INPUT_* variables, or undefined when there are none. */
export function misnamedInputError(names: Iterable<string>): UserError | undefined {
  const found = misnamedInputVariables(names);
  if (found.length === 0) return undefined;
  const each = found.map(
    (m) =>
      `${m.variable} is set, but no input reads it: it looks like the "${m.input}" input, which is read from ${m.expected}`,
  );
  const renames = found.map((m) => `${m.variable} to ${m.expected}`).join(', ');
  return new UserError(
    'Misnamed input variable',
    [
      ...(each.length === 1
        ? [`${each[0]}.`]
        : ['Input variables that no input reads:', ...each.map((e) => `  - ${e}`)]),
      `Nothing was run: the runner names an input's variable INPUT_ + the input name upper-cased, "-" kept (never "_"), so a run would have ignored ${found.length === 1 ? 'it' : 'them'}. Rename ${renames}. To check a sites file on your machine, use "npm run check-sites -- <site-repo-dir> <site>" in cache-purge-action (docs/sites-file.md): it needs no INPUT_ variables and can never purge.`,
    ].join('\n'),
  );
}
