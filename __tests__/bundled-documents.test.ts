// The parameters of the documents we ship, checked at plan time: the table is the JSON files in
// ssm-documents/ (no copy to drift), and a step naming one of them gets every problem SSM would only
// report at SendCommand — unknown names with a did-you-mean, a missing required one, values outside
// allowedPattern/maxChars, two the script refuses together — each at its path in the sites file. Other documents pass untouched.
// Over 300 lines: its sites files are written out line by line because the tests name their lines.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BUNDLED_DOCUMENTS,
  EXCLUSIVE_PARAMETERS,
  CHECKED_PARAMETER_TYPES,
  bundledDocumentName,
  bundledDocumentProblems,
} from '../src/action/sites-file/bundled-documents.js';
import { parseSitesConfig, parseSitesFile } from '../src/action/sites-file/read-sites-file.js';
import { buildPlan } from '../src/action/plan/plan.js';
import { exampleConfig, repoRoot } from './helpers/run-action.js';
import { refusal } from './helpers/refusal.js';

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
        about: 'name',
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
        about: 'name',
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
        about: 'value',
        problem:
          '"/var/cache/nginx/../../etc" does not match CachePurge-FastCGI\'s allowedPattern ^(/var/cache/nginx)(/[A-Za-z0-9_][A-Za-z0-9._-]{0,99}){1,8}$. "." and ".." path segments are not allowed: give the directory itself. Expected: The fastcgi_cache_path directory to empty, strictly below one of the stack\'s CacheRoots (/var/cache/nginx), e.g. /var/cache/nginx/portal. Letters, digits, ".", "_", "-" and "/" only.',
      },
    ]);
    expect(
      bundledDocumentProblems('CachePurge-FastCGI', { CachePath: ['/var/cache/nginx'] })[0]!.problem,
    ).toBe(
      '"/var/cache/nginx" is the root /var/cache/nginx itself, and a path must lie strictly below a root: give the directory below it that this site uses (e.g. /var/cache/nginx/portal), or, if /var/cache/nginx is this site\'s own directory, make its parent the root, in `roots.cache` and in the stack\'s CacheRoots parameter.',
    );
  });

  it('a required parameter left out is named with what to give', () => {
    expect(bundledDocumentProblems('CachePurge-W3TotalCache', {})).toEqual([
      {
        about: 'parameters',
        problem:
          '"WordPressPath" is missing; CachePurge-W3TotalCache requires it: add WordPressPath: <value> (The WordPress directory (the one holding wp-load.php), strictly below one of the stack\'s WordPressRoots (/var/www, /srv/www), e.g. /var/www/portal).',
      },
    ]);
    // a site with other roots: those roots, not the description's defaults (/var/www, /srv/www)
    const bitnami = { cache: ['/var/cache/nginx'], wordpress: ['/opt/bitnami'] };
    expect(bundledDocumentProblems('CachePurge-ObjectCache', {}, bitnami)).toEqual([
      {
        about: 'parameters',
        problem:
          '"WordPressPath" is missing; CachePurge-ObjectCache requires it: add WordPressPath: <value> (a directory strictly below one of roots.wordpress (/opt/bitnami), e.g. /opt/bitnami/portal).',
      },
    ]);
    // CachePurge-OPcache refuses PhpFpmService with PhpFpmPidFile on the instance: said before the run
    const both = { PhpFpmService: ['php8.2-fpm'], PhpFpmPidFile: ['/run/php/php8.2-fpm.pid'] };
    expect(bundledDocumentProblems('CachePurge-OPcache', both)).toEqual([
      {
        about: 'parameters',
        onInstance: true,
        problem:
          'PhpFpmService and PhpFpmPidFile are both set; CachePurge-OPcache takes one of them, or neither (its script refuses both on the instance): remove one.',
      },
    ]);
    expect(bundledDocumentProblems('CachePurge-OPcache', { ...both, PhpFpmPidFile: [''] })).toEqual([]);
    // each pair is one the document's own script refuses together
    for (const [document, pairs] of Object.entries(EXCLUSIVE_PARAMETERS)) {
      const text = readFileSync(join(documentsDir, `${document}.json`), 'utf8');
      for (const [a, b] of pairs) expect(text).toContain(`${a} and ${b} are both set`);
    }
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
        about: 'value',
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
      '"CachePath" is missing; CachePurge-FastCGI requires it: add CachePath: <value> (The fastcgi_cache_path directory to empty, strictly below one of the stack\'s CacheRoots (/var/cache/nginx), e.g. /var/cache/nginx/portal. Letters, digits, ".", "_", "-" and "/" only).',
    ]);
  });
});

const planError = (build: () => unknown) => refusal(build, 'the plan');

describe('the plan refuses what SSM would refuse at SendCommand', () => {
  const broken = exampleConfig
    .replace('WordPressPath: /var/www/portal', 'WordpressPath: /var/www/portal')
    .replace('CachePath: /var/cache/nginx/portal', 'CachePath: /var/cache/nginx/../../etc');

  it('every problem of the site, at its path and line in the sites file, against the bundled definitions', () => {
    const { config, locate } = parseSitesFile(broken, FILE);
    const error = planError(() => buildPlan(config, { site: 'portal', configFile: FILE, locate }));
    // the annotation points at the first problem: the misspelt name on line 16, column 25
    expect(error).toMatchObject({
      title: 'Invalid document parameters',
      location: { file: FILE, line: 16, column: 25 },
    });
    expect(error.message).toBe(
      [
        '.github/cache-purge.yml: SSM would refuse these parameters at SendCommand:',
        '  - sites.portal.steps[0].ssm.parameters.WordpressPath (line 16) (step 1, W3 Total Cache): CachePurge-W3TotalCache has no parameter "WordpressPath"; did you mean "WordPressPath"? (Parameter names are case-sensitive.)',
        '  - sites.portal.steps[1].ssm.parameters.CachePath (line 20) (step 2, FastCGI cache): "/var/cache/nginx/../../etc" does not match CachePurge-FastCGI\'s allowedPattern ^(/var/cache/nginx)(/[A-Za-z0-9_][A-Za-z0-9._-]{0,99}){1,8}$. "." and ".." path segments are not allowed: give the directory itself. Expected: The fastcgi_cache_path directory to empty, strictly below one of the stack\'s CacheRoots (/var/cache/nginx), e.g. /var/cache/nginx/portal. Letters, digits, ".", "_", "-" and "/" only.',
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
  it("parameters the document's script refuses together: said with the instance as who refuses them", () => {
    const text =
      'region: us-east-1\nsites:\n  s:\n    targets: { tags: { Site: s } }\n    steps:\n      - ssm: { document: CachePurge-OPcache, parameters: { PhpFpmService: php-fpm, PhpFpmPidFile: /run/php/php-fpm.pid } }\n';
    const { config, locate } = parseSitesFile(text, FILE);
    const error = planError(() => buildPlan(config, { site: 's', configFile: FILE, locate }));
    expect(error.message.split('\n').slice(0, 2)).toEqual([
      '.github/cache-purge.yml: this parameter would be refused (by SSM at SendCommand, or by the document itself on the instance):',
      '  - sites.s.steps[0].ssm.parameters (line 6) (step 1, CachePurge-OPcache): PhpFpmService and PhpFpmPidFile are both set; CachePurge-OPcache takes one of them, or neither (its script refuses both on the instance): remove one.',
    ]);
  });
});

describe('a parameter problem names its line in the sites file, as schema errors do', () => {
  // Three sites; the broken steps are in the last one, far from the top of the file.
  const multiSite = [
    'region: us-east-1', // 1
    'sites:', // 2
    '  portal:', // 3
    '    targets: { instance-ids: [i-0123456789abcdef0] }', // 4
    '    steps:', // 5
    '      - ssm: { document: CachePurge-FastCGI, parameters: { CachePath: /var/cache/nginx/portal } }', // 6
    '  shop:', // 7
    '    targets: { tags: { Site: shop } }', // 8
    '    steps:', // 9
    '      - ssm: { document: CachePurge-W3TotalCache, parameters: { WordPressPath: /var/www/shop } }', // 10
    '  main:', // 11
    '    targets: { tags: { Site: main } }', // 12
    '    steps:', // 13
    '      - name: WP Rocket', // 14
    '        ssm:', // 15
    '          document: CachePurge-WPRocket', // 16
    '          parameters:', // 17
    '            WordPressPath: /var/www/main', // 18
    '            SiteHst: www.example.com', // 19
    '      - name: FastCGI cache', // 20
    '        ssm:', // 21
    '          document: CachePurge-FastCGI', // 22
    '          parameters:', // 23
    '            CachePath:', // 24
    '              - /var/cache/nginx/../../etc', // 25
    '      - name: W3 Total Cache', // 26
    '        ssm:', // 27
    '          document: CachePurge-W3TotalCache', // 28
    '          timeout-seconds: 60', // 29
    '      - cloudfront: { distribution-id: E3EXAMPLE67890 }', // 30
    '',
  ].join('\n');

  it('an unknown name at the name, a bad value at the value, a missing one at its step', () => {
    const { config, locate } = parseSitesFile(multiSite, FILE);
    const error = planError(() => buildPlan(config, { site: 'main', configFile: FILE, locate }));
    expect(error.location).toEqual({ file: FILE, line: 19, column: 13 });
    const lines = error.message.split('\n');
    expect(lines.slice(1, -1).map((line) => /^ {2}- ([^:]+):/.exec(line)?.[1])).toEqual([
      'sites.main.steps[0].ssm.parameters.SiteHst (line 19) (step 1, WP Rocket)',
      'sites.main.steps[1].ssm.parameters.CachePath (line 25) (step 2, FastCGI cache)',
      'sites.main.steps[2].ssm.parameters (line 28) (step 3, W3 Total Cache)',
    ]);
    // the rest of each line is the check's own words, unchanged
    expect(lines[1]).toContain(
      ': CachePurge-WPRocket has no parameter "SiteHst"; did you mean "SiteHost"? (Parameter names are case-sensitive.)',
    );
    expect(lines[3]).toContain(': "WordPressPath" is missing; CachePurge-W3TotalCache requires it');
  });

  it('a JSON sites file names its lines the same way', () => {
    const text = [
      '{',
      '  "region": "us-east-1",',
      '  "sites": {',
      '    "main": {',
      '      "targets": { "tags": { "Site": "main" } },',
      '      "steps": [',
      '        { "ssm": { "document": "CachePurge-FastCGI", "parameters": { "CachePath": "/var/cache/nginx/main" } } },',
      '        {',
      '          "ssm": {',
      '            "document": "CachePurge-FastCGI",',
      '            "parameters": { "CachePath": "/var/cache/nginx/" }',
      '          }',
      '        }',
      '      ]',
      '    }',
      '  }',
      '}',
    ].join('\n');
    const { config, locate } = parseSitesFile(text, 'sites.json');
    const error = planError(() => buildPlan(config, { site: 'main', configFile: 'sites.json', locate }));
    expect(error.location).toEqual({ file: 'sites.json', line: 11, column: 42 });
    expect(error.message).toContain(
      '  - sites.main.steps[1].ssm.parameters.CachePath (line 11) (step 2, CachePurge-FastCGI): ',
    );
  });

  it('the other sites of the file plan cleanly, and without a locator the message is as before', () => {
    const { config, locate } = parseSitesFile(multiSite, FILE);
    for (const site of ['portal', 'shop']) {
      expect(() => buildPlan(config, { site, configFile: FILE, locate })).not.toThrow();
    }
    const error = planError(() => buildPlan(config, { site: 'main', configFile: FILE }));
    expect(error.location).toEqual({ file: FILE });
    expect(error.message).toContain('  - sites.main.steps[0].ssm.parameters.SiteHst (step 1, WP Rocket): ');
  });

  it("no region for an SSM step names the step's line", () => {
    // without its first line, shop's step (line 10 above) is on line 9
    const { config, locate } = parseSitesFile(multiSite.replace('region: us-east-1\n', ''), FILE);
    const error = planError(() => buildPlan(config, { site: 'shop', configFile: FILE, locate }));
    expect(error.title).toBe('No AWS region');
    expect(error.location).toEqual({ file: FILE, line: 9, column: 9 });
    expect(error.message).toMatch(
      /^Step 1 \(CachePurge-W3TotalCache\) \(line 9\) runs an SSM document but no region is set\. Add "region: us-east-1"/,
    );
  });
});

describe('the object cache and OPcache documents are checked like the others', () => {
  it('a wrong PhpFpmService value and a misspelt parameter are found at plan time', () => {
    expect(bundledDocumentProblems('CachePurge-OPcache', {})).toEqual([]);
    expect(bundledDocumentProblems('CachePurge-OPcache', { PhpFpmService: ['sshd'] })).toEqual([
      {
        parameter: 'PhpFpmService',
        about: 'value',
        problem: expect.stringContaining('"sshd" does not match CachePurge-OPcache\'s allowedPattern'),
      },
    ]);
    expect(bundledDocumentProblems('CachePurge-ObjectCache', { WordpressPath: ['/var/www/shop'] })).toEqual([
      expect.objectContaining({ problem: expect.stringContaining('did you mean "WordPressPath"?') }),
    ]);
    expect(bundledDocumentName('arn:aws:ssm:us-east-1:123456789012:document/CachePurge-OPcache')).toBe(
      'CachePurge-OPcache',
    );
  });
});
