// schema/sites-file.schema.json: equal to a fresh generation from the zod schema (so CI fails on a stale
// copy), written by `npm run generate:schema`, and, checked with a JSON-Schema validator (ajv) the way an
// editor would, it accepts every example sites file and what the action accepts, and refuses misspelt keys.
// The example's verify step is commented out (it would request the example's pages): uncommented, it is
// accepted by both and plans as written.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseSitesConfig } from '../src/action/sites-file/read-sites-file.js';
import { buildPlan } from '../src/action/plan/plan.js';
import {
  SITES_FILE_SCHEMA_PATH,
  sitesFileJsonSchema,
  sitesFileJsonSchemaText,
} from '../src/action/sites-file/sites-file-json-schema.js';
import { repoRoot } from './helpers/run-action.js';

const committed = readFileSync(join(repoRoot, SITES_FILE_SCHEMA_PATH), 'utf8');
// the fresh generation, which the first test holds equal to the committed file
const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(
  sitesFileJsonSchema(),
);

/** The example files that are sites files: YAML whose top level has `sites`. */
const exampleSitesFiles = readdirSync(join(repoRoot, 'examples'))
  .filter((name) => /\.ya?ml$/.test(name))
  .map((name) => ({ name, text: readFileSync(join(repoRoot, 'examples', name), 'utf8') }))
  .filter(({ text }) => Object.hasOwn(parse(text) ?? {}, 'sites'));

const FILE = '.github/cache-purge.yml';
const actionAccepts = (text: string) => {
  try {
    parseSitesConfig(text, FILE);
    return true;
  } catch {
    return false;
  }
};
const schemaAccepts = (text: string) => validate(parse(text)) === true;

const site = (step: string) =>
  `region: us-east-1\nsites:\n  portal:\n    targets: { tags: { Site: portal } }\n    steps:\n      - ${step}\n`;

describe('the JSON Schema of the sites file', () => {
  it('is committed exactly as a fresh generation from the zod schema writes it', () => {
    expect(committed).toBe(sitesFileJsonSchemaText());
  });

  it('is written by npm run generate:schema, whose --check fails on a stale file', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'schema-')), 'sites-file.schema.json');
    writeFileSync(out, '{}\n');
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [join(repoRoot, 'scripts/generate-schema.mjs'), '--out', out, ...args], {
        encoding: 'utf8',
      });
    const check = run('--check');
    expect(check.status).toBe(1);
    expect(check.stderr).toContain(
      'is stale: it differs from the schema in src/action/sites-file/sites-file-schema.ts',
    );
    expect(readFileSync(out, 'utf8')).toBe('{}\n');
    expect(run().status).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(committed);
  });

  it('accepts every example sites file, each pointing its yaml-language-server line at the schema', () => {
    expect(exampleSitesFiles.map((f) => f.name)).toContain('cache-purge.yml');
    for (const { name, text } of exampleSitesFiles) {
      expect(validate(parse(text)), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
      const modeline = /^# yaml-language-server: \$schema=(\S+)$/m.exec(text);
      expect(modeline, name).not.toBeNull();
      expect(resolve(join(repoRoot, 'examples'), modeline![1]!)).toBe(
        resolve(repoRoot, SITES_FILE_SCHEMA_PATH),
      );
    }
  });

  it("the example's commented-out verify step, uncommented, is valid to both and plans as written", () => {
    const example = exampleSitesFiles.find((f) => f.name === 'cache-purge.yml')!.text;
    const lines = example.split('\n');
    const start = lines.findIndex((line) => /^\s*# - verify:$/.test(line));
    expect(start).toBeGreaterThan(0);
    const indent = lines[start]!.indexOf('#');
    let end = start + 1;
    while (end < lines.length && lines[end]!.startsWith(`${' '.repeat(indent)}#     `)) end++;
    const uncommented = [
      ...lines.slice(0, start),
      ...lines.slice(start, end).map((line) => line.slice(0, indent) + line.slice(indent + 2)),
      ...lines.slice(end),
    ].join('\n');
    expect(validate(parse(uncommented)), JSON.stringify(validate.errors)).toBe(true);
    const plan = buildPlan(parseSitesConfig(uncommented, FILE), { site: 'portal', configFile: FILE });
    expect(plan.steps.at(-1)).toMatchObject({
      kind: 'verify',
      index: 4,
      urls: ['https://www.example.com/', 'https://www.example.com/shop/'],
      sitemap: 'https://www.example.com/wp-sitemap.xml',
      limit: 200,
      cacheHeader: 'X-FastCGI-Cache',
    });
    // still commented in the file itself: the example's runs (tests, demo, benches) request no page
    expect(parseSitesConfig(example, FILE).sites.portal!.steps).toHaveLength(3);
  });

  it('refuses a misspelt key, naming where it is, as the action does', () => {
    const example = exampleSitesFiles.find((f) => f.name === 'cache-purge.yml')!.text;
    const misspelt = example.replace('parameters: { WordPressPath: /var/www/portal }', 'paramters: {}');
    expect(misspelt).not.toBe(example);
    expect(validate(parse(misspelt))).toBe(false);
    expect(validate.errors).toContainEqual(
      expect.objectContaining({
        instancePath: '/sites/portal/steps/0/ssm',
        keyword: 'additionalProperties',
        params: { additionalProperty: 'paramters' },
      }),
    );
    expect(actionAccepts(misspelt)).toBe(false);
  });

  it.each([
    [
      'a single tag value and a list',
      'ssm: { document: D-1, targets: { tags: { Site: a, Env: [prod, 2] } } }',
    ],
    [
      'numbers and yes/no values as parameter text',
      'ssm: { document: D-1, parameters: { A: 2, B: true, C: [1, x] } }',
    ],
    [
      'numbers for the delivery settings',
      'ssm: { document: D-1, document-version: 3, max-concurrency: 10, max-errors: 0 }',
    ],
    ['a CloudFront step', "cloudfront: { distribution-id: E2EXAMPLE12345, paths: ['/*'], wait: true }"],
  ])('accepts what the action accepts: %s', (_, step) => {
    expect(actionAccepts(site(step))).toBe(true);
    expect(schemaAccepts(site(step))).toBe(true);
  });

  it.each([
    ['an unknown step key', 'ssm: { document: D-1 }\n        nmae: x'],
    ['an unknown key in cloudfront', 'cloudfront: { distribution-id: E2EXAMPLE12345, wiat: true }'],
    ['a yes/no value where only a number or a percentage fits', 'ssm: { document: D-1, max-errors: true }'],
    ['a timeout in quotes', "ssm: { document: D-1, timeout-seconds: '300' }"],
    ['a bad document name', 'ssm: { document: x }'],
  ])('refuses what the action refuses: %s', (_, step) => {
    expect(actionAccepts(site(step))).toBe(false);
    expect(schemaAccepts(site(step))).toBe(false);
  });

  it('describes every key an editor offers, from the zod schema', () => {
    const undescribed: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (Array.isArray(node)) return node.forEach((item, i) => walk(item, `${path}/${i}`));
      if (node === null || typeof node !== 'object') return;
      const properties = (node as { properties?: Record<string, { description?: string }> }).properties;
      for (const [key, value] of Object.entries(properties ?? {})) {
        if (!value.description) undescribed.push(`${path}/${key}`);
      }
      for (const [key, value] of Object.entries(node)) walk(value, `${path}/${key}`);
    };
    walk(sitesFileJsonSchema(), '');
    expect(undescribed).toEqual([]);
  });
});
