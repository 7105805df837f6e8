// CloudFormation templates as the infra tests read them (cloudformation.ts is the entry that
// re-exports this and the rest): the JSON types, parseTemplate (YAML with the short tags !Ref, !Sub, …
// → the JSON form), the shapes every checker shares (intrinsic calls, Fn::Sub references, pseudo and
// list parameters), and asPackaged (what `aws cloudformation package` leaves of a template).

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

/** A parameter type whose value is a list. */
export const LIST_PARAMETER = /^(CommaDelimitedList|List<.+>)$/;

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
