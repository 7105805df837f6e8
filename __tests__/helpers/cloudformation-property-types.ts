// The values of a resource's properties checked against the resource specification (for
// cloudformation-validate.ts): required and unknown properties, primitive types, lists, maps, tags,
// nested property types, unions and allowed values — and an intrinsic function's result where a
// list or a single value is expected.

import type { Spec, SpecProperty, SpecType } from './cloudformation-spec.js';
import {
  LIST_PARAMETER,
  intrinsicName,
  isObject,
  type Json,
  type JsonObject,
} from './cloudformation-template.js';

export class PropertyTypes {
  private readonly spec: Spec;
  private readonly parameters: Record<string, JsonObject>;
  private readonly error: (path: string, message: string) => void;

  /** `error` receives every problem found; `parameters` tell a list parameter's Ref from a scalar one. */
  constructor(
    spec: Spec,
    parameters: Record<string, JsonObject>,
    error: (path: string, message: string) => void,
  ) {
    this.spec = spec;
    this.parameters = parameters;
    this.error = error;
  }

  checkObject(
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

  checkValue(value: Json, type: SpecType, path: string): void {
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
          const errors: string[] = [];
          const probe = new PropertyTypes(this.spec, this.parameters, (p, message) =>
            errors.push(`${p}: ${message}`),
          );
          probe.checkValue(value, candidate, path);
          return errors;
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
