// Each security rule of infra/cache-purge.yml (helpers/purge-stack-rules.ts) shown to fail on a
// template mutated to break it: wildcard actions and broken policy JSON, the purge role's trust,
// sessions and grants, the relay's secrets, timeout, logs and URL permissions, and teardown.

import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateTemplate, type Json, type JsonObject, type Template } from './helpers/cloudformation.js';
import {
  purgeRoleViolations,
  relayViolations,
  teardownViolations,
  wildcardActionViolations,
} from './helpers/purge-stack-rules.js';
import {
  cloudFrontStatement,
  editSsmJson,
  mutate as mutateTemplate,
  props,
  relayScenario,
  relayStatements,
  scenarios,
  secretsOf,
  stackTemplate,
} from './helpers/infra-policy-fixtures.js';

let template: Template;
beforeAll(() => {
  template = stackTemplate();
});

describe('each rule fails on a template mutated to break it (negative tests)', () => {
  const mutate = (change: (t: Template) => void) => mutateTemplate(template, change);

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
