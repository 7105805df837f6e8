// Runner-level: a dry run of dist/index.js refuses two CloudFront steps on one distribution whose
// wildcard paths (here from the `paths` input, which applies to both) pass CloudFront's 15 in
// progress, with the annotation on the step CloudFront would refuse; wait-for-invalidation clears it.

import { describe, expect, it } from 'vitest';
import { errorAnnotations, runAction } from './helpers/run-action.js';

const SITES = [
  'region: us-east-1',
  'sites:',
  '  portal:',
  '    steps:',
  '      - name: Assets', // line 5
  '        cloudfront: { distribution-id: E2EXAMPLE12345, paths: [/assets/*] }',
  '      - name: Pages', // line 7
  '        cloudfront: { distribution-id: E2EXAMPLE12345 }',
  '',
].join('\n');
const FILES = { '.github/cache-purge.yml': SITES };
const PATHS = Array.from({ length: 8 }, (_, i) => `/section${i}/*`).join('\n');

describe('dist/index.js: wildcard paths in progress across CloudFront steps', () => {
  it('a dry run with an 8-wildcard paths input over two non-waiting steps fails before any AWS call', async () => {
    const run = await runAction({
      inputs: { site: 'portal', 'dry-run': 'true', paths: PATHS },
      files: FILES,
    });
    expect(run.code).toBe(1);
    expect(run.outputs.status).toBeUndefined();
    expect(run.outputs.plan).toBeUndefined();
    expect(errorAnnotations(run.stdout)).toEqual([
      {
        properties: 'title=Too many wildcard paths in progress,file=.github/cache-purge.yml,line=7,col=9',
        message: [
          '.github/cache-purge.yml: CloudFront would refuse step 2 (Pages) with TooManyInvalidationsInProgress, and it would be retried until the step timeout: distribution E2EXAMPLE12345 would have 8 + 8 = 16 wildcard paths in progress; CloudFront allows at most 15 per distribution.',
          '  - sites.portal.steps[0] (line 5) (step 1, Assets): 8 wildcard paths (from the paths input), does not wait for its invalidation to complete, so it is still in progress',
          '  - sites.portal.steps[1] (line 7) (step 2, Pages): 8 wildcard paths (from the paths input), invalidated while the above are in progress',
          'Fix: merge these steps into one CloudFront step (one invalidation, its paths de-duplicated), set "wait: true" on step 1 (or the wait-for-invalidation input, which makes every CloudFront step wait), or give the "paths" input fewer wildcards (it applies to every CloudFront step; /* alone covers everything).',
        ].join('\n'),
      },
    ]);
  });

  it('the same with wait-for-invalidation: true plans both steps', async () => {
    const run = await runAction({
      inputs: { site: 'portal', 'dry-run': 'true', paths: PATHS, 'wait-for-invalidation': 'true' },
      files: FILES,
    });
    expect(run.code).toBe(0);
    expect(run.outputs.status).toBe('planned');
    const plan = JSON.parse(run.outputs.plan!) as { steps: { paths: string[]; wait: boolean }[] };
    expect(plan.steps.map((s) => [s.paths.length, s.wait])).toEqual([
      [8, true],
      [8, true],
    ]);
  });
});
