// INPUT_* variables that no input reads but that look like one (INPUT_DRY_RUN for dry-run) are a
// run-level error before anything runs: typed by hand, INPUT_DRY_RUN=true would otherwise be ignored
// and the run would purge for real. Core only; the runner-level proof (no AWS call) is in
// action-refusals.aws.runner.test.ts.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  ACTION_INPUTS,
  misnamedInputError,
  misnamedInputVariables,
} from '../src/action/inputs/input-variables.js';
import { inputVariable } from '../src/action/runner.js';
import { repoRoot } from './helpers/run-action.js';

describe('the input names', () => {
  it('are exactly the inputs of action.yml, in its order', () => {
    const action = parse(readFileSync(join(repoRoot, 'action.yml'), 'utf8')) as {
      inputs: Record<string, unknown>;
    };
    expect([...ACTION_INPUTS]).toEqual(Object.keys(action.inputs));
  });

  it("are read from INPUT_ + the name upper-cased, '-' kept (as @actions/core's getInput reads them)", () => {
    expect(inputVariable('dry-run')).toBe('INPUT_DRY-RUN');
    expect(inputVariable('step-timeout-seconds')).toBe('INPUT_STEP-TIMEOUT-SECONDS');
    expect(inputVariable('site')).toBe('INPUT_SITE');
  });
});

describe('misnamed INPUT_ variables', () => {
  it("'_' for '-' and the wrong case are found, with the input they look like and its variable", () => {
    expect(
      misnamedInputVariables([
        'INPUT_STEP_TIMEOUT_SECONDS',
        'INPUT_DRY_RUN',
        'input_role_to_assume',
        'INPUT_site',
        'INPUT_Aws-Region',
      ]),
    ).toEqual([
      { variable: 'INPUT_Aws-Region', input: 'aws-region', expected: 'INPUT_AWS-REGION' },
      { variable: 'INPUT_DRY_RUN', input: 'dry-run', expected: 'INPUT_DRY-RUN' },
      {
        variable: 'INPUT_STEP_TIMEOUT_SECONDS',
        input: 'step-timeout-seconds',
        expected: 'INPUT_STEP-TIMEOUT-SECONDS',
      },
      { variable: 'INPUT_site', input: 'site', expected: 'INPUT_SITE' },
      { variable: 'input_role_to_assume', input: 'role-to-assume', expected: 'INPUT_ROLE-TO-ASSUME' },
    ]);
  });

  it("the runner's own names, other actions' inputs and other variables pass", () => {
    const runnerSets = ACTION_INPUTS.map(inputVariable);
    expect(
      misnamedInputVariables([
        ...runnerSets,
        'INPUT_GITHUB_TOKEN', // another action's input, not ours
        'INPUT_',
        'DRY_RUN',
        'MY_INPUT_DRY_RUN',
        'PATH',
      ]),
    ).toEqual([]);
    expect(misnamedInputError(runnerSets)).toBeUndefined();
  });

  it('one: an error naming the variable, the input it looks like, and the rename', () => {
    const error = misnamedInputError(['HOME', 'INPUT_SITE', 'INPUT_DRY_RUN']);
    expect(error?.title).toBe('Misnamed input variable');
    expect(error?.location).toEqual({});
    expect(error?.message.split('\n')).toEqual([
      'INPUT_DRY_RUN is set, but no input reads it: it looks like the "dry-run" input, which is read from INPUT_DRY-RUN.',
      'Nothing was run: the runner names an input\'s variable INPUT_ + the input name upper-cased, "-" kept (never "_"), so a run would have ignored it. Rename INPUT_DRY_RUN to INPUT_DRY-RUN. To check a sites file on your machine, use "npm run check-sites -- <site-repo-dir> <site>" in cache-purge-action (docs/sites-file.md): it needs no INPUT_ variables and can never purge.',
    ]);
  });

  it('several: each listed, every rename named', () => {
    const error = misnamedInputError(['INPUT_DRY_RUN', 'INPUT_ROLE_TO_ASSUME']);
    const lines = error!.message.split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'Input variables that no input reads:',
      '  - INPUT_DRY_RUN is set, but no input reads it: it looks like the "dry-run" input, which is read from INPUT_DRY-RUN',
      '  - INPUT_ROLE_TO_ASSUME is set, but no input reads it: it looks like the "role-to-assume" input, which is read from INPUT_ROLE-TO-ASSUME',
    ]);
    expect(lines[3]).toContain(
      'so a run would have ignored them. Rename INPUT_DRY_RUN to INPUT_DRY-RUN, INPUT_ROLE_TO_ASSUME to INPUT_ROLE-TO-ASSUME.',
    );
  });
});
