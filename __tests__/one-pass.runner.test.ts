// Runner-level: the committed bundle, started as the GitHub runner starts it, reports the new-user
// trial's four mistakes (schema and parameter problems) in one run, as one annotation at the first.

import { describe, expect, it } from 'vitest';
import { errorAnnotations, runAction } from './helpers/run-action.js';
import { trialFile } from './helpers/trial-sites-file.js';

describe('dist/index.js: every problem of the sites file in one run', () => {
  it('the trial file gives one annotation listing all four mistakes with their lines', async () => {
    const run = await runAction({
      inputs: { site: 'shop', config: '.github/bad.yml', 'dry-run': 'true' },
      files: { '.github/bad.yml': trialFile },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    expect(run.outputs.status).toBeUndefined();
    const annotations = errorAnnotations(run.stdout);
    expect(annotations).toHaveLength(1);
    const [{ properties, message }] = annotations as [{ properties: string; message: string }];
    expect(properties).toBe(
      'title=Sites file does not match the schema; Invalid document parameters,file=.github/bad.yml,line=9,col=11',
    );
    const problems = message.split('\n').filter((line) => line.startsWith('  - '));
    expect(problems.map((line) => /^ {2}- (\S+) \(line (\d+)\)/.exec(line)?.slice(1))).toEqual([
      ['sites.shop.steps[0].ssm.documnet', '9'],
      ['sites.shop.steps[1].ssm.parameters.cachepath', '15'],
      ['sites.shop.steps[1].ssm.parameters.cachepath', '15'],
      ['sites.shop.steps[2].cloudfront.distribution-id', '17'],
      ['sites.shop.steps[2].cloudfront.paths[0]', '18'],
    ]);
    expect(message.split('\n')[0]).toBe('.github/bad.yml has 5 problems:');
    expect(problems[1]).toContain('did you mean "CachePath"?');
    expect(problems[2]).toContain('(checked as "CachePath") "/var/cache/nginx/../shop" does not match');
  });

  it('no region and a missing parameter: one annotation at the step with no region', async () => {
    const run = await runAction({
      inputs: { site: 'shop', 'dry-run': 'true' },
      files: {
        '.github/cache-purge.yml': trialFile
          .replace('region: us-east-1\n', '')
          .replace('documnet:', 'document:')
          .replace('e1abc', 'E2EXAMPLE12345')
          .replace("'/a*b'", "'/a/*'")
          .replace('cachepath: /var/cache/nginx/../shop', 'Other: x'),
      },
    });
    expect(run.code).toBe(1);
    const annotations = errorAnnotations(run.stdout);
    expect(annotations.map((a) => a.properties)).toEqual([
      'title=No AWS region; Invalid document parameters,file=.github/cache-purge.yml,line=6,col=9',
    ]);
    const lines = annotations[0]!.message.split('\n');
    expect(lines[0]).toBe('.github/cache-purge.yml has 3 problems:');
    expect(lines[1]).toMatch(
      /^ {2}- Step 1 \(W3 Total Cache\) \(line 6\) runs an SSM document but no region/,
    );
    expect(annotations[0]!.message).toContain('"CachePath" is missing; CachePurge-FastCGI requires it');
  });
});
