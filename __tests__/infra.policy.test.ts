// The security promises of infra/cache-purge.yml, checked on what CloudFormation would create for
// several parameter sets: the OIDC trust (aud + one pinned sub, 1 h sessions), least privilege (no
// `*` action anywhere; SendCommand only with our documents and only on tagged instances;
// CloudFront only on the given distributions), the relay (secrets only in Secrets Manager, ≤ 5 s,
// own logs with retention, both function URL permissions) and teardown (nothing retained).
// Each rule is also shown to fail on a template mutated to break it.

import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ACCOUNT,
  REGION,
  evaluateTemplate,
  parseTemplate,
  type Json,
  type JsonObject,
  type Template,
} from './helpers/cloudformation.js';
import {
  policyDocuments,
  purgeRoleViolations,
  relayViolations,
  teardownViolations,
  wildcardActionViolations,
  type PurgeRoleExpectations,
} from './helpers/purge-stack-rules.js';
import { repoRoot } from './helpers/run-action.js';

const templateText = readFileSync(join(repoRoot, 'infra/cache-purge.yml'), 'utf8');
let template: Template;
beforeAll(() => {
  template = parseTemplate(templateText);
});

const SECRETS = {
  SLACK_SIGNING_SECRET: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
  SLACK_SIGNING_SECRET_PREVIOUS: '0f9e8d7c6b5a49382716f5e4d3c2b1a0',
  GITHUB_TOKEN: 'github_pat_11AAAAAAA0secretTOKENvalue_xyz',
};
const ELEVEN =
  'E1AAAAAAAAA,E2AAAAAAAAA,E3AAAAAAAAA,E4AAAAAAAAA,E5AAAAAAAAA,E6AAAAAAAAA,E7AAAAAAAAA,E8AAAAAAAAA,E9AAAAAAAAA,E10AAAAAAAA,E11AAAAAAAA';
const TEN = ELEVEN.split(',').slice(0, 10).join(',');

interface Scenario {
  name: string;
  parameters: Record<string, string>;
  expected: PurgeRoleExpectations;
  relay: boolean;
}

const scenarios: Scenario[] = [
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

function secretsOf(parameters: Record<string, string>) {
  return {
    SLACK_SIGNING_SECRET: parameters.RelaySlackSigningSecret,
    SLACK_SIGNING_SECRET_PREVIOUS: parameters.RelaySlackSigningSecretPrevious,
    GITHUB_TOKEN: parameters.RelayGitHubToken,
    GITHUB_APP_PRIVATE_KEY: parameters.RelayGitHubAppPrivateKey?.replace(/\\n/g, '\n'),
  };
}

describe.each(scenarios)('$name', ({ parameters, expected, relay }) => {
  const stack = () => evaluateTemplate(template, parameters);

  it('no action with a wildcard anywhere; every policy is valid JSON', () => {
    expect(wildcardActionViolations(stack())).toEqual([]);
  });

  it('the purge role: pinned OIDC trust, 1 h sessions, exactly the least-privilege grants', () => {
    expect(purgeRoleViolations(stack(), expected)).toEqual([]);
  });

  it(
    relay
      ? 'the relay: secrets only in Secrets Manager, ≤ 5 s, own logs, both URL permissions'
      : 'no relay resources',
    () => {
      const s = stack();
      if (relay) {
        expect(relayViolations(s, secretsOf(parameters))).toEqual([]);
        expect(s.outputs.RelayUrl).toMatch(/^https:\/\/.*\.lambda-url\..*\.on\.aws\/$/);
      } else {
        expect(Object.keys(s.resources).filter((id) => id.startsWith('Relay'))).toEqual([]);
        expect(Object.keys(s.outputs).sort()).toEqual([
          'DocumentNames',
          'OidcSubject',
          'OidcSubjects',
          'PurgeRoleArn',
        ]);
      }
    },
  );

  it('outputs the role ARN, the pinned subject and the document names', () => {
    const s = stack();
    expect(s.outputs.PurgeRoleArn).toBe(`arn:aws:iam::${ACCOUNT}:role/cache-purge-PurgeRole-1A2B3C4D5E6F`);
    expect(s.outputs.DocumentNames).toBe(
      'CachePurge-W3TotalCache,CachePurge-WPRocket,CachePurge-ObjectCache,CachePurge-OPcache,CachePurge-FastCGI',
    );
    expect(s.outputs.OidcSubject).toBe(
      expected.environment
        ? `repo:${expected.owner}/${expected.repository}:environment:${expected.environment}`
        : `repo:${expected.owner}/${expected.repository}:ref:refs/heads/${expected.branch}`,
    );
  });
});

describe('specific promises', () => {
  it('the tag condition key is built inside the JSON string: the policy names the chosen key', () => {
    const stack = evaluateTemplate(template, scenarios[1]!.parameters);
    const { documents } = policyDocuments(stack);
    const ssm = documents.find(
      (d) => d.where === 'PurgeRole.Policies.ssm-send-our-documents-to-tagged-instances',
    )!;
    expect(ssm.statements[1]).toEqual({
      Sid: 'SendOnlyToTaggedInstances',
      Effect: 'Allow',
      Action: 'ssm:SendCommand',
      Resource: `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/*`,
      Condition: { StringEquals: { 'ssm:resourceTag/cache-purge:site': 'portal main' } },
    });
  });

  it('an 11th distribution id does not silently go without permission: IAM would refuse the policy', () => {
    const stack = evaluateTemplate(template, {
      GitHubOwner: 'acme',
      GitHubRepository: 'website',
      CloudFrontDistributionIds: ELEVEN,
    });
    const violations = purgeRoleViolations(stack, {
      ...scenarios[0]!.expected,
      distributionIds: ELEVEN.split(','),
    });
    expect(violations).toContainEqual(
      expect.stringContaining(
        '"CloudFrontDistributionIds-lists-more-than-10-ids", which is not one of the given distributions',
      ),
    );
    // Not an ARN: IAM rejects it ("Resource … must be in ARN format"), so the deployment stops there.
    const resources = (
      stack.resources.PurgeRoleCloudFrontPolicy!.Properties.PolicyDocument as {
        Statement: { Resource: string[] }[];
      }
    ).Statement[0]!.Resource;
    expect(resources.at(-1)).toBe('CloudFrontDistributionIds-lists-more-than-10-ids');
    expect(resources.at(-1)).not.toMatch(/^arn:/);
  });

  it('extra documents: a 6th name does not silently go without permission; AWS-, Amazon and CachePurge- names are refused', () => {
    const six = 'A-one,A-two,A-three,A-four,A-five,A-six';
    const stack = evaluateTemplate(template, {
      GitHubOwner: 'acme',
      GitHubRepository: 'website',
      ExtraDocumentNames: six,
    });
    expect(
      purgeRoleViolations(stack, { ...scenarios[0]!.expected, extraDocuments: six.split(',') }),
    ).toContainEqual(expect.stringContaining('on ExtraDocumentNames-lists-more-than-5-names'));
    const five = evaluateTemplate(template, {
      GitHubOwner: 'acme',
      GitHubRepository: 'website',
      ExtraDocumentNames: six.split(',').slice(0, 5).join(','),
    });
    expect(
      purgeRoleViolations(five, { ...scenarios[0]!.expected, extraDocuments: six.split(',').slice(0, 5) }),
    ).toEqual([]);
    for (const name of [
      'AWS-RunShellScript',
      'aws-x',
      'AmazonCloudWatch-ManageAgent',
      'CachePurge-Mine',
      'a b',
    ])
      expect(() =>
        evaluateTemplate(template, {
          GitHubOwner: 'acme',
          GitHubRepository: 'website',
          ExtraDocumentNames: name,
        }),
      ).toThrow(/ExtraDocumentNames: .* does not match its AllowedPattern/);
  });

  it('nothing has a Retain or Snapshot policy; the relay logs only to the log group the stack owns', () => {
    expect(teardownViolations(template)).toEqual([]);
    const stack = evaluateTemplate(template, scenarios[1]!.parameters);
    const grants = JSON.stringify(stack.resources.RelayExecutionRole!.Properties.Policies);
    expect(grants).not.toContain('logs:CreateLogGroup');
  });
});

describe('each rule fails on a template mutated to break it (negative tests)', () => {
  const relayScenario = scenarios[1]!;
  const props = (t: Template, id: string) => t.Resources[id]!.Properties as JsonObject;
  const mutate = (change: (t: Template) => void) => {
    const copy = structuredClone(template);
    change(copy);
    return evaluateTemplate(copy, relayScenario.parameters);
  };
  const ssmPolicy = (t: Template) => (props(t, 'PurgeRole').Policies as JsonObject[])[0]!;
  const cloudFrontStatement = (t: Template) =>
    ((props(t, 'PurgeRoleCloudFrontPolicy').PolicyDocument as JsonObject).Statement as JsonObject[])[0]!;
  const relayStatements = (t: Template) =>
    ((props(t, 'RelayExecutionRole').Policies as JsonObject[])[0]!.PolicyDocument as JsonObject)
      .Statement as JsonObject[];
  const editSsmJson = (t: Template, from: string, to: string) => {
    const policy = ssmPolicy(t);
    const text = (policy.PolicyDocument as { 'Fn::Sub': string })['Fn::Sub'];
    expect(text).toContain(from);
    policy.PolicyDocument = { 'Fn::Sub': text.replace(from, to) };
  };

  const wildcard: [string, (t: Template) => void, RegExp][] = [
    [
      "Action: '*' on the CloudFront statement",
      (t) => void (cloudFrontStatement(t).Action = '*'),
      /wildcard action "\*"/,
    ],
    [
      'ssm:* in the JSON policy string',
      (t) => editSsmJson(t, '"ssm:CancelCommand"', '"ssm:*"'),
      /wildcard action "ssm:\*"/,
    ],
    [
      'logs:* on the relay role',
      (t) => void (relayStatements(t)[0]!.Action = 'logs:*'),
      /wildcard action "logs:\*"/,
    ],
    [
      'NotAction instead of Action',
      (t) => {
        const s = cloudFrontStatement(t);
        s.NotAction = s.Action!;
        delete s.Action;
      },
      /NotAction grants everything else/,
    ],
    [
      'lambda:* on a permission',
      (t) => void (props(t, 'RelayFunctionInvokePermission').Action = 'lambda:*'),
      /wildcard action "lambda:\*"/,
    ],
    [
      'a JSON policy string broken by an edit',
      (t) => editSsmJson(t, '"Effect": "Allow",', '"Effect": "Allow"'),
      /policy is not valid JSON after substitution/,
    ],
  ];
  it.each(wildcard)('%s', (_, change, message) => {
    expect(wildcardActionViolations(mutate(change))).toContainEqual(expect.stringMatching(message));
  });

  const role: [string, (t: Template) => void, RegExp][] = [
    [
      'sessions of 12 h',
      (t) => void (props(t, 'PurgeRole').MaxSessionDuration = 43200),
      /MaxSessionDuration: 43200, expected 3600/,
    ],
    [
      'no MaxSessionDuration',
      (t) => void delete props(t, 'PurgeRole').MaxSessionDuration,
      /MaxSessionDuration: undefined, expected 3600/,
    ],
    [
      'a wildcard sub with StringLike',
      (t) => {
        const trust = (props(t, 'PurgeRole').AssumeRolePolicyDocument as { Statement: JsonObject[] })
          .Statement[0]!;
        trust.Condition = {
          StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
          StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme-web/*' },
        };
      },
      /expected StringEquals only/,
    ],
    [
      'no aud condition',
      (t) => {
        const trust = (props(t, 'PurgeRole').AssumeRolePolicyDocument as { Statement: JsonObject[] })
          .Statement[0]!;
        delete ((trust.Condition as JsonObject).StringEquals as JsonObject)[
          'token.actions.githubusercontent.com:aud'
        ];
      },
      /StringEquals .*expected exactly/,
    ],
    [
      'the branch sub although an environment is set',
      (t) => {
        const trust = (props(t, 'PurgeRole').AssumeRolePolicyDocument as { Statement: JsonObject[] })
          .Statement[0]!;
        ((trust.Condition as JsonObject).StringEquals as JsonObject)[
          'token.actions.githubusercontent.com:sub'
        ] = {
          'Fn::Sub': 'repo:${GitHubOwner}/${GitHubRepository}:ref:refs/heads/${GitHubBranch}',
        };
      },
      /sub .*expected exactly .*environment:production/,
    ],
    [
      'SendCommand on every document',
      (t) => editSsmJson(t, 'document/${FastCGIDocument}"', 'document/*"'),
      /ssm:SendCommand without the tag condition on arn:aws:ssm:.*:document\/\*/,
    ],
    [
      'one document left out',
      (t) =>
        editSsmJson(
          t,
          ',\n        "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:document/${FastCGIDocument}"',
          '',
        ),
      /ssm:SendCommand documents .*expected exactly/,
    ],
    [
      'the tag condition removed',
      (t) =>
        editSsmJson(
          t,
          ',\n      "Condition": { "StringEquals": { "ssm:resourceTag/${InstanceTagKey}": "${InstanceTagValue}" } }',
          '',
        ),
      /without the tag condition on arn:aws:ec2:.*:instance\/\*/,
    ],
    [
      'the tag condition on another key',
      (t) => editSsmJson(t, 'ssm:resourceTag/${InstanceTagKey}', 'ssm:resourceTag/Name'),
      /condition .*ssm:resourceTag\/Name.*expected/,
    ],
    [
      'tag-conditioned SendCommand on every resource',
      (t) => editSsmJson(t, '"arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:instance/*"', '"*"'),
      /tag-conditioned SendCommand on \["\*"\], expected EC2 instances only/,
    ],
    [
      'CloudFront on every distribution',
      (t) =>
        void (cloudFrontStatement(t).Resource = {
          'Fn::Sub': 'arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/*',
        }),
      /CloudFront on ".*distribution\/\*", which is not one of the given distributions/,
    ],
    [
      'an extra action',
      (t) =>
        void (cloudFrontStatement(t).Action = [
          'cloudfront:CreateInvalidation',
          'cloudfront:GetInvalidation',
          'cloudfront:UpdateDistribution',
        ]),
      /unexpected actions/,
    ],
    [
      'a slot that selects the wrong id',
      (t) => {
        const resources = cloudFrontStatement(t).Resource as Json[];
        resources[1] = resources[0]!;
      },
      /CloudFront distributions .*expected exactly/,
    ],
  ];
  it.each(role)('purge role: %s', (_, change, message) => {
    expect(purgeRoleViolations(mutate(change), relayScenario.expected)).toContainEqual(
      expect.stringMatching(message),
    );
  });

  const relay: [string, (t: Template) => void, RegExp][] = [
    [
      'the signing secret in a plain environment variable',
      (t) => {
        ((props(t, 'RelayFunction').Environment as JsonObject).Variables as JsonObject).SLACK_SIGNING_SECRET =
          { Ref: 'RelaySlackSigningSecret' };
      },
      /relay Environment has the secret SLACK_SIGNING_SECRET in plain text/,
    ],
    [
      'the token under another name',
      (t) => {
        ((props(t, 'RelayFunction').Environment as JsonObject).Variables as JsonObject).TOKEN = {
          Ref: 'RelayGitHubToken',
        };
      },
      /relay Environment TOKEN contains the value of GITHUB_TOKEN/,
    ],
    [
      'a 30 s timeout',
      (t) => void (props(t, 'RelayFunction').Timeout = 30),
      /relay Timeout 30, expected at most 5 s/,
    ],
    [
      'no timeout (Lambda default 3 s is fine, but the template must say it)',
      (t) => void delete props(t, 'RelayFunction').Timeout,
      /relay Timeout undefined/,
    ],
    [
      'no log retention',
      (t) => void delete props(t, 'RelayLogGroup').RetentionInDays,
      /relay log group has no RetentionInDays/,
    ],
    [
      'logs to the default group',
      (t) => void delete props(t, 'RelayFunction').LoggingConfig,
      /LoggingConfig\.LogGroup is not the stack-owned log group/,
    ],
    [
      'logs on every group',
      (t) => void (relayStatements(t)[0]!.Resource = '*'),
      /logs on \["\*"\], expected its own log group only/,
    ],
    [
      'any secret readable',
      (t) => void (relayStatements(t)[1]!.Resource = '*'),
      /GetSecretValue on \["\*"\], expected its own secret only/,
    ],
    [
      'the InvokeFunctionUrl permission removed',
      (t) => void delete t.Resources.RelayUrlInvokePermission,
      /missing lambda:InvokeFunctionUrl permission/,
    ],
    [
      'the InvokeFunction permission removed',
      (t) => void delete t.Resources.RelayFunctionInvokePermission,
      /missing lambda:InvokeFunction permission .*InvokedViaFunctionUrl true/,
    ],
    [
      'InvokedViaFunctionUrl dropped (public invoke of the function itself)',
      (t) => void delete props(t, 'RelayFunctionInvokePermission').InvokedViaFunctionUrl,
      /missing lambda:InvokeFunction permission/,
    ],
    [
      'the secret JSON missing a key',
      (t) => {
        props(t, 'RelaySecret').SecretString = {
          'Fn::Sub':
            '{"SLACK_SIGNING_SECRET":"${RelaySlackSigningSecret}","GITHUB_TOKEN":"${RelayGitHubToken}"}',
        };
      },
      /relay secret holds .* with other values than the parameters/,
    ],
    [
      'Node 20',
      (t) => void (props(t, 'RelayFunction').Runtime = 'nodejs20.x'),
      /relay Runtime "nodejs20.x", expected nodejs24.x/,
    ],
  ];
  it('relay: the GitHub App key in a plain environment variable (one-line form) is caught', () => {
    const appScenario = scenarios[2]!;
    const copy = structuredClone(template);
    ((props(copy, 'RelayFunction').Environment as JsonObject).Variables as JsonObject).APP_KEY = {
      Ref: 'RelayGitHubAppPrivateKey',
    };
    const violations = relayViolations(
      evaluateTemplate(copy, appScenario.parameters),
      secretsOf(appScenario.parameters),
    );
    expect(violations).toContain('relay Environment APP_KEY contains the value of GITHUB_APP_PRIVATE_KEY');
  });

  it.each(relay)('relay: %s', (_, change, message) => {
    expect(relayViolations(mutate(change), secretsOf(relayScenario.parameters))).toContainEqual(
      expect.stringMatching(message),
    );
  });

  it('teardown: a Retain policy is caught', () => {
    const copy = structuredClone(template);
    copy.Resources.RelayLogGroup!.DeletionPolicy = 'Retain';
    copy.Resources.RelaySecret!.UpdateReplacePolicy = 'Snapshot';
    expect(teardownViolations(copy)).toEqual([
      'RelaySecret.UpdateReplacePolicy: "Snapshot" would leave it behind',
      'RelayLogGroup.DeletionPolicy: "Retain" would leave it behind',
    ]);
  });
});
