// The sites file's `roots` setting (#15 item 1): top level and per site, a site's overriding the
// file's key by key; each root checked with the stack's own rule (the message names the field and the
// fix); CachePath / WordPressPath checked at plan time against the site's roots rather than the
// document file's pattern, a value below none of them named with the roots in force and the fix; the
// path hints kept; a file whose `roots` break the schema gets no false "not below"; the plan says
// which roots it checked against when they are not the defaults; the JSON Schema agrees.

import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { parseSitesConfig } from '../src/action/sites-file/read-sites-file.js';
import { buildPlan } from '../src/action/plan/plan.js';
import { planSitesFile } from '../src/action/plan/plan-sites-file.js';
import { planLogLines, planMarkdownTable } from '../src/action/plan/plan-view.js';
import { sitesFileJsonSchema } from '../src/action/sites-file/sites-file-json-schema.js';
import { allowedPatternFor, ROOT_SETTINGS } from '../src/shared/stack-roots.js';
import { UserError } from '../src/shared/errors.js';
import { exampleConfig } from './helpers/run-action.js';

const FILE = '.github/cache-purge.yml';

/** A sites file: `top` at the top level, two sites with a FastCGI and a W3TC step each. */
function sitesFile(
  options: { top?: string; portal?: string; shop?: string; cache?: string; wordpress?: string } = {},
) {
  return [
    'region: us-east-1',
    ...(options.top ? [options.top] : []),
    'sites:',
    '  portal:',
    ...(options.portal ? [`    ${options.portal}`] : []),
    '    targets: { instance-ids: [i-0123456789abcdef0] }',
    '    steps:',
    '      - name: W3 Total Cache',
    `        ssm: { document: CachePurge-W3TotalCache, parameters: { WordPressPath: ${options.wordpress ?? '/var/www/portal'} } }`,
    '      - name: FastCGI cache',
    `        ssm: { document: CachePurge-FastCGI, parameters: { CachePath: ${options.cache ?? '/var/cache/nginx/portal'} } }`,
    '  shop:',
    ...(options.shop ? [`    ${options.shop}`] : []),
    '    targets: { instance-ids: [i-0123456789abcdef1] }',
    '    steps:',
    '      - ssm: { document: CachePurge-FastCGI, parameters: { CachePath: /var/cache/nginx/shop } }',
    '',
  ].join('\n');
}

function refusal(build: () => unknown): UserError {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error('expected a refusal');
}

const plan = (text: string, site = 'portal') => planSitesFile(text, { site, configFile: FILE });

describe('the roots setting', () => {
  it('absent: the plan has no roots (the stack defaults), and the defaults check the paths', () => {
    expect(plan(sitesFile()).roots).toBeUndefined();
    expect(plan(sitesFile(), 'shop').roots).toBeUndefined();
  });

  it("top level for every site, a site's own overriding it key by key", () => {
    const text = sitesFile({
      top: 'roots: { cache: [/run/nginx-cache], wordpress: [/opt/bitnami/wordpress] }',
      portal: 'roots: { cache: [/var/cache/nginx, /srv/cache] }',
      cache: '/srv/cache/portal',
      wordpress: '/opt/bitnami/wordpress/portal',
    });
    expect(plan(text).roots).toEqual({
      cache: ['/var/cache/nginx', '/srv/cache'],
      wordpress: ['/opt/bitnami/wordpress'],
    });
    // shop has no roots of its own: the file's, and its /var/cache/nginx path is outside them
    const error = refusal(() => plan(text, 'shop'));
    expect(error.message).toContain(
      'sites.shop.steps[0].ssm.parameters.CachePath (line 15) (step 1, CachePurge-FastCGI): "/var/cache/nginx/shop" is not below roots.cache (/run/nginx-cache): give a path below /run/nginx-cache, or, if the stack was deployed with another root for it, add that root to `roots.cache` in the sites file and to the stack\'s CacheRoots parameter (they must list the same roots).',
    );
  });

  it('a single root may be written without the list; roots equal to the defaults are the defaults', () => {
    const config = parseSitesConfig(sitesFile({ top: 'roots: { cache: /var/cache/nginx }' }), FILE);
    expect(config.roots).toEqual({ cache: ['/var/cache/nginx'] });
    expect(buildPlan(config, { site: 'portal', configFile: FILE }).roots).toBeUndefined();
  });

  it('each root is checked with the stack rule: the path, the problem, the fix and what a root is', () => {
    const error = refusal(() =>
      parseSitesConfig(
        sitesFile({
          top: 'roots: { cache: [/etc/nginx, var/cache, /srv/cache/, /dev/x, /srv/my.cache, /], wordpres: [/opt/wp] }',
          portal: 'roots: { wordpress: [], cache: [/a, /a] }',
        }),
        FILE,
      ),
    );
    const what =
      "Each of roots.cache is a root of the stack's CacheRoots parameter: a directory CachePath lies below, e.g. /var/cache/nginx.";
    expect(error.message.split('\n')).toEqual([
      `${FILE} has 9 problems:`,
      `  - roots.cache[0] (line 2): "/etc/nginx" is in /etc, a system directory no purge may reach. ${what}`,
      `  - roots.cache[1] (line 2): "var/cache" is not an absolute path; start it with /. ${what}`,
      `  - roots.cache[2] (line 2): "/srv/cache/" ends with "/"; remove it. ${what}`,
      `  - roots.cache[3] (line 2): "/dev/x" is in /dev, where only /dev/shm/<name> (a tmpfs directory of its own) may be a root. ${what}`,
      `  - roots.cache[4] (line 2): "/srv/my.cache" has a "." in a segment; roots are letters, digits, "_" and "-" only. ${what}`,
      `  - roots.cache[5] (line 2): / is every directory on the instance; name the directory that holds them. ${what}`,
      '  - roots.wordpres (line 2): unknown key "wordpres" — did you mean "wordpress"? Allowed here: cache, wordpress',
      '  - sites.portal.roots.cache[1] (line 5): "/a" is listed twice; remove one',
      `  - sites.portal.roots.wordpress (line 5): is empty; list the roots of the stack's WordPressRoots parameter, or leave "wordpress" out for the default (/var/www, /srv/www)`,
    ]);
  });

  it('at most 10 roots, as the stack parameter', () => {
    const eleven = Array.from({ length: 11 }, (_, i) => `/srv/c${i}`).join(', ');
    expect(
      refusal(() => parseSitesConfig(sitesFile({ top: `roots: { cache: [${eleven}] }` }), FILE)).message,
    ).toContain('roots.cache (line 2): has more than 10 roots; a sites file lists at most 10 per kind');
  });

  it('the example file shows it commented out; uncommented, every site plans with those roots', () => {
    const uncommented = exampleConfig.replace(/^# (roots:| {2}cache:| {2}wordpress:)/gm, '$1');
    expect(uncommented).not.toBe(exampleConfig);
    for (const site of ['portal', 'main', 'shop']) {
      expect(plan(uncommented, site).roots).toEqual({
        cache: ['/var/cache/nginx', '/run/nginx-cache'],
        wordpress: ['/var/www', '/srv/www', '/opt/bitnami'],
      });
    }
  });

  it('a misplaced "roots" key says where it belongs', () => {
    const error = refusal(() =>
      parseSitesConfig(sitesFile().replace('      - name: W3', '      - roots: {}\n        name: W3'), FILE),
    );
    expect(error.message).toContain('unknown key "roots" here: it belongs in the top level or a site');
  });
});

describe('CachePath and WordPressPath against the site roots at plan time', () => {
  it('a path below none of the default roots names the roots, the setting and both fixes', () => {
    const error = refusal(() => plan(sitesFile({ cache: '/opt/x/cache', wordpress: '/home/portal' })));
    expect(error.title).toBe('Invalid document parameters');
    expect(error.message.split('\n')).toEqual([
      `${FILE}: SSM would refuse these parameters at SendCommand:`,
      '  - sites.portal.steps[0].ssm.parameters.WordPressPath (line 7) (step 1, W3 Total Cache): "/home/portal" is not below roots.wordpress (/var/www, /srv/www, the default): give a path below one of them (e.g. /var/www/…), or, if the stack was deployed with another root for it, add that root to `roots.wordpress` in the sites file and to the stack\'s WordPressRoots parameter (they must list the same roots).',
      '  - sites.portal.steps[1].ssm.parameters.CachePath (line 9) (step 2, FastCGI cache): "/opt/x/cache" is not below roots.cache (/var/cache/nginx, the default): give a path below /var/cache/nginx, or, if the stack was deployed with another root for it, add that root to `roots.cache` in the sites file and to the stack\'s CacheRoots parameter (they must list the same roots).',
      'Checked before any AWS call against the definitions of CachePurge-W3TotalCache and CachePurge-FastCGI bundled with cache-purge-action (ssm-documents/*.json).',
    ]);
  });

  it('the same paths pass once the roots list their directories; the defaults then no longer pass', () => {
    const roots = 'roots: { cache: [/opt/x], wordpress: [/home] }';
    const passing = sitesFile({ portal: roots, cache: '/opt/x/cache', wordpress: '/home/portal' });
    expect(plan(passing).roots).toEqual({ cache: ['/opt/x'], wordpress: ['/home'] });
    const error = refusal(() => plan(sitesFile({ portal: roots })));
    expect(error.message).toContain('"/var/cache/nginx/portal" is not below roots.cache (/opt/x): ');
    expect(error.message).toContain('"/var/www/portal" is not below roots.wordpress (/home): ');
  });

  it('the pattern is allowedPatternFor(the roots), not the document file: a value the roots allow passes whatever the file says', () => {
    const roots = ['/run/nginx-cache', '/dev/shm/nginx'];
    const pattern = new RegExp(allowedPatternFor(roots));
    for (const value of ['/run/nginx-cache/portal', '/dev/shm/nginx/a/b']) {
      expect(pattern.test(value)).toBe(true);
      expect(() =>
        plan(sitesFile({ portal: `roots: { cache: [${roots.join(', ')}] }`, cache: value })),
      ).not.toThrow();
    }
  });

  it('the path hints stay, worded for the roots in force, with the value that fits', () => {
    const roots = 'roots: { cache: [/run/nginx-cache] }';
    const slash = refusal(() => plan(sitesFile({ portal: roots, cache: '/run/nginx-cache/portal/' })));
    expect(slash.message).toContain(
      `"/run/nginx-cache/portal/" does not match CachePurge-FastCGI's allowedPattern ${allowedPatternFor(['/run/nginx-cache'])} (the pattern of roots.cache: /run/nginx-cache). It ends with "/", which the pattern does not allow: remove the trailing "/" ("/run/nginx-cache/portal" fits).`,
    );
    // the document's description names the default roots: not shown for others
    expect(slash.message).not.toContain('strictly below /var/cache/nginx');
    const dots = refusal(() => plan(sitesFile({ portal: roots, cache: '/run/nginx-cache/../etc' })));
    expect(dots.message).toContain('"." and ".." path segments are not allowed: give the directory itself.');
    const outside = refusal(() => plan(sitesFile({ portal: roots, cache: "'/opt/cache/ '" })));
    expect(outside.message).toContain(
      '"/opt/cache/ " is not below roots.cache (/run/nginx-cache): give a path below /run/nginx-cache, or, if the stack was deployed with another root for it, add that root to `roots.cache` in the sites file and to the stack\'s CacheRoots parameter (they must list the same roots). It starts or ends with whitespace, which the pattern does not allow: remove it.',
    );
    const root = refusal(() => plan(sitesFile({ portal: roots, cache: '/run/nginx-cache' })));
    expect(root.message).toContain(
      '"/run/nginx-cache" is the root /run/nginx-cache itself, and a path must lie strictly below a root: give the directory below it that this site uses (e.g. /run/nginx-cache/portal), or, if /run/nginx-cache is this site\'s own directory, make its parent the root, in `roots.cache` and in the stack\'s CacheRoots parameter.',
    );
    // a tmpfs cache at /dev/shm/nginx-cache itself: its parent /dev/shm is no root, so no "make its parent the root"
    const shm = refusal(() =>
      plan(sitesFile({ portal: 'roots: { cache: [/dev/shm/nginx-cache] }', cache: '/dev/shm/nginx-cache' })),
    );
    expect(shm.message).toContain(
      "if /dev/shm/nginx-cache is this site's own directory, its parent /dev/shm cannot be a root (the stack refuses it), so move the directory one level down, below /dev/shm/nginx-cache (nginx's fastcgi_cache_path /dev/shm/nginx-cache/portal, then CachePath: /dev/shm/nginx-cache/portal).",
    );
    expect(shm.message).not.toContain('make its parent the root');
  });

  it('a file that fails the schema elsewhere still checks the paths against its roots, in the same run', () => {
    const text = sitesFile({
      top: 'roots: { cache: [/run/nginx-cache] }\nunknown: 1',
      cache: '/var/cache/nginx/portal',
    });
    const error = refusal(() => plan(text));
    expect(error.message).toContain('unknown key "unknown"');
    // the top level has an unknown key (it may be a misspelt "roots"): roots not known, no false "not below"
    expect(error.message).not.toContain('is not below');
    const siteLevel = sitesFile({
      portal: 'roots: { cache: [/run/nginx-cache] }',
      shop: 'region: 12',
      cache: '/var/cache/nginx/portal',
    });
    const both = refusal(() => plan(siteLevel));
    expect(both.message).toContain('sites.shop.region');
    expect(both.message).toContain('"/var/cache/nginx/portal" is not below roots.cache (/run/nginx-cache)');
  });

  it('roots that break the schema: their paths are not checked against a pattern (no false "not below")', () => {
    const error = refusal(() =>
      plan(sitesFile({ portal: 'roots: { cache: [/etc/nginx] }', cache: '/etc/nginx/portal' })),
    );
    expect(error.message).toContain('sites.portal.roots.cache[0]');
    expect(error.message).not.toContain('is not below');
    expect(error.message).not.toContain('parameters.CachePath');
    // the other kind is still known, and checked
    const other = refusal(() =>
      plan(sitesFile({ portal: 'roots: { cache: [/etc/nginx] }', wordpress: '/home/portal' })),
    );
    expect(other.message).toContain(
      '"/home/portal" is not below roots.wordpress (/var/www, /srv/www, the default)',
    );
    // a broken kind beside a sound one at the same level: the sound one is still the site's roots
    const beside = refusal(() =>
      plan(
        sitesFile({
          portal: 'roots: { cache: [/run/nginx-cache/], wordpress: [/opt/bitnami] }',
          wordpress: '/opt/bitnami/wordpress',
        }),
      ),
    );
    expect(beside.message).toContain('sites.portal.roots.cache[0]');
    expect(beside.message).not.toContain('is not below roots.wordpress');
  });
});

describe('the plan says which roots it checked against when they are not the defaults', () => {
  it('in the log and the summary table', () => {
    const text = sitesFile({
      portal: 'roots: { cache: [/run/nginx-cache] }',
      cache: '/run/nginx-cache/portal',
    });
    const line =
      "Roots from .github/cache-purge.yml: CachePath against roots.cache (/run/nginx-cache), WordPressPath against roots.wordpress (/var/www, /srv/www, the default); the stack's CacheRoots and WordPressRoots must list the same (a real run compares them before anything runs).";
    expect(planLogLines(plan(text))[1]).toBe(`  ${line}`);
    expect(planMarkdownTable(plan(text)).split('\n').at(-1)).toBe(line);
    expect(planLogLines(plan(sitesFile())).join('\n')).not.toContain('Roots from');
    expect(planMarkdownTable(plan(sitesFile()))).not.toContain('Roots from');
  });
});

describe('the JSON Schema', () => {
  const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(
    sitesFileJsonSchema(),
  );
  const accepts = (text: string) => validate(parse(text)) === true;
  it('takes roots at the top level and in a site, and refuses what the stack refuses', () => {
    expect(accepts(sitesFile({ top: 'roots: { cache: [/run/nginx-cache], wordpress: [/opt/wp] }' }))).toBe(
      true,
    );
    expect(accepts(sitesFile({ portal: 'roots: { wordpress: /opt/wp }' }))).toBe(true);
    expect(accepts(sitesFile({ top: 'roots: { cache: [/etc/nginx] }' }))).toBe(false);
    expect(accepts(sitesFile({ top: 'roots: { cache: [] }' }))).toBe(false);
    expect(accepts(sitesFile({ top: 'roots: { nginx: [/srv] }' }))).toBe(false);
  });

  it('its keys are the stack settings’ sites-file keys', () => {
    const schema = sitesFileJsonSchema() as { properties: { roots: { properties: object } } };
    expect(Object.keys(schema.properties.roots.properties)).toEqual(
      Object.values(ROOT_SETTINGS).map((setting) => setting.sitesFileKey),
    );
  });
});
