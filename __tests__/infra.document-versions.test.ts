// infra/cache-purge.yml leaves no runnable old version of the purge documents: the stack as
// CloudFormation would create it (with and without the relay) has the pruning custom resource, after
// the documents, re-run by their digest, its Node 24 inline function being exactly
// infra/prune-document-versions.cjs, and a role limited to three actions on our documents. Each
// part of the rule is shown to fail on a template mutated to break it.

import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateTemplate, parseTemplate, type JsonObject, type Template } from './helpers/cloudformation.js';
import { documentVersionsViolations } from './helpers/document-versions-rules.js';
import { repoRoot } from './helpers/run-action.js';

const templateText = readFileSync(join(repoRoot, 'infra/cache-purge.yml'), 'utf8');
let template: Template;
beforeAll(() => {
  template = parseTemplate(templateText);
});

const withoutRelay = { GitHubOwner: 'acme', GitHubRepository: 'website' };
const withRelay = {
  ...withoutRelay,
  DeployRelay: 'true',
  RelaySites: 'portal',
  RelaySlackSigningSecret: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
  RelayGitHubToken: 'github_pat_11AAAAAAA0secretTOKENvalue_xyz',
};
const props = (t: Template, id: string) => t.Resources[id]!.Properties as JsonObject;

describe('the stack prunes every old version of the bundled documents', () => {
  it.each([
    ['without the relay', withoutRelay],
    ['with the relay', withRelay],
  ])('%s', (_, parameters) => {
    expect(documentVersionsViolations(evaluateTemplate(template, parameters), template)).toEqual([]);
  });

  it('the inline code is infra/prune-document-versions.cjs, byte for byte', () => {
    const code = readFileSync(join(repoRoot, 'infra/prune-document-versions.cjs'), 'utf8');
    expect((props(template, 'DocumentVersionsFunction').Code as JsonObject).ZipFile).toBe(code);
  });

  it('the template states the facts it relies on, next to the resource', () => {
    const at = templateText.indexOf('  OldDocumentVersions:');
    const comment = templateText.slice(templateText.lastIndexOf('# ----', at), at);
    expect(comment).toMatch(/NewVersion adds a version under the same Name and makes it the default/);
    expect(comment).toMatch(/ssm:SendCommand has no version condition key/);
    expect(comment).toMatch(/DeleteDocument deletes ONE version .* never the default version/s);
  });
});

describe('each part of the rule fails on a template mutated to break it (negative tests)', () => {
  const check = (change: (t: Template) => void) => {
    const copy = structuredClone(template);
    change(copy);
    return documentVersionsViolations(evaluateTemplate(copy, withoutRelay), copy);
  };
  const statement = (t: Template) =>
    ((props(t, 'DocumentVersionsRole').Policies as JsonObject[])[0]!.PolicyDocument as JsonObject)
      .Statement as JsonObject[];

  const cases: [string, (t: Template) => void, RegExp][] = [
    ['no pruning resource', (t) => void delete t.Resources.OldDocumentVersions, /0 custom resources prune/],
    [
      'one document left out',
      (t) => void (props(t, 'OldDocumentVersions').DocumentNames as unknown[]).pop(),
      /0 custom resources prune/,
    ],
    [
      'a name written out instead of a Ref (it could run before the document is updated)',
      (t) => void ((props(t, 'OldDocumentVersions').DocumentNames as unknown[])[4] = 'CachePurge-FastCGI'),
      /does not Ref FastCGIDocument/,
    ],
    [
      'no digest (a document update would not run it again)',
      (t) => void delete props(t, 'OldDocumentVersions').DocumentsDigest,
      /DocumentsDigest undefined is not a sha256/,
    ],
    [
      'an older Node runtime',
      (t) => void (props(t, 'DocumentVersionsFunction').Runtime = 'nodejs20.x'),
      /Runtime "nodejs20\.x", expected nodejs24\.x/,
    ],
    [
      'other code',
      (t) => void ((props(t, 'DocumentVersionsFunction').Code as JsonObject).ZipFile = 'exports.handler = 1'),
      /Code\.ZipFile is not the pruning code/,
    ],
    [
      'ssm:DeleteDocument on every document',
      (t) => void (statement(t)[0]!.Resource = '*'),
      /resources "\*", expected exactly/,
    ],
    [
      'one more action (UpdateDocument could write a racy version back)',
      (t) => void (statement(t)[0]!.Action as string[]).push('ssm:UpdateDocument'),
      /expected exactly \["ssm:ListDocumentVersions"/,
    ],
    [
      'a role any service may assume',
      (t) =>
        void ((
          (props(t, 'DocumentVersionsRole').AssumeRolePolicyDocument as JsonObject).Statement as JsonObject[]
        )[0]!.Principal = { Service: ['lambda.amazonaws.com', 'ec2.amazonaws.com'] }),
      /trust: expected lambda\.amazonaws\.com only/,
    ],
  ];
  it.each(cases)('%s is caught', (_, change, message) => {
    expect(check(change)).toContainEqual(expect.stringMatching(message));
  });
});
