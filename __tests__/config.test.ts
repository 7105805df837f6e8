// The sites-file parser: the example parses to the documented shape; every kind of bad input gives a
// UserError naming the exact path, what is wrong, what is allowed, and the line.

import { describe, expect, it } from 'vitest';
import { parseSitesConfig, formatPath } from '../src/core/config.js';
import { UserError } from '../src/core/errors.js';
import { exampleConfig } from './helpers/run-action.js';

const FILE = '.github/cache-purge.yml';

function problem(text: string): UserError {
  try {
    parseSitesConfig(text, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error('expected the sites file to be refused');
}

const site = (steps: string, targets = 'targets: { instance-ids: [i-0123456789abcdef0] }') =>
  `region: us-east-1\nsites:\n  portal:\n    ${targets}\n    steps:\n${steps}`;

describe('parseSitesConfig: the example file', () => {
  it('parses both sites with every step in order and defaults filled in', () => {
    const config = parseSitesConfig(exampleConfig, FILE);
    expect(config.region).toBe('us-east-1');
    expect(Object.keys(config.sites)).toEqual(['portal', 'main']);
    const portal = config.sites.portal!;
    expect(portal.targets).toEqual({ instanceIds: ['i-0123456789abcdef0'] });
    expect(portal.steps.map((s) => s.name)).toEqual(['W3 Total Cache', 'FastCGI cache', 'CloudFront']);
    expect(portal.steps[0]).toMatchObject({
      kind: 'ssm',
      document: 'CachePurge-W3TotalCache',
      parameters: { WordPressPath: ['/var/www/portal'] },
    });
    expect(portal.steps[2]).toEqual({
      kind: 'cloudfront',
      name: 'CloudFront',
      distributionId: 'E2EXAMPLE12345',
      paths: ['/*'],
      wait: false,
    });
    const main = config.sites.main!;
    expect(main.targets).toEqual({ tags: { Site: ['main'] } });
    expect(main.steps.map((s) => s.kind === 'ssm' && s.document)).toEqual([
      'CachePurge-WPRocket',
      'CachePurge-FastCGI',
      false,
    ]);
  });

  it('accepts the same file written as JSON', () => {
    const json = JSON.stringify({
      region: 'eu-west-1',
      sites: {
        portal: {
          targets: { tags: { Site: 'portal', Env: ['prod', 'stage'] } },
          steps: [
            {
              ssm: {
                document: 'CachePurge-FastCGI',
                parameters: { CachePath: '/var/cache/nginx/portal' },
                'max-errors': 1,
              },
            },
          ],
        },
      },
    });
    const config = parseSitesConfig(json, 'sites.json');
    expect(config.sites.portal!.targets).toEqual({ tags: { Site: ['portal'], Env: ['prod', 'stage'] } });
    expect(config.sites.portal!.steps[0]).toMatchObject({ name: 'CachePurge-FastCGI', maxErrors: '1' });
  });

  it('keeps every optional SSM and CloudFront setting', () => {
    const config = parseSitesConfig(
      site(`      - ssm:
          document: CachePurge-FastCGI
          document-version: 3
          timeout-seconds: 60
          max-concurrency: 10%
          max-errors: 0
          targets: { tags: { Role: web } }
      - name: CDN
        cloudfront: { distribution-id: E2EXAMPLE12345, paths: [blog/*, /a, /a], wait: true }
`),
      FILE,
    );
    expect(config.sites.portal!.steps).toEqual([
      {
        kind: 'ssm',
        name: 'CachePurge-FastCGI',
        document: 'CachePurge-FastCGI',
        parameters: {},
        documentVersion: '3',
        timeoutSeconds: 60,
        maxConcurrency: '10%',
        maxErrors: '0',
        targets: { tags: { Role: ['web'] } },
      },
      {
        kind: 'cloudfront',
        name: 'CDN',
        distributionId: 'E2EXAMPLE12345',
        paths: ['/blog/*', '/a'],
        wait: true,
      },
    ]);
  });
});

describe('parseSitesConfig: bad input names the path, the problem and the fix', () => {
  it('a YAML syntax error gives its line and column', () => {
    const error = problem('region: us-east-1\nsites:\n  portal:\n    steps: [\n');
    expect(error.title).toBe('Sites file is not valid YAML');
    expect(error.message).toMatch(/^\.github\/cache-purge\.yml: YAML syntax error at line \d+, column \d+: /);
    expect(error.location.file).toBe(FILE);
    expect(error.location.line).toBeGreaterThan(0);
  });

  it('a duplicate key is a syntax error, not a silent override', () => {
    const error = problem('sites:\n  portal: {}\n  portal: {}\n');
    expect(error.message).toMatch(/line 3/);
    expect(error.message).toMatch(/unique/i);
  });

  it('an empty file says what it needs', () => {
    expect(problem('').message).toBe(
      '.github/cache-purge.yml is empty; it needs a "sites:" mapping (see examples/cache-purge.yml).',
    );
    expect(problem('# only a comment\n').title).toBe('Sites file is empty');
  });

  it('a misspelt document key is an unknown key listing what is allowed, at its line', () => {
    const error = problem(site('      - ssm:\n          documnet: CachePurge-FastCGI\n'));
    expect(error.message).toContain(
      'sites.portal.steps[0].ssm.documnet (line 7): unknown key "documnet"; allowed here: document, parameters, targets, document-version, timeout-seconds, max-concurrency, max-errors',
    );
    expect(error.message).toContain('sites.portal.steps[0].ssm.document (line 7): is required');
    expect(error.location.line).toBe(7);
  });

  it('a bad document name says what is allowed', () => {
    const error = problem(site('      - ssm: { document: "Cache Purge" }\n'));
    expect(error.message).toContain(
      'sites.portal.steps[0].ssm.document (line 6): "Cache Purge" is not valid; use an SSM document name or ARN: 3–128 letters, digits and _ - . : / (e.g. CachePurge-FastCGI)',
    );
  });

  it('the second step is addressed as steps[1]', () => {
    const error = problem(
      site(
        '      - ssm: { document: CachePurge-FastCGI }\n      - cloudfront: { distribution-id: e2example12345 }\n',
      ),
    );
    expect(error.message).toContain(
      'sites.portal.steps[1].cloudfront.distribution-id (line 7): "e2example12345" is not valid; use a CloudFront distribution id',
    );
  });

  it('both instance-ids and tags, or neither, is refused', () => {
    expect(
      problem(
        site(
          '      - ssm: { document: CachePurge-FastCGI }\n',
          'targets: { instance-ids: [i-0123456789abcdef0], tags: { Site: portal } }',
        ),
      ).message,
    ).toContain(
      'sites.portal.targets (line 4): sets both "instance-ids" and "tags"; set exactly one of the two',
    );
    expect(problem(site('      - ssm: { document: CachePurge-FastCGI }\n', 'targets: {}')).message).toContain(
      'sites.portal.targets (line 4): names no instances; set exactly one of "instance-ids" or "tags"',
    );
  });

  it('an SSM step with no targets anywhere is refused', () => {
    const error = problem('sites:\n  portal:\n    steps:\n      - ssm: { document: CachePurge-FastCGI }\n');
    expect(error.message).toContain(
      'sites.portal.steps[0].ssm (line 4): has no targets; add "targets" to this step or to the site',
    );
  });

  it('checks instance ids, tag keys and tag values against AWS formats', () => {
    const ids = problem(
      site(
        '      - ssm: { document: CachePurge-FastCGI }\n',
        'targets: { instance-ids: [i-123, "i-0123456789abcdef0"] }',
      ),
    );
    expect(ids.message).toContain(
      'sites.portal.targets.instance-ids[0] (line 4): "i-123" is not valid; use an EC2 instance id',
    );
    const tagKey = problem(
      site('      - ssm: { document: CachePurge-FastCGI }\n', 'targets: { tags: { "Site+Env": x } }'),
    );
    expect(tagKey.message).toContain(
      'sites.portal.targets.tags["Site+Env"] (line 4): "Site+Env" is not valid; use a tag key of 1–128 letters, digits, spaces and _ . : / = - @ (SSM cannot target keys with other characters, such as "+")',
    );
    expect(
      problem(
        site(
          '      - ssm: { document: CachePurge-FastCGI }\n',
          `targets: { tags: { ${'k'.repeat(129)}: x } }`,
        ),
      ).message,
    ).toContain('is not valid; use a tag key of 1–128 letters');
    const tagValue = problem(
      site('      - ssm: { document: CachePurge-FastCGI }\n', 'targets: { tags: { Site: "a;b" } }'),
    );
    expect(tagValue.message).toContain('"a;b" is not valid; use 1–256 letters');
  });

  it('tag keys AWS creates (aws:…) can be targeted: only creating tags refuses that prefix', () => {
    const config = parseSitesConfig(
      site(
        '      - ssm: { document: CachePurge-FastCGI }\n',
        'targets: { tags: { "aws:autoscaling:groupName": web-asg, "aws:cloudformation:stack-name": portal } }',
      ),
      FILE,
    );
    expect(config.sites.portal!.targets).toEqual({
      tags: { 'aws:autoscaling:groupName': ['web-asg'], 'aws:cloudformation:stack-name': ['portal'] },
    });
  });

  it('limits follow SSM: 50 instance ids, 5 tags, delivery timeout 30 s to 30 days', () => {
    const many = Array.from({ length: 51 }, (_, i) => `i-${i.toString(16).padStart(8, '0')}`).join(', ');
    expect(
      problem(site('      - ssm: { document: CachePurge-FastCGI }\n', `targets: { instance-ids: [${many}] }`))
        .message,
    ).toContain('has more than 50 ids');
    expect(
      problem(site('      - ssm: { document: CachePurge-FastCGI, timeout-seconds: 5 }\n')).message,
    ).toContain("timeout-seconds (line 6): must be at least 30 (SSM's minimum delivery timeout)");
    expect(
      problem(site('      - ssm: { document: CachePurge-FastCGI, max-concurrency: 0 }\n')).message,
    ).toContain('max-concurrency (line 6): "0" is not valid; use a number of instances');
  });

  it('checks CloudFront paths', () => {
    const error = problem(
      site('      - cloudfront: { distribution-id: E2EXAMPLE12345, paths: ["/a*b", "/ok"] }\n'),
    );
    expect(error.message).toContain(
      'sites.portal.steps[0].cloudfront.paths[0] (line 6): "/a*b" has "*" before its end; CloudFront allows "*" only as the last character',
    );
  });

  it('too many or no CloudFront paths is a problem of the list, at the list', () => {
    const many = Array.from({ length: 3001 }, (_, i) => `/p/${i + 1}`).join(', ');
    const tooMany = problem(
      site(`      - cloudfront:\n          distribution-id: E2EXAMPLE12345\n          paths: [${many}]\n`),
    );
    expect(tooMany.message).toBe(
      [
        '.github/cache-purge.yml has a problem:',
        '  - sites.portal.steps[0].cloudfront.paths (line 8): has 3,001 distinct paths; CloudFront takes at most 3,000 per invalidation (and in progress per distribution) — use a wildcard such as /blog/* to cover many paths at once',
      ].join('\n'),
    );
    expect(tooMany.location).toMatchObject({ line: 8, column: 18 });
    expect(
      problem(site('      - cloudfront: { distribution-id: E2EXAMPLE12345, paths: [] }\n')).message,
    ).toContain(
      'sites.portal.steps[0].cloudfront.paths (line 6): has no paths; give at least one, e.g. /*, or leave "paths" out to invalidate everything (/*)',
    );
  });

  it('a step with both ssm and cloudfront, or neither, is refused', () => {
    expect(problem(site('      - name: x\n')).message).toContain(
      'sites.portal.steps[0] (line 6): does nothing; give it exactly one of "ssm" or "cloudfront"',
    );
    expect(
      problem(
        site(
          '      - { ssm: { document: CachePurge-FastCGI }, cloudfront: { distribution-id: E2EXAMPLE12345 } }\n',
        ),
      ).message,
    ).toContain('has both "ssm" and "cloudfront"; split them into two steps');
  });

  it('wrong types say what was found and what is expected', () => {
    expect(problem('sites: [portal]\n').message).toContain('sites (line 1): is a list; expected record');
    expect(
      problem(site('      - ssm: { document: CachePurge-FastCGI, timeout-seconds: "ten" }\n')).message,
    ).toContain('timeout-seconds (line 6): is the text "ten"; expected number');
    expect(problem('sites:\n  portal:\n    steps: []\n').message).toContain(
      'sites.portal.steps (line 3): is empty; list at least one step',
    );
  });

  it('a bad region or site key is refused', () => {
    expect(problem('region: us-east\nsites: {}\n').message).toContain(
      'region (line 1): "us-east" is not valid; use an AWS region code',
    );
    expect(
      problem(site('      - ssm: { document: CachePurge-FastCGI }\n').replace('portal:', 'Portal Site:'))
        .message,
    ).toContain('sites["Portal Site"] (line 3): "Portal Site" is not valid; use 1–63 lower-case letters');
  });

  it('reports every problem at once, up to a cap', () => {
    const error = problem(site('      - ssm: { document: "x" }\n      - ssm: { document: "y" }\n'));
    expect(error.message).toMatch(/^\.github\/cache-purge\.yml has 2 problems:\n {2}- /);
  });
});

describe('formatPath', () => {
  it('writes paths the way users read them', () => {
    expect(formatPath(['sites', 'portal', 'steps', 1, 'ssm', 'document'])).toBe(
      'sites.portal.steps[1].ssm.document',
    );
    expect(formatPath(['targets', 'tags', 'aws:x'])).toBe('targets.tags["aws:x"]');
    expect(formatPath([])).toBe('(top level)');
  });
});
