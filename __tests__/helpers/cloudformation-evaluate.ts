// evaluateTemplate: what CloudFormation would create for given parameter values — parameter
// constraints and Rules enforced, resources and outputs whose condition is false left out, every
// value resolved (cloudformation-intrinsics.ts) — so the infra tests can assert on the final IAM
// policies.

import { stackResolver } from './cloudformation-intrinsics.js';
import { LIST_PARAMETER, type Json, type JsonObject, type Template } from './cloudformation-template.js';

export { ACCOUNT, REGION, STACK } from './cloudformation-intrinsics.js';

export interface EvaluatedResource {
  Type: string;
  Properties: JsonObject;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

export interface EvaluatedStack {
  parameters: Record<string, string | string[]>;
  conditions: Record<string, boolean>;
  resources: Record<string, EvaluatedResource>;
  outputs: Record<string, Json>;
}

export class TemplateEvaluationError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

/**
 * What the stack would contain for these parameter values, as CloudFormation evaluates it: parameter
 * constraints and Rules are enforced (TemplateEvaluationError lists each failure), resources whose
 * condition is false are left out, intrinsic functions are resolved, AWS::NoValue removes the
 * property or list item. Resource references resolve to stable placeholders (names, ARNs, URLs).
 */
export function evaluateTemplate(template: Template, given: Record<string, string>): EvaluatedStack {
  const problems: string[] = [];
  const declared = template.Parameters ?? {};
  for (const name of Object.keys(given))
    if (!(name in declared)) problems.push(`parameter ${name} is not declared`);

  const parameters: Record<string, string | string[]> = {};
  for (const [name, definition] of Object.entries(declared)) {
    const raw = given[name] ?? (definition.Default === undefined ? undefined : String(definition.Default));
    if (raw === undefined) {
      problems.push(`parameter ${name} has no value and no default`);
      continue;
    }
    const type = String(definition.Type);
    const list = LIST_PARAMETER.test(type);
    const values = list ? raw.split(',') : [raw];
    for (const value of values) {
      if (
        typeof definition.AllowedPattern === 'string' &&
        !new RegExp(`^(?:${definition.AllowedPattern})$`).test(value)
      ) {
        problems.push(
          `parameter ${name}: ${JSON.stringify(value)} does not match its AllowedPattern (${String(definition.ConstraintDescription ?? definition.AllowedPattern)})`,
        );
      }
      if (Array.isArray(definition.AllowedValues) && !definition.AllowedValues.map(String).includes(value)) {
        problems.push(`parameter ${name}: ${JSON.stringify(value)} is not one of its AllowedValues`);
      }
      if (type === 'Number' && (value.trim() === '' || Number.isNaN(Number(value)))) {
        problems.push(`parameter ${name}: ${JSON.stringify(value)} is not a number`);
      }
    }
    if (typeof definition.MaxLength === 'number' && raw.length > definition.MaxLength) {
      problems.push(`parameter ${name} is longer than ${definition.MaxLength}`);
    }
    parameters[name] = list ? values : raw;
  }
  if (problems.length > 0) throw new TemplateEvaluationError(problems);

  const { resolve, condition, exists, conditions, conditionDefinitions } = stackResolver(
    template,
    parameters,
  );
  const resourcesIn = template.Resources;

  for (const [name, rule] of Object.entries(template.Rules ?? {})) {
    const applies = rule.RuleCondition === undefined || resolve(rule.RuleCondition, 'condition') === true;
    if (!applies) continue;
    for (const assertion of (rule.Assertions ?? []) as JsonObject[]) {
      if (resolve(assertion.Assert!, 'condition') !== true) {
        problems.push(`rule ${name}: ${String(assertion.AssertDescription ?? 'assertion failed')}`);
      }
    }
  }
  if (problems.length > 0) throw new TemplateEvaluationError(problems);

  for (const name of Object.keys(conditionDefinitions)) condition(name);

  const resources: Record<string, EvaluatedResource> = {};
  for (const [id, resource] of Object.entries(resourcesIn)) {
    if (!exists(id)) continue;
    resources[id] = {
      Type: resource.Type,
      Properties: resolve(resource.Properties ?? {}, 'value') as JsonObject,
      ...(resource.DeletionPolicy !== undefined && { DeletionPolicy: resource.DeletionPolicy }),
      ...(resource.UpdateReplacePolicy !== undefined && {
        UpdateReplacePolicy: resource.UpdateReplacePolicy,
      }),
    };
  }
  const outputs: Record<string, Json> = {};
  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    if (output.Condition !== undefined && !condition(String(output.Condition))) continue;
    outputs[name] = resolve(output.Value!, 'value') as Json;
  }
  return { parameters, conditions, resources, outputs };
}
