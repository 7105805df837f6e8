// infra/cache-purge.yml validated offline: parsed with the CloudFormation short tags, checked against
// the CloudFormation resource specification (@aws-cdk/aws-service-spec) and for dangling references;
// parameter constraints and Rules evaluated as CloudFormation would. Each kind of check is shown to
// catch a mutated template, so a passing run means something.
// Over 300 lines: one subject, each check beside the mutated templates that prove it, on one spec load.

import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  asPackaged,
  evaluateTemplate,
  loadSpec,
  parseTemplate,
  validateTemplate,
  type Json,
  type JsonObject,
  type Spec,
  type Template,
} from './helpers/cloudformation.js';
import { repoRoot } from './helpers/run-action.js';

const templatePath = join(repoRoot, 'infra/cache-purge.yml');
const templateText = readFileSync(templatePath, 'utf8');
let spec: Spec;
let template: Template;

beforeAll(() => {
  spec = loadSpec();
  template = parseTemplate(templateText);
});

/** The packaged template with one change applied. */
function mutated(change: (t: Template) => void): Template {
  const copy = structuredClone(asPackaged(template).template);
  change(copy);
  return copy;
}
const props = (t: Template, id: string) => t.Resources[id]!.Properties as JsonObject;

const base = { GitHubOwner: 'acme', GitHubRepository: 'website' };
const relay = {
  ...base,
  DeployRelay: 'true',
  RelaySites: 'portal,main',
  RelaySlackSigningSecret: '8f742231b10e8888abcd99yyyzzz85a5',
  RelayGitHubToken: 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz',
};

describe('the resource specification itself', () => {
  it('is the current one: it knows the resource types and properties this template relies on', () => {
    expect(spec.resources.size).toBeGreaterThan(1000);
    expect(spec.resources.get('AWS::Lambda::Permission')!.properties).toHaveProperty('InvokedViaFunctionUrl');
    expect(spec.resources.get('AWS::Lambda::Function')!.properties).toHaveProperty('LoggingConfig');
    expect(spec.resources.get('AWS::SSM::Document')!.properties).toHaveProperty('UpdateMethod');
  });
});

describe('infra/cache-purge.yml against the CloudFormation specification', () => {
  it('parses with the short tags into intrinsic functions', () => {
    expect(template.AWSTemplateFormatVersion).toBe('2010-09-09');
    expect(props(template, 'RelayFunction').Role).toEqual({ 'Fn::GetAtt': ['RelayExecutionRole', 'Arn'] });
    expect(template.Conditions!.WithRelay).toEqual({ 'Fn::Equals': [{ Ref: 'DeployRelay' }, 'true'] });
  });

  it('is valid once packaged: known types, required and known properties, types, allowed values, references', () => {
    const { template: packaged, localCode } = asPackaged(template);
    expect(validateTemplate(packaged, spec)).toEqual([]);
    // The only local artefact is the zip `npm run package:relay` writes (infra/build/relay.zip).
    expect(localCode).toEqual({ RelayFunction: 'build/relay.zip' });
  });

  it('before `aws cloudformation package` its Code is a local path, which the spec rightly refuses', () => {
    expect(validateTemplate(template, spec)).toEqual([
      expect.stringMatching(
        /^Resources\.RelayFunction\.Properties\.Code: expects a Code mapping, got string "build\/relay\.zip"$/,
      ),
    ]);
  });

  it('uses only the resource types of the plan, with no Retain policy', () => {
    const types = Object.values(template.Resources).map((r) => r.Type);
    expect([...new Set(types)].sort()).toEqual([
      'AWS::IAM::OIDCProvider',
      'AWS::IAM::Policy',
      'AWS::IAM::Role',
      'AWS::Lambda::Function',
      'AWS::Lambda::Permission',
      'AWS::Lambda::Url',
      'AWS::Logs::LogGroup',
      'AWS::SSM::Document',
      'AWS::SecretsManager::Secret',
      'Custom::PruneDocumentVersions',
    ]);
  });
});

describe('the validator catches a broken template (negative tests)', () => {
  const cases: [string, (t: Template) => void, RegExp][] = [
    [
      'a misspelled property',
      (t) => {
        const p = props(t, 'PurgeRole');
        p.MaxSesionDuration = p.MaxSessionDuration!;
        delete p.MaxSessionDuration;
      },
      /PurgeRole\.Properties\.MaxSesionDuration: AWS::IAM::Role has no property MaxSesionDuration/,
    ],
    [
      'a misspelled nested property',
      (t) => {
        (props(t, 'RelayFunction').LoggingConfig as JsonObject).LogGroupName = 'x';
      },
      /RelayFunction\.Properties\.LoggingConfig\.LogGroupName: LoggingConfig has no property LogGroupName/,
    ],
    [
      'a missing required property',
      (t) => {
        delete props(t, 'RelayFunctionUrl').AuthType;
      },
      /RelayFunctionUrl\.Properties: AWS::Lambda::Url requires property AuthType/,
    ],
    [
      'a missing required property of a nested type',
      (t) => {
        delete (props(t, 'RelayExecutionRole').Policies as JsonObject[])[0]!.PolicyName;
      },
      /RelayExecutionRole\.Properties\.Policies\[0\]: Policy requires property PolicyName/,
    ],
    [
      'an unknown resource type',
      (t) => {
        t.Resources.RelayLogGroup!.Type = 'AWS::Logs::LogGroupp';
      },
      /Resources\.RelayLogGroup\.Type: unknown resource type "AWS::Logs::LogGroupp"/,
    ],
    [
      'a value outside the allowed values',
      (t) => {
        props(t, 'RelayFunctionUrl').AuthType = 'PUBLIC';
      },
      /RelayFunctionUrl\.Properties\.AuthType: "PUBLIC" is not one of AWS_IAM, NONE/,
    ],
    [
      'a wrong primitive type',
      (t) => {
        props(t, 'RelayFunction').Timeout = 'five';
      },
      /RelayFunction\.Properties\.Timeout: expects an integer, got string "five"/,
    ],
    [
      'a boolean where the spec wants one',
      (t) => {
        props(t, 'RelayFunctionInvokePermission').InvokedViaFunctionUrl = 'yes';
      },
      /InvokedViaFunctionUrl: expects a boolean, got string "yes"/,
    ],
    [
      'a scalar where a list is required',
      (t) => {
        props(t, 'RelayFunction').Architectures = 'arm64';
      },
      /RelayFunction\.Properties\.Architectures: expects a list, got string "arm64"/,
    ],
    [
      'a list intrinsic where a single value is required',
      (t) => {
        props(t, 'RelayFunction').Description = { 'Fn::Split': [',', 'a,b'] };
      },
      /RelayFunction\.Properties\.Description: expects a single value, but Fn::Split gives a list/,
    ],
    [
      'a wrong type inside one branch of Fn::If',
      (t) => {
        props(t, 'RelayFunction').MemorySize = { 'Fn::If': ['WithRelay', 256, 'lots'] };
      },
      /RelayFunction\.Properties\.MemorySize: expects an integer, got string "lots"/,
    ],
    [
      'a Ref to nothing',
      (t) => {
        props(t, 'RelayFunction').Role = { Ref: 'RelayExecutionRoel' };
      },
      /RelayFunction\.Properties\.Role\.Ref: Ref "RelayExecutionRoel" names no parameter, resource or pseudo parameter/,
    ],
    [
      'a GetAtt of an attribute the type does not have',
      (t) => {
        props(t, 'RelayFunction').Role = { 'Fn::GetAtt': ['RelayExecutionRole', 'Arnn'] };
      },
      /AWS::IAM::Role has no attribute "Arnn" \(has: Arn, RoleId\)/,
    ],
    [
      'a ${} in Fn::Sub that names nothing',
      (t) => {
        props(t, 'PurgeRole').Description = { 'Fn::Sub': 'for ${GitHubOwnr}' };
      },
      /PurgeRole\.Properties\.Description\.Fn::Sub: \$\{\} "GitHubOwnr" names no parameter/,
    ],
    [
      'a ${Resource.Attr} in Fn::Sub with a wrong attribute',
      (t) => {
        props(t, 'PurgeRole').Description = { 'Fn::Sub': '${RelayFunctionUrl.Url}' };
      },
      /AWS::Lambda::Url has no attribute "Url"/,
    ],
    [
      'a list parameter inside Fn::Sub',
      (t) => {
        props(t, 'PurgeRole').Description = { 'Fn::Sub': '${CloudFrontDistributionIds}' };
      },
      /\$\{CloudFrontDistributionIds\} is a list parameter/,
    ],
    [
      'an Fn::If on an unknown condition',
      (t) => {
        (t.Outputs!.OidcSubject!.Value as JsonObject)['Fn::If'] = ['UseEnvironmnt', 'a', 'b'] as Json;
      },
      /Outputs\.OidcSubject\.Value\.Fn::If\[0\]: names no condition: "UseEnvironmnt"/,
    ],
    [
      'a resource Condition that does not exist',
      (t) => {
        t.Resources.RelaySecret!.Condition = 'WithRelays';
      },
      /Resources\.RelaySecret\.Condition: names no condition: "WithRelays"/,
    ],
    [
      'a Ref to a resource inside Conditions',
      (t) => {
        t.Conditions!.WithRelay = { 'Fn::Equals': [{ Ref: 'RelayFunction' }, 'x'] };
      },
      /Conditions\.WithRelay\.Fn::Equals\[0\]\.Ref: Ref "RelayFunction" names no parameter/,
    ],
    [
      'a custom resource without its ServiceToken',
      (t) => void delete props(t, 'OldDocumentVersions').ServiceToken,
      /Resources\.OldDocumentVersions\.Properties: Custom::PruneDocumentVersions requires property ServiceToken/,
    ],
    [
      'a Ref to nothing inside a custom resource',
      (t) =>
        void ((props(t, 'OldDocumentVersions').DocumentNames as Json[])[0] = { Ref: 'W3TotalCacheDocumen' }),
      /Resources\.OldDocumentVersions\.Properties\.DocumentNames\[0\]\.Ref: Ref "W3TotalCacheDocumen" names no/,
    ],
    [
      'a DependsOn on nothing',
      (t) => {
        t.Resources.RelayFunction!.DependsOn = 'RelayLogGroupp';
      },
      /Resources\.RelayFunction\.DependsOn: names no resource: "RelayLogGroupp"/,
    ],
    [
      'an unused parameter',
      (t) => {
        t.Parameters!.Forgotten = { Type: 'String', Default: '' };
      },
      /Parameters\.Forgotten: is never used/,
    ],
    [
      'an unknown parameter type',
      (t) => {
        t.Parameters!.InstanceTagKey!.Type = 'Text';
      },
      /Parameters\.InstanceTagKey\.Type: unknown parameter type "Text"/,
    ],
    [
      'an unknown resource attribute',
      (t) => {
        (t.Resources.RelayLogGroup as unknown as JsonObject).DeletionPolicyy = 'Delete';
      },
      /Resources\.RelayLogGroup\.DeletionPolicyy: unknown resource attribute/,
    ],
  ];

  it.each(cases)('%s', (_, change, message) => {
    const errors = validateTemplate(mutated(change), spec);
    expect(errors).toContainEqual(expect.stringMatching(message));
  });

  it('a misspelled property in the YAML text itself fails too', () => {
    const text = templateText.replace('      MaxSessionDuration: 3600', '      MaxSessionDurations: 3600');
    expect(text).not.toBe(templateText);
    expect(validateTemplate(asPackaged(parseTemplate(text)).template, spec)).toContainEqual(
      expect.stringMatching(/AWS::IAM::Role has no property MaxSessionDurations/),
    );
  });

  it('YAML errors are reported, not swallowed', () => {
    expect(() => parseTemplate(`${templateText}\nResources:\n  Again: {}\n`)).toThrow(
      /not valid YAML[\s\S]*unique/i,
    );
    expect(() => parseTemplate('Resources:\n  X: !NotATag y\n')).toThrow(
      /unknown CloudFormation tag !NotATag/,
    );
  });
});

describe('parameters and rules, as CloudFormation evaluates them', () => {
  it('only GitHubOwner and GitHubRepository are required; every default satisfies its own constraint', () => {
    expect(() => evaluateTemplate(template, {})).toThrow(
      /parameter GitHubOwner has no value and no default[\s\S]*parameter GitHubRepository has no value/,
    );
    const stack = evaluateTemplate(template, base);
    expect(stack.parameters.GitHubBranch).toBe('main');
    expect(stack.conditions.WithRelay).toBe(false);
  });

  it.each([
    ['InstanceTagKey', 'Cache"Purge', /InstanceTagKey: "Cache\\"Purge" does not match/],
    ['InstanceTagKey', 'aws:reserved', /InstanceTagKey: "aws:reserved" does not match/],
    ['InstanceTagValue', 'a\\b', /InstanceTagValue: "a\\\\b" does not match/],
    [
      'CloudFrontDistributionIds',
      'E2EXAMPLE12345,e3lower67890',
      /CloudFrontDistributionIds: "e3lower67890" does not match/,
    ],
    ['GitHubBranch', 'release/*', /GitHubBranch: "release\/\*" does not match .*no wildcards/],
    ['GitHubOwner', 'acme corp', /GitHubOwner: "acme corp" does not match/],
    ['RelaySites', 'portal, main', /RelaySites: "portal, main" does not match/],
    ['RelaySlackSigningSecret', 'abc"def', /RelaySlackSigningSecret: .* does not match/],
    [
      'RelayGitHubAppPrivateKey',
      '-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----',
      /RelayGitHubAppPrivateKey: .* does not match .*one line/,
    ],
    ['RelayLogRetentionDays', '2', /RelayLogRetentionDays: "2" is not one of its AllowedValues/],
    ['CreateGitHubOidcProvider', 'yes', /CreateGitHubOidcProvider: "yes" is not one of its AllowedValues/],
  ])('%s=%j is refused', (name, value, message) => {
    expect(() => evaluateTemplate(template, { ...base, [name]: value })).toThrow(message);
  });

  it('a one-line PEM with \\n escapes is accepted for the GitHub App key', () => {
    const key =
      '-----BEGIN RSA PRIVATE KEY-----\\nMIIBOgIBAAJBAK\\nAbc+/=\\n-----END RSA PRIVATE KEY-----\\n';
    const stack = evaluateTemplate(template, {
      ...relay,
      RelayGitHubToken: '',
      RelayGitHubAppId: '123456',
      RelayGitHubAppInstallationId: '7890',
      RelayGitHubAppPrivateKey: key,
    });
    const stored = JSON.parse(String(stack.resources.RelaySecret!.Properties.SecretString)) as Record<
      string,
      string
    >;
    expect(stored.GITHUB_APP_PRIVATE_KEY).toBe(
      '-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAK\nAbc+/=\n-----END RSA PRIVATE KEY-----\n',
    );
  });

  it.each([
    [
      { RelaySlackSigningSecret: '' },
      /rule RelayNeedsItsSettings: DeployRelay=true needs RelaySlackSigningSecret/,
    ],
    [{ RelaySites: '' }, /DeployRelay=true needs RelaySites/],
    [{ RelayGitHubToken: '' }, /needs either RelayGitHubToken, or all three/],
    [{ RelayGitHubAppId: '1234' }, /needs either RelayGitHubToken, or all three .*\(not both kinds\)/],
    [
      { RelayGitHubToken: '', RelayGitHubAppId: '1234', RelayGitHubAppInstallationId: '99' },
      /needs either RelayGitHubToken, or all three/,
    ],
  ])('DeployRelay=true with %j is refused by the Rules', (override, message) => {
    expect(() => evaluateTemplate(template, { ...relay, ...override })).toThrow(message);
  });

  it('the Rules do not apply when the relay is not deployed', () => {
    expect(() => evaluateTemplate(template, { ...base, DeployRelay: 'false' })).not.toThrow();
  });
});
