// CloudFront's 15-wildcard limit across the CloudFront steps of one site: a step that does not wait
// for its invalidation leaves it in progress while the next steps run, so a later step on the SAME
// distribution adds its wildcard paths to those still in progress. Each step alone is already held to
// 15 (paths.ts); this finds the planned step whose wildcards, with those of the earlier non-waiting
// steps on its distribution, pass 15 — CloudFront would refuse it with TooManyInvalidationsInProgress
// and our retries would wait until the step timeout. Pure: works on the planned CloudFront steps
// (the `paths` input and `wait-for-invalidation` already applied).

import { formatPathAt, type PathKey, type SitesFileLocator } from '../sites-file/locations.js';
import { fileLocation, UserError } from '../../shared/errors.js';
import { isWildcardPath, MAX_WILDCARD_PATHS } from '../sites-file/paths.js';
import { plural } from '../../shared/text.js';

/** A CloudFront step as it will run: the `paths` input and `wait-for-invalidation` applied. */
interface BudgetedCloudFrontStep {
  /** 0-based position in the site's `steps`. */
  position: number;
  name: string;
  distributionId: string;
  paths: readonly string[];
  /** True when the step waits for its invalidation to complete before the next step runs. */
  wait: boolean;
}

interface WildcardBudgetContext {
  site: string;
  configFile: string;
  /** Where the site's steps are written (their lines in the error and its annotation). */
  locate?: SitesFileLocator;
  /** True when the paths come from the `paths` input (which overrides every CloudFront step's). */
  pathsFromInput: boolean;
}

/**
 * One error per distribution whose wildcard paths in progress would pass 15 at one of its steps: the
 * first such step, and the earlier steps on that distribution that do not wait. An earlier step that
 * waits has completed its own invalidation; one that does not may still be in progress at any later
 * step (CloudFront gives no completion time), whatever waits in between. [] when every step fits.
 */
export function wildcardBudgetProblems(
  steps: readonly BudgetedCloudFrontStep[],
  context: WildcardBudgetContext,
): UserError[] {
  const problems: UserError[] = [];
  const reported = new Set<string>();
  steps.forEach((step, i) => {
    if (reported.has(step.distributionId)) return;
    const own = wildcardCount(step);
    if (own === 0) return;
    const inProgress = steps
      .slice(0, i)
      .filter((s) => s.distributionId === step.distributionId && !s.wait && wildcardCount(s) > 0);
    const total = inProgress.reduce((n, s) => n + wildcardCount(s), own);
    if (total <= MAX_WILDCARD_PATHS) return;
    reported.add(step.distributionId);
    problems.push(budgetError(inProgress, step, total, context));
  });
  return problems;
}

const wildcardCount = (step: BudgetedCloudFrontStep) => step.paths.filter(isWildcardPath).length;

function budgetError(
  earlier: readonly BudgetedCloudFrontStep[],
  refused: BudgetedCloudFrontStep,
  total: number,
  { site, configFile, locate, pathsFromInput }: WildcardBudgetContext,
): UserError {
  const stepPath = (step: BudgetedCloudFrontStep): PathKey[] => ['sites', site, 'steps', step.position];
  const at = (step: BudgetedCloudFrontStep) => locate?.(stepPath(step));
  const label = (step: BudgetedCloudFrontStep) => `step ${step.position + 1}`;
  const line = (step: BudgetedCloudFrontStep, what: string) =>
    `  - ${formatPathAt(stepPath(step), at(step))} (${label(step)}, ${step.name}): ${plural(wildcardCount(step), 'wildcard path')}${pathsFromInput ? ' (from the paths input)' : ''}, ${what}`;
  const counts = [...earlier, refused].map(wildcardCount).join(' + ');
  const waitOn = earlier.map(label);
  const fewer = pathsFromInput
    ? 'give the "paths" input fewer wildcards (it applies to every CloudFront step; /* alone covers everything)'
    : 'use fewer wildcards (/* alone covers everything, as one path)';
  return new UserError(
    'Too many wildcard paths in progress',
    [
      `${configFile}: CloudFront would refuse ${label(refused)} (${refused.name}) with TooManyInvalidationsInProgress, and it would be retried until the step timeout: distribution ${refused.distributionId} would have ${counts} = ${total} wildcard paths in progress; CloudFront allows at most ${MAX_WILDCARD_PATHS} per distribution.`,
      ...earlier.map((s) =>
        line(s, 'does not wait for its invalidation to complete, so it is still in progress'),
      ),
      line(refused, 'invalidated while the above are in progress'),
      `Fix: merge these steps into one CloudFront step (one invalidation, its paths de-duplicated), set "wait: true" on ${joinAnd(waitOn)} (or the wait-for-invalidation input, which makes every CloudFront step wait), or ${fewer}.`,
    ].join('\n'),
    fileLocation(configFile, at(refused)),
  );
}

function joinAnd(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
