// The action's inputs, read once and checked before anything runs. Names are the public contract in
// action.yml; every error names the input and the fix.

import type { Runner } from '../runner.js';
import { UserError } from '../../shared/errors.js';
import { normaliseInvalidationPaths, quotePath, splitPathsInput } from '../sites-file/paths.js';
import type { RawExecutionInputs } from './execution-inputs.js';
import { andMore } from '../../shared/text.js';
import { parseMaxParallelSites, parseSiteSelection, type SiteSelection } from './site-list.js';

const DEFAULT_CONFIG_PATH = '.github/cache-purge.yml';

interface ActionInputs {
  /** The `site` input as given. */
  site: string;
  /** What it asks for: one or several sites, or every site (`all`). */
  sites: SiteSelection;
  /** `max-parallel-sites`: how many sites of the run purge at the same time. */
  maxParallelSites: number;
  config: string;
  awsRegion?: string;
  dryRun: boolean;
  /** `read-stack`: the dry run also reads the stack's documents (stack-check.ts). */
  readStack: boolean;
  /** The `paths` input, validated and normalised; overrides every CloudFront step's paths. */
  paths?: string[];
  /** `wait-for-invalidation: true` makes every CloudFront step wait. */
  waitForInvalidation: boolean;
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
  const site = runner.getInput('site');
  return {
    site,
    sites: parseSiteSelection(site),
    maxParallelSites: parseMaxParallelSites(runner.getInput('max-parallel-sites')),
    config: runner.getInput('config') || DEFAULT_CONFIG_PATH,
    ...(awsRegion !== '' && { awsRegion }),
    dryRun: readBoolean(runner, 'dry-run', false),
    readStack: readBoolean(runner, 'read-stack', false),
    ...readPaths(runner),
    waitForInvalidation: readBoolean(runner, 'wait-for-invalidation', false),
  };
}

/** At most this many bad paths are listed in the `paths` error; the rest are counted. */
const MAX_REPORTED_PATHS = 10;

function readPaths(runner: Runner): { paths?: string[] } {
  const raw = runner.getInput('paths');
  if (raw === '') return {};
  const checked = normaliseInvalidationPaths(splitPathsInput(raw));
  if (checked.ok) return { paths: checked.paths };
  const subject = 'Input "paths" (one path per line or comma-separated)';
  if ('listProblem' in checked) {
    const { kind, problem } = checked.listProblem;
    const orLeaveOut = kind === 'none' ? ", or leave the input out to keep the sites file's paths" : '';
    throw new UserError('Invalid input', `${subject} ${problem}${orLeaveOut}.`);
  }
  const shown = checked.pathProblems.slice(0, MAX_REPORTED_PATHS);
  const more = checked.pathProblems.length - shown.length;
  throw new UserError(
    'Invalid input',
    `${subject}: ${shown.map((p) => `${quotePath(p.value)} ${p.problem}`).join('; ')}${more > 0 ? `; ${andMore(more, 'bad path')}` : ''}.`,
  );
}

/** The raw inputs of a real run; src/action/inputs/execution-inputs.ts checks them. */
export function readExecutionInputs(runner: Runner): RawExecutionInputs {
  return {
    roleToAssume: runner.getInput('role-to-assume'),
    audience: runner.getInput('audience'),
    roleSessionName: runner.getInput('role-session-name'),
    roleDurationSeconds: runner.getInput('role-duration-seconds'),
    stepTimeoutSeconds: runner.getInput('step-timeout-seconds'),
    requester: runner.getInput('requester'),
  };
}
