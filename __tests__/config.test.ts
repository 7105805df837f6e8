// The sites-file parser: the example parses to the documented shape; a file that is not valid YAML or
// JSON, or not a sites file, or has keys that do not exist, gives a UserError naming the exact path,
// what is wrong, what is allowed, and the line. The checks of each value: config-values.test.ts.

import { describe, expect, it } from 'vitest';
import { parseSitesConfig } from '../src/action/sites-file/read-sites-file.js';
import { formatPath } from '../src/action/sites-file/locations.js';
import { exampleConfig } from './helpers/run-action.js';
import { FILE, problem, site } from './helpers/sites-file-problems.js';

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
    const error = problem('{\n  "sites": {\n    "portal": { "steps": [ }\n  }\n}\n', 'ops/sites.json');
    expect(error.title).toBe('Sites file is not valid JSON');
    expect(error.message).toBe(
      'ops/sites.json: JSON syntax error at line 3, column 28: Unexpected token \'}\'. Line 3 is: "portal": { "steps": [ }. Fix the syntax there (a missing or extra comma, an unclosed bracket or an unquoted key are the usual causes).',
    );
    expect(error.location).toEqual({ file: 'ops/sites.json', line: 3, column: 28 });
    const missingColon = problem('{"sites" {}}', 'sites.JSON');
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
