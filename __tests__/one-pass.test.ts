// One run reports every problem it can find: the schema's problems together with the plan-time checks
// (site, region, parameters of the bundled documents) of the site being purged, on the steps that are
// sound; a misspelt parameter's value checked as the parameter it means; hints for the usual path
// mistakes. Core only: text in, one UserError out.
// Over 300 lines: one subject, every problem of one run, from the trial file to combining the errors.

import { describe, expect, it } from 'vitest';
import { planSitesFile } from '../src/action/plan/plan-sites-file.js';
import { buildPlan } from '../src/action/plan/plan.js';
import { parseSitesFile } from '../src/action/sites-file/read-sites-file.js';
import { bundledDocumentProblems } from '../src/action/sites-file/bundled-documents.js';
import { combineUserErrors, UserError } from '../src/shared/errors.js';
import { exampleConfig } from './helpers/run-action.js';
import { trialFile } from './helpers/trial-sites-file.js';
import { refusal } from './helpers/refusal.js';

const FILE = '.github/bad.yml';

/** The "  - <path> (line N)…" part of each problem line, in order. */
const problemPaths = (message: string) =>
  message
    .split('\n')
    .filter((line) => line.startsWith('  - '))
    .map((line) => /^ {2}- (.*?\(line \d+\)(?: \(step \d+, [^)]+\))?)/.exec(line)?.[1] ?? line);

describe('the trial file: every problem in one run', () => {
  it('schema problems, the misspelt parameter name and its value, in one error at the first problem', () => {
    const error = refusal(() => planSitesFile(trialFile, { site: 'shop', configFile: FILE }));
    expect(error.title).toBe('Sites file does not match the schema; Invalid document parameters');
    // the annotation stays at the first problem: "documnet" on line 9, column 11
    expect(error.location).toEqual({ file: FILE, line: 9, column: 11 });
    // one list in the order of the file's lines: the schema's problems and the parameter check's mixed
    expect(problemPaths(error.message)).toEqual([
      'sites.shop.steps[0].ssm.documnet (line 9)',
      'sites.shop.steps[1].ssm.parameters.cachepath (line 15) (step 2, FastCGI cache)',
      'sites.shop.steps[1].ssm.parameters.cachepath (line 15) (step 2, FastCGI cache)',
      'sites.shop.steps[2].cloudfront.distribution-id (line 17)',
      'sites.shop.steps[2].cloudfront.paths[0] (line 18)',
    ]);
    const lines = error.message.split('\n');
    // one header, counting every problem listed below it: 3 of the schema, 2 of the parameter check
    expect(lines[0]).toBe(`${FILE} has 5 problems:`);
    expect(lines.filter((line) => line.startsWith('  - '))).toHaveLength(5);
    expect(lines.filter((line) => / problems?:$/.test(line))).toEqual([lines[0]]);
    expect(lines[2]).toMatch(
      /: CachePurge-FastCGI has no parameter "cachepath"; did you mean "CachePath"\? \(Parameter names are case-sensitive\.\)$/,
    );
    expect(lines[3]).toContain(
      ': (checked as "CachePath") "/var/cache/nginx/../shop" does not match CachePurge-FastCGI\'s allowedPattern ^(/var/cache/nginx)(/[A-Za-z0-9_][A-Za-z0-9._-]{0,99}){1,8}$. "." and ".." path segments are not allowed',
    );
    expect(lines.at(-1)).toBe(
      'Checked before any AWS call against the definition of CachePurge-FastCGI bundled with cache-purge-action (ssm-documents/CachePurge-FastCGI.json).',
    );
    // the broken first step gets no parameter check: its document is unknown
    expect(error.message).not.toContain('steps[0].ssm.parameters');
    expect(lines).toHaveLength(7);
  });

  it('once the schema problems are fixed, the same parameter problems remain: nothing new on a later run', () => {
    const schemaFixed = trialFile
      .replace('documnet:', 'document:')
      .replace('e1abc', 'E2EXAMPLE12345')
      .replace("'/a*b'", "'/a/*'");
    const before = refusal(() => planSitesFile(trialFile, { site: 'shop', configFile: FILE }));
    const after = refusal(() => planSitesFile(schemaFixed, { site: 'shop', configFile: FILE }));
    expect(after.title).toBe('Invalid document parameters');
    // the same two parameter problems, word for word, and the same closing note
    const bullets = (message: string) => message.split('\n').filter((line) => line.includes('cachepath'));
    expect(bullets(after.message)).toEqual(bullets(before.message));
    expect(after.message.split('\n').at(-1)).toBe(before.message.split('\n').at(-1));
    // the annotation now points at the misspelt name: line 15, column 13
    expect(after.location).toEqual({ file: FILE, line: 15, column: 13 });
    const fixed = schemaFixed.replace(
      'cachepath: /var/cache/nginx/../shop',
      'CachePath: /var/cache/nginx/shop',
    );
    expect(planSitesFile(fixed, { site: 'shop', configFile: FILE }).steps).toHaveLength(3);
  });
});

describe('the header counts every problem; problems and the annotation follow the lines of the file', () => {
  // the new-user trial: "has 2 problems:" over three listed, line 12 before line 3, annotation at 12
  const outOfOrder = [
    'sites:', // 1
    '  shop:', // 2
    '    targets: { tags: { Site: [] } }', // 3
    '    steps:', // 4
    '      - name: FastCGI cache', // 5
    '        ssm:', // 6
    '          document: CachePurge-FastCGI', // 7
    '          parameters: { CachePath: /var/cache/nginx/../shop }', // 8
    '      - name: CloudFront', // 9
    '        cloudfront: { distribution-id: E2EXAMPLE12345 }', // 10
    '', // 11
    'region: 5', // 12
    '',
  ].join('\n');

  it('schema problems by line, the header counting the parameter problem too, the annotation at line 3', () => {
    const error = refusal(() => planSitesFile(outOfOrder, { site: 'shop', configFile: FILE }));
    const lines = error.message.split('\n');
    expect(lines[0]).toBe(`${FILE} has 3 problems:`);
    expect(problemPaths(error.message)).toEqual([
      expect.stringMatching(/^sites\.shop\.targets\.tags\.Site \(line 3\)$/),
      'sites.shop.steps[0].ssm.parameters.CachePath (line 8) (step 1, FastCGI cache)',
      'region (line 12)',
    ]);
    expect(lines.filter((line) => line.startsWith('  - '))).toHaveLength(3);
    expect(error.location).toMatchObject({ file: FILE, line: 3 });
    expect(error.problemCount).toBe(3);
  });

  it('the schema alone: by line, its own count, at the earliest', () => {
    const text = outOfOrder.replace('/var/cache/nginx/../shop', '/var/cache/nginx/shop');
    const error = refusal(() => planSitesFile(text, { site: 'shop', configFile: FILE }));
    expect(error.message.split('\n')[0]).toBe(`${FILE} has 2 problems:`);
    expect(problemPaths(error.message).map((p) => /\(line (\d+)\)/.exec(p)?.[1])).toEqual(['3', '12']);
    expect(error.location).toMatchObject({ file: FILE, line: 3 });
  });
});

describe('region and parameter problems together', () => {
  const noRegion = [
    'sites:', // 1
    '  shop:', // 2
    '    targets: { tags: { Site: shop } }', // 3
    '    steps:', // 4
    '      - name: W3 Total Cache', // 5
    '        ssm: { document: CachePurge-W3TotalCache, parameters: { WordPressPath: /var/www/shop } }', // 6
    '      - name: FastCGI cache', // 7
    '        ssm: { document: CachePurge-FastCGI }', // 8
    '',
  ].join('\n');

  it('no region and a missing CachePath are reported in one run, the annotation at the first', () => {
    const error = refusal(() => planSitesFile(noRegion, { site: 'shop', configFile: FILE }));
    expect(error.title).toBe('No AWS region; Invalid document parameters');
    expect(error.location).toEqual({ file: FILE, line: 5, column: 9 });
    const lines = error.message.split('\n');
    expect(lines[0]).toBe(`${FILE} has 2 problems:`);
    expect(lines[1]).toMatch(
      /^ {2}- Step 1 \(W3 Total Cache\) \(line 5\) runs an SSM document but no region is set\./,
    );
    expect(lines[2]).toMatch(
      /^ {2}- sites\.shop\.steps\[1\]\.ssm\.parameters \(line 8\) \(step 2, FastCGI cache\): "CachePath" is missing/,
    );
    // buildPlan on the parsed file says the same
    const { config, locate } = parseSitesFile(noRegion, FILE);
    expect(refusal(() => buildPlan(config, { site: 'shop', configFile: FILE, locate }))).toEqual(error);
  });

  it('a schema problem elsewhere, no region and a parameter problem: three problems under one header', () => {
    const text = noRegion.replace(
      '        ssm: { document: CachePurge-FastCGI }',
      '        ssm: { document: CachePurge-FastCGI, max-errors: lots }',
    );
    const error = refusal(() => planSitesFile(text, { site: 'shop', configFile: FILE }));
    expect(error.title).toBe(
      'Sites file does not match the schema; No AWS region; Invalid document parameters',
    );
    expect(problemPaths(error.message)).toEqual([
      'Step 1 (W3 Total Cache) (line 5)',
      'sites.shop.steps[1].ssm.max-errors (line 8)',
      'sites.shop.steps[1].ssm.parameters (line 8) (step 2, FastCGI cache)',
    ]);
    expect(error.message).toContain(
      '  - Step 1 (W3 Total Cache) (line 5) runs an SSM document but no region is set.',
    );
    // the earliest line of all: "no region" at step 1 (line 5), not the schema's line 8
    expect(error.location).toMatchObject({ file: FILE, line: 5 });
    expect(error.message.split('\n')[0]).toBe(`${FILE} has 3 problems:`);
  });

  it('a malformed aws-region input comes with the parameter problems, which keep their place', () => {
    const error = refusal(() =>
      planSitesFile(noRegion, { site: 'shop', region: 'US East', configFile: FILE }),
    );
    expect(error.title).toBe('Invalid AWS region; Invalid document parameters');
    expect(error.message).toMatch(/^\S+ has 2 problems:\n/);
    // a problem without a line comes after those with one
    expect(error.message).toMatch(
      /\n {2}- the aws-region input is "US East", which is not valid;[^\n]*\nChecked before/,
    );
    // the region input has no line: the annotation goes to the first problem that has one
    expect(error.location).toEqual({ file: FILE, line: 8, column: 14 });
  });
});

describe('what is not checked when the schema has failed, and why', () => {
  const site = (steps: string[], extra: string[] = []) =>
    [
      'region: us-east-1',
      'sites:',
      '  shop:',
      '    targets: { tags: { Site: shop } }',
      ...extra,
      '    steps:',
      ...steps,
      '',
    ].join('\n');

  it('a step whose document or "parameters" key is misspelt gets no parameter check (no false "missing")', () => {
    const text = site([
      '      - ssm: { document: CachePurge-FastCGI, parameter: { CachePath: /var/cache/nginx/shop } }',
      '      - ssm: { documnet: CachePurge-FastCGI, parameters: { CachePath: /tmp } }',
      '      - ssm: { document: CachePurge-FastCGI, parameters: { CachePath: /var/cache/nginx/ok } }',
    ]);
    const error = refusal(() => planSitesFile(text, { site: 'shop', configFile: FILE }));
    expect(error.title).toBe('Sites file does not match the schema');
    expect(problemPaths(error.message)).toEqual([
      'sites.shop.steps[0].ssm.parameter (line 6)',
      'sites.shop.steps[1].ssm.documnet (line 7)',
    ]);
  });

  it('a step broken only in fields the parameters do not depend on is still checked', () => {
    const text = site([
      '      - name: ""',
      '        ssm: { document: CachePurge-FastCGI, timeout-seconds: 5, parameters: { CachePath: /var/cache/nginx/a b } }',
    ]);
    const error = refusal(() => planSitesFile(text, { site: 'shop', configFile: FILE }));
    expect(problemPaths(error.message)).toEqual([
      'sites.shop.steps[0].name (line 6)',
      'sites.shop.steps[0].ssm.timeout-seconds (line 7)',
      // an empty name is no label: the document is
      'sites.shop.steps[0].ssm.parameters.CachePath (line 7) (step 1, CachePurge-FastCGI)',
    ]);
    expect(error.message).toContain('It contains whitespace, which the pattern does not allow');
  });

  it('a region written in the file that failed the schema, or a misspelt "region", is no "No AWS region"', () => {
    const steps = [
      '      - ssm: { document: CachePurge-FastCGI, parameters: { CachePath: /var/cache/nginx/a } }',
    ];
    for (const text of [
      site(steps).replace('region: us-east-1', 'region: US East'),
      site(steps).replace('region: us-east-1', 'regoin: us-east-1'),
      site(steps, ['    region: 7']).replace('region: us-east-1\n', ''),
    ]) {
      const error = refusal(() => planSitesFile(text, { site: 'shop', configFile: FILE }));
      expect(error.title).toBe('Sites file does not match the schema');
    }
  });

  it('a broken SSM step still needs a region: "No AWS region" names it', () => {
    const text = site(['      - ssm: { documnet: CachePurge-FastCGI }']).replace('region: us-east-1\n', '');
    const error = refusal(() => planSitesFile(text, { site: 'shop', configFile: FILE }));
    expect(error.title).toBe('Sites file does not match the schema; No AWS region');
    expect(error.message).toContain(
      'Step 1 (unnamed step) (line 5) runs an SSM document but no region is set.',
    );
  });

  it('other sites: their schema problems are reported, their parameters are not checked (as buildPlan)', () => {
    const text = [
      'region: us-east-1', // 1
      'sites:', // 2
      '  portal:', // 3
      '    targets: { tags: { Site: portal } }', // 4
      '    steps:', // 5
      '      - ssm: { document: CachePurge-FastCGI, parameters: { CachePth: /var/cache/nginx/p } }', // 6
      '      - cloudfront: { distribution-id: nope }', // 7
      '  shop:', // 8
      '    targets: { tags: { Site: shop } }', // 9
      '    steps:', // 10
      '      - ssm: { document: CachePurge-FastCGI, parameters: { CachePath: /var/cache/nginx/shop/ } }', // 11
      '',
    ].join('\n');
    const error = refusal(() => planSitesFile(text, { site: 'shop', configFile: FILE }));
    expect(problemPaths(error.message)).toEqual([
      'sites.portal.steps[1].cloudfront.distribution-id (line 7)',
      'sites.shop.steps[0].ssm.parameters.CachePath (line 11) (step 1, CachePurge-FastCGI)',
    ]);
    expect(error.message).toContain('remove the trailing "/" ("/var/cache/nginx/shop" fits)');
    expect(error.message).not.toContain('CachePth');
  });

  it('an unknown site comes with the schema problems, unless the sites mapping itself is broken', () => {
    const text = site(['      - cloudfront: { distribution-id: nope }']);
    const error = refusal(() => planSitesFile(text, { site: 'shpo', configFile: FILE }));
    expect(error.title).toBe('Sites file does not match the schema; Unknown site');
    expect(error.message).toContain('Site "shpo" is not defined in .github/bad.yml — did you mean "shop"?');
    // "steps" written at site level reads as a site: which sites exist is not known for sure
    const misplaced = text.replace('    steps:', '  steps:');
    expect(refusal(() => planSitesFile(misplaced, { site: 'shpo', configFile: FILE })).title).toBe(
      'Sites file does not match the schema',
    );
  });
});

describe('a valid file plans exactly as parseSitesFile + buildPlan', () => {
  it('the example file', () => {
    const { config, locate } = parseSitesFile(exampleConfig, FILE);
    for (const site of Object.keys(config.sites)) {
      expect(planSitesFile(exampleConfig, { site, configFile: FILE })).toEqual(
        buildPlan(config, { site, configFile: FILE, locate }),
      );
    }
  });
});

describe('hints for the usual path mistakes in bundled document parameters', () => {
  const problem = (parameters: Record<string, string[]>, document = 'CachePurge-W3TotalCache') =>
    bundledDocumentProblems(document, parameters).map((p) => p.problem);

  it('a trailing "/" says so, with the value that fits', () => {
    expect(problem({ WordPressPath: ['/srv/www/shop/'] })).toEqual([
      '"/srv/www/shop/" does not match CachePurge-W3TotalCache\'s allowedPattern ^(/var/www|/srv/www)(/[A-Za-z0-9_][A-Za-z0-9._-]{0,99}){1,8}$. It ends with "/", which the pattern does not allow: remove the trailing "/" ("/srv/www/shop" fits). Expected: The WordPress directory (the one holding wp-load.php), strictly below one of the stack\'s WordPressRoots (/var/www, /srv/www), e.g. /var/www/portal.',
    ]);
    // without the "/" it still does not fit: no value is offered
    expect(problem({ WordPressPath: ['/srv/www/'] })[0]).toContain(
      'It ends with "/", which the pattern does not allow: remove the trailing "/". Expected:',
    );
  });

  it('"." and ".." segments and whitespace say so; a value failing for another reason gets no hint', () => {
    expect(problem({ CachePath: ['/var/cache/nginx/./shop'] }, 'CachePurge-FastCGI')[0]).toContain(
      '"." and ".." path segments are not allowed: give the directory itself.',
    );
    expect(problem({ WordPressPath: ['/var/www/my site'] })[0]).toContain(
      'It contains whitespace, which the pattern does not allow: use a directory whose path has no spaces.',
    );
    expect(problem({ WordPressPath: ['/var/www/shop '] })[0]).toContain(
      'It starts or ends with whitespace, which the pattern does not allow: remove it ("/var/www/shop" fits).',
    );
    expect(problem({ WordPressPath: ['/var/www/-shop'] })[0]).toMatch(/\{1,8\}\$\. Expected: /);
    // outside the roots: the roots and the fix, no hint
    expect(problem({ WordPressPath: ['/home/shop'] })[0]).toMatch(
      /^"\/home\/shop" is not below roots\.wordpress \(\/var\/www, \/srv\/www, the default\): .*\(they must list the same roots\)\.$/,
    );
  });

  it('a misspelt name whose value fits adds nothing; one with a bad value adds the value problem', () => {
    expect(problem({ wordpresspath: ['/var/www/shop'] })).toHaveLength(1);
    expect(problem({ wordpresspath: ['/var/www/shop/'] })[1]).toMatch(
      /^\(checked as "WordPressPath"\) "\/var\/www\/shop\/" does not match /,
    );
    expect(bundledDocumentProblems('CachePurge-W3TotalCache', { wordpresspath: ['/x'] })).toMatchObject([
      { parameter: 'wordpresspath', about: 'name' },
      { parameter: 'wordpresspath', about: 'value' },
    ]);
  });
});

describe('combineUserErrors', () => {
  it('one error is itself; several go under one header counting them, in the order of their lines', () => {
    const a = new UserError('A', 'a', { file: 'f' });
    const b = new UserError('B', 'b\nmore of b', { file: 'f', line: 9, column: 2 });
    const c = new UserError(
      'C',
      'f has 2 problems:\n  - c1\n  - c2\nnote',
      { file: 'f', line: 3, column: 1 },
      {
        items: [
          { text: 'c1', line: 3 },
          { text: 'c2', line: 12 },
        ],
        notes: ['note'],
      },
    );
    expect(combineUserErrors([a])).toBe(a);
    const combined = combineUserErrors([a, b, c]);
    expect(combined).toMatchObject({ title: 'A; B; C', location: { file: 'f', line: 3, column: 1 } });
    // a problem with no line goes last; a message of several lines stays one problem, indented
    expect(combined.message).toBe('f has 4 problems:\n  - c1\n  - b\n    more of b\n  - c2\n  - a\nnote');
    expect(combined.problemCount).toBe(4);
    expect(() => combineUserErrors([])).toThrow();
  });

  it('placed at the earliest line of the file (the first of equal lines); the counts add up, cut lists too', () => {
    const late = new UserError(
      'Late',
      'l',
      { file: 'f', line: 12, column: 5 },
      {
        items: [
          { text: 'l1', line: 12 },
          { text: 'l2', line: 13 },
        ],
      },
    );
    const early = new UserError('Early', 'e', { file: 'f', line: 3, column: 7 });
    const alsoThree = new UserError(
      'Also',
      'a',
      { file: 'f', line: 3, column: 1 },
      {
        items: [{ text: 'a1', line: 3 }],
        unlisted: 3,
      },
    );
    const otherFile = new UserError('Other', 'o', { file: 'g', line: 1 });
    const combined = combineUserErrors([late, early, alsoThree, otherFile]);
    expect(combined.location).toEqual({ file: 'f', line: 3, column: 7 });
    expect(combined.problemCount).toBe(8);
    const lines = combined.message.split('\n');
    expect(lines[0]).toBe('f has 8 problems:');
    expect(lines.filter((line) => line.startsWith('  - '))).toHaveLength(5);
    expect(lines.at(-1)).toBe('  … and 3 more');
  });
});
