// The security rules of infra/cache-purge.yml, checked on the stack CloudFormation would create
// (evaluateTemplate) for given parameters. Each check returns the list of violations (empty = good),
// so the tests can show both that the real template passes and that a mutated one fails.

import {
  ACCOUNT,
  REGION,
  isObject,
  type EvaluatedStack,
  type Json,
  type JsonObject,
  type Template,
} from './cloudformation.js';

// One list each, owned where it is defined: the documents by the document runner, the secret's keys by
// the relay's secret (core/relay-secret.ts).
export { DOCUMENT_NAMES } from './ssm-document-runner.js';
export { RELAY_SECRET_KEYS } from '../../src/relay/core/relay-secret.js';
import { DOCUMENT_NAMES } from './ssm-document-runner.js';
import { subjectViolations } from './oidc-subjects.js';
import { RELAY_SECRET_KEYS } from '../../src/relay/core/relay-secret.js';
const OIDC_HOST = 'token.actions.githubusercontent.com';
const FOLLOW_ACTIONS = [
  'ssm:ListCommands',
  'ssm:ListCommandInvocations',
  'ssm:GetCommandInvocation',
  'ssm:CancelCommand',
];
const CLOUDFRONT_ACTIONS = ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation'];

export interface Statement {
  Sid?: string;
  Effect?: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: Json;
  Condition?: JsonObject;
}

export interface PolicyDocumentAt {
  where: string;
  statements: Statement[];
}

const list = (value: string | string[] | undefined): string[] => (value === undefined ? [] : [value].flat());

/**
 * Every IAM policy document in the stack (trust policies, inline and standalone policies), parsed when
 * given as a JSON string; a string that is not valid JSON is reported as a violation.
 */
export function policyDocuments(stack: EvaluatedStack): {
  documents: PolicyDocumentAt[];
  violations: string[];
} {
  const documents: PolicyDocumentAt[] = [];
  const violations: string[] = [];
  const add = (where: string, raw: Json | undefined) => {
    if (raw === undefined) return;
    let document: Json = raw;
    if (typeof raw === 'string') {
      try {
        document = JSON.parse(raw) as Json;
      } catch (error) {
        violations.push(
          `${where}: policy is not valid JSON after substitution (${(error as Error).message})`,
        );
        return;
      }
    }
    if (!isObject(document) || document.Version !== '2012-10-17') {
      violations.push(`${where}: policy must be an object with Version 2012-10-17`);
      return;
    }
    const statements = [document.Statement ?? []].flat() as Statement[];
    documents.push({ where, statements });
  };
  for (const [id, resource] of Object.entries(stack.resources)) {
    const p = resource.Properties;
    if (resource.Type === 'AWS::IAM::Role') {
      add(`${id}.AssumeRolePolicyDocument`, p.AssumeRolePolicyDocument);
      for (const policy of (p.Policies ?? []) as JsonObject[])
        add(`${id}.Policies.${String(policy.PolicyName)}`, policy.PolicyDocument);
    }
    if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy')
      add(`${id}.PolicyDocument`, p.PolicyDocument);
  }
  return { documents, violations };
}

/** No action with a wildcard anywhere (policies and Lambda permissions), and no NotAction/NotResource. */
export function wildcardActionViolations(stack: EvaluatedStack): string[] {
  const { documents, violations } = policyDocuments(stack);
  for (const { where, statements } of documents) {
    statements.forEach((statement, i) => {
      const at = `${where}.Statement[${i}]${statement.Sid ? ` (${statement.Sid})` : ''}`;
      if (statement.NotAction !== undefined) violations.push(`${at}: NotAction grants everything else`);
      if (statement.NotResource !== undefined) violations.push(`${at}: NotResource grants everything else`);
      if (list(statement.Action).length === 0 && statement.NotAction === undefined)
        violations.push(`${at}: no Action`);
      for (const action of list(statement.Action)) {
        if (action.includes('*')) violations.push(`${at}: wildcard action ${JSON.stringify(action)}`);
      }
    });
  }
  for (const [id, resource] of Object.entries(stack.resources)) {
    if (resource.Type === 'AWS::Lambda::Permission' && String(resource.Properties.Action).includes('*')) {
      violations.push(`${id}: wildcard action ${JSON.stringify(resource.Properties.Action)}`);
    }
  }
  return violations;
}

export interface PurgeRoleExpectations {
  owner: string;
  repository: string;
  branch?: string;
  environment?: string;
  createProvider: boolean;
  tagKey: string;
  tagValue: string;
  distributionIds: string[];
  /** ExtraDocumentNames: documents of the user's own the role may also run. */
  extraDocuments?: string[];
  /** ExtraGitHubRepositories: the exact OIDC subjects the role must trust besides the main one. */
  extraSubjects?: string[];
  /** NamePrefix: the documents are `<prefix>CachePurge-…`, the role `<prefix>CachePurge-Purge-<region>`. */
  namePrefix?: string;
}

/** The stack the infra tests deploy by default: acme/website on main, the provider created, no extras. */
export const ACME_WEBSITE_STACK = {
  parameters: { GitHubOwner: 'acme', GitHubRepository: 'website' },
  expected: {
    owner: 'acme',
    repository: 'website',
    branch: 'main',
    createProvider: true,
    tagKey: 'CachePurge',
    tagValue: 'true',
    distributionIds: [],
  } satisfies PurgeRoleExpectations as PurgeRoleExpectations,
};

/** The subject the main parameters give (GitHubOwner/GitHubRepository with the branch or environment). */
export function mainSubject(expected: PurgeRoleExpectations): string {
  return expected.environment
    ? `repo:${expected.owner}/${expected.repository}:environment:${expected.environment}`
    : `repo:${expected.owner}/${expected.repository}:ref:refs/heads/${expected.branch ?? 'main'}`;
}

/** The purge role's name: chosen with a prefix, generated by CloudFormation without. */
export function purgeRoleName(expected: Pick<PurgeRoleExpectations, 'namePrefix'>): string {
  return expected.namePrefix
    ? `${expected.namePrefix}CachePurge-Purge-${REGION}`
    : 'cache-purge-PurgeRole-1A2B3C4D5E6F';
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
}

/** The purge role: pinned OIDC trust, 1 h sessions, and exactly the least-privilege grants. */
export function purgeRoleViolations(stack: EvaluatedStack, expected: PurgeRoleExpectations): string[] {
  const violations: string[] = [];
  const role = stack.resources.PurgeRole;
  if (!role || role.Type !== 'AWS::IAM::Role') return ['PurgeRole: missing'];
  const roleName = purgeRoleName(expected);

  if (role.Properties.MaxSessionDuration !== 3600) {
    violations.push(
      `PurgeRole.MaxSessionDuration: ${JSON.stringify(role.Properties.MaxSessionDuration)}, expected 3600 (1 h)`,
    );
  }

  // Trust: one statement, the GitHub OIDC provider, aud and the pinned sub, exact matches only.
  const providerArn = `arn:aws:iam::${ACCOUNT}:oidc-provider/${OIDC_HOST}`;
  const providers = Object.entries(stack.resources).filter(([, r]) => r.Type === 'AWS::IAM::OIDCProvider');
  if (expected.createProvider) {
    const provider = providers[0]?.[1];
    if (providers.length !== 1 || !provider) violations.push('OIDC provider: expected exactly one');
    else {
      if (provider.Properties.Url !== `https://${OIDC_HOST}`)
        violations.push(`OIDC provider Url: ${JSON.stringify(provider.Properties.Url)}`);
      if (JSON.stringify(provider.Properties.ClientIdList) !== JSON.stringify(['sts.amazonaws.com'])) {
        violations.push(
          `OIDC provider ClientIdList: ${JSON.stringify(provider.Properties.ClientIdList)}, expected [sts.amazonaws.com]`,
        );
      }
    }
  } else if (providers.length > 0)
    violations.push('OIDC provider: created although CreateGitHubOidcProvider=false');

  const subjects = [mainSubject(expected), ...(expected.extraSubjects ?? [])];
  const trust = role.Properties.AssumeRolePolicyDocument as { Statement?: Statement[] } | undefined;
  const trustStatements = [trust?.Statement ?? []].flat();
  if (trustStatements.length !== 1)
    violations.push(`PurgeRole trust: ${trustStatements.length} statements, expected 1`);
  for (const statement of trustStatements) {
    if (statement.Effect !== 'Allow') violations.push('PurgeRole trust: Effect must be Allow');
    if (!sameSet(list(statement.Action), ['sts:AssumeRoleWithWebIdentity'])) {
      violations.push(
        `PurgeRole trust: Action ${JSON.stringify(statement.Action)}, expected sts:AssumeRoleWithWebIdentity only`,
      );
    }
    if (JSON.stringify(statement.Principal) !== JSON.stringify({ Federated: providerArn })) {
      violations.push(
        `PurgeRole trust: Principal ${JSON.stringify(statement.Principal)}, expected the GitHub OIDC provider ${providerArn}`,
      );
    }
    const condition = statement.Condition ?? {};
    if (!sameSet(Object.keys(condition), ['StringEquals'])) {
      violations.push(
        `PurgeRole trust: Condition operators ${JSON.stringify(Object.keys(condition))}, expected StringEquals only (no StringLike wildcards)`,
      );
    }
    const equals = (condition.StringEquals ?? {}) as JsonObject;
    const keys = [`${OIDC_HOST}:aud`, `${OIDC_HOST}:sub`];
    if (!sameSet(Object.keys(equals), keys) || equals[`${OIDC_HOST}:aud`] !== 'sts.amazonaws.com') {
      violations.push(
        `PurgeRole trust: StringEquals ${JSON.stringify(equals)}, expected exactly aud sts.amazonaws.com and sub ${JSON.stringify(subjects)}`,
      );
    }
    violations.push(...subjectViolations(equals[`${OIDC_HOST}:sub`], subjects));
  }

  // Permissions: every statement attached to the role, inline or standalone.
  const { documents, violations: parseViolations } = policyDocuments(stack);
  violations.push(...parseViolations);
  const attached = documents.filter(({ where }) => {
    if (where.startsWith('PurgeRole.Policies.')) return true;
    const id = where.split('.')[0]!;
    const resource = stack.resources[id];
    return (
      (resource?.Type === 'AWS::IAM::Policy' || resource?.Type === 'AWS::IAM::ManagedPolicy') &&
      list(resource.Properties.Roles as string[] | undefined).includes(roleName)
    );
  });
  const prefixed = DOCUMENT_NAMES.map((name) => `${expected.namePrefix ?? ''}${name}`);
  const documentArns = [...prefixed, ...(expected.extraDocuments ?? [])].map(
    (name) => `arn:aws:ssm:${REGION}:${ACCOUNT}:document/${name}`,
  );
  const ownDocumentArns = prefixed.map((name) => `arn:aws:ssm:${REGION}:${ACCOUNT}:document/${name}`);
  const readDocuments: string[] = [];
  const instanceArn = `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/*`;
  const distributionArns = expected.distributionIds.map(
    (id) => `arn:aws:cloudfront::${ACCOUNT}:distribution/${id}`,
  );
  const grantedDocuments: string[] = [];
  const grantedDistributions: string[] = [];
  const grantedFollow: string[] = [];
  let taggedInstances = false;

  for (const { where, statements } of attached) {
    statements.forEach((statement, i) => {
      const at = `${where}.Statement[${i}]${statement.Sid ? ` (${statement.Sid})` : ''}`;
      const actions = list(statement.Action);
      const resources = list(statement.Resource);
      if (statement.Effect !== 'Allow') return; // a Deny only narrows
      if (actions.every((a) => a === 'ssm:SendCommand')) {
        if (statement.Condition === undefined) {
          for (const resource of resources) {
            if (documentArns.includes(resource)) grantedDocuments.push(resource);
            else
              violations.push(
                `${at}: ssm:SendCommand without the tag condition on ${resource} (only our documents and the given extra ones may go unconditioned)`,
              );
          }
        } else {
          const wantedCondition = {
            StringEquals: { [`ssm:resourceTag/${expected.tagKey}`]: expected.tagValue },
          };
          if (JSON.stringify(statement.Condition) !== JSON.stringify(wantedCondition)) {
            violations.push(
              `${at}: condition ${JSON.stringify(statement.Condition)}, expected ${JSON.stringify(wantedCondition)}`,
            );
          } else if (!sameSet(resources, [instanceArn])) {
            violations.push(
              `${at}: tag-conditioned SendCommand on ${JSON.stringify(resources)}, expected EC2 instances only (${instanceArn})`,
            );
          } else taggedInstances = true;
        }
        return;
      }
      if (actions.every((a) => a === 'ssm:GetDocument')) {
        // read-only, and only the stack's own documents: the action reads their roots before a run
        if (statement.Condition !== undefined)
          violations.push(`${at}: unexpected condition on ssm:GetDocument`);
        for (const resource of resources) {
          if (ownDocumentArns.includes(resource)) readDocuments.push(resource);
          else
            violations.push(
              `${at}: ssm:GetDocument on ${resource}, which is not one of the stack's documents`,
            );
        }
        return;
      }
      if (actions.every((a) => FOLLOW_ACTIONS.includes(a))) {
        grantedFollow.push(...actions);
        return;
      }
      if (actions.every((a) => CLOUDFRONT_ACTIONS.includes(a))) {
        if (statement.Condition !== undefined) violations.push(`${at}: unexpected condition on CloudFront`);
        if (!sameSet(actions, CLOUDFRONT_ACTIONS))
          violations.push(
            `${at}: CloudFront actions ${JSON.stringify(actions)}, expected CreateInvalidation and GetInvalidation`,
          );
        for (const resource of resources) {
          if (distributionArns.includes(resource)) grantedDistributions.push(resource);
          else
            violations.push(
              `${at}: CloudFront on ${JSON.stringify(resource)}, which is not one of the given distributions`,
            );
        }
        return;
      }
      violations.push(`${at}: unexpected actions ${JSON.stringify(actions)}`);
    });
  }
  if (!sameSet([...new Set(grantedDocuments)], documentArns)) {
    violations.push(
      `ssm:SendCommand documents ${JSON.stringify([...new Set(grantedDocuments)])}, expected exactly ${JSON.stringify(documentArns)}`,
    );
  }
  if (!taggedInstances) violations.push('ssm:SendCommand: no statement for the tagged instances');
  if (!sameSet([...new Set(readDocuments)], ownDocumentArns)) {
    violations.push(
      `ssm:GetDocument documents ${JSON.stringify([...new Set(readDocuments)])}, expected exactly ${JSON.stringify(ownDocumentArns)}`,
    );
  }
  if (!sameSet([...new Set(grantedFollow)], FOLLOW_ACTIONS)) {
    violations.push(
      `follow/cancel actions ${JSON.stringify([...new Set(grantedFollow)])}, expected ${JSON.stringify(FOLLOW_ACTIONS)}`,
    );
  }
  if (!sameSet([...new Set(grantedDistributions)], distributionArns)) {
    violations.push(
      `CloudFront distributions ${JSON.stringify([...new Set(grantedDistributions)])}, expected exactly ${JSON.stringify(distributionArns)}`,
    );
  }
  return violations;
}

/** The relay, when deployed: secrets only in Secrets Manager, tight timeout, own logs, both URL permissions. */
export function relayViolations(
  stack: EvaluatedStack,
  secretValues: Partial<Record<(typeof RELAY_SECRET_KEYS)[number], string>>,
): string[] {
  const violations: string[] = [];
  const byType = (type: string) => Object.entries(stack.resources).filter(([, r]) => r.Type === type);
  // The functions behind custom resources (OldDocumentVersions) are not the relay.
  const serviceTokens = Object.values(stack.resources)
    .filter((r) => r.Type.startsWith('Custom::'))
    .map((r) => r.Properties.ServiceToken);
  const functions = byType('AWS::Lambda::Function').filter(
    ([id]) =>
      !serviceTokens.includes(`arn:aws:lambda:${REGION}:${ACCOUNT}:function:cache-purge-${id}-1A2B3C4D5E6F`),
  );
  if (functions.length !== 1) return [`relay: ${functions.length} Lambda functions, expected 1`];
  const [functionId, fn] = functions[0]!;
  const p = fn.Properties;
  if (p.Runtime !== 'nodejs24.x')
    violations.push(`relay Runtime ${JSON.stringify(p.Runtime)}, expected nodejs24.x`);
  if (p.Handler !== 'lambda.handler')
    violations.push(`relay Handler ${JSON.stringify(p.Handler)}, expected lambda.handler`);
  if (typeof p.Timeout !== 'number' || p.Timeout > 5)
    violations.push(`relay Timeout ${JSON.stringify(p.Timeout)}, expected at most 5 s`);

  // Secrets: never in the function's environment, only in the secret; the function gets its ARN.
  const secrets = byType('AWS::SecretsManager::Secret');
  const variables = ((p.Environment as JsonObject | undefined)?.Variables ?? {}) as Record<string, Json>;
  for (const key of RELAY_SECRET_KEYS) {
    if (key in variables) violations.push(`relay Environment has the secret ${key} in plain text`);
  }
  for (const [key, value] of Object.entries(secretValues)) {
    if (!value) continue;
    // As stored (a PEM with line breaks) and as given in the parameter (one line, \n escapes).
    const forms = [value, value.replace(/\n/g, '\\n')];
    for (const [name, variable] of Object.entries(variables)) {
      if (forms.some((form) => String(variable).includes(form))) {
        violations.push(`relay Environment ${name} contains the value of ${key}`);
      }
    }
    if (forms.some((form) => JSON.stringify(p).includes(JSON.stringify(form).slice(1, -1)))) {
      violations.push(`relay function properties contain the value of ${key}`);
    }
  }
  if (secrets.length !== 1) violations.push(`relay: ${secrets.length} secrets, expected 1`);
  else {
    const [secretId, secret] = secrets[0]!;
    const secretArn = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${secretId}-AbCdEf`;
    if (variables.RELAY_SECRETS_ARN !== secretArn)
      violations.push(
        `relay RELAY_SECRETS_ARN ${JSON.stringify(variables.RELAY_SECRETS_ARN)}, expected the secret's ARN`,
      );
    try {
      const stored = JSON.parse(String(secret.Properties.SecretString)) as Record<string, string>;
      const expectedStored = Object.fromEntries(
        RELAY_SECRET_KEYS.map((key) => [key, secretValues[key] ?? '']),
      );
      if (JSON.stringify(stored) !== JSON.stringify(expectedStored)) {
        violations.push(
          `relay secret holds ${JSON.stringify(Object.keys(stored))} with other values than the parameters`,
        );
      }
    } catch (error) {
      violations.push(`relay SecretString is not valid JSON (${(error as Error).message})`);
    }

    // Execution role: its own log group and its own secret, nothing else.
    const roleArn = String(p.Role);
    const roleEntry = Object.entries(stack.resources).find(
      ([id, r]) => r.Type === 'AWS::IAM::Role' && roleArn.endsWith(`/cache-purge-${id}-1A2B3C4D5E6F`),
    );
    const logGroups = byType('AWS::Logs::LogGroup');
    const logGroup = logGroups[0];
    if (logGroups.length !== 1 || !logGroup)
      violations.push(`relay: ${logGroups.length} log groups, expected 1 owned by the stack`);
    else {
      const [logGroupId, group] = logGroup;
      if (
        typeof group.Properties.RetentionInDays !== 'string' &&
        typeof group.Properties.RetentionInDays !== 'number'
      ) {
        violations.push('relay log group has no RetentionInDays');
      }
      const logGroupName = `cache-purge-${logGroupId}-1A2B3C4D5E6F`;
      if ((p.LoggingConfig as JsonObject | undefined)?.LogGroup !== logGroupName) {
        violations.push('relay LoggingConfig.LogGroup is not the stack-owned log group');
      }
      if (!roleEntry) violations.push('relay execution role: not created by this stack');
      else {
        const [roleId, role] = roleEntry;
        const trust = JSON.stringify(role.Properties.AssumeRolePolicyDocument);
        if (!trust.includes('"Service":"lambda.amazonaws.com"') || !trust.includes('"sts:AssumeRole"')) {
          violations.push('relay execution role: must trust lambda.amazonaws.com only');
        }
        const logGroupArn = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${logGroupName}:*`;
        const { documents } = policyDocuments(stack);
        for (const { where, statements } of documents.filter((d) =>
          d.where.startsWith(`${roleId}.Policies.`),
        )) {
          statements.forEach((statement, i) => {
            const at = `${where}.Statement[${i}]`;
            const actions = list(statement.Action);
            const resources = list(statement.Resource);
            if (actions.every((a) => a === 'logs:CreateLogStream' || a === 'logs:PutLogEvents')) {
              if (!sameSet(resources, [logGroupArn]))
                violations.push(
                  `${at}: logs on ${JSON.stringify(resources)}, expected its own log group only`,
                );
            } else if (actions.every((a) => a === 'secretsmanager:GetSecretValue')) {
              if (!sameSet(resources, [secretArn]))
                violations.push(
                  `${at}: GetSecretValue on ${JSON.stringify(resources)}, expected its own secret only`,
                );
            } else violations.push(`${at}: unexpected actions ${JSON.stringify(actions)}`);
          });
        }
      }
    }
  }

  // The public function URL and BOTH resource-policy statements it needs.
  const functionName = `cache-purge-${functionId}-1A2B3C4D5E6F`;
  const functionArn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${functionName}`;
  const urls = byType('AWS::Lambda::Url');
  if (
    urls.length !== 1 ||
    urls[0]![1].Properties.AuthType !== 'NONE' ||
    urls[0]![1].Properties.TargetFunctionArn !== functionArn
  ) {
    violations.push('relay: expected one function URL with AuthType NONE on the relay function');
  }
  const permissions = byType('AWS::Lambda::Permission').map(([, r]) => r.Properties);
  const forFunction = permissions.filter(
    (perm) => perm.FunctionName === functionName || perm.FunctionName === functionArn,
  );
  const urlPermission = forFunction.find((perm) => perm.Action === 'lambda:InvokeFunctionUrl');
  const invokePermission = forFunction.find((perm) => perm.Action === 'lambda:InvokeFunction');
  if (!urlPermission || urlPermission.Principal !== '*' || urlPermission.FunctionUrlAuthType !== 'NONE') {
    violations.push(
      'relay: missing lambda:InvokeFunctionUrl permission for Principal * with FunctionUrlAuthType NONE',
    );
  }
  if (
    !invokePermission ||
    invokePermission.Principal !== '*' ||
    invokePermission.InvokedViaFunctionUrl !== true
  ) {
    violations.push(
      'relay: missing lambda:InvokeFunction permission for Principal * with InvokedViaFunctionUrl true',
    );
  }
  if (forFunction.length !== 2)
    violations.push(`relay: ${forFunction.length} permissions on the function, expected exactly those 2`);
  if (!('RelayUrl' in stack.outputs)) violations.push('relay: no RelayUrl output');
  return violations;
}

/** Deleting the stack removes everything it made: no Retain/Snapshot policy on any resource. */
export function teardownViolations(template: Template): string[] {
  const violations: string[] = [];
  for (const [id, resource] of Object.entries(template.Resources)) {
    for (const policy of ['DeletionPolicy', 'UpdateReplacePolicy'] as const) {
      const value = resource[policy];
      if (value !== undefined && value !== 'Delete')
        violations.push(`${id}.${policy}: ${JSON.stringify(value)} would leave it behind`);
    }
  }
  return violations;
}
