// Names a stack gives its resources that must be unique in one AWS account (and region): what two
// stacks of infra/cache-purge.yml side by side must not share. Read from the stack CloudFormation would
// create (evaluateTemplate).

import type { EvaluatedStack } from './cloudformation.js';

/** The property that would fix the name of the template's other resource types. */
export const FIXED_NAME: Record<string, string> = {
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
};

/** Names that must be unique in one account and region, and where a stack sets them itself. */
export function accountNames(stack: EvaluatedStack): string[] {
  const names: string[] = [];
  for (const [id, resource] of Object.entries(stack.resources)) {
    const p = resource.Properties;
    switch (resource.Type) {
      case 'AWS::SSM::Document':
        names.push(`ssm document ${String(p.Name)}`);
        break;
      case 'AWS::IAM::Role':
        if (p.RoleName !== undefined) names.push(`iam role ${String(p.RoleName)}`);
        break;
      case 'AWS::IAM::OIDCProvider':
        names.push(`oidc provider ${String(p.Url)}`);
        break;
      default: {
        // every other resource gets a generated name (stack name + logical id + random), unique unless
        // the template fixes one with its name property
        const key = FIXED_NAME[resource.Type];
        if (key !== undefined && p[key] !== undefined) names.push(`${id} ${key} ${String(p[key])}`);
      }
    }
  }
  return names;
}
/** The account-wide names two stacks share (empty: they can live side by side). */
export const clashes = (a: EvaluatedStack, b: EvaluatedStack) =>
  accountNames(a).filter((n) => accountNames(b).includes(n));
