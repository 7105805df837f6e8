// Two stacks of infra/cache-purge.yml in one account (issue 15, item 4): NamePrefix names the
// documents and the roles, so both templates, rendered side by side (evaluateTemplate) with different
// prefixes, share no account-wide name; the prefixed stack's policies name its own documents only, its
// role names fit IAM's limit, and a prefix SSM reserves (AWS, Amazon, AMZN) is refused at stack time.

import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACCOUNT, REGION, evaluateTemplate, parseTemplate, type Template } from './helpers/cloudformation.js';
import { ACME_WEBSITE_STACK, DOCUMENT_NAMES, purgeRoleViolations } from './helpers/purge-stack-rules.js';
import { documentVersionsViolations } from './helpers/document-versions-rules.js';
import { FIXED_NAME, accountNames, clashes } from './helpers/account-names.js';
import { repoRoot } from './helpers/run-action.js';

let template: Template;
beforeAll(() => {
  template = parseTemplate(readFileSync(join(repoRoot, 'infra/cache-purge.yml'), 'utf8'));
});

const { expected: base, parameters: main } = ACME_WEBSITE_STACK;

describe('NamePrefix: two stacks in one account', () => {
  const relay = {
    DeployRelay: 'true',
    RelaySites: 'portal,blog=acme/blog',
    RelaySlackSigningSecret: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
    RelayGitHubToken: 'github_pat_11AAAAAAA0secretTOKENvalue_xyz',
  };
  const first = () => evaluateTemplate(template, { ...main, ...relay });
  const second = (prefix = 'blog-') =>
    evaluateTemplate(template, {
      GitHubOwner: 'acme',
      GitHubRepository: 'blog',
      NamePrefix: prefix,
      CreateGitHubOidcProvider: 'false',
      ...relay,
    });

  it('rendered side by side (no prefix, and blog-), the two stacks share no name', () => {
    expect(accountNames(second())).toEqual(
      expect.arrayContaining([
        'ssm document blog-CachePurge-FastCGI',
        `iam role blog-CachePurge-Purge-${REGION}`,
        `iam role blog-CachePurge-Relay-${REGION}`,
        `iam role blog-CachePurge-Prune-${REGION}`,
      ]),
    );
    expect(clashes(first(), second())).toEqual([]);
    expect(clashes(second('blog-'), second('shop.'))).toEqual([]);
  });

  it('the clash check knows every resource type of the template (a new type must be added to it)', () => {
    const known = [
      'AWS::SSM::Document',
      'AWS::IAM::Role',
      'AWS::IAM::OIDCProvider',
      ...Object.keys(FIXED_NAME),
    ];
    // types whose instances have no account-wide name of their own
    const nameless = ['AWS::IAM::Policy', 'AWS::Lambda::Permission', 'AWS::Lambda::Url'];
    const types = new Set(Object.values(template.Resources).map((r) => r.Type));
    for (const type of types)
      expect(known.includes(type) || nameless.includes(type) || type.startsWith('Custom::'), type).toBe(true);
  });

  it('the clash check finds a clash: the same prefix twice, or both stacks creating the OIDC provider', () => {
    expect(clashes(second(), second())).toEqual(
      expect.arrayContaining([
        'ssm document blog-CachePurge-FastCGI',
        `iam role blog-CachePurge-Purge-${REGION}`,
      ]),
    );
    const both = evaluateTemplate(template, { ...main, NamePrefix: 'blog-' });
    expect(clashes(first(), both)).toEqual(['oidc provider https://token.actions.githubusercontent.com']);
  });

  it('the prefixed stack grants exactly its own documents, prunes only those, outputs their names', () => {
    const stack = second();
    expect(
      purgeRoleViolations(stack, { ...base, repository: 'blog', createProvider: false, namePrefix: 'blog-' }),
    ).toEqual([]);
    expect(documentVersionsViolations(stack, template, 'blog-')).toEqual([]);
    expect(String(stack.outputs.DocumentNames).split(',').sort()).toEqual(
      DOCUMENT_NAMES.map((n) => `blog-${n}`).sort(),
    );
    expect(stack.outputs.PurgeRoleArn).toBe(`arn:aws:iam::${ACCOUNT}:role/blog-CachePurge-Purge-${REGION}`);
    // the unprefixed documents of the first stack are not granted to the second
    expect(JSON.stringify(stack.resources.PurgeRole!.Properties.Policies)).not.toMatch(
      /document\/CachePurge-/,
    );
    // the check notices a policy still on the unprefixed names
    expect(purgeRoleViolations(first(), { ...base, namePrefix: 'blog-' })).toContainEqual(
      expect.stringContaining(
        'ssm:SendCommand without the tag condition on arn:aws:ssm:eu-west-1:123456789012:document/CachePurge-',
      ),
    );
  });

  it('without a prefix, no role gets a fixed name (CloudFormation generates them, as before)', () => {
    const stack = first();
    for (const [id, r] of Object.entries(stack.resources))
      if (r.Type === 'AWS::IAM::Role') expect(r.Properties.RoleName, id).toBeUndefined();
  });

  it('the longest prefix still gives role names within IAM’s 64 characters in any region', () => {
    const prefix = 'p'.repeat(32);
    const stack = evaluateTemplate(template, { ...main, NamePrefix: prefix, ...relay });
    const longestRegion = 'ap-southeast-5'.length;
    for (const [id, r] of Object.entries(stack.resources)) {
      if (r.Type !== 'AWS::IAM::Role') continue;
      const name = String(r.Properties.RoleName);
      expect(name.startsWith(prefix), id).toBe(true);
      expect(name.length - REGION.length + longestRegion, id).toBeLessThanOrEqual(64);
    }
  });

  it.each([['AWS-'], ['aws'], ['Amazon'], ['amazonx'], ['AMZN'], ['a b'], ['a/b'], ['x*'], ['p'.repeat(33)]])(
    'refused at stack time: NamePrefix %j',
    (prefix) => {
      expect(() => evaluateTemplate(template, { ...main, NamePrefix: prefix })).toThrow(
        /parameter NamePrefix: .* does not match its AllowedPattern \(1-32 letters, digits, _ \. - .*not starting with AWS, Amazon or\s+AMZN/,
      );
    },
  );
});
