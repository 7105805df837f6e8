// Runner-level tests of the committed bundle refusing before any AWS call (the local AWS double
// records that nothing was asked): a misnamed input variable with keys available, parameters our
// documents would refuse and more than 15 wildcard paths (in the dry run and the real run alike, from
// the sites file or the paths input), and bad role, session length and paths inputs.

import { describe, expect, it } from 'vitest';
import { errorAnnotations, exampleConfig, runAction } from './helpers/run-action.js';
import {
  CONFIG,
  RESULT,
  double,
  inputs,
  noCredentialFiles,
  runnerEnv,
  useAwsDoubleForRunner,
} from './helpers/action-aws-runner.js';

useAwsDoubleForRunner();

describe('dist/index.js refusing before any AWS call', () => {
  it('INPUT_DRY_RUN=true (typed by hand for INPUT_DRY-RUN) with keys available: refused, no AWS call', async () => {
    double.reset({ defaultScript: { stdout: RESULT } });
    const env = {
      ...noCredentialFiles(),
      ...runnerEnv(double),
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      INPUT_DRY_RUN: 'true',
    };
    const run = await runAction({ inputs: { site: 'portal' }, files: CONFIG, env });
    expect(run.code).toBe(1);
    expect(run.outputs).toEqual({});
    const [error, ...rest] = errorAnnotations(run.stdout);
    expect(rest).toEqual([]);
    expect(error!.properties).toBe('title=Misnamed input variable');
    expect(error!.message).toMatch(
      /^INPUT_DRY_RUN is set, but no input reads it: it looks like the "dry-run" input, which is read from INPUT_DRY-RUN\.\n/,
    );
    expect(run.stdout).not.toContain('Credentials:');
    expect(double.calls).toEqual([]);
    // the same environment with the runner's name is a dry run: still no AWS call
    const { INPUT_DRY_RUN: _, ...rightEnv } = env;
    const dry = await runAction({
      inputs: { site: 'portal', 'dry-run': 'true' },
      files: CONFIG,
      env: rightEnv,
    });
    expect(dry.code).toBe(0);
    expect(dry.outputs.status).toBe('planned');
    expect(double.calls).toEqual([]);
  });

  it('parameters our documents would refuse fail the dry run and the real run alike, before any AWS call', async () => {
    const files = {
      '.github/cache-purge.yml': exampleConfig
        .replace('WordPressPath: /var/www/portal', 'WordpressPath: /var/www/portal')
        .replace('CachePath: /var/cache/nginx/portal', 'CachePath: /var/cache/nginx/../../etc'),
    };
    double.reset();
    const dry = await runAction({ inputs: inputs({ 'dry-run': 'true' }), files, env: runnerEnv(double) });
    const real = await runAction({ inputs: inputs(), files, env: runnerEnv(double) });
    for (const run of [dry, real]) {
      expect(run.code).toBe(1);
      expect(run.outputs.status).toBeUndefined();
      const [error, ...rest] = errorAnnotations(run.stdout);
      expect(rest).toEqual([]);
      expect(error!.properties).toBe(
        'title=Invalid document parameters,file=.github/cache-purge.yml,line=16,col=25',
      );
      expect(error!.message.split('\n')).toEqual([
        '.github/cache-purge.yml: SSM would refuse these parameters at SendCommand:',
        '  - sites.portal.steps[0].ssm.parameters.WordpressPath (line 16) (step 1, W3 Total Cache): CachePurge-W3TotalCache has no parameter "WordpressPath"; did you mean "WordPressPath"? (Parameter names are case-sensitive.)',
        expect.stringMatching(
          /^ {2}- sites\.portal\.steps\[1\]\.ssm\.parameters\.CachePath \(line 20\) \(step 2, FastCGI cache\): "\/var\/cache\/nginx\/\.\.\/\.\.\/etc" does not match CachePurge-FastCGI's allowedPattern /,
        ),
        'Checked before any AWS call against the definitions of CachePurge-W3TotalCache and CachePurge-FastCGI bundled with cache-purge-action (ssm-documents/*.json).',
      ]);
    }
    expect(double.calls).toEqual([]);
  });

  it('more than 15 wildcard paths fail the dry run and the real run alike, from the sites file or the paths input, before any AWS call', async () => {
    const wildcards = Array.from({ length: 16 }, (_, i) => `/blog/${2010 + i}/*`);
    const limit =
      'CloudFront allows at most 15 in progress per distribution, so this invalidation would be refused every time (TooManyInvalidationsInProgress) — merge them under shorter wildcards (they fit in 1 wildcard: "/blog/*"), or list the files themselves (up to 3,000)';
    const files = {
      '.github/cache-purge.yml': exampleConfig.replace("paths: ['/*']", `paths: [${wildcards.join(', ')}]`),
    };
    double.reset();
    const dry = await runAction({ inputs: inputs({ 'dry-run': 'true' }), files, env: runnerEnv(double) });
    const real = await runAction({ inputs: inputs(), files, env: runnerEnv(double) });
    for (const run of [dry, real]) {
      expect(run.code).toBe(1);
      expect(run.outputs.status).toBeUndefined();
      expect(run.stdout).not.toContain('Dry run: nothing was purged');
      expect(errorAnnotations(run.stdout)).toEqual([
        {
          properties: expect.stringContaining('file=.github/cache-purge.yml,line=23'),
          message: [
            '.github/cache-purge.yml has a problem:',
            `  - sites.portal.steps[2].cloudfront.paths (line 23): has 16 wildcard paths ("/blog/2010/*", "/blog/2011/*", "/blog/2012/*" … and 13 more); ${limit}`,
          ].join('\n'),
        },
      ]);
    }
    const input = await runAction({
      inputs: inputs({ 'dry-run': 'true', paths: wildcards.join('\n') }),
      files: CONFIG,
      env: runnerEnv(double),
    });
    expect(input.code).toBe(1);
    expect(errorAnnotations(input.stdout)).toEqual([
      {
        properties: 'title=Invalid input',
        message: `Input "paths" (one path per line or comma-separated) has 16 wildcard paths ("/blog/2010/*", "/blog/2011/*", "/blog/2012/*" … and 13 more); ${limit}.`,
      },
    ]);
    expect(double.calls).toEqual([]);
  });

  it.each([
    [
      { 'role-duration-seconds': '100' },
      'Input "role-duration-seconds" is "100"; use a whole number of seconds from 900 to 43200.',
    ],
    [
      { 'role-to-assume': 'cache-purge' },
      'Input "role-to-assume" is "cache-purge", which is not an IAM role ARN',
    ],
    [
      { paths: '/a*b, /ok' },
      'Input "paths" (one path per line or comma-separated): "/a*b" has "*" before its end',
    ],
  ])('refuses %o before any AWS call', async (extra, message) => {
    double.reset();
    const run = await runAction({ inputs: inputs(extra), files: CONFIG, env: runnerEnv(double) });
    expect(run.code).toBe(1);
    expect(errorAnnotations(run.stdout)[0]!.message).toContain(message);
    expect(double.calls).toEqual([]);
  });
});
