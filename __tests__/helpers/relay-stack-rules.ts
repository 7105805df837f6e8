// The relay of infra/cache-purge.yml, when deployed, checked on the evaluated stack (for
// purge-stack-rules.ts): its secrets only in Secrets Manager, a tight timeout, its own log group and
// secret for its execution role, and the public function URL with both permissions it needs.

import { ACCOUNT, REGION, type EvaluatedStack, type Json, type JsonObject } from './cloudformation.js';
import { list, policyDocuments, sameSet } from './iam-policy-rules.js';
import { RELAY_SECRET_KEYS } from '../../src/relay/core/relay-secret.js';

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
