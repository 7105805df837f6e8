// How CloudFormation resolves a template's values for given parameters (for cloudformation-evaluate.ts):
// pseudo parameters, Conditions, Ref and Fn::GetAtt to stable placeholder names and ARNs (a role's own
// RoleName, an SSM document's Name), Fn::Sub, Join, Split, Select, If, Equals, Not, And, Or, Base64,
// and AWS::NoValue removing a property or list item.

import {
  intrinsicName,
  isObject,
  type Json,
  type JsonObject,
  type Template,
} from './cloudformation-template.js';

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';
export const STACK = 'cache-purge';

export const NO_VALUE = Symbol('AWS::NoValue');
export type Value = Json | typeof NO_VALUE | Value[] | { [key: string]: Value };

function physicalName(id: string): string {
  return `${STACK}-${id}-1A2B3C4D5E6F`;
}

/** The resolver of one stack: `resolve` a value or condition expression, `condition`, `exists`. */
export function stackResolver(template: Template, parameters: Record<string, string | string[]>) {
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

  return { resolve, condition, exists, conditions, conditionDefinitions };
}
