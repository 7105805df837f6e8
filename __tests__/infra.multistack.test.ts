// Several repositories (issue 15, item 4), checked on what CloudFormation would create
// (evaluateTemplate): ExtraGitHubRepositories adds exact OIDC subjects to the purge role's trust (every
// generated subject checked, none widened; an 11th entry refused by IAM), bad entries are refused at
// stack time by AllowedPattern, and RelaySites' site=owner/repo form reaches the relay as it reads it.
// Two stacks side by side (NamePrefix): infra.two-stacks.test.ts.

import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  evaluateTemplate,
  parseTemplate,
  type EvaluatedStack,
  type JsonObject,
  type Template,
} from './helpers/cloudformation.js';
import {
  ACME_WEBSITE_STACK,
  purgeRoleViolations,
  wildcardActionViolations,
} from './helpers/purge-stack-rules.js';
import { subjectViolations } from './helpers/oidc-subjects.js';
import { repoRoot } from './helpers/run-action.js';
import { dispatchRepository, loadRelayConfig } from '../src/relay/core/config.js';
import { stackParametersFor } from '../src/action/run/credential-messages.js';

let template: Template;
beforeAll(() => {
  template = parseTemplate(readFileSync(join(repoRoot, 'infra/cache-purge.yml'), 'utf8'));
});

const { expected: base, parameters: main } = ACME_WEBSITE_STACK;
/** Ten entries (the maximum), both forms, with the subjects GitHub puts in their tokens. */
const TEN: [string, string][] = [
  ['acme/blog:branch:main', 'repo:acme/blog:ref:refs/heads/main'],
  ['acme/blog:branch:release/2026', 'repo:acme/blog:ref:refs/heads/release/2026'],
  ['acme/shop:environment:production', 'repo:acme/shop:environment:production'],
  ['acme/shop:environment:Staging EU', 'repo:acme/shop:environment:Staging EU'],
  ['other-org/site.io:branch:v2.x', 'repo:other-org/site.io:ref:refs/heads/v2.x'],
  ['acme/a:branch:b', 'repo:acme/a:ref:refs/heads/b'],
  ['acme/c_d:environment:e', 'repo:acme/c_d:environment:e'],
  ['acme/f:branch:g', 'repo:acme/f:ref:refs/heads/g'],
  ['acme/h:branch:i', 'repo:acme/h:ref:refs/heads/i'],
  ['acme/j:environment:k', 'repo:acme/j:environment:k'],
];
const subOf = (stack: EvaluatedStack) =>
  (
    (stack.resources.PurgeRole!.Properties.AssumeRolePolicyDocument as JsonObject).Statement as {
      Condition: { StringEquals: JsonObject };
    }[]
  )[0]!.Condition.StringEquals['token.actions.githubusercontent.com:sub'];

describe('ExtraGitHubRepositories: more repositories, each with its branch or environment', () => {
  it.each([1, 3, 10])('%i entries: the role trusts exactly those subjects and the main one', (count) => {
    const entries = TEN.slice(0, count);
    const stack = evaluateTemplate(template, {
      ...main,
      ExtraGitHubRepositories: entries.map(([entry]) => entry).join(','),
    });
    const extraSubjects = entries.map(([, sub]) => sub);
    expect(purgeRoleViolations(stack, { ...base, extraSubjects })).toEqual([]);
    expect(wildcardActionViolations(stack)).toEqual([]);
    expect(subOf(stack)).toEqual(['repo:acme/website:ref:refs/heads/main', ...extraSubjects]);
    expect(stack.outputs.OidcSubjects).toBe(
      ['repo:acme/website:ref:refs/heads/main', ...extraSubjects].join(','),
    );
    expect(stack.outputs.OidcSubject).toBe('repo:acme/website:ref:refs/heads/main');
  });

  it('empty (the default): the one subject of today, the outputs as before', () => {
    const stack = evaluateTemplate(template, main);
    expect(subOf(stack)).toEqual(['repo:acme/website:ref:refs/heads/main']);
    expect(stack.outputs.OidcSubjects).toBe('repo:acme/website:ref:refs/heads/main');
    expect(purgeRoleViolations(stack, base)).toEqual([]);
  });

  it('with GitHubEnvironment the main subject is the environment one, the extra ones unchanged', () => {
    const stack = evaluateTemplate(template, {
      ...main,
      GitHubEnvironment: 'production',
      ExtraGitHubRepositories: 'acme/blog:branch:main',
    });
    expect(subOf(stack)).toEqual([
      'repo:acme/website:environment:production',
      'repo:acme/blog:ref:refs/heads/main',
    ]);
  });

  it('an 11th entry does not go silently untrusted: the principal is no ARN, which IAM refuses', () => {
    const stack = evaluateTemplate(template, {
      ...main,
      ExtraGitHubRepositories: [...TEN.map(([e]) => e), 'acme/eleven:branch:main'].join(','),
    });
    const violations = purgeRoleViolations(stack, { ...base, extraSubjects: TEN.map(([, s]) => s) });
    expect(violations).toContainEqual(
      expect.stringContaining('Principal {"Federated":"ExtraGitHubRepositories-lists-more-than-10-entries"}'),
    );
  });

  it.each([
    ['no branch or environment', 'acme/blog'],
    ['a wildcard branch', 'acme/blog:branch:*'],
    ['a wildcard repository', 'acme/*:branch:main'],
    ['a wildcard environment', 'acme/blog:environment:prod*'],
    ['a ? wildcard', 'acme/blog:branch:ma?n'],
    ['the raw sub form', 'acme/blog:ref:refs/heads/main'],
    ['no owner', 'blog:branch:main'],
    ['an owner starting with -', '-acme/blog:branch:main'],
    ['an empty environment', 'acme/blog:environment:'],
    ['a space in a branch', 'acme/blog:branch:ma in'],
    ['a pull-request subject', 'acme/blog:pull_request'],
    ['a URL', 'https://github.com/acme/blog:branch:main'],
  ])('refused at stack time: %s (%s)', (_, entry) => {
    expect(() => evaluateTemplate(template, { ...main, ExtraGitHubRepositories: entry })).toThrow(
      /parameter ExtraGitHubRepositories: .* does not match its AllowedPattern \(each entry OWNER\/REPO:branch:BRANCH or OWNER\/REPO:environment:NAME/,
    );
  });

  it('the entry the action suggests when STS refuses a token is one the stack takes, and trusts that sub', () => {
    for (const sub of [
      'repo:acme/blog:ref:refs/heads/release/2.x',
      'repo:acme/shop:environment:Staging EU',
    ]) {
      const entry = /or with (\S+(?: \S+)*) in ExtraGitHubRepositories\.$/.exec(stackParametersFor(sub))![1]!;
      const stack = evaluateTemplate(template, { ...main, ExtraGitHubRepositories: entry });
      expect(subOf(stack)).toEqual(['repo:acme/website:ref:refs/heads/main', sub]);
    }
  });

  it('the subject check itself fails on a widened or missing subject (negative tests)', () => {
    const wanted = ['repo:acme/website:ref:refs/heads/main', 'repo:acme/blog:ref:refs/heads/main'];
    expect(subjectViolations(wanted, wanted)).toEqual([]);
    expect(
      subjectViolations(['repo:acme/website:ref:refs/heads/main', 'repo:acme/blog:*'], wanted),
    ).toContainEqual(expect.stringContaining('has a wildcard'));
    expect(subjectViolations(['repo:acme/website:ref:refs/heads/main'], wanted)).toContainEqual(
      expect.stringContaining('expected exactly'),
    );
    expect(subjectViolations([...wanted, 'repo:acme/other:ref:refs/heads/main'], wanted)).toContainEqual(
      expect.stringContaining('expected exactly'),
    );
    expect(
      subjectViolations(['repo:acme/website:ref:refs/heads/main', 'repo:acme/blog'], wanted),
    ).toContainEqual(expect.stringContaining('is not one exact repository subject'));
    expect(subjectViolations([...wanted, wanted[1]!], wanted)).toContainEqual(
      expect.stringContaining('lists a subject twice'),
    );
    expect(
      subjectViolations(['repo:acme/website:ref:refs/heads/${aws:username}'], wanted.slice(0, 1)),
    ).toContainEqual(expect.stringContaining('has a wildcard'));
  });

  it('a template whose slot drops the branch mapping is caught', () => {
    const copy = structuredClone(template);
    const trust = (copy.Resources.PurgeRole!.Properties!.AssumeRolePolicyDocument as JsonObject)
      .Statement as { Condition: { StringEquals: JsonObject } }[];
    const subs = trust[0]!.Condition.StringEquals['token.actions.githubusercontent.com:sub'] as JsonObject[];
    // slot 1 as the raw entry: "repo:acme/blog:branch:main" is not a subject GitHub issues
    (subs[1]!['Fn::If'] as unknown[])[1] = {
      'Fn::Join': ['', ['repo:', { 'Fn::Select': [0, { Ref: 'ExtraGitHubRepositories' }] }]],
    };
    const stack = evaluateTemplate(copy, { ...main, ExtraGitHubRepositories: 'acme/blog:branch:main' });
    expect(
      purgeRoleViolations(stack, { ...base, extraSubjects: ['repo:acme/blog:ref:refs/heads/main'] }),
    ).toContainEqual(
      expect.stringContaining('"repo:acme/blog:branch:main" is not one exact repository subject'),
    );
  });
});

describe('RelaySites: site=owner/repo', () => {
  it('the relay the stack deploys reads RelaySites as given: each site in its repository', () => {
    const stack = evaluateTemplate(template, {
      ...main,
      DeployRelay: 'true',
      RelaySites: 'portal,blog=acme/blog,shop=other-org/shop.site',
      RelaySlackSigningSecret: 'abc',
      RelayGitHubToken: 'tok',
    });
    const variables = (
      stack.resources.RelayFunction!.Properties.Environment as { Variables: Record<string, string> }
    ).Variables;
    const config = loadRelayConfig({ ...variables, SLACK_SIGNING_SECRET: 'abc', GITHUB_TOKEN: 'tok' });
    expect(config.sites).toEqual(['portal', 'blog', 'shop']);
    expect(dispatchRepository(config, 'portal')).toEqual({ owner: 'acme', repo: 'website' });
    expect(dispatchRepository(config, 'blog')).toEqual({ owner: 'acme', repo: 'blog' });
    expect(dispatchRepository(config, 'shop')).toEqual({ owner: 'other-org', repo: 'shop.site' });
  });

  it.each(['portal', 'portal,main', 'portal,blog=acme/blog', 'blog=other-org/site.io,shop=acme/shop'])(
    'accepts %j',
    (sites) => {
      expect(() =>
        evaluateTemplate(template, {
          ...main,
          DeployRelay: 'true',
          RelaySites: sites,
          RelaySlackSigningSecret: 'abc',
          RelayGitHubToken: 'tok',
        }),
      ).not.toThrow();
    },
  );
  it.each(['blog=acme', 'blog=acme/blog/x', 'blog=', '=acme/blog', 'blog=acme/*', 'portal, blog=acme/blog'])(
    'refuses %j at stack time',
    (sites) => {
      expect(() => evaluateTemplate(template, { ...main, RelaySites: sites })).toThrow(
        /parameter RelaySites: .* does not match its AllowedPattern \(comma-separated site keys .*=OWNER\/REPO/,
      );
    },
  );
});
