// Offline CloudFormation tooling for the tests of infra/cache-purge.yml:
//   - parseTemplate: YAML with the CloudFormation short tags (!Ref, !Sub, …) → the JSON form;
//   - validateTemplate: checks a template against the CloudFormation resource specification of the
//     npm package @aws-cdk/aws-service-spec (resource types, required/unknown properties, primitive and
//     nested types, allowed values) and checks every Ref/GetAtt/Sub/Condition/DependsOn target;
//   - evaluateTemplate: what CloudFormation would create for given parameter values (parameter
//     constraints, Rules, Conditions, intrinsic functions, AWS::NoValue), with stable placeholder
//     names and ARNs for resources, so tests can assert on the final IAM policies.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';
import { isAlias, isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Template {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Metadata?: JsonObject;
  Parameters?: Record<string, JsonObject>;
  Rules?: Record<string, JsonObject>;
  Mappings?: JsonObject;
  Conditions?: Record<string, Json>;
  Transform?: Json;
  Resources: Record<string, ResourceDefinition>;
  Outputs?: Record<string, JsonObject>;
}

export interface ResourceDefinition {
  Type: string;
  Properties?: JsonObject;
  Condition?: string;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Metadata?: JsonObject;
  [key: string]: Json | undefined;
}

// ---------------------------------------------------------------------------------------------------
// Parsing

const SHORT_TAGS: Record<string, string> = {
  '!Ref': 'Ref',
  '!Condition': 'Condition',
  '!Base64': 'Fn::Base64',
  '!Cidr': 'Fn::Cidr',
  '!FindInMap': 'Fn::FindInMap',
  '!GetAtt': 'Fn::GetAtt',
  '!GetAZs': 'Fn::GetAZs',
  '!ImportValue': 'Fn::ImportValue',
  '!Join': 'Fn::Join',
  '!Select': 'Fn::Select',
  '!Split': 'Fn::Split',
  '!Sub': 'Fn::Sub',
  '!Transform': 'Fn::Transform',
  '!And': 'Fn::And',
  '!Equals': 'Fn::Equals',
  '!If': 'Fn::If',
  '!Not': 'Fn::Not',
  '!Or': 'Fn::Or',
};

function toJson(node: Node | null): Json {
  if (node === null) return null;
  if (isAlias(node)) throw new Error('template uses a YAML alias; CloudFormation templates should not');
  let value: Json;
  if (isMap(node)) {
    const object: JsonObject = {};
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      object[key] = toJson(pair.value as Node | null);
    }
    value = object;
  } else if (isSeq(node)) {
    value = node.items.map((item) => toJson(item as Node | null));
  } else if (isScalar(node)) {
    value = node.value as Json;
  } else {
    throw new Error(`unexpected YAML node ${String(node)}`);
  }
  const tag = node.tag;
  if (tag === undefined || !tag.startsWith('!')) return value;
  const fn = SHORT_TAGS[tag];
  if (fn === undefined) throw new Error(`unknown CloudFormation tag ${tag}`);
  if (fn === 'Fn::GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    value = [value.slice(0, dot), value.slice(dot + 1)];
  }
  return { [fn]: value };
}

/** YAML with CloudFormation short tags → the template's JSON form. Throws on any YAML error. */
export function parseTemplate(text: string): Template {
  const doc = parseDocument(text, { uniqueKeys: true, merge: false, keepSourceTokens: false });
  const problems = [
    ...doc.errors.map((e) => e.message),
    ...doc.warnings.filter((w) => !/Unresolved tag: !/.test(w.message)).map((w) => w.message),
  ];
  if (problems.length > 0) throw new Error(`template is not valid YAML:\n${problems.join('\n')}`);
  const template = toJson(doc.contents as Node | null);
  if (typeof template !== 'object' || template === null || Array.isArray(template)) {
    throw new Error('template is not a mapping');
  }
  return template as unknown as Template;
}

// ---------------------------------------------------------------------------------------------------
// The resource specification (@aws-cdk/aws-service-spec, db.json.gz)

export type SpecType =
  | {
      type: 'string' | 'integer' | 'number' | 'boolean' | 'json' | 'date-time' | 'tag';
      allowedValues?: (string | number)[];
    }
  | { type: 'array' | 'map'; element: SpecType }
  | { type: 'ref'; reference: { $ref: string } }
  | { type: 'union'; types: SpecType[] };

export interface SpecProperty {
  type: SpecType;
  required?: boolean;
}

export interface SpecResource {
  cloudFormationType: string;
  properties: Record<string, SpecProperty>;
  attributes: Record<string, unknown>;
}

export interface SpecTypeDefinition {
  $id: string;
  name: string;
  properties: Record<string, SpecProperty>;
}

export interface Spec {
  resources: Map<string, SpecResource>;
  types: Map<string, SpecTypeDefinition>;
}

let specCache: Spec | undefined;

/** Loads the current CloudFormation resource specification shipped by @aws-cdk/aws-service-spec. */
export function loadSpec(): Spec {
  if (specCache) return specCache;
  const require = createRequire(import.meta.url);
  const path = require.resolve('@aws-cdk/aws-service-spec/db.json.gz');
  const db = JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as {
    schema: {
      resource: { entities: Record<string, SpecResource> };
      typeDefinition: { entities: Record<string, SpecTypeDefinition> };
    };
  };
  const resources = new Map<string, SpecResource>();
  for (const entity of Object.values(db.schema.resource.entities))
    resources.set(entity.cloudFormationType, entity);
  const types = new Map<string, SpecTypeDefinition>();
  for (const entity of Object.values(db.schema.typeDefinition.entities)) types.set(entity.$id, entity);
  specCache = { resources, types };
  return specCache;
}

// ---------------------------------------------------------------------------------------------------
// Validation

export const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

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

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{ Ref: … }` or `{ "Fn::…": … }`: an intrinsic function call. */
export function intrinsicName(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const key = keys[0]!;
  return key === 'Ref' || key.startsWith('Fn::') ? key : undefined;
}

/** The `${Name}` / `${Resource.Attr}` references of a Fn::Sub string (not `${!Literal}`). */
export function subReferences(text: string): string[] {
  return [...text.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]!).filter((name) => !name.startsWith('!'));
}

const LIST_PARAMETER = /^(CommaDelimitedList|List<.+>)$/;

type Section = 'Resources' | 'Outputs' | 'Conditions' | 'Rules';

class Validator {
  readonly errors: string[] = [];
  readonly usedParameters = new Set<string>();
  readonly usedConditions = new Set<string>();
  private readonly parameters: Record<string, JsonObject>;
  private readonly conditions: Record<string, Json>;

  constructor(
    private readonly template: Template,
    private readonly spec: Spec,
  ) {
    this.parameters = template.Parameters ?? {};
    this.conditions = template.Conditions ?? {};
  }

  private error(path: string, message: string): void {
    this.errors.push(`${path}: ${message}`);
  }

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

  private useCondition(name: Json, path: string): void {
    if (typeof name !== 'string' || !(name in this.conditions)) {
      this.error(path, `names no condition: ${JSON.stringify(name)}`);
    } else this.usedConditions.add(name);
  }

  private checkName(name: string, path: string, section: Section, what: string): void {
    if (PSEUDO_PARAMETERS.has(name)) return;
    if (name in this.parameters) {
      this.usedParameters.add(name);
      return;
    }
    if ((section === 'Resources' || section === 'Outputs') && name in this.template.Resources) return;
    this.error(
      path,
      `${what} ${JSON.stringify(name)} names no ${section === 'Resources' || section === 'Outputs' ? 'parameter, resource or pseudo parameter' : 'parameter'}`,
    );
  }

  private checkGetAtt(resource: string, attribute: string, path: string, section: Section): void {
    if (section === 'Conditions' || section === 'Rules') {
      this.error(path, 'Fn::GetAtt is not allowed here');
      return;
    }
    const definition = this.template.Resources[resource];
    if (!definition) {
      this.error(path, `Fn::GetAtt names no resource: ${JSON.stringify(resource)}`);
      return;
    }
    const spec = this.spec.resources.get(definition.Type);
    if (spec && !(attribute in spec.attributes)) {
      this.error(
        path,
        `${definition.Type} has no attribute ${JSON.stringify(attribute)} (has: ${Object.keys(spec.attributes).join(', ')})`,
      );
    }
  }

  /** Visits every intrinsic function call below `value` and checks what it names. */
  walk(value: Json, path: string, section: Section, locals: Set<string> = new Set()): void {
    if (Array.isArray(value)) {
      value.forEach((item, i) => this.walk(item, `${path}[${i}]`, section, locals));
      return;
    }
    if (!isObject(value)) return;
    const keys = Object.keys(value);
    // In Conditions (and inside condition functions) { Condition: name } refers to another condition.
    if ((section === 'Conditions' || section === 'Rules') && keys.length === 1 && keys[0] === 'Condition') {
      this.useCondition(value.Condition!, `${path}.Condition`);
      return;
    }
    const fn = intrinsicName(value);
    if (fn === undefined) {
      for (const [key, child] of Object.entries(value)) this.walk(child, `${path}.${key}`, section, locals);
      return;
    }
    const args = value[fn]!;
    const here = `${path}.${fn}`;
    switch (fn) {
      case 'Ref':
        if (typeof args !== 'string') this.error(here, 'must name a parameter or resource');
        else if (!locals.has(args)) this.checkName(args, here, section, 'Ref');
        return;
      case 'Fn::GetAtt': {
        if (!Array.isArray(args) || args.length !== 2 || typeof args[0] !== 'string') {
          this.error(here, 'must be [resource, attribute]');
          return;
        }
        if (typeof args[1] === 'string') this.checkGetAtt(args[0], args[1], here, section);
        else this.walk(args[1]!, `${here}[1]`, section, locals);
        return;
      }
      case 'Fn::Sub': {
        const [text, variables] = Array.isArray(args) ? [args[0], args[1]] : [args, undefined];
        if (typeof text !== 'string') {
          this.error(here, 'the string to substitute must be a literal');
          return;
        }
        const own = new Set<string>();
        if (variables !== undefined) {
          if (!isObject(variables)) this.error(`${here}[1]`, 'must be a mapping of variables');
          else
            for (const [name, child] of Object.entries(variables)) {
              own.add(name);
              this.walk(child, `${here}[1].${name}`, section, locals);
            }
        }
        for (const name of subReferences(text)) {
          if (own.has(name)) continue;
          const dot = name.indexOf('.');
          if (dot > 0 && !PSEUDO_PARAMETERS.has(name))
            this.checkGetAtt(name.slice(0, dot), name.slice(dot + 1), here, section);
          else {
            this.checkName(name, here, section, '${}');
            const parameter = this.parameters[name];
            if (parameter && typeof parameter.Type === 'string' && LIST_PARAMETER.test(parameter.Type)) {
              this.error(here, `\${${name}} is a list parameter; Fn::Sub needs a string (use Fn::Join)`);
            }
          }
        }
        return;
      }
      case 'Fn::If': {
        if (!Array.isArray(args) || args.length !== 3) {
          this.error(here, 'must be [condition, value if true, value if false]');
          return;
        }
        this.useCondition(args[0]!, `${here}[0]`);
        this.walk(args[1]!, `${here}[1]`, section, locals);
        this.walk(args[2]!, `${here}[2]`, section, locals);
        return;
      }
      case 'Fn::Join':
        if (!Array.isArray(args) || args.length !== 2 || typeof args[0] !== 'string') {
          this.error(here, 'must be [literal delimiter, list]');
        }
        break;
      case 'Fn::Split':
        if (!Array.isArray(args) || args.length !== 2 || typeof args[0] !== 'string') {
          this.error(here, 'must be [literal delimiter, string]');
        }
        break;
      case 'Fn::Select':
        if (!Array.isArray(args) || args.length !== 2) this.error(here, 'must be [index, list]');
        break;
      case 'Fn::Equals':
        if (!Array.isArray(args) || args.length !== 2) this.error(here, 'must compare exactly two values');
        break;
      case 'Fn::Not':
        if (!Array.isArray(args) || args.length !== 1) this.error(here, 'must hold exactly one condition');
        break;
      case 'Fn::And':
      case 'Fn::Or':
        if (!Array.isArray(args) || args.length < 2 || args.length > 10)
          this.error(here, 'must hold 2 to 10 conditions');
        break;
      case 'Fn::Base64':
      case 'Fn::Cidr':
      case 'Fn::FindInMap':
      case 'Fn::GetAZs':
      case 'Fn::ImportValue':
      case 'Fn::Transform':
        break;
      case 'Fn::Contains':
      case 'Fn::EachMemberEquals':
      case 'Fn::EachMemberIn':
      case 'Fn::RefAll':
      case 'Fn::ValueOf':
      case 'Fn::ValueOfAll':
        if (section !== 'Rules') this.error(here, `${fn} is a rule function; use it in Rules only`);
        break;
      default:
        this.error(here, `unknown intrinsic function ${fn}`);
        return;
    }
    this.walk(args, here, section, locals);
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
    this.checkObject(properties, spec.properties, `${path}.Properties`, resource.Type);
  }

  private checkObject(
    value: JsonObject,
    properties: Record<string, SpecProperty>,
    path: string,
    owner: string,
  ): void {
    for (const [name, property] of Object.entries(properties)) {
      if (property.required && !(name in value)) this.error(path, `${owner} requires property ${name}`);
    }
    for (const [name, child] of Object.entries(value)) {
      const property = properties[name];
      if (!property) {
        this.error(
          `${path}.${name}`,
          `${owner} has no property ${name} (has: ${Object.keys(properties).sort().join(', ')})`,
        );
        continue;
      }
      this.checkValue(child, property.type, `${path}.${name}`);
    }
  }

  /** What kind of value an intrinsic returns: a list, a scalar, or unknown. */
  private intrinsicKind(value: JsonObject, fn: string): 'list' | 'scalar' | 'unknown' {
    if (fn === 'Fn::Split' || fn === 'Fn::GetAZs' || fn === 'Fn::Cidr') return 'list';
    if (fn === 'Fn::Sub' || fn === 'Fn::Join' || fn === 'Fn::Base64') return 'scalar';
    if (fn === 'Ref') {
      const name = value.Ref;
      const parameter = typeof name === 'string' ? this.parameters[name] : undefined;
      if (parameter)
        return typeof parameter.Type === 'string' && LIST_PARAMETER.test(parameter.Type) ? 'list' : 'scalar';
      if (name === 'AWS::NotificationARNs') return 'list';
      return 'scalar';
    }
    return 'unknown';
  }

  private checkValue(value: Json, type: SpecType, path: string): void {
    const fn = intrinsicName(value);
    if (fn !== undefined) {
      const object = value as JsonObject;
      if (fn === 'Fn::If') {
        const args = object[fn];
        if (Array.isArray(args) && args.length === 3) {
          for (const branch of [args[1]!, args[2]!]) {
            if (isObject(branch) && branch.Ref === 'AWS::NoValue') continue;
            this.checkValue(branch, type, path);
          }
        }
        return;
      }
      const kind = this.intrinsicKind(object, fn);
      const wantsList = type.type === 'array';
      if (type.type === 'union' || type.type === 'json' || kind === 'unknown') return;
      if (wantsList && kind === 'scalar') this.error(path, `expects a list, but ${fn} gives a single value`);
      if (!wantsList && kind === 'list') this.error(path, `expects a single value, but ${fn} gives a list`);
      return;
    }
    switch (type.type) {
      case 'string':
      case 'date-time':
        if (typeof value !== 'string' && typeof value !== 'number')
          this.error(path, `expects a string, got ${describe(value)}`);
        break;
      case 'integer':
        if (
          !(typeof value === 'number' && Number.isInteger(value)) &&
          !(typeof value === 'string' && /^-?\d+$/.test(value))
        ) {
          this.error(path, `expects an integer, got ${describe(value)}`);
        }
        break;
      case 'number':
        if (
          typeof value !== 'number' &&
          !(typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)))
        ) {
          this.error(path, `expects a number, got ${describe(value)}`);
        }
        break;
      case 'boolean':
        if (typeof value !== 'boolean' && value !== 'true' && value !== 'false')
          this.error(path, `expects a boolean, got ${describe(value)}`);
        break;
      case 'json':
        if (!isObject(value) && typeof value !== 'string')
          this.error(path, `expects a JSON object, got ${describe(value)}`);
        break;
      case 'tag':
        if (!isObject(value)) this.error(path, `expects a tag {Key, Value}, got ${describe(value)}`);
        else
          this.checkObject(
            value,
            {
              Key: { type: { type: 'string' }, required: true },
              Value: { type: { type: 'string' }, required: true },
            },
            path,
            'Tag',
          );
        break;
      case 'array':
        if (!Array.isArray(value)) this.error(path, `expects a list, got ${describe(value)}`);
        else value.forEach((item, i) => this.checkValue(item, type.element, `${path}[${i}]`));
        return;
      case 'map':
        if (!isObject(value)) this.error(path, `expects a mapping, got ${describe(value)}`);
        else
          for (const [key, child] of Object.entries(value))
            this.checkValue(child, type.element, `${path}.${key}`);
        return;
      case 'ref': {
        const definition = this.spec.types.get(type.reference.$ref);
        if (!definition) throw new Error(`spec has no type ${type.reference.$ref}`);
        if (!isObject(value))
          this.error(path, `expects a ${definition.name} mapping, got ${describe(value)}`);
        else this.checkObject(value, definition.properties, path, definition.name);
        return;
      }
      case 'union': {
        const attempts = type.types.map((candidate) => {
          const probe = new Validator(this.template, this.spec);
          probe.checkValue(value, candidate, path);
          return probe.errors;
        });
        if (!attempts.some((errors) => errors.length === 0)) {
          this.error(
            path,
            `matches none of its allowed types: ${attempts.map((e) => e.join('; ')).join(' | ')}`,
          );
        }
        return;
      }
    }
    if (
      'allowedValues' in type &&
      type.allowedValues &&
      (typeof value === 'string' || typeof value === 'number')
    ) {
      if (!type.allowedValues.map(String).includes(String(value))) {
        this.error(path, `${JSON.stringify(value)} is not one of ${type.allowedValues.join(', ')}`);
      }
    }
  }
}

function describe(value: Json): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (isObject(value)) return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** Every problem found, each as "path: message"; empty when the template is valid. */
export function validateTemplate(template: Template, spec: Spec = loadSpec()): string[] {
  return new Validator(template, spec).run();
}

/**
 * The template as `aws cloudformation package` leaves it: a local path in a Lambda function's Code
 * becomes the uploaded object's S3 location. Returns the local paths it replaced.
 */
export function asPackaged(template: Template): { template: Template; localCode: Record<string, string> } {
  const copy = structuredClone(template);
  const localCode: Record<string, string> = {};
  for (const [id, resource] of Object.entries(copy.Resources)) {
    if (resource.Type === 'AWS::Lambda::Function' && typeof resource.Properties?.Code === 'string') {
      localCode[id] = resource.Properties.Code;
      resource.Properties.Code = { S3Bucket: 'deployment-bucket', S3Key: '0123456789abcdef0123456789abcdef' };
    }
  }
  return { template: copy, localCode };
}

// ---------------------------------------------------------------------------------------------------
// Evaluation

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';
export const STACK = 'cache-purge';

const NO_VALUE = Symbol('AWS::NoValue');
type Value = Json | typeof NO_VALUE | Value[] | { [key: string]: Value };

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

function physicalName(id: string): string {
  return `${STACK}-${id}-1A2B3C4D5E6F`;
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

  const pseudo: Record<string, string> = {
    'AWS::AccountId': ACCOUNT,
    'AWS::Region': REGION,
    'AWS::Partition': 'aws',
    'AWS::StackName': STACK,
    'AWS::StackId': `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${STACK}/00000000-0000-0000-0000-000000000000`,
    'AWS::URLSuffix': 'amazonaws.com',
  };
  const conditionDefinitions = template.Conditions ?? {};
  const conditions: Record<string, boolean> = {};
  const resourcesIn = template.Resources;

  const condition = (name: string): boolean => {
    if (name in conditions) return conditions[name]!;
    if (!(name in conditionDefinitions)) throw new Error(`no condition ${name}`);
    const result = resolve(conditionDefinitions[name]!, 'condition');
    if (typeof result !== 'boolean') throw new Error(`condition ${name} is not a boolean`);
    conditions[name] = result;
    return result;
  };

  const exists = (id: string): boolean => {
    const resource = resourcesIn[id];
    return resource !== undefined && (resource.Condition === undefined || condition(resource.Condition));
  };

  const ref = (name: string): Value => {
    if (name === 'AWS::NoValue') return NO_VALUE;
    if (name in pseudo) return pseudo[name]!;
    if (name in parameters) return parameters[name]!;
    const resource = resourcesIn[name];
    if (!resource) throw new Error(`Ref to unknown ${name}`);
    if (!exists(name))
      throw new Error(`Ref to ${name}, which this stack does not create (its condition is false)`);
    switch (resource.Type) {
      case 'AWS::SSM::Document': {
        const props = resource.Properties ?? {};
        return props.Name !== undefined ? (resolve(props.Name, 'value') as string) : physicalName(name);
      }
      case 'AWS::IAM::OIDCProvider': {
        const url = String(resolve(resource.Properties?.Url ?? '', 'value')).replace(/^https:\/\//, '');
        return `arn:aws:iam::${ACCOUNT}:oidc-provider/${url}`;
      }
      case 'AWS::SecretsManager::Secret':
        return `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-AbCdEf`;
      default:
        return nameOf(name);
    }
  };

  /** A resource's name: its own name property when it has one (RoleName), else a generated one. */
  const nameOf = (id: string): string => {
    const resource = resourcesIn[id]!;
    if (resource.Type === 'AWS::IAM::Role' && resource.Properties?.RoleName !== undefined) {
      const given = resolve(resource.Properties.RoleName, 'value');
      if (given !== NO_VALUE) return String(given);
    }
    return physicalName(id);
  };

  const getAtt = (id: string, attribute: string): Value => {
    const resource = resourcesIn[id];
    if (!resource) throw new Error(`GetAtt on unknown ${id}`);
    if (!exists(id))
      throw new Error(`GetAtt on ${id}, which this stack does not create (its condition is false)`);
    const name = nameOf(id);
    const key = `${resource.Type}.${attribute}`;
    switch (key) {
      case 'AWS::IAM::Role.Arn':
        return `arn:aws:iam::${ACCOUNT}:role/${name}`;
      case 'AWS::Logs::LogGroup.Arn':
        return `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${name}:*`;
      case 'AWS::Lambda::Function.Arn':
        return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
      case 'AWS::Lambda::Url.FunctionUrl':
        return `https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.${REGION}.on.aws/`;
      default:
        return `<${id}.${attribute}>`;
    }
  };

  function resolve(value: Json, mode: 'value' | 'condition'): Value {
    if (Array.isArray(value)) {
      return value.map((item) => resolve(item, mode)).filter((item) => item !== NO_VALUE);
    }
    if (!isObject(value)) return value;
    const keys = Object.keys(value);
    if (mode === 'condition' && keys.length === 1 && keys[0] === 'Condition')
      return condition(String(value.Condition));
    const fn = intrinsicName(value);
    if (fn === undefined) {
      const out: { [key: string]: Value } = {};
      for (const [key, child] of Object.entries(value)) {
        const resolved = resolve(child, mode);
        if (resolved !== NO_VALUE) out[key] = resolved;
      }
      return out;
    }
    const args = value[fn]!;
    const list = (x: Json) => resolve(x, mode) as Value[];
    const text = (x: Json) => {
      const resolved = resolve(x, mode);
      if (typeof resolved !== 'string' && typeof resolved !== 'number')
        throw new Error(`${fn} expected a string, got ${JSON.stringify(resolved)}`);
      return String(resolved);
    };
    const a = args as Json[];
    switch (fn) {
      case 'Ref':
        return ref(String(args));
      case 'Fn::GetAtt':
        return getAtt(String(a[0]), String(a[1]));
      case 'Fn::Sub': {
        const [template, variables] = Array.isArray(args)
          ? [String(a[0]), a[1] as JsonObject]
          : [String(args), {}];
        return template.replace(/\$\{([^}]*)\}/g, (_, name: string) => {
          if (name.startsWith('!')) return `\${${name.slice(1)}}`;
          if (name in variables) return text(variables[name]!);
          const dot = name.indexOf('.');
          const resolved =
            dot > 0 && !(name in pseudo) ? getAtt(name.slice(0, dot), name.slice(dot + 1)) : ref(name);
          if (typeof resolved !== 'string') throw new Error(`Fn::Sub \${${name}} is not a string`);
          return resolved;
        });
      }
      case 'Fn::Join':
        return list(a[1]!)
          .map((item) => {
            if (typeof item !== 'string' && typeof item !== 'number')
              throw new Error(`Fn::Join item is not a string`);
            return String(item);
          })
          .join(String(a[0]));
      case 'Fn::Split':
        return text(a[1]!).split(String(a[0]));
      case 'Fn::Select': {
        const items = list(a[1]!);
        const index = Number(resolve(a[0]!, mode));
        if (!Number.isInteger(index) || index < 0 || index >= items.length) {
          throw new Error(`Fn::Select index ${index} is out of range (${items.length} items)`);
        }
        return items[index]!;
      }
      case 'Fn::If':
        return condition(String(a[0])) ? resolve(a[1]!, mode) : resolve(a[2]!, mode);
      case 'Fn::Equals':
        return JSON.stringify(resolve(a[0]!, 'condition')) === JSON.stringify(resolve(a[1]!, 'condition'));
      case 'Fn::Not':
        return !resolve(a[0]!, 'condition');
      case 'Fn::And':
        return a.every((item) => resolve(item, 'condition') === true);
      case 'Fn::Or':
        return a.some((item) => resolve(item, 'condition') === true);
      case 'Fn::Base64':
        return Buffer.from(text(args)).toString('base64');
      default:
        throw new Error(`evaluateTemplate does not implement ${fn}`);
    }
  }

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
