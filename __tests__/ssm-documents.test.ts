// The SSM documents in ssm-documents/: valid schema 2.2, every parameter injection-proof by construction
// (ENV_VAR + strict allowedPattern + guarded here-document fallback), the service-side checks refuse
// hostile values before sending, and the confinement code is the same in every document.

import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { docSection, headings } from './helpers/docs.js';
import { allowedPatternFor, rootSettingOf } from '../src/shared/stack-roots.js';
import {
  DOCUMENT_NAMES,
  checkParameters,
  loadDocument,
  renderStep,
  schemaProblems,
  type SsmDocument,
} from './helpers/ssm-document-runner.js';
import { hostileDirectoryValues } from './helpers/hostile-directory-values.js';

const documents = Object.fromEntries(DOCUMENT_NAMES.map((n) => [n, loadDocument(n)])) as Record<
  (typeof DOCUMENT_NAMES)[number],
  SsmDocument
>;
const script = (doc: SsmDocument) => doc.mainSteps[0]!.inputs.runCommand.join('\n');
/** The text of a "# --- shared: TITLE" block of a script, up to its end marker. */
function sharedBlock(text: string, title: string): string {
  const start = text.indexOf(`# --- shared: ${title}`);
  const end = text.indexOf(`# --- end shared: ${title}`);
  expect(start, title).toBeGreaterThan(-1);
  return text.slice(start, end);
}
// The documents whose required parameter is a directory confined below a root; CachePurge-OPcache names
// no directory (its own tests are below).
const pathParameter = {
  'CachePurge-FastCGI': 'CachePath',
  'CachePurge-W3TotalCache': 'WordPressPath',
  'CachePurge-WPRocket': 'WordPressPath',
  'CachePurge-ObjectCache': 'WordPressPath',
} as const;
const PATH_DOCUMENTS = Object.keys(pathParameter) as (keyof typeof pathParameter)[];
const goodPath = { CachePath: '/var/cache/nginx/portal', WordPressPath: '/var/www/portal' } as const;
/** Values each document accepts, for the rendering test. */
const goodValues: Record<(typeof DOCUMENT_NAMES)[number], Record<string, string>> = {
  'CachePurge-FastCGI': { CachePath: goodPath.CachePath },
  'CachePurge-W3TotalCache': { WordPressPath: goodPath.WordPressPath },
  'CachePurge-WPRocket': { WordPressPath: goodPath.WordPressPath },
  'CachePurge-ObjectCache': { WordPressPath: goodPath.WordPressPath },
  'CachePurge-OPcache': { PhpFpmPidFile: '/run/php/php8.2-fpm.pid' },
};

describe.each(DOCUMENT_NAMES)('%s', (name) => {
  const doc = documents[name];
  const text = script(doc);

  it('follows the schema 2.2 rules for Command documents', () => {
    expect(schemaProblems(doc)).toEqual([]);
    expect(doc.mainSteps).toHaveLength(1);
    expect(doc.mainSteps[0]!.action).toBe('aws:runShellScript');
  });

  it('declares every parameter with ENV_VAR interpolation, a strict anchored allowedPattern and maxChars', () => {
    for (const [p, spec] of Object.entries(doc.parameters ?? {})) {
      expect(spec, p).toMatchObject({ type: 'String', interpolationType: 'ENV_VAR' });
      expect(spec.allowedPattern, p).toMatch(/^\^.*\$$/);
      // portable between the service's regex engine, JavaScript and bash ERE: no lookaround, no escapes
      expect(spec.allowedPattern, p).not.toMatch(/\(\?|\\/);
      expect(spec.maxChars, p).toBeLessThanOrEqual(512);
      expect(spec.allowedPattern, p).not.toMatch(/[ "'`$;\\]\]/);
    }
    expect(Object.keys(doc.parameters ?? {}).length).toBeGreaterThan(0);
  });

  it('uses each {{ parameter }} only inside its guarded, quoted here-document fallback', () => {
    const lines = doc.mainSteps[0]!.inputs.runCommand;
    const references = lines.map((l, i) => [l, i] as const).filter(([l]) => l.includes('{{'));
    expect(references.map(([l]) => l.replace(/[{} ]/g, '')).sort()).toEqual(
      Object.keys(doc.parameters ?? {}).sort(),
    );
    for (const [line, i] of references) {
      const p = /^\{\{ ([A-Za-z0-9_]+) \}\}$/.exec(line)?.[1];
      expect(p, line).toBeDefined();
      expect(lines.slice(i - 2, i + 4)).toEqual([
        `if [ -z "\${SSM_${p}+x}" ]; then`,
        `SSM_${p}="$(cat <<'CACHE_PURGE_PARAMETER'`,
        `{{ ${p} }}`,
        'CACHE_PURGE_PARAMETER',
        ')"',
        'fi',
      ]);
    }
  });

  it('checks the values again in the script with the very same patterns, and quotes every use', () => {
    for (const [p, spec] of Object.entries(doc.parameters ?? {})) {
      const setting = rootSettingOf(p);
      if (setting) {
        // a path below the stack's roots: the script holds the roots (the line the stack rewrites) and
        // builds the very pattern of the allowedPattern from them, with roots_pattern
        const constant = setting.stackParameter === 'CacheRoots' ? 'CACHE_ROOTS' : 'WORDPRESS_ROOTS';
        expect(text, p).toContain(`readonly ${constant}=(${setting.defaults.join(' ')})`);
        expect(spec.allowedPattern).toBe(allowedPatternFor(setting.defaults));
        const built = spawnSync(
          'bash',
          ['-c', `${sharedBlock(text, 'stack roots')}\nroots_pattern 1 8 "$@"`, 'x', ...setting.defaults],
          { encoding: 'utf8' },
        );
        expect(built.stdout, p).toBe(spec.allowedPattern);
        expect(text, p).toContain(`roots_pattern 1 8 "\${${constant}[@]}"`);
      } else {
        const constant = {
          SiteHost: 'SITE_HOST_PATTERN',
          PhpFpmService: 'PHP_FPM_SERVICE_PATTERN',
          PhpFpmPidFile: 'PHP_FPM_PID_FILE_PATTERN',
        }[p];
        expect(text, p).toContain(`readonly ${constant}='${spec.allowedPattern}'`);
      }
      // never unquoted: $SSM_x only appears as "${SSM_x...}" inside double quotes or a ${x:?}/${x:-} test
      for (const use of text.matchAll(new RegExp(`.{0,3}\\$\\{?SSM_${p}[^\\n]{0,3}`, 'g')))
        expect(use[0], p).toMatch(/"\$\{SSM_|=\$\{SSM_/);
    }
  });

  it('is strict bash: shebang, set -euo pipefail first, C locale; no rm -rf, no du, no --allow-root', () => {
    const lines = doc.mainSteps[0]!.inputs.runCommand;
    expect(lines[0]).toBe('#!/bin/bash');
    expect(lines.find((l) => !l.startsWith('#'))).toBe('set -euo pipefail');
    expect(text).toContain('export LC_ALL=C');
    const code = lines.filter((l) => !/^\s*#/.test(l)).join('\n');
    expect(code).not.toMatch(/\brm -[a-z]*r/);
    expect(code).not.toMatch(/\bdu\b/);
    expect(code).not.toContain('--allow-root');
    expect(text).toMatch(/CACHE_PURGE_RESULT \{"files":/);
  });

  it('renders to valid bash for a current and for a legacy agent', () => {
    const values = checkParameters(doc, goodValues[name]);
    expect(values.ok).toBe(true);
    if (!values.ok) return;
    for (const agent of ['current', 'legacy'] as const) {
      const { script: rendered, env } = renderStep(doc, values.values, agent);
      const check = spawnSync('bash', ['-n'], { input: rendered, encoding: 'utf8' });
      expect(check.stderr, agent).toBe('');
      expect(check.status, agent).toBe(0);
      expect(Object.keys(env)).toEqual(
        agent === 'current' ? Object.keys(doc.parameters ?? {}).map((p) => `SSM_${p}`) : [],
      );
      expect(rendered.includes('{{')).toBe(false);
    }
  });
});

describe.each(PATH_DOCUMENTS)('%s, its confined directory', (name) => {
  const doc = documents[name];
  const param = pathParameter[name];

  it('accepts sensible values', () => {
    for (const value of [goodPath[param], `${goodPath[param]}/sub_dir.v2`, `${goodPath[param]}-2`]) {
      expect(checkParameters(doc, { [param]: value }), value).toMatchObject({ ok: true });
    }
  });

  const cases = Object.entries(hostileDirectoryValues(param));
  it.each(cases)(`the service refuses ${param} = %s before sending`, (_label, value) => {
    const checked = checkParameters(doc, { [param]: value });
    expect(checked.ok).toBe(false);
    if (!checked.ok)
      expect(checked.error).toMatch(new RegExp(`InvalidParameters: (required )?parameter "${param}"`));
  });

  it('refuses a missing required parameter and unknown parameter names', () => {
    expect(checkParameters(doc, {})).toMatchObject({
      ok: false,
      error: expect.stringContaining(`"${param}" is missing`),
    });
    expect(checkParameters(doc, { [param]: goodPath[param], slackHook: 'x' })).toMatchObject({
      ok: false,
      error: expect.stringContaining('"slackHook" is not a parameter'),
    });
  });
});

describe('CachePurge-WPRocket SiteHost', () => {
  const doc = documents['CachePurge-WPRocket'];
  it('defaults to empty and takes host names only', () => {
    expect(checkParameters(doc, { WordPressPath: '/var/www/main' })).toEqual({
      ok: true,
      values: { WordPressPath: '/var/www/main', SiteHost: '' },
    });
    expect(checkParameters(doc, { WordPressPath: '/var/www/main', SiteHost: 'www.example.com' }).ok).toBe(
      true,
    );
    for (const bad of ['..', '.', '../x', 'a/b', 'a b', 'x;y', '$(id)', '`id`', 'a\nb', "a'", 'a"', '-rf'])
      expect(checkParameters(doc, { WordPressPath: '/var/www/main', SiteHost: bad }).ok, bad).toBe(false);
  });
});

describe('CachePurge-OPcache PhpFpmService and PhpFpmPidFile', () => {
  const doc = documents['CachePurge-OPcache'];
  it('are optional (both empty: every php-fpm master root started) and take php-fpm units and .pid paths', () => {
    expect(checkParameters(doc, {})).toEqual({ ok: true, values: { PhpFpmService: '', PhpFpmPidFile: '' } });
    for (const unit of ['php-fpm', 'php8.2-fpm', 'php7.4-fpm.service', 'php82-php-fpm', 'php83-fpm'])
      expect(checkParameters(doc, { PhpFpmService: unit }).ok, unit).toBe(true);
    for (const file of [
      '/run/php/php8.2-fpm.pid',
      '/opt/bitnami/php/var/run/php-fpm.pid',
      '/run/php-fpm.pid',
    ])
      expect(checkParameters(doc, { PhpFpmPidFile: file }).ok, file).toBe(true);
  });
  it.each([
    [
      'PhpFpmService',
      ['sshd', 'nginx', 'php-fpm;reboot', 'php-fpm ', '../php-fpm', 'php8.2-fpm@x', '-fpm', '$(id)'],
    ],
    [
      'PhpFpmPidFile',
      [
        'run/php.pid',
        '/run/php',
        '/run/../etc/x.pid',
        '/run/.x.pid',
        '/run/a b.pid',
        '/run/x.pid\n',
        '/$(id).pid',
        '//x.pid',
      ],
    ],
  ] as const)('the service refuses other values of %s before sending', (param, values) => {
    for (const value of values) {
      const checked = checkParameters(doc, { [param]: value });
      expect(checked.ok, value).toBe(false);
    }
  });
});

describe('shared code', () => {
  const block = sharedBlock;
  it('the parameter checks and the confined deletion are identical in every document that has them', () => {
    const [fastcgi, w3, rocket, objectCache, opcache] = DOCUMENT_NAMES.map((n) => script(documents[n]));
    for (const other of [w3, rocket, objectCache, opcache])
      expect(block(other!, 'parameter checks')).toBe(block(fastcgi!, 'parameter checks'));
    expect(block(rocket!, 'confined deletion')).toBe(block(fastcgi!, 'confined deletion'));
    expect(block(rocket!, 'WP-CLI as the site owner')).toBe(block(w3!, 'WP-CLI as the site owner'));
    for (const other of [w3, rocket, objectCache])
      expect(block(other!, 'stack roots')).toBe(block(fastcgi!, 'stack roots'));
    expect(block(objectCache!, 'WP-CLI as the site owner')).toBe(block(w3!, 'WP-CLI as the site owner'));
  });
});

describe('the schema checker', () => {
  it('finds what AWS would refuse', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a deliberately broken copy
    const doc = structuredClone(documents['CachePurge-FastCGI']) as unknown as Record<string, any>;
    doc.schemaVersion = '2.0';
    doc.parameters.CachePath.interpolationType = 'TEXT';
    doc.parameters.Extra = { type: 'Text', allowedPattern: '(' };
    doc.mainSteps[0].inputs.runCommand.push('echo {{ Missing }}');
    doc.mainSteps.push({
      action: 'aws:runShellScript',
      name: doc.mainSteps[0].name,
      inputs: { commands: [] },
    });
    doc.outputs = {};
    expect(schemaProblems(doc)).toEqual([
      'unknown top-level key "outputs"',
      'schemaVersion must be the string "2.2"',
      'parameters.CachePath.interpolationType can only be ENV_VAR',
      'parameters.Extra.type must be one of String,StringList,Boolean,Integer,MapList,StringMap',
      expect.stringMatching(/^parameters.Extra.allowedPattern is not a regular expression/),
      'mainSteps[0] refers to {{ Missing }}, which is not a parameter',
      'mainSteps[1].name "purgeFastCgiCache" is used twice',
      'mainSteps[1].inputs.commands is unknown to aws:runShellScript',
      'mainSteps[1].inputs.runCommand must be a non-empty list of lines',
    ]);
  });
});

describe('docs/ssm-documents.md', () => {
  const section = docSection('docs/ssm-documents.md', 'SSM documents');
  it.each(DOCUMENT_NAMES)('documents %s: parameters and the create-document command', (name) => {
    expect(headings(section).map((h) => h.text)).toContain(name);
    expect(section).toContain(`--name ${name} --document-type Command --document-format JSON`);
    for (const p of Object.keys(documents[name].parameters ?? {})) expect(section).toContain(`\`${p}\``);
  });
});
