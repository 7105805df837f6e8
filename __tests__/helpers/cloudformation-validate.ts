// validateTemplate: a template checked as CloudFormation would before creating anything — its
// sections and their keys, parameter types and patterns, every resource type and attribute against the
// resource specification (cloudformation-spec.ts), its properties (cloudformation-property-types.ts),
// and every Ref/GetAtt/Sub/Condition/DependsOn target (cloudformation-references.ts); unused
// parameters and conditions are problems too.

import { PropertyTypes } from './cloudformation-property-types.js';
import { TemplateReferences } from './cloudformation-references.js';
import { loadSpec, type Spec } from './cloudformation-spec.js';
import {
  isObject,
  type JsonObject,
  type ResourceDefinition,
  type Template,
} from './cloudformation-template.js';

const TEMPLATE_KEYS = new Set([
  'AWSTemplateFormatVersion',
  'Description',
  'Metadata',
  'Parameters',
  'Rules',
  'Mappings',
  'Conditions',
  'Transform',
  'Resources',
  'Outputs',
]);
const PARAMETER_KEYS = new Set([
  'Type',
  'Default',
  'Description',
  'AllowedValues',
  'AllowedPattern',
  'ConstraintDescription',
  'MaxLength',
  'MinLength',
  'MaxValue',
  'MinValue',
  'NoEcho',
]);
const PARAMETER_TYPES =
  /^(String|Number|CommaDelimitedList|List<Number>|AWS::[A-Za-z0-9:]+|List<AWS::[A-Za-z0-9:]+>|AWS::SSM::Parameter::Value<.+>)$/;
const RESOURCE_KEYS = new Set([
  'Type',
  'Properties',
  'Condition',
  'DependsOn',
  'DeletionPolicy',
  'UpdateReplacePolicy',
  'Metadata',
  'CreationPolicy',
  'UpdatePolicy',
]);
const OUTPUT_KEYS = new Set(['Description', 'Value', 'Export', 'Condition']);

class Validator extends TemplateReferences {
  private readonly propertyTypes = new PropertyTypes(this.spec, this.parameters, (path, message) =>
    this.error(path, message),
  );

  run(): string[] {
    const t = this.template;
    for (const key of Object.keys(t))
      if (!TEMPLATE_KEYS.has(key)) this.error(key, 'unknown top-level section');
    if (t.AWSTemplateFormatVersion !== undefined && t.AWSTemplateFormatVersion !== '2010-09-09') {
      this.error('AWSTemplateFormatVersion', 'must be "2010-09-09"');
    }
    if (!isObject(t.Resources) || Object.keys(t.Resources).length === 0)
      this.error('Resources', 'missing or empty');
    for (const [name, parameter] of Object.entries(this.parameters)) this.checkParameter(name, parameter);
    for (const [name, expression] of Object.entries(this.conditions)) {
      this.walk(expression, `Conditions.${name}`, 'Conditions');
    }
    for (const [name, rule] of Object.entries(t.Rules ?? {})) {
      for (const key of Object.keys(rule)) {
        if (key !== 'RuleCondition' && key !== 'Assertions')
          this.error(`Rules.${name}.${key}`, 'unknown key');
      }
      if (rule.RuleCondition !== undefined)
        this.walk(rule.RuleCondition, `Rules.${name}.RuleCondition`, 'Rules');
      const assertions = rule.Assertions;
      if (!Array.isArray(assertions) || assertions.length === 0)
        this.error(`Rules.${name}`, 'needs Assertions');
      else
        assertions.forEach((a, i) => {
          if (!isObject(a) || a.Assert === undefined)
            this.error(`Rules.${name}.Assertions[${i}]`, 'needs Assert');
          else this.walk(a.Assert, `Rules.${name}.Assertions[${i}].Assert`, 'Rules');
        });
    }
    for (const [id, resource] of Object.entries(t.Resources ?? {})) this.checkResource(id, resource);
    for (const [name, output] of Object.entries(t.Outputs ?? {})) {
      const path = `Outputs.${name}`;
      for (const key of Object.keys(output))
        if (!OUTPUT_KEYS.has(key)) this.error(`${path}.${key}`, 'unknown key');
      if (output.Value === undefined) this.error(path, 'has no Value');
      if (output.Condition !== undefined) this.useCondition(output.Condition, `${path}.Condition`);
      this.walk(output.Value ?? null, `${path}.Value`, 'Outputs');
      if (output.Export !== undefined) this.walk(output.Export, `${path}.Export`, 'Outputs');
    }
    for (const name of Object.keys(this.parameters)) {
      if (!this.usedParameters.has(name)) this.error(`Parameters.${name}`, 'is never used');
    }
    for (const name of Object.keys(this.conditions)) {
      if (!this.usedConditions.has(name)) this.error(`Conditions.${name}`, 'is never used');
    }
    return this.errors;
  }

  private checkParameter(name: string, parameter: JsonObject): void {
    const path = `Parameters.${name}`;
    for (const key of Object.keys(parameter))
      if (!PARAMETER_KEYS.has(key)) this.error(`${path}.${key}`, 'unknown key');
    if (typeof parameter.Type !== 'string' || !PARAMETER_TYPES.test(parameter.Type)) {
      this.error(`${path}.Type`, `unknown parameter type ${JSON.stringify(parameter.Type)}`);
    }
    if (parameter.AllowedPattern !== undefined) {
      if (typeof parameter.AllowedPattern !== 'string')
        this.error(`${path}.AllowedPattern`, 'must be a string');
      else
        try {
          new RegExp(parameter.AllowedPattern);
        } catch (error) {
          this.error(
            `${path}.AllowedPattern`,
            `is not a valid regular expression: ${(error as Error).message}`,
          );
        }
    }
    if (
      parameter.NoEcho !== undefined &&
      typeof parameter.NoEcho !== 'boolean' &&
      parameter.NoEcho !== 'true'
    ) {
      this.error(`${path}.NoEcho`, 'must be true or false');
    }
  }

  private checkResource(id: string, resource: ResourceDefinition): void {
    const path = `Resources.${id}`;
    if (!/^[A-Za-z0-9]+$/.test(id)) this.error(path, 'logical ids are letters and digits only');
    if (!isObject(resource)) {
      this.error(path, 'must be a mapping');
      return;
    }
    for (const key of Object.keys(resource))
      if (!RESOURCE_KEYS.has(key)) this.error(`${path}.${key}`, 'unknown resource attribute');
    if (resource.Condition !== undefined) this.useCondition(resource.Condition, `${path}.Condition`);
    for (const dependency of [resource.DependsOn ?? []].flat()) {
      if (typeof dependency !== 'string' || !(dependency in this.template.Resources)) {
        this.error(`${path}.DependsOn`, `names no resource: ${JSON.stringify(dependency)}`);
      }
    }
    for (const policy of ['DeletionPolicy', 'UpdateReplacePolicy'] as const) {
      const value = resource[policy];
      if (value !== undefined && !['Delete', 'Retain', 'RetainExceptOnCreate', 'Snapshot'].includes(value)) {
        this.error(`${path}.${policy}`, `unknown policy ${JSON.stringify(value)}`);
      }
    }
    // A custom resource (Custom::Name) takes a ServiceToken and any other properties, which go to its
    // function as they are.
    if (/^Custom::[A-Za-z0-9_@-]{1,60}$/.test(resource.Type)) {
      const properties = resource.Properties ?? {};
      if (!isObject(properties) || properties.ServiceToken === undefined)
        this.error(`${path}.Properties`, `${resource.Type} requires property ServiceToken`);
      else this.walk(properties, `${path}.Properties`, 'Resources');
      return;
    }
    const spec = this.spec.resources.get(resource.Type);
    if (!spec) {
      this.error(`${path}.Type`, `unknown resource type ${JSON.stringify(resource.Type)}`);
      return;
    }
    const properties = resource.Properties ?? {};
    if (!isObject(properties)) {
      this.error(`${path}.Properties`, 'must be a mapping');
      return;
    }
    this.walk(properties, `${path}.Properties`, 'Resources');
    this.propertyTypes.checkObject(properties, spec.properties, `${path}.Properties`, resource.Type);
  }
}

/** Every problem found, each as "path: message"; empty when the template is valid. */
export function validateTemplate(template: Template, spec: Spec = loadSpec()): string[] {
  return new Validator(template, spec).run();
}
