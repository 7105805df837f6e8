// A second stack in the account is deployed with a NamePrefix (infra/cache-purge.yml), so its
// documents are `<prefix>CachePurge-…`. The sites file names them so, and the plan treats them as
// ours: the same parameter checks, the same did-you-mean for a near miss (the prefix kept), the same
// refusal of a name in our family that is none of ours. What counts as a prefix is the template's own
// NamePrefix pattern (one source, compared here).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  bundledDocumentName,
  bundledDocumentProblems,
  documentKind,
} from '../src/action/sites-file/bundled-documents.js';
import { planSitesFile } from '../src/action/plan/plan-sites-file.js';
import { formats } from '../src/shared/aws-formats.js';
import { UserError } from '../src/shared/errors.js';
import { parseTemplate } from './helpers/cloudformation.js';
import { repoRoot } from './helpers/run-action.js';

const FILE = '.github/cache-purge.yml';

const sitesFile = (document: string, parameters = '{ CachePath: /var/cache/nginx/p }') =>
  [
    'region: us-east-1',
    'sites:',
    '  blog:',
    '    targets: { tags: { Site: blog } }',
    '    steps:',
    `      - ssm: { document: '${document}', parameters: ${parameters} }`,
    '',
  ].join('\n');

const refusal = (text: string): UserError => {
  try {
    planSitesFile(text, { site: 'blog', configFile: FILE });
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error('expected the sites file to be refused');
};

describe('prefixed bundled documents in the sites file', () => {
  it('the prefix pattern is the template’s NamePrefix AllowedPattern', () => {
    const template = parseTemplate(readFileSync(join(repoRoot, 'infra/cache-purge.yml'), 'utf8'));
    const allowed = String(template.Parameters!.NamePrefix!.AllowedPattern);
    // the template's pattern also allows the empty prefix: `( … )?`
    expect(`^(?:${allowed})$`).toBe(`^(?:(${formats.documentNamePrefix.pattern.source.slice(1, -1)})?)$`);
  });

  it.each(['blog-', 'blog', 'Team_2.', 'x'])('%sCachePurge-FastCGI is ours, by name or ARN', (prefix) => {
    const name = `${prefix}CachePurge-FastCGI`;
    expect(bundledDocumentName(name)).toBe('CachePurge-FastCGI');
    expect(bundledDocumentName(`arn:aws:ssm:eu-west-1:123456789012:document/${name}`)).toBe(
      'CachePurge-FastCGI',
    );
    expect(documentKind(name)).toEqual({ kind: 'bundled', name, bundled: 'CachePurge-FastCGI', prefix });
    expect(() => planSitesFile(sitesFile(name), { site: 'blog', configFile: FILE })).not.toThrow();
  });

  it('a prefix a stack cannot have is not a prefix: AWS-, Amazon, spaces, too long', () => {
    for (const name of [
      'AWS-CachePurge-FastCGI',
      'amazonCachePurge-FastCGI',
      'AMZN-CachePurge-FastCGI',
      `${'a'.repeat(33)}CachePurge-FastCGI`,
    ]) {
      expect(bundledDocumentName(name), name).toBeUndefined();
      expect(documentKind(name).kind, name).toBe('custom');
    }
  });

  it('the parameters of a prefixed document are checked as the document’s, named as written', () => {
    const problems = bundledDocumentProblems('blog-CachePurge-FastCGI', {
      CachePath: ['/var/cache/nginx/../../etc'],
      Extra: ['x'],
    });
    expect(problems.map((p) => p.problem)).toEqual([
      expect.stringMatching(
        /^"\/var\/cache\/nginx\/\.\.\/\.\.\/etc" does not match blog-CachePurge-FastCGI's allowedPattern /,
      ),
      expect.stringMatching(/^blog-CachePurge-FastCGI has no parameter "Extra"/),
    ]);
    const error = refusal(sitesFile('blog-CachePurge-FastCGI', '{ CachePath: /etc }'));
    expect(error.title).toBe('Invalid document parameters');
    expect(error.message).toContain(
      '(step 1, blog-CachePurge-FastCGI): "/etc" is not below roots.cache (/var/cache/nginx, the default)',
    );
    expect(error.message).toContain(
      'against the definition of CachePurge-FastCGI bundled with cache-purge-action (ssm-documents/CachePurge-FastCGI.json)',
    );
  });

  it('a required parameter left out of a prefixed document is refused', () => {
    const error = refusal(sitesFile('blog-CachePurge-FastCGI', '{}'));
    expect(error.message).toContain('"CachePath" is missing; blog-CachePurge-FastCGI requires it');
  });

  it('a near miss keeps the prefix in its did-you-mean, and is checked as the document it means', () => {
    const error = refusal(sitesFile('blog-cachepurge-fastcgi', '{ CachePth: /var/cache/nginx/p }'));
    expect(error.title).toBe('Unknown bundled document; Invalid document parameters');
    expect(error.message).toContain(
      '"blog-cachepurge-fastcgi" is not a document bundled with cache-purge-action — did you mean `blog-CachePurge-FastCGI`? (Document names are case-sensitive.) Write `document: blog-CachePurge-FastCGI`.',
    );
    expect(error.message).toContain(
      'blog-CachePurge-FastCGI has no parameter "CachePth"; did you mean "CachePath"?',
    );
  });

  it('a prefixed name in our family that is none of ours lists ours with that prefix', () => {
    const error = refusal(sitesFile('blog-CachePurge-Nginx'));
    expect(error.message).toContain(
      '"blog-CachePurge-Nginx" is none of them (as named by a stack with NamePrefix "blog-"): `blog-CachePurge-FastCGI`, `blog-CachePurge-W3TotalCache`, `blog-CachePurge-WPRocket`, `blog-CachePurge-ObjectCache`, `blog-CachePurge-OPcache` (the nginx FastCGI cache is `blog-CachePurge-FastCGI`).',
    );
  });

  it('names without CachePurge- stay the user’s own documents, unchecked', () => {
    expect(documentKind('Acme-VarnishBan')).toEqual({ kind: 'custom', name: 'Acme-VarnishBan' });
    expect(bundledDocumentProblems('Acme-VarnishBan', { Anything: ['x'] })).toEqual([]);
  });
});
