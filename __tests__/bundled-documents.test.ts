// The parameters of the documents we ship, checked at plan time: the table is the JSON files in
// ssm-documents/ (no copy to drift), and a step naming one of them gets every problem SSM would only
// report at SendCommand — unknown names with a did-you-mean, a missing required one, values outside
// allowedPattern/maxChars — each at its path in the sites file. Other documents pass untouched.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BUNDLED_DOCUMENTS,
  CHECKED_PARAMETER_TYPES,
  bundledDocumentName,
  bundledDocumentProblems,
} from '../src/core/bundled-documents.js';
import { parseSitesConfig } from '../src/core/config.js';
import { buildPlan } from '../src/core/plan.js';
import { UserError } from '../src/core/errors.js';
import { exampleConfig, repoRoot } from './helpers/run-action.js';

const FILE = '.github/cache-purge.yml';
const documentsDir = join(repoRoot, 'ssm-documents');
const files = readdirSync(documentsDir).filter((f) => f.endsWith('.json'));

describe('the table of bundled documents', () => {
  it('is exactly the parameters of every file in ssm-documents/', () => {
    expect(Object.keys(BUNDLED_DOCUMENTS).sort()).toEqual(files.map((f) => f.replace(/\.json$/, '')).sort());
    for (const file of files) {
      const json = JSON.parse(readFileSync(join(documentsDir, file), 'utf8')) as { parameters: unknown };
      expect(BUNDLED_DOCUMENTS[file.replace(/\.json$/, '')]).toEqual(json.parameters);
    }
  });

  it('uses only parameter types the check understands, and patterns JavaScript compiles', () => {
    for (const parameters of Object.values(BUNDLED_DOCUMENTS)) {
      for (const spec of Object.values(parameters)) {
        expect(CHECKED_PARAMETER_TYPES).toContain(spec.type);
        if (spec.allowedPattern) expect(() => new RegExp(spec.allowedPattern!)).not.toThrow();
      }
    }
  });
});

describe('checking a step against a bundled document', () => {
  it('the example sites file fits every bundled document', () => {
    const config = parseSitesConfig(exampleConfig, FILE);
    for (const site of Object.values(config.sites)) {
      for (const step of site.steps) {
        if (step.kind === 'ssm') expect(bundledDocumentProblems(step.document, step.parameters)).toEqual([]);
      }
    }
  });

  it('a name in the wrong case: did you mean, and not also "missing"', () => {
    expect(
      bundledDocumentProblems('CachePurge-W3TotalCache', { WordpressPath: ['/var/www/portal'] }),
    ).toEqual([
      {
        parameter: 'WordpressPath',
        problem:
          'CachePurge-W3TotalCache has no parameter "WordpressPath"; did you mean "WordPressPath"? (Parameter names are case-sensitive.)',
      },
    ]);
  });

  it('a near miss is guessed; a name nowhere near lists what the document takes', () => {
    expect(
      bundledDocumentProblems('CachePurge-FastCGI', { CachePth: ['/var/cache/nginx/a'] })[0]!.problem,
    ).toBe(
      'CachePurge-FastCGI has no parameter "CachePth"; did you mean "CachePath"? (Parameter names are case-sensitive.)',
    );
    expect(
      bundledDocumentProblems('CachePurge-WPRocket', { WordPressPath: ['/var/www/main'], Domain: ['x'] }),
    ).toEqual([
      {
        parameter: 'Domain',
        problem: 'CachePurge-WPRocket has no parameter "Domain"; it takes "WordPressPath", "SiteHost".',
      },
    ]);
  });

  it('a path climbing out of the cache root breaks allowedPattern, and the message says why', () => {
    expect(
      bundledDocumentProblems('CachePurge-FastCGI', { CachePath: ['/var/cache/nginx/../../etc'] }),
    ).toEqual([
      {
        parameter: 'CachePath',
        problem:
          '"/var/cache/nginx/../../etc" does not match CachePurge-FastCGI\'s allowedPattern ^/var/cache/nginx(/[A-Za-z0-9_][A-Za-z0-9._-]{0,99}){1,8}$. "." and ".." path segments are not allowed: give the directory itself. Expected: The fastcgi_cache_path directory to empty, strictly below /var/cache/nginx, e.g. /var/cache/nginx/portal. Letters, digits, ".", "_", "-" and "/" only.',
      },
    ]);
    expect(
      bundledDocumentProblems('CachePurge-FastCGI', { CachePath: ['/var/cache/nginx'] })[0]!.problem,
    ).toMatch(
      /^"\/var\/cache\/nginx" does not match CachePurge-FastCGI's allowedPattern .*\. Expected: The fastcgi_cache_path directory to empty, strictly below/,
    );
  });

  it('a required parameter left out is named with what to give', () => {
    expect(bundledDocumentProblems('CachePurge-W3TotalCache', {})).toEqual([
      {
        problem:
          '"WordPressPath" is missing; CachePurge-W3TotalCache requires it: add WordPressPath: <value> (The WordPress directory (the one holding wp-load.php), strictly below /var/www or /srv/www, e.g. /var/www/portal).',
      },
    ]);
    // SiteHost has a default: optional, and empty is allowed
    expect(bundledDocumentProblems('CachePurge-WPRocket', { WordPressPath: ['/srv/www/main'] })).toEqual([]);
    expect(
      bundledDocumentProblems('CachePurge-WPRocket', { WordPressPath: ['/srv/www/main'], SiteHost: [''] }),
    ).toEqual([]);
  });

  it('a String parameter takes one value; maxChars is SSM’s limit', () => {
    expect(
      bundledDocumentProblems('CachePurge-FastCGI', {
        CachePath: ['/var/cache/nginx/a', '/var/cache/nginx/b'],
      }),
    ).toEqual([
      {
        parameter: 'CachePath',
        problem: 'has 2 values; CachePurge-FastCGI takes exactly one (a String parameter): give one value.',
      },
    ]);
    const long = `/var/cache/nginx/${'a'.repeat(600)}`;
    expect(bundledDocumentProblems('CachePurge-FastCGI', { CachePath: [long] })[0]!.problem).toMatch(
      /^"\/var\/cache\/nginx\/a+…" is 617 characters long; CachePurge-FastCGI allows at most 512\./,
    );
  });

  it('a Parameter Store reference is left for SSM to resolve', () => {
    expect(
      bundledDocumentProblems('CachePurge-FastCGI', { CachePath: ['{{ssm:/portal/cache-path}}'] }),
    ).toEqual([]);
  });

  it('our documents are matched by name or by an ARN ending in the name; any other document passes', () => {
    expect(bundledDocumentName('CachePurge-FastCGI')).toBe('CachePurge-FastCGI');
    expect(bundledDocumentName('arn:aws:ssm:us-east-1:123456789012:document/CachePurge-FastCGI')).toBe(
      'CachePurge-FastCGI',
    );
    expect(bundledDocumentName('cachepurge-fastcgi')).toBeUndefined();
    expect(bundledDocumentName('AWS-RunShellScript')).toBeUndefined();
    expect(bundledDocumentName('toString')).toBeUndefined();
    expect(bundledDocumentProblems('AWS-RunShellScript', { commands: ['rm -rf /tmp/x'] })).toEqual([]);
    expect(
      bundledDocumentProblems('arn:aws:ssm:us-east-1:123456789012:document/CachePurge-FastCGI', {
        Path: ['/x'],
      }).map((p) => p.problem),
    ).toEqual([
      'CachePurge-FastCGI has no parameter "Path"; it takes "CachePath".',
      '"CachePath" is missing; CachePurge-FastCGI requires it: add CachePath: <value> (The fastcgi_cache_path directory to empty, strictly below /var/cache/nginx, e.g. /var/cache/nginx/portal. Letters, digits, ".", "_", "-" and "/" only).',
    ]);
  });
});

describe('the plan refuses what SSM would refuse at SendCommand', () => {
  const broken = exampleConfig
    .replace('WordPressPath: /var/www/portal', 'WordpressPath: /var/www/portal')
    .replace('CachePath: /var/cache/nginx/portal', 'CachePath: /var/cache/nginx/../../etc');

  it('every problem of the site, at its path in the sites file, against the bundled definitions', () => {
    const config = parseSitesConfig(broken, FILE);
    let error: unknown;
    try {
      buildPlan(config, { site: 'portal', configFile: FILE });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({ title: 'Invalid document parameters', location: { file: FILE } });
    expect((error as UserError).message).toBe(
      [
        '.github/cache-purge.yml: SSM would refuse these parameters at SendCommand:',
        '  - sites.portal.steps[0].ssm.parameters.WordpressPath (step 1, W3 Total Cache): CachePurge-W3TotalCache has no parameter "WordpressPath"; did you mean "WordPressPath"? (Parameter names are case-sensitive.)',
        '  - sites.portal.steps[1].ssm.parameters.CachePath (step 2, FastCGI cache): "/var/cache/nginx/../../etc" does not match CachePurge-FastCGI\'s allowedPattern ^/var/cache/nginx(/[A-Za-z0-9_][A-Za-z0-9._-]{0,99}){1,8}$. "." and ".." path segments are not allowed: give the directory itself. Expected: The fastcgi_cache_path directory to empty, strictly below /var/cache/nginx, e.g. /var/cache/nginx/portal. Letters, digits, ".", "_", "-" and "/" only.',
        'Checked before any AWS call against the definitions of CachePurge-W3TotalCache and CachePurge-FastCGI bundled with cache-purge-action (ssm-documents/*.json).',
      ].join('\n'),
    );
  });

  it('only the planned site is checked, and a pinned document-version is still checked against ours', () => {
    // main is untouched by `broken`
    expect(() => buildPlan(parseSitesConfig(broken, FILE), { site: 'main', configFile: FILE })).not.toThrow();
    const pinned = parseSitesConfig(
      'region: us-east-1\nsites:\n  s:\n    targets: { tags: { Site: s } }\n    steps:\n      - ssm: { document: CachePurge-FastCGI, document-version: 3 }\n',
      FILE,
    );
    expect(() => buildPlan(pinned, { site: 's', configFile: FILE })).toThrow(
      /^\.github\/cache-purge\.yml: SSM would refuse this parameter at SendCommand:\n {2}- sites\.s\.steps\[0\]\.ssm\.parameters \(step 1, CachePurge-FastCGI\): "CachePath" is missing; CachePurge-FastCGI requires it: add CachePath: <value> .*\nChecked before any AWS call against the definition of CachePurge-FastCGI bundled with cache-purge-action \(ssm-documents\/CachePurge-FastCGI\.json\)\.$/,
    );
  });
});
