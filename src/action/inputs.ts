// The action's inputs, read once and checked before anything runs. Names are the public contract in
// action.yml; every error names the input and the fix.

import type { Runner } from './runner.js';
import { UserError } from '../core/errors.js';

export const DEFAULT_CONFIG_PATH = '.github/cache-purge.yml';

export interface ActionInputs {
  site: string;
  config: string;
  awsRegion?: string;
  dryRun: boolean;
}

export function readBoolean(runner: Runner, name: string, fallback: boolean): boolean {
  const raw = runner.getInput(name);
  if (raw === '') return fallback;
  if (/^true$/i.test(raw)) return true;
  if (/^false$/i.test(raw)) return false;
  throw new UserError('Invalid input', `Input "${name}" is ${JSON.stringify(raw)}; use true or false.`);
}

export function readInputs(runner: Runner): ActionInputs {
  const awsRegion = runner.getInput('aws-region');
  return {
    site: runner.getInput('site'),
    config: runner.getInput('config') || DEFAULT_CONFIG_PATH,
    ...(awsRegion !== '' && { awsRegion }),
    dryRun: readBoolean(runner, 'dry-run', false),
  };
}
