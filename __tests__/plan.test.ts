// The plan: ordered steps with resolved targets, parameters, region and labels; region precedence;
// unknown and empty sites name the known ones.

import { describe, expect, it } from 'vitest';
import { parseSitesConfig } from '../src/action/sites-file/read-sites-file.js';
import { buildPlan } from '../src/action/plan/plan.js';
import { planSitesFile } from '../src/action/plan/plan-sites-file.js';
import { planLogLines, planMarkdownTable } from '../src/action/plan/plan-view.js';
import { UserError } from '../src/shared/errors.js';
import { exampleConfig } from './helpers/run-action.js';

const FILE = '.github/cache-purge.yml';
const config = parseSitesConfig(exampleConfig, FILE);

describe('buildPlan', () => {
  it('resolves portal: site targets, parameters, region, labels and SSM defaults, in order', () => {
    const plan = buildPlan(config, { site: 'portal', configFile: FILE });
    expect(plan).toEqual({
      site: 'portal',
      region: 'us-east-1',
      configFile: FILE,
      steps: [
        {
          index: 1,
          kind: 'ssm',
          name: 'W3 Total Cache',
          region: 'us-east-1',
          document: 'CachePurge-W3TotalCache',
          parameters: { WordPressPath: ['/var/www/portal'] },
          targets: { instanceIds: ['i-0123456789abcdef0'] },
          deliveryTimeoutSeconds: 300,
          maxConcurrency: '50',
          maxErrors: '0',
        },
        {
          index: 2,
          kind: 'ssm',
          name: 'FastCGI cache',
          region: 'us-east-1',
          document: 'CachePurge-FastCGI',
          parameters: { CachePath: ['/var/cache/nginx/portal'] },
          targets: { instanceIds: ['i-0123456789abcdef0'] },
          deliveryTimeoutSeconds: 300,
          maxConcurrency: '50',
          maxErrors: '0',
        },
        {
          index: 3,
          kind: 'cloudfront',
          name: 'CloudFront',
          distributionId: 'E2EXAMPLE12345',
          paths: ['/*'],
          wait: false,
        },
      ],
    });
  });

  it('a step’s own targets override the site’s', () => {
    const custom = parseSitesConfig(
      'region: us-east-1\nsites:\n  s:\n    targets: { tags: { Site: s } }\n    steps:\n      - ssm: { document: Purge-Custom, targets: { instance-ids: [i-0123456789abcdef0] } }\n      - ssm: { document: Purge-Custom }\n',
      FILE,
    );
    const plan = buildPlan(custom, { site: 's', configFile: FILE });
    expect(plan.steps.map((s) => s.kind === 'ssm' && s.targets)).toEqual([
      { instanceIds: ['i-0123456789abcdef0'] },
      { tags: { Site: ['s'] } },
    ]);
  });

  it('region: the input overrides the site and the file; AWS_REGION is the last fallback', () => {
    expect(
      buildPlan(config, {
        site: 'portal',
        region: 'eu-west-1',
        environmentRegion: 'ap-south-1',
        configFile: FILE,
      }).region,
    ).toBe('eu-west-1');
    expect(
      buildPlan(config, { site: 'portal', environmentRegion: 'ap-south-1', configFile: FILE }).region,
    ).toBe('us-east-1');
    const noRegion = parseSitesConfig(exampleConfig.replace(/^region: .*$/m, ''), FILE);
    expect(
      buildPlan(noRegion, { site: 'portal', environmentRegion: 'ap-south-1', configFile: FILE }).steps[0],
    ).toMatchObject({ region: 'ap-south-1' });
  });

  it('no region anywhere fails on the first SSM step and says where to set one', () => {
    const noRegion = parseSitesConfig(exampleConfig.replace(/^region: .*$/m, ''), FILE);
    expect(() => buildPlan(noRegion, { site: 'portal', configFile: FILE })).toThrow(
      /Step 1 \(W3 Total Cache\) runs an SSM document but no region is set\. Add "region: us-east-1"/,
    );
  });

  it('a malformed aws-region input is refused with the fix', () => {
    expect(() => buildPlan(config, { site: 'portal', region: 'US East', configFile: FILE })).toThrow(
      'the aws-region input is "US East", which is not valid; use an AWS region code such as us-east-1 or eu-central-1.',
    );
  });

  it('an unknown site lists the known sites, suggests the one it misspells; matched case-insensitively', () => {
    expect(() => buildPlan(config, { site: 'portl', configFile: FILE })).toThrow(
      'Site "portl" is not defined in .github/cache-purge.yml — did you mean "portal"? Known sites: main, portal, shop. Set the "site" input to one of them, or add it under "sites:" in the file.',
    );
    expect(() => buildPlan(config, { site: 'mian', configFile: FILE })).toThrow('did you mean "main"?');
    expect(() => buildPlan(config, { site: 'blog', configFile: FILE })).toThrow(
      'Site "blog" is not defined in .github/cache-purge.yml; known sites: main, portal, shop. Set the "site" input to one of them, or add it under "sites:" in the file.',
    );
    expect(() => buildPlan(config, { site: 'portl', configFile: FILE })).toThrow(UserError);
    expect(buildPlan(config, { site: ' Portal ', configFile: FILE }).site).toBe('portal');
  });

  it('an empty site input lists the known sites', () => {
    expect(() => buildPlan(config, { site: '  ', configFile: FILE })).toThrow(
      'The "site" input is empty; set it to one of the sites in .github/cache-purge.yml: main, portal, shop.',
    );
  });

  it('paths and wait overrides apply to every CloudFront step', () => {
    const plan = buildPlan(config, {
      site: 'main',
      paths: ['/a', '/b/*'],
      waitForInvalidation: true,
      configFile: FILE,
    });
    expect(plan.steps[2]).toEqual({
      index: 3,
      kind: 'cloudfront',
      name: 'CloudFront',
      distributionId: 'E3EXAMPLE67890',
      paths: ['/a', '/b/*'],
      wait: true,
    });
  });
});

describe('plan views', () => {
  it('log lines say what runs where, in order', () => {
    expect(planLogLines(buildPlan(config, { site: 'main', configFile: FILE }))).toEqual([
      'Site "main" from .github/cache-purge.yml: 3 steps, in this order; the first failure stops the rest.',
      '  1. WP Rocket: run SSM document CachePurge-WPRocket on instances tagged Site=main in us-east-1; WordPressPath=/var/www/main',
      '  2. FastCGI cache: run SSM document CachePurge-FastCGI on instances tagged Site=main in us-east-1; CachePath=/var/cache/nginx/main',
      '  3. CloudFront: invalidate /* on CloudFront distribution E3EXAMPLE67890',
    ]);
  });

  it('thousands of paths: the first five, then how many more (the plan itself keeps them all)', () => {
    const paths = Array.from({ length: 3000 }, (_, i) => `/p/${i + 1}`);
    const plan = buildPlan(config, { site: 'main', configFile: FILE, paths });
    expect(plan.steps[2]).toMatchObject({ paths });
    expect(planLogLines(plan)[3]).toBe(
      '  3. CloudFront: invalidate /p/1 /p/2 /p/3 /p/4 /p/5 … and 2,995 more on CloudFront distribution E3EXAMPLE67890',
    );
    expect(planMarkdownTable(plan).split('\n')[4]).toBe(
      '| 3 | CloudFront | CloudFront `E3EXAMPLE67890` | `/p/1` `/p/2` `/p/3` `/p/4` `/p/5` … and 2,995 more | does not wait |',
    );
  });

  it('the Markdown table has one row per step and escapes pipes', () => {
    const plan = buildPlan(config, { site: 'portal', configFile: FILE });
    plan.steps[0]!.name = 'a|b';
    const table = planMarkdownTable(plan).split('\n');
    expect(table).toHaveLength(2 + plan.steps.length);
    expect(table[2]).toContain('| 1 | a\\|b | SSM `CachePurge-W3TotalCache` |');
    // durations read as everywhere else (SSM's default delivery timeout is 300 s)
    expect(table[2]).toContain(' · delivery timeout 5 min · concurrency 50 · max errors 0 |');
  });
});

describe('document names: a near miss of a bundled document is an error, any other name is the user’s own', () => {
  const sitesFile = (...documents: string[]) =>
    [
      'region: us-east-1',
      'sites:',
      '  portal:',
      '    targets: { tags: { Site: portal } }',
      '    steps:',
      ...documents.map(
        (d) => `      - ssm: { document: '${d}', parameters: { CachePath: /var/cache/nginx/p } }`,
      ),
      '',
    ].join('\n');
  const refusal = (text: string): UserError => {
    try {
      planSitesFile(text, { site: 'portal', configFile: FILE });
    } catch (error) {
      expect(error).toBeInstanceOf(UserError);
      return error as UserError;
    }
    throw new Error('expected the sites file to be refused');
  };

  it('a different case or a small edit: did you mean, at the line, with the fix', () => {
    const error = refusal(sitesFile('CachePurge-FastCgi', 'CachePurge-FastCG'));
    expect(error.title).toBe('Unknown bundled document');
    expect(error.message.split('\n')).toEqual([
      `${FILE}: these document names are not among the documents bundled with cache-purge-action:`,
      '  - sites.portal.steps[0].ssm.document (line 6) (step 1, CachePurge-FastCgi): "CachePurge-FastCgi" — did you mean `CachePurge-FastCGI`? (Document names are case-sensitive.) Write `document: CachePurge-FastCGI`.',
      '  - sites.portal.steps[1].ssm.document (line 7) (step 2, CachePurge-FastCG): "CachePurge-FastCG" — did you mean `CachePurge-FastCGI`? Write `document: CachePurge-FastCGI`.',
    ]);
    expect(error.location).toMatchObject({ file: FILE, line: 6 });
    expect(error.problemCount).toBe(2);
  });

  it('in an ARN too; and the parameters are checked as the document it means', () => {
    const error = refusal(sitesFile('arn:aws:ssm:us-east-1:123456789012:document/cachepurge-w3totalcache'));
    expect(error.title).toBe('Unknown bundled document; Invalid document parameters');
    expect(error.message).toContain(
      'Write `document: arn:aws:ssm:us-east-1:123456789012:document/CachePurge-W3TotalCache`.',
    );
    expect(error.message).toContain('CachePurge-W3TotalCache has no parameter "CachePath"');
  });

  it('CachePurge-Nginx, in our family but none of ours: the bundled names, the one for nginx', () => {
    const error = refusal(sitesFile('CachePurge-Nginx'));
    expect(error.message).toContain(
      '"CachePurge-Nginx" is none of them: `CachePurge-FastCGI`, `CachePurge-W3TotalCache`, `CachePurge-WPRocket`, `CachePurge-ObjectCache`, `CachePurge-OPcache` (the nginx FastCGI cache is `CachePurge-FastCGI`).',
    );
  });

  it('other names are custom documents: planned as written, the plan saying their parameters are not checked', () => {
    const plan = planSitesFile(sitesFile('MyPurge-FastCGI', 'AWS-RunShellScript', 'CachePurge-FastCGI'), {
      site: 'portal',
      configFile: FILE,
    });
    expect(plan.steps.map((s) => (s.kind === 'ssm' ? s.document : ''))).toEqual([
      'MyPurge-FastCGI',
      'AWS-RunShellScript',
      'CachePurge-FastCGI',
    ]);
    const lines = planLogLines(plan);
    expect(lines[1]).toContain(
      'run SSM document MyPurge-FastCGI (custom document: parameters not checked) on',
    );
    expect(lines[2]).toContain('(custom document: parameters not checked)');
    expect(lines[3]).not.toContain('custom document');
    expect(planMarkdownTable(plan)).toContain(
      '| SSM `AWS-RunShellScript` (custom document: parameters not checked) |',
    );
  });

  it('in a file that fails the schema, counted in its header like every other problem', () => {
    const error = refusal(sitesFile('CachePurge-FastCgi').replace('region: us-east-1', 'region: 5'));
    expect(error.title).toBe('Sites file does not match the schema; Unknown bundled document');
    expect(error.message.split('\n')[0]).toBe(`${FILE} has 2 problems:`);
    expect(error.message).toContain('did you mean `CachePurge-FastCGI`?');
  });
});
