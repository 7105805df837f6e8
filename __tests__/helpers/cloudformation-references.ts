// What every intrinsic function call of a template names, checked (the base of cloudformation-validate.ts's
// Validator): Ref, Fn::GetAtt (against the spec's attributes), Fn::Sub's ${} references, Fn::If's and
// { Condition } conditions, the arity of the other functions, rule functions outside Rules — and which
// parameters and conditions are used at all.

import type { Spec } from './cloudformation-spec.js';
import {
  LIST_PARAMETER,
  PSEUDO_PARAMETERS,
  intrinsicName,
  isObject,
  subReferences,
  type Json,
  type JsonObject,
  type Template,
} from './cloudformation-template.js';

/** The template section a value sits in: what Ref and Fn::GetAtt may name depends on it. */
export type Section = 'Resources' | 'Outputs' | 'Conditions' | 'Rules';

export class TemplateReferences {
  readonly errors: string[] = [];
  readonly usedParameters = new Set<string>();
  readonly usedConditions = new Set<string>();
  protected readonly parameters: Record<string, JsonObject>;
  protected readonly conditions: Record<string, Json>;

  constructor(
    protected readonly template: Template,
    protected readonly spec: Spec,
  ) {
    this.parameters = template.Parameters ?? {};
    this.conditions = template.Conditions ?? {};
  }

  protected error(path: string, message: string): void {
    this.errors.push(`${path}: ${message}`);
  }

  protected useCondition(name: Json, path: string): void {
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
}
