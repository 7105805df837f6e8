// The stack's roots (#15): CacheRoots and WordPressRoots accept exactly what ROOT_RULE accepts (the
// system directories refused at stack time), and are written into the documents — their allowedPattern,
// their descriptions and the script's roots line — and nowhere else; generate:infra refuses a document
// whose slots do not hold the defaults.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateTemplate, parseTemplate, TemplateEvaluationError } from './helpers/cloudformation.js';
import { ACME_WEBSITE_STACK } from './helpers/purge-stack-rules.js';
import { repoRoot } from './helpers/run-action.js';
import { ROOT_RULE, ROOT_SETTINGS, allowedPatternFor } from '../src/shared/stack-roots.js';

const template = parseTemplate(readFileSync(join(repoRoot, 'infra/cache-purge.yml'), 'utf8'));
const parameter = (name: string) => template.Parameters![name]!;
const file = (name: string) => readFileSync(join(repoRoot, 'ssm-documents', `${name}.json`), 'utf8');

/** The documents confined by each roots parameter: logical id → file name. */
const CONFINED = {
  CacheRoots: { FastCGIDocument: 'CachePurge-FastCGI' },
  WordPressRoots: {
    W3TotalCacheDocument: 'CachePurge-W3TotalCache',
    WPRocketDocument: 'CachePurge-WPRocket',
    ObjectCacheDocument: 'CachePurge-ObjectCache',
  },
} as const;
const SCRIPT_CONSTANT = { CacheRoots: 'CACHE_ROOTS', WordPressRoots: 'WORDPRESS_ROOTS' } as const;

/** The file's text with its default roots replaced by `roots` in each slot, as the stack writes them. */
function withRoots(text: string, name: keyof typeof CONFINED, roots: string[]): string {
  const defaults = Object.values(ROOT_SETTINGS).find((s) => s.stackParameter === name)!.defaults;
  return text
    .replace(
      `readonly ${SCRIPT_CONSTANT[name]}=(${defaults.join(' ')})`,
      `readonly ${SCRIPT_CONSTANT[name]}=(${roots.join(' ')})`,
    )
    .replace(`"allowedPattern": "^(${defaults.join('|')})(/`, `"allowedPattern": "^(${roots.join('|')})(/`)
    .replaceAll(`${name} (${defaults.join(', ')})`, `${name} (${roots.join(', ')})`);
}

describe('CacheRoots and WordPressRoots', () => {
  it.each(Object.values(ROOT_SETTINGS))(
    '$stackParameter: ROOT_RULE is its AllowedPattern, its default the documents’ roots',
    (setting) => {
      const definition = parameter(setting.stackParameter);
      expect(definition.Type).toBe('CommaDelimitedList');
      expect(new RegExp(`^${String(definition.AllowedPattern)}$`).source).toBe(ROOT_RULE.source);
      expect(String(definition.Default).split(',')).toEqual(setting.defaults);
    },
  );

  const refused = [
    '/',
    '/proc/1',
    '/sys',
    '/dev',
    '/dev/shm',
    '/dev/sda1',
    '/etc',
    '/etc/nginx',
    '/usr/local/www',
    '/boot',
    '/bin',
    '/sbin',
    '/lib',
    '/lib64/x',
    '/root',
    '/root/site',
    '/var/www/',
    'var/www',
    '/var/./www',
    '/a.b',
    '',
  ];
  const accepted = [
    '/var/cache/nginx',
    '/var/run/nginx-cache',
    '/dev/shm/nginx-cache',
    '/opt/bitnami/wordpress',
    '/home',
    '/srv/www',
  ];
  it.each(refused)('refuses %j at stack time, naming the parameter and its constraint', (root) => {
    for (const name of ['CacheRoots', 'WordPressRoots']) {
      let error: unknown;
      try {
        evaluateTemplate(template, { ...ACME_WEBSITE_STACK.parameters, [name]: `/var/www,${root}` });
      } catch (caught) {
        error = caught;
      }
      expect(error, `${name}=${root}`).toBeInstanceOf(TemplateEvaluationError);
      expect((error as TemplateEvaluationError).problems).toEqual([
        expect.stringMatching(
          new RegExp(
            `^parameter ${name}: ${JSON.stringify(root).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} does not match its AllowedPattern \\(each root an absolute directory path`,
          ),
        ),
      ]);
      expect(ROOT_RULE.test(root)).toBe(false);
    }
  });
  it('accepts the layouts of the issue: Bitnami, /home, a tmpfs cache', () => {
    for (const root of accepted) expect(ROOT_RULE.test(root), root).toBe(true);
    expect(() =>
      evaluateTemplate(template, {
        ...ACME_WEBSITE_STACK.parameters,
        CacheRoots: accepted.slice(0, 3).join(','),
        WordPressRoots: accepted.slice(3).join(','),
      }),
    ).not.toThrow();
  });
});

describe('the roots in the documents', () => {
  const roots = {
    CacheRoots: ['/var/cache/nginx', '/var/run/nginx-cache', '/dev/shm/nginx-cache'],
    WordPressRoots: ['/opt/bitnami/wordpress', '/home'],
  };
  const stack = evaluateTemplate(template, {
    ...ACME_WEBSITE_STACK.parameters,
    CacheRoots: roots.CacheRoots.join(','),
    WordPressRoots: roots.WordPressRoots.join(','),
  });
  for (const [name, documents] of Object.entries(CONFINED) as [
    keyof typeof CONFINED,
    Record<string, string>,
  ][])
    for (const [id, document] of Object.entries(documents))
      it(`${document}: the stack's ${name} in its allowedPattern, descriptions and roots line, nothing else changed`, () => {
        const content = stack.resources[id]!.Properties.Content as string;
        expect(content).toBe(withRoots(file(document), name, roots[name]));
        expect(content).not.toBe(file(document));
        const parsed = JSON.parse(content) as { parameters: Record<string, { allowedPattern?: string }> };
        const confined = name === 'CacheRoots' ? 'CachePath' : 'WordPressPath';
        expect(parsed.parameters[confined]!.allowedPattern).toBe(allowedPatternFor(roots[name]));
        expect(content).toContain(`"readonly ${SCRIPT_CONSTANT[name]}=(${roots[name].join(' ')})"`);
      });
  it('CachePurge-OPcache names no directory: the same with any roots', () => {
    expect(stack.resources.OPcacheDocument!.Properties.Content).toBe(file('CachePurge-OPcache'));
  });
});

describe('generate:infra and the roots slots', () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'generate-infra-roots-'));
    for (const path of ['infra/cache-purge.yml', 'infra/prune-document-versions.cjs', 'ssm-documents'])
      cpSync(join(repoRoot, path), join(work, path), { recursive: true });
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const generate = () =>
    spawnSync(process.execPath, [join(repoRoot, 'scripts/generate-infra.mjs')], {
      cwd: work,
      encoding: 'utf8',
    });

  it('a document whose roots line is not the default is refused, naming the slot and the default', () => {
    const path = join(work, 'ssm-documents/CachePurge-FastCGI.json');
    const text = readFileSync(path, 'utf8');
    writeFileSync(
      path,
      text.replace('readonly CACHE_ROOTS=(/var/cache/nginx)', 'readonly CACHE_ROOTS=(/srv/cache)'),
    );
    const run = generate();
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      'the document for FastCGIDocument holds "/srv/cache" in its CacheRoots script line, where the template\'s default CacheRoots (/var/cache/nginx) is written "/var/cache/nginx"',
    );
    // a document with no roots line at all: the stack could not write its roots into it
    writeFileSync(
      path,
      text.replace('readonly CACHE_ROOTS=(/var/cache/nginx)', 'readonly CACHE_DIRS=(/var/cache/nginx)'),
    );
    expect(generate().stderr).toContain('the document for FastCGIDocument has no CacheRoots script line');
    writeFileSync(path, text);
    expect(generate().status).toBe(0);
  });
});
