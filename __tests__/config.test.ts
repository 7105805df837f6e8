// The sites-file parser: the example parses to the documented shape; every kind of bad input gives a
// UserError naming the exact path, what is wrong, what is allowed, and the line.

import { describe, expect, it } from 'vitest';
import { parseSitesConfig } from '../src/action/sites-file/read-sites-file.js';
import { formatPath } from '../src/action/sites-file/locations.js';
import { UserError } from '../src/shared/errors.js';
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

function parseError(text: string, file: string): UserError {
  try {
    parseSitesConfig(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error(`expected ${file} to be refused`);
}

const site = (steps: string, targets = 'targets: { instance-ids: [i-0123456789abcdef0] }') =>
  `region: us-east-1\nsites:\n  portal:\n    ${targets}\n    steps:\n${steps}`;

describe('parseSitesConfig: the example file', () => {
  it('parses every site with every step in order and defaults filled in', () => {
    const config = parseSitesConfig(exampleConfig, FILE);
    expect(config.region).toBe('us-east-1');
    expect(Object.keys(config.sites)).toEqual(['portal', 'main', 'shop']);
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
    expect(config.sites.shop!.steps.map((s) => s.kind === 'ssm' && s.document)).toEqual([
      'CachePurge-OPcache',
      'CachePurge-ObjectCache',
      'CachePurge-FastCGI',
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

  it('a tab in the quoted line is shown as \\t, other control characters as ?', () => {
    const error = problem('sites:\n  portal:\n\tsteps: [] # \u0007\n');
    expect(error.title).toBe('Sites file is not valid YAML');
    expect(error.message).toContain('Tabs are not allowed as indentation. Line 3 is: \\tsteps: [] # ?.');
  });

  it('a second YAML document is named as such, with the line it starts at', () => {
    const error = problem(`${exampleConfig}---\nsites: {}\n`);
    expect(error.title).toBe('Sites file holds more than one YAML document');
    // the line after the example's last
    const secondAt = exampleConfig.split('\n').length;
    expect(error.message).toBe(
      `.github/cache-purge.yml holds more than one YAML document: a second one starts at line ${secondAt} ("---"). A sites file is a single YAML document: remove the "---" (or "...") there and merge what follows into the first document, or move it to a file of its own.`,
    );
    expect(error.message).not.toContain('parseAllDocuments');
    expect(error.location).toEqual({ file: FILE, line: secondAt, column: 1 });
  });

  it('a JSON sites file with a syntax error is called JSON, with the line it is on', () => {
    const error = parseError('{\n  "sites": {\n    "portal": { "steps": [ }\n  }\n}\n', 'ops/sites.json');
    expect(error.title).toBe('Sites file is not valid JSON');
    expect(error.message).toBe(
      'ops/sites.json: JSON syntax error at line 3, column 28: Unexpected token \'}\'. Line 3 is: "portal": { "steps": [ }. Fix the syntax there (a missing or extra comma, an unclosed bracket or an unquoted key are the usual causes).',
    );
    expect(error.location).toEqual({ file: 'ops/sites.json', line: 3, column: 28 });
    const missingColon = parseError('{"sites" {}}', 'sites.JSON');
    expect(missingColon.message).toMatch(
      /^sites\.JSON: JSON syntax error at line 1, column \d+: Expected ':' after property name\. Line 1 is: \{"sites" \{\}\}\./,
    );
  });

  it('a syntax error quotes at most its own line, cut to 80 characters', () => {
    const error = problem(
      `first: ${'A'.repeat(300)}\nsecond: [${'B'.repeat(300)}\nthird: ${'C'.repeat(300)}\n`,
    );
    expect(error.title).toBe('Sites file is not valid YAML');
    const excerpt = /Line (\d+) is: (.*?)\. Fix the syntax/.exec(error.message);
    expect(excerpt).not.toBeNull();
    expect([...excerpt![2]!].length).toBeLessThanOrEqual(81);
    expect(excerpt![2]).toMatch(/…$/);
    // one line only: the others do not appear anywhere in the message
    const linesQuoted = ['AAAA', 'BBBB', 'CCCC'].filter((marker) => error.message.includes(marker));
    expect(linesQuoted).toHaveLength(1);
    expect(error.message.length).toBeLessThan(400);
  });

  it('a file that is not a sites file is not pasted into the message', () => {
    const passwd = Array.from(
      { length: 40 },
      (_, i) => `user${i}:x:${1000 + i}:${1000 + i}:User ${i}:/home/user${i}:/bin/bash`,
    ).join('\n');
    const error = problem(passwd);
    expect(error.message).toBe(
      [
        '.github/cache-purge.yml has a problem:',
        '  - (top level) (line 1): is the text "user0:x:1000:1000:User 0:/home/user0:/bin/bash user1:x:1001:…"; expected a mapping with keys region, roots, sites, e.g. `sites: { portal: { steps: [ … ] } }` (see examples/cache-purge.yml); if this is not your sites file, set the "config" input to its path',
      ].join('\n'),
    );
    expect(error.message).not.toContain('user2');
    // values inside a sites file are cut as well
    const long = problem(site(`      - ssm: { document: "${'D'.repeat(5000)}" }\n`));
    expect(long.message).toContain(`"${'D'.repeat(60)}…" is not valid; use an SSM document name`);
    expect(long.message.length).toBeLessThan(500);
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

  it('a misspelt key is one problem: "did you mean", the allowed keys, and no separate "is required"', () => {
    const error = problem(site('      - ssm:\n          documnet: CachePurge-FastCGI\n'));
    expect(error.message).toBe(
      [
        '.github/cache-purge.yml has a problem:',
        '  - sites.portal.steps[0].ssm.documnet (line 7): unknown key "documnet" — did you mean "document"? Allowed here: document, parameters, targets, document-version, timeout-seconds, max-concurrency, max-errors',
      ].join('\n'),
    );
    expect(error.location.line).toBe(7);
  });

  it('a misspelt key that explains a broader check folds that check too', () => {
    // "sssm" means ssm: the step "does nothing" is the same mistake
    expect(problem(site('      - sssm: { document: CachePurge-FastCGI }\n')).message).toBe(
      [
        '.github/cache-purge.yml has a problem:',
        '  - sites.portal.steps[0].sssm (line 6): unknown key "sssm" — did you mean "ssm"? Allowed here: name, ssm, cloudfront, verify',
      ].join('\n'),
    );
    // a site-level "target" means targets: the step's "has no targets" is the same mistake
    const targets = problem(
      'sites:\n  portal:\n    target: { tags: { Site: portal } }\n    steps:\n      - ssm: { document: CachePurge-FastCGI }\n',
    );
    expect(targets.message).toContain(
      'sites.portal.target (line 3): unknown key "target" — did you mean "targets"?',
    );
    expect(targets.message).not.toContain('has no targets');
    // an unknown key that is no typo keeps the plain message, and the missing key is still reported
    const unrelated = problem(site('      - ssm:\n          script: purge.sh\n'));
    expect(unrelated.message).toContain(
      'sites.portal.steps[0].ssm.script (line 7): unknown key "script"; allowed here: document, parameters',
    );
    expect(unrelated.message).toContain(
      'sites.portal.steps[0].ssm.document (line 7): is required, e.g. `document: CachePurge-FastCGI`',
    );
  });

  it('each unknown key is its own problem at its own line; a key of another level says to check indentation', () => {
    const error = problem(
      site('      - ssm:\n          documnet: CachePurge-FastCGI\n          wiat: true\n'),
    );
    expect(error.message).toContain(
      'ssm.documnet (line 7): unknown key "documnet" — did you mean "document"?',
    );
    expect(error.message).toContain('ssm.wiat (line 8): unknown key "wiat"; allowed here');
    const misplaced = problem(site('      - document: CachePurge-FastCGI\n'));
    expect(misplaced.message).toContain(
      'sites.portal.steps[0].document (line 6): unknown key "document" here: it belongs in "ssm", so check its indentation; allowed here: name, ssm, cloudfront',
    );
  });

  it('a site key written at site-name level is read as a site name, and the message says so', () => {
    const error = problem(
      'region: us-east-1\nsites:\n  portal:\n    targets: { instance-ids: [i-0123456789abcdef0] }\n  steps:\n    - cloudfront: { distribution-id: E2EXAMPLE12345 }\n',
    );
    expect(error.message).toBe(
      [
        '.github/cache-purge.yml has 2 problems:',
        '  - sites.portal.steps (line 4): is required, e.g. `steps: [ { ssm: { document: CachePurge-FastCGI } } ]` — the "steps:" key on line 5 is read as a site name: indent it under "portal" if it belongs here',
        '  - sites.steps (line 6): is a list; expected a mapping with keys region, roots, targets, steps, e.g. `portal: { targets: …, steps: [ … ] }` under `sites:` — "steps" sits directly under "sites:", so it is read as a site name; indent it under its site (probably "portal", the site above it)',
      ].join('\n'),
    );
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

describe('formatPath', () => {
  it('writes paths the way users read them', () => {
    expect(formatPath(['sites', 'portal', 'steps', 1, 'ssm', 'document'])).toBe(
      'sites.portal.steps[1].ssm.document',
    );
    expect(formatPath(['targets', 'tags', 'aws:x'])).toBe('targets.tags["aws:x"]');
    expect(formatPath([])).toBe('(top level)');
  });
});
