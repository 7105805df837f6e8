// The parameter sets infra.policy*.test.ts check infra/cache-purge.yml on (defaults; an environment,
// existing provider, custom tag and relay with a token; a branch, 10 distributions, extra documents
// and a relay with a GitHub App), their relay secrets, and the template edits of the negative tests.

import { expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateTemplate, parseTemplate, type JsonObject, type Template } from './cloudformation.js';
import type { PurgeRoleExpectations } from './purge-stack-rules.js';
import { repoRoot } from './run-action.js';

/** infra/cache-purge.yml, parsed. */
export const stackTemplate = (): Template =>
  parseTemplate(readFileSync(join(repoRoot, 'infra/cache-purge.yml'), 'utf8'));

export const SECRETS = {
  SLACK_SIGNING_SECRET: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
  SLACK_SIGNING_SECRET_PREVIOUS: '0f9e8d7c6b5a49382716f5e4d3c2b1a0',
  GITHUB_TOKEN: 'github_pat_11AAAAAAA0secretTOKENvalue_xyz',
};
export const ELEVEN =
  'E1AAAAAAAAA,E2AAAAAAAAA,E3AAAAAAAAA,E4AAAAAAAAA,E5AAAAAAAAA,E6AAAAAAAAA,E7AAAAAAAAA,E8AAAAAAAAA,E9AAAAAAAAA,E10AAAAAAAA,E11AAAAAAAA';
export const TEN = ELEVEN.split(',').slice(0, 10).join(',');

export interface Scenario {
  name: string;
  parameters: Record<string, string>;
  expected: PurgeRoleExpectations;
  relay: boolean;
}

/** The parameter sets the policy is checked on, and what the purge role must then be. */
export const scenarios: Scenario[] = [
  {
    name: 'defaults: branch main, new OIDC provider, no CloudFront, no relay',
    parameters: { GitHubOwner: 'acme', GitHubRepository: 'website' },
    expected: {
      owner: 'acme',
      repository: 'website',
      branch: 'main',
      createProvider: true,
      tagKey: 'CachePurge',
      tagValue: 'true',
      distributionIds: [],
    },
    relay: false,
  },
  {
    name: 'environment, existing provider, custom tag, 2 distributions, relay with a token',
    parameters: {
      GitHubOwner: 'acme-web',
      GitHubRepository: 'portal.site',
      GitHubEnvironment: 'production',
      CreateGitHubOidcProvider: 'false',
      InstanceTagKey: 'cache-purge:site',
      InstanceTagValue: 'portal main',
      CloudFrontDistributionIds: 'E2EXAMPLE12345,E3EXAMPLE67890',
      DeployRelay: 'true',
      RelaySites: 'portal,main',
      RelaySlackSigningSecret: SECRETS.SLACK_SIGNING_SECRET,
      RelaySlackSigningSecretPrevious: SECRETS.SLACK_SIGNING_SECRET_PREVIOUS,
      RelayGitHubToken: SECRETS.GITHUB_TOKEN,
      RelayAllowedChannelIds: 'C0123ABCD',
    },
    expected: {
      owner: 'acme-web',
      repository: 'portal.site',
      environment: 'production',
      createProvider: false,
      tagKey: 'cache-purge:site',
      tagValue: 'portal main',
      distributionIds: ['E2EXAMPLE12345', 'E3EXAMPLE67890'],
    },
    relay: true,
  },
  {
    name: 'branch release/2026, 10 distributions (the maximum), relay with a GitHub App',
    parameters: {
      GitHubOwner: 'acme',
      GitHubRepository: 'website',
      GitHubBranch: 'release/2026',
      CloudFrontDistributionIds: TEN,
      ExtraDocumentNames: 'Acme-VarnishBan,Acme-Opcache.Reset_2',
      DeployRelay: 'true',
      RelaySites: 'portal',
      RelaySlackSigningSecret: SECRETS.SLACK_SIGNING_SECRET,
      RelayGitHubAppId: '123456',
      RelayGitHubAppInstallationId: '98765432',
      RelayGitHubAppPrivateKey:
        '-----BEGIN RSA PRIVATE KEY-----\\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\\n-----END RSA PRIVATE KEY-----\\n',
    },
    expected: {
      owner: 'acme',
      repository: 'website',
      branch: 'release/2026',
      createProvider: true,
      tagKey: 'CachePurge',
      tagValue: 'true',
      distributionIds: TEN.split(','),
      extraDocuments: ['Acme-VarnishBan', 'Acme-Opcache.Reset_2'],
    },
    relay: true,
  },
];

/** The relay secrets a scenario's parameters give (the App key with its line breaks). */
export function secretsOf(parameters: Record<string, string>) {
  return {
    SLACK_SIGNING_SECRET: parameters.RelaySlackSigningSecret,
    SLACK_SIGNING_SECRET_PREVIOUS: parameters.RelaySlackSigningSecretPrevious,
    GITHUB_TOKEN: parameters.RelayGitHubToken,
    GITHUB_APP_PRIVATE_KEY: parameters.RelayGitHubAppPrivateKey?.replace(/\\n/g, '\n'),
  };
}

/** The relay scenario, on which the negative tests mutate the template. */
export const relayScenario = scenarios[1]!;
/** A resource's Properties in a template. */
export const props = (t: Template, id: string) => t.Resources[id]!.Properties as JsonObject;
/** The stack of the relay scenario after `change` to a copy of `template`. */
export const mutate = (template: Template, change: (t: Template) => void) => {
  const copy = structuredClone(template);
  change(copy);
  return evaluateTemplate(copy, relayScenario.parameters);
};
export const ssmPolicy = (t: Template) => (props(t, 'PurgeRole').Policies as JsonObject[])[0]!;
export const cloudFrontStatement = (t: Template) =>
  ((props(t, 'PurgeRoleCloudFrontPolicy').PolicyDocument as JsonObject).Statement as JsonObject[])[0]!;
export const relayStatements = (t: Template) =>
  ((props(t, 'RelayExecutionRole').Policies as JsonObject[])[0]!.PolicyDocument as JsonObject)
    .Statement as JsonObject[];
/** Replaces `from` (which must be there) by `to` in the text of the purge role's JSON SSM policy. */
export const editSsmJson = (t: Template, from: string, to: string) => {
  const policy = ssmPolicy(t);
  const text = (policy.PolicyDocument as { 'Fn::Sub': string })['Fn::Sub'];
  expect(text).toContain(from);
  policy.PolicyDocument = { 'Fn::Sub': text.replace(from, to) };
};
