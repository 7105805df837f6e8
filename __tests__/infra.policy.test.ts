// The security promises of infra/cache-purge.yml, checked on what CloudFormation would create for
// several parameter sets (helpers/infra-policy-fixtures.ts): the OIDC trust (aud + one pinned sub, 1 h
// sessions), least privilege (no `*` action anywhere; SendCommand only with our documents and only on
// tagged instances; CloudFront only on the given distributions), the relay (secrets only in Secrets
// Manager, ≤ 5 s, own logs with retention, both function URL permissions) and teardown (nothing
// retained). That each rule fails on a template mutated to break it: infra.policy-negative.test.ts.

import { beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, REGION, evaluateTemplate, type Template } from './helpers/cloudformation.js';
import {
  policyDocuments,
  purgeRoleViolations,
  relayViolations,
  teardownViolations,
  wildcardActionViolations,
} from './helpers/purge-stack-rules.js';
import { ELEVEN, scenarios, secretsOf, stackTemplate } from './helpers/infra-policy-fixtures.js';
import { documentKind } from '../src/action/sites-file/bundled-documents.js';

let template: Template;
beforeAll(() => {
  template = stackTemplate();
});

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
      // the action reads these as a NamePrefix'd or differently cased name in our family, and refuses them
      'Acme-CachePurge-Varnish',
      'cachepurge-mine',
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

  it('extra documents: the stack takes exactly the names a sites file may run as custom documents', () => {
    for (const name of [
      'Acme-VarnishBan',
      'Varnish.Ban_2',
      'Acme-CachePurge-Varnish',
      'cachepurge-mine',
      'CachePurge-Mine',
      'Blog-CachePurge-FastCGI',
      'my-cache-purge',
    ]) {
      const taken = (() => {
        try {
          evaluateTemplate(template, {
            GitHubOwner: 'acme',
            GitHubRepository: 'website',
            ExtraDocumentNames: name,
          });
          return true;
        } catch {
          return false;
        }
      })();
      expect(taken, name).toBe(documentKind(name).kind === 'custom');
    }
  });

  it('nothing has a Retain or Snapshot policy; the relay logs only to the log group the stack owns', () => {
    expect(teardownViolations(template)).toEqual([]);
    const stack = evaluateTemplate(template, scenarios[1]!.parameters);
    const grants = JSON.stringify(stack.resources.RelayExecutionRole!.Properties.Policies);
    expect(grants).not.toContain('logs:CreateLogGroup');
  });
});
