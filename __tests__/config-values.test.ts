// The sites-file parser's checks of each value: document names, targets (instance ids, tags, both or
// neither), SSM's limits, CloudFront paths and their wildcard budget, steps with both or no kind, wrong
// types in YAML terms with an example, regions and site keys — each a UserError naming the exact path,
// what is wrong, what is allowed, and the line; every problem at once, up to a cap.

import { describe, expect, it } from 'vitest';
import { parseSitesConfig } from '../src/action/sites-file/read-sites-file.js';
import { FILE, problem, site } from './helpers/sites-file-problems.js';

describe('parseSitesConfig: bad values name the path, the problem and the fix', () => {
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
        '  - sites.portal.steps[0].cloudfront.paths (line 8): has 3,001 distinct file paths (without "*"); CloudFront allows at most 3,000 in progress per distribution — use a wildcard such as /blog/* to cover many paths at once',
      ].join('\n'),
    );
    expect(tooMany.location).toMatchObject({ line: 8, column: 18 });
    expect(
      problem(site('      - cloudfront: { distribution-id: E2EXAMPLE12345, paths: [] }\n')).message,
    ).toContain(
      'sites.portal.steps[0].cloudfront.paths (line 6): has no paths; give at least one, e.g. /*, or leave "paths" out to invalidate everything (/*)',
    );
  });

  it('more than 15 wildcard paths in one CloudFront step: refused at the list, naming site, step, count, limit and fix', () => {
    const wildcards = Array.from({ length: 16 }, (_, i) => `/blog/${2010 + i}/*`).join(', ');
    const error = problem(
      site(
        '      - ssm: { document: CachePurge-FastCGI }\n' +
          `      - cloudfront:\n          distribution-id: E2EXAMPLE12345\n          paths: [${wildcards}, /index.html]\n`,
      ),
    );
    expect(error.message).toBe(
      [
        '.github/cache-purge.yml has a problem:',
        '  - sites.portal.steps[1].cloudfront.paths (line 9): has 16 wildcard paths ("/blog/2010/*", "/blog/2011/*", "/blog/2012/*" … and 13 more); CloudFront allows at most 15 in progress per distribution, so this invalidation would be refused every time (TooManyInvalidationsInProgress) — merge them under shorter wildcards (they fit in 1 wildcard: "/blog/*"), or list the files themselves (up to 3,000)',
      ].join('\n'),
    );
    expect(error.location).toMatchObject({ line: 9 });
    // 15 wildcards next to 3,000 files is within both limits
    const files = Array.from({ length: 3000 }, (_, i) => `/p/${i}.html`).join(', ');
    const fifteen = Array.from({ length: 15 }, (_, i) => `/w/${i}/*`).join(', ');
    const config = parseSitesConfig(
      site(`      - cloudfront: { distribution-id: E2EXAMPLE12345, paths: [${files}, ${fifteen}] }\n`),
      FILE,
    );
    const step = config.sites.portal!.steps[0]!;
    expect(step.kind === 'cloudfront' && step.paths).toHaveLength(3015);
  });

  it('a step with both ssm and cloudfront, or neither, is refused', () => {
    expect(problem(site('      - name: x\n')).message).toContain(
      'sites.portal.steps[0] (line 6): does nothing; give it exactly one of "ssm", "cloudfront" or "verify"',
    );
    expect(
      problem(
        site(
          '      - { ssm: { document: CachePurge-FastCGI }, cloudfront: { distribution-id: E2EXAMPLE12345 } }\n',
        ),
      ).message,
    ).toContain('has both "ssm" and "cloudfront"; split them into two steps');
  });

  it('wrong types say what was found and what is expected, in YAML terms, with an example', () => {
    expect(problem('sites: [portal]\n').message).toContain(
      'sites (line 1): is a list; expected a mapping of site names to their settings, e.g. `sites: { portal: { targets: …, steps: [ … ] } }`',
    );
    expect(problem('sites:\n').message).toContain(
      'sites (line 1): has no value; expected a mapping of site names to their settings, e.g. `sites: { portal: { targets: …, steps: [ … ] } }`',
    );
    expect(
      problem(site('      - ssm: { document: CachePurge-FastCGI, timeout-seconds: "ten" }\n')).message,
    ).toContain(
      'timeout-seconds (line 6): is the text "ten"; expected a number without quotes, e.g. `timeout-seconds: 300`',
    );
    expect(
      problem(site("      - ssm: { document: CachePurge-FastCGI, timeout-seconds: '300' }\n")).message,
    ).toContain(
      'timeout-seconds (line 6): is the text "300"; expected a number without quotes, e.g. `timeout-seconds: 300`',
    );
    expect(
      problem(site('      - ssm: { document: CachePurge-FastCGI }\n', 'targets: { tags: Site=main }'))
        .message,
    ).toContain(
      'sites.portal.targets.tags (line 4): is the text "Site=main"; expected a mapping of tag keys to values, e.g. `tags: { Site: portal }`',
    );
    expect(
      problem(site('      - cloudfront: { distribution-id: E2EXAMPLE12345, paths: /* }\n')).message,
    ).toContain(
      'sites.portal.steps[0].cloudfront.paths (line 6): is the text "/*"; expected a list, e.g. `paths: [\'/*\']`',
    );
    expect(
      problem(site('      - cloudfront: { distribution-id: E2EXAMPLE12345, wait: "yes" }\n')).message,
    ).toContain('wait (line 6): is the text "yes"; expected true or false without quotes, e.g. `wait: true`');
    expect(problem(site('      - { name: 42, ssm: { document: CachePurge-FastCGI } }\n')).message).toContain(
      "sites.portal.steps[0].name (line 6): is the number 42; expected text (put it in quotes: '42'), e.g. `name: FastCGI cache`",
    );
    expect(problem(site('      - ssm: [CachePurge-FastCGI]\n')).message).toContain(
      'sites.portal.steps[0].ssm (line 6): is a list; expected a mapping with keys document, parameters, targets, document-version, timeout-seconds, max-concurrency, max-errors, e.g. `ssm: { document: CachePurge-FastCGI }`',
    );
    // a single tag value is read as a one-item list, but the message points at what was written
    expect(
      problem(
        site('      - ssm: { document: CachePurge-FastCGI }\n', 'targets: { tags: { Site: { a: 1 } } }'),
      ).message,
    ).toContain(
      'sites.portal.targets.tags.Site (line 4): is a mapping; expected text, e.g. `Site: portal` or, for several values, `Site: [portal, shop]`',
    );
    expect(problem('sites:\n  portal:\n').message).toContain(
      'sites.portal (line 2): has no value; expected a mapping with keys region, roots, targets, steps, e.g. `portal: { targets: …, steps: [ … ] }` under `sites:`',
    );
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
