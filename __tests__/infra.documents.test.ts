// The template's AWS::SSM::Document resources carry exactly ssm-documents/*.json with the default
// parameters (byte for byte, hence also as parsed JSON; the roots are in infra.roots.test.ts), and `npm run generate:infra` is what keeps them so: it rewrites only the
// Content values, the documents' digest (which re-runs the pruning of old versions) and the pruning
// function's inline code, and --check fails on a stale template.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateTemplate, parseTemplate, type JsonObject } from './helpers/cloudformation.js';
import { ACME_WEBSITE_STACK, DOCUMENT_NAMES } from './helpers/purge-stack-rules.js';
import { repoRoot } from './helpers/run-action.js';

const script = join(repoRoot, 'scripts/generate-infra.mjs');
const CODE = 'infra/prune-document-versions.cjs';
const digestOf = (t: ReturnType<typeof parseTemplate>) =>
  (t.Resources.OldDocumentVersions!.Properties as JsonObject).DocumentsDigest;
const templateText = readFileSync(join(repoRoot, 'infra/cache-purge.yml'), 'utf8');
const template = parseTemplate(templateText);
const documentResources = Object.entries(template.Resources).filter(
  ([, r]) => r.Type === 'AWS::SSM::Document',
);
/** A document resource's name as written: the stack's NamePrefix, then the bundled name. */
const writtenName = (name: string) => ({ 'Fn::Sub': `\${NamePrefix}${name}` });
const resourceNamed = (name: string) =>
  documentResources.find(
    ([, r]) => JSON.stringify((r.Properties as JsonObject).Name) === JSON.stringify(writtenName(name)),
  );

function run(args: string[], cwd: string) {
  return spawnSync(process.execPath, [script, ...args], { cwd, encoding: 'utf8' });
}

describe('SSM documents in the template = ssm-documents/*.json', () => {
  it('there are exactly the bundled documents, named NamePrefix + their file name, as Command documents in JSON updated by new versions', () => {
    expect(documentResources).toHaveLength(DOCUMENT_NAMES.length);
    for (const name of DOCUMENT_NAMES) expect(resourceNamed(name), name).toBeDefined();
    for (const [, resource] of documentResources) {
      const { Name: _name, Content: _content, ...rest } = resource.Properties as JsonObject;
      expect(rest).toEqual({ DocumentType: 'Command', DocumentFormat: 'JSON', UpdateMethod: 'NewVersion' });
    }
  });

  it.each(DOCUMENT_NAMES)('%s: Content is the file, byte for byte and as parsed JSON', (name) => {
    const file = readFileSync(join(repoRoot, 'ssm-documents', `${name}.json`), 'utf8');
    const [id] = resourceNamed(name)!;
    // as CloudFormation makes it with the default parameters (the roots are joined into some of them)
    const content = evaluateTemplate(template, ACME_WEBSITE_STACK.parameters).resources[id]!.Properties
      .Content;
    expect(typeof content).toBe('string');
    expect(JSON.parse(content as string)).toEqual(JSON.parse(file));
    expect(content).toBe(file);
    expect((JSON.parse(file) as { schemaVersion: string }).schemaVersion).toBe('2.2');
  });

  it('npm run generate:infra -- --check finds the committed template up to date', () => {
    const result = run(['--check'], repoRoot);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('generate:infra: infra/cache-purge.yml already up to date.\n');
    expect(result.status).toBe(0);
  });
});

describe('generate:infra on a copy (negative and round-trip)', () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'generate-infra-'));
    cpSync(join(repoRoot, 'infra/cache-purge.yml'), join(work, 'infra/cache-purge.yml'));
    cpSync(join(repoRoot, 'ssm-documents'), join(work, 'ssm-documents'), { recursive: true });
    cpSync(join(repoRoot, CODE), join(work, CODE));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('a changed document makes --check fail, and generating rewrites only that Content and the digest', () => {
    const path = join(work, 'ssm-documents/CachePurge-FastCGI.json');
    const changed = readFileSync(path, 'utf8').replace(
      '"schemaVersion": "2.2"',
      '"schemaVersion": "2.2",\n  "x-note": "changed"',
    );
    writeFileSync(path, changed);

    const check = run(['--check'], work);
    expect(check.status).toBe(1);
    expect(check.stderr).toContain('generate:infra: infra/cache-purge.yml is stale');

    expect(run([], work).stdout).toBe('generate:infra: infra/cache-purge.yml updated.\n');
    const after = readFileSync(join(work, 'infra/cache-purge.yml'), 'utf8');
    const regenerated = parseTemplate(after);
    expect(
      evaluateTemplate(regenerated, ACME_WEBSITE_STACK.parameters).resources.FastCGIDocument!.Properties
        .Content,
    ).toBe(changed);
    // The digest changed with it: the stack update runs the pruning of old versions again.
    expect(digestOf(regenerated)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(digestOf(regenerated)).not.toBe(digestOf(template));
    // Nothing else moved: the same template apart from that one Content and the digest.
    const strip = (text: string) => {
      const t = parseTemplate(text);
      delete (t.Resources.FastCGIDocument!.Properties as JsonObject).Content;
      delete (t.Resources.OldDocumentVersions!.Properties as JsonObject).DocumentsDigest;
      return t;
    };
    expect(strip(after)).toEqual(strip(templateText));
    expect(after.split('\n').filter((l) => l.startsWith('#'))).toEqual(
      templateText.split('\n').filter((l) => l.startsWith('#')),
    );
    expect(run(['--check'], work).status).toBe(0);
  });

  it('a stale digest or edited inline code fails --check, and generating restores both', () => {
    const path = join(work, 'infra/cache-purge.yml');
    const text = readFileSync(path, 'utf8');
    for (const edited of [
      text.replace(/DocumentsDigest: sha256:[0-9a-f]{64}/, `DocumentsDigest: sha256:${'0'.repeat(64)}`),
      text.replace("'use strict';", "'use strict'; // edited"),
    ]) {
      expect(edited).not.toBe(text);
      writeFileSync(path, edited);
      expect(run(['--check'], work).status).toBe(1);
      expect(run([], work).status).toBe(0);
      expect(readFileSync(path, 'utf8')).toBe(text);
    }
  });

  it('a drifted template (someone edited the Content by hand) fails --check', () => {
    const path = join(work, 'infra/cache-purge.yml');
    const text = readFileSync(path, 'utf8');
    const edited = text.replace('"schemaVersion": "2.2"', '"schemaVersion": "2.2" ');
    expect(edited).not.toBe(text);
    writeFileSync(path, edited);
    expect(run(['--check'], work).status).toBe(1);
    expect(run([], work).status).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('a missing or invalid document is a clear error', () => {
    const other = mkdtempSync(join(tmpdir(), 'generate-infra-missing-'));
    try {
      cpSync(join(repoRoot, 'infra/cache-purge.yml'), join(other, 'infra/cache-purge.yml'));
      const missing = run([], other);
      expect(missing.status).toBe(1);
      expect(missing.stderr).toMatch(
        /^generate:infra: ssm-documents\/CachePurge-W3TotalCache\.json was not found/,
      );
      cpSync(join(repoRoot, 'ssm-documents'), join(other, 'ssm-documents'), { recursive: true });
      expect(run([], other).stderr).toMatch(
        /^generate:infra: infra\/prune-document-versions\.cjs was not found; the template's DocumentVersionsFunction takes its inline code from it/,
      );
      cpSync(join(repoRoot, CODE), join(other, CODE));
      writeFileSync(join(other, 'ssm-documents/CachePurge-WPRocket.json'), '{ not json');
      expect(run([], other).stderr).toMatch(/the document for WPRocketDocument is not valid JSON/);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
