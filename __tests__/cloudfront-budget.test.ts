// CloudFront's 15 wildcard paths in progress per distribution, across the CloudFront steps of one
// site: refused at plan time when an earlier step on the same distribution does not wait, with the
// steps, their lines, the distribution, the counts and the fixes; the `paths` input applies to every
// step and wait-for-invalidation makes every step wait. Through planSitesFile, as the action plans.

import { describe, expect, it } from 'vitest';
import { planSitesFile } from '../src/action/plan/plan-sites-file.js';
import { wildcardBudgetProblems } from '../src/action/plan/cloudfront-budget.js';
import { UserError } from '../src/shared/errors.js';
import type { PlanInputs } from '../src/action/plan/plan.js';

const FILE = '.github/cache-purge.yml';
const wildcards = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `/${prefix}${i}/*`);
const flow = (paths: readonly string[]) => `[${paths.map((p) => `'${p}'`).join(', ')}]`;

/** A site with two CloudFront steps: `first` and `second` as extra keys of each `cloudfront` mapping. */
function twoSteps(first: string, second: string, secondDistribution = 'E2EXAMPLE12345') {
  return [
    'sites:', //                                             line 1
    '  portal:', //                                          line 2
    '    steps:', //                                         line 3
    '      - name: Assets', //                               line 4
    '        cloudfront:',
    '          distribution-id: E2EXAMPLE12345',
    `          ${first}`,
    '      - name: Pages', //                                line 8
    '        cloudfront:',
    `          distribution-id: ${secondDistribution}`,
    `          ${second}`,
    '',
  ].join('\n');
}

function planError(text: string, inputs: Partial<PlanInputs> = {}): UserError {
  try {
    planSitesFile(text, { site: 'portal', configFile: FILE, ...inputs });
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('the plan was accepted');
}

describe('wildcard paths in progress across the CloudFront steps of a site', () => {
  it('refuses two non-waiting steps on one distribution whose wildcards pass 15, naming steps, lines, distribution, counts and fixes', () => {
    const error = planError(
      twoSteps(`paths: ${flow(wildcards('a', 9))}`, `paths: ${flow(wildcards('b', 8))}`),
    );
    expect(error.title).toBe('Too many wildcard paths in progress');
    expect(error.message).toBe(
      [
        `${FILE}: CloudFront would refuse step 2 (Pages) with TooManyInvalidationsInProgress, and it would be retried until the step timeout: distribution E2EXAMPLE12345 would have 9 + 8 = 17 wildcard paths in progress; CloudFront allows at most 15 per distribution.`,
        '  - sites.portal.steps[0] (line 4) (step 1, Assets): 9 wildcard paths, does not wait for its invalidation to complete, so it is still in progress',
        '  - sites.portal.steps[1] (line 8) (step 2, Pages): 8 wildcard paths, invalidated while the above are in progress',
        'Fix: merge these steps into one CloudFront step (one invalidation, its paths de-duplicated), set "wait: true" on step 1 (or the wait-for-invalidation input, which makes every CloudFront step wait), or use fewer wildcards (/* alone covers everything, as one path).',
      ].join('\n'),
    );
    // the annotation is at the step CloudFront would refuse
    expect(error.location).toEqual({ file: FILE, line: 8, column: 9 });
    expect(error.problemCount).toBe(1);
  });

  it('accepts exactly 15 together, a waiting first step, and different distributions', () => {
    const plan = (text: string, inputs: Partial<PlanInputs> = {}) =>
      planSitesFile(text, { site: 'portal', configFile: FILE, ...inputs });
    expect(
      plan(twoSteps(`paths: ${flow(wildcards('a', 8))}`, `paths: ${flow(wildcards('b', 7))}`)).steps,
    ).toHaveLength(2);
    const waiting = plan(
      twoSteps(
        `paths: ${flow(wildcards('a', 15))}\n          wait: true`,
        `paths: ${flow(wildcards('b', 15))}`,
      ),
    );
    expect(waiting.steps.map((s) => s.kind === 'cloudfront' && s.wait)).toEqual([true, false]);
    expect(
      plan(
        twoSteps(
          `paths: ${flow(wildcards('a', 15))}`,
          `paths: ${flow(wildcards('b', 15))}`,
          'E3EXAMPLE67890',
        ),
      ).steps,
    ).toHaveLength(2);
    // file paths do not count toward the 15
    expect(
      plan(twoSteps(`paths: ${flow(wildcards('a', 15))}`, "paths: ['/index.html', '/about/']")).steps,
    ).toHaveLength(2);
  });

  it('a waiting LATER step does not help: it is the earlier one that stays in progress', () => {
    const error = planError(
      twoSteps(
        `paths: ${flow(wildcards('a', 10))}`,
        `paths: ${flow(wildcards('b', 10))}\n          wait: true`,
      ),
    );
    expect(error.message).toContain('10 + 10 = 20 wildcard paths in progress');
    expect(error.message).toContain('set "wait: true" on step 1 ');
  });

  it('the paths input applies to every CloudFront step: 8 wildcards twice is 16, and the fix names the input', () => {
    // the file's own paths (/* each) fit; the input's replace them in both steps
    const error = planError(twoSteps("paths: ['/*']", "paths: ['/*']"), { paths: wildcards('p', 8) });
    expect(error.message).toContain(
      'distribution E2EXAMPLE12345 would have 8 + 8 = 16 wildcard paths in progress',
    );
    expect(error.message).toContain(
      '(step 1, Assets): 8 wildcard paths (from the paths input), does not wait',
    );
    expect(error.message).toContain(
      'or give the "paths" input fewer wildcards (it applies to every CloudFront step; /* alone covers everything).',
    );
    // and 7 twice fits
    expect(
      planSitesFile(twoSteps("paths: ['/*']", "paths: ['/*']"), {
        site: 'portal',
        configFile: FILE,
        paths: wildcards('p', 7),
      }).steps,
    ).toHaveLength(2);
  });

  it('wait-for-invalidation makes every step wait: nothing is left in progress', () => {
    const plan = planSitesFile(
      twoSteps(`paths: ${flow(wildcards('a', 15))}`, `paths: ${flow(wildcards('b', 15))}`),
      { site: 'portal', configFile: FILE, waitForInvalidation: true },
    );
    expect(plan.steps.map((s) => s.kind === 'cloudfront' && s.wait)).toEqual([true, true]);
  });

  it('comes in the same error as the other plan-time problems', () => {
    const text = twoSteps(`paths: ${flow(wildcards('a', 9))}`, `paths: ${flow(wildcards('b', 9))}`).replace(
      '    steps:\n',
      '    steps:\n      - ssm: { document: Purge-Custom, targets: { instance-ids: [i-0123456789abcdef0] } }\n',
    );
    const error = planError(text);
    expect(error.title).toBe('No AWS region; Too many wildcard paths in progress');
    expect(error.problemCount).toBe(2);
    expect(error.message).toContain('(step 2, Assets): 9 wildcard paths');
    expect(error.message).toContain('CloudFront would refuse step 3 (Pages)');
  });
});

describe('wildcardBudgetProblems', () => {
  const step = (position: number, paths: string[], wait = false, distributionId = 'E2EXAMPLE12345') => ({
    position,
    name: `S${position + 1}`,
    distributionId,
    paths,
    wait,
  });
  const context = { site: 'portal', configFile: FILE, pathsFromInput: false };

  it('counts every earlier non-waiting step on the distribution, even past a waiting one, and lists them all', () => {
    const [problem, ...rest] = wildcardBudgetProblems(
      [
        step(0, wildcards('a', 6)),
        step(1, wildcards('w', 1), true),
        step(2, wildcards('o', 15), false, 'E3EXAMPLE67890'),
        step(3, wildcards('b', 5)),
        step(4, wildcards('c', 5)),
      ],
      context,
    );
    expect(rest).toEqual([]);
    expect(problem!.message).toContain(
      'CloudFront would refuse step 5 (S5) with TooManyInvalidationsInProgress, and it would be retried until the step timeout: distribution E2EXAMPLE12345 would have 6 + 5 + 5 = 16',
    );
    expect(problem!.message).toContain('set "wait: true" on step 1 and step 4 (or');
    // without a locator: no lines, no line in the location
    expect(problem!.message).toContain('  - sites.portal.steps[0] (step 1, S1): 6 wildcard paths');
    expect(problem!.location).toEqual({ file: FILE });
  });

  it('one problem per distribution that overflows; a duplicate /* in two steps counts twice', () => {
    const problems = wildcardBudgetProblems(
      [
        step(0, ['/*', ...wildcards('a', 14)]),
        step(1, ['/*'], false, 'E3EXAMPLE67890'),
        step(2, ['/*']),
        step(3, wildcards('b', 15), false, 'E3EXAMPLE67890'),
        step(4, ['/*']),
      ],
      context,
    );
    expect(problems.map((p) => p.message.split('\n')[0])).toEqual([
      `${FILE}: CloudFront would refuse step 3 (S3) with TooManyInvalidationsInProgress, and it would be retried until the step timeout: distribution E2EXAMPLE12345 would have 15 + 1 = 16 wildcard paths in progress; CloudFront allows at most 15 per distribution.`,
      `${FILE}: CloudFront would refuse step 4 (S4) with TooManyInvalidationsInProgress, and it would be retried until the step timeout: distribution E3EXAMPLE67890 would have 1 + 15 = 16 wildcard paths in progress; CloudFront allows at most 15 per distribution.`,
    ]);
  });

  it('a step without wildcards is never refused, and adds nothing', () => {
    expect(
      wildcardBudgetProblems([step(0, wildcards('a', 15)), step(1, ['/index.html']), step(2, [])], context),
    ).toEqual([]);
  });
});
