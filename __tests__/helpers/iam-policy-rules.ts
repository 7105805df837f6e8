// IAM policy documents of an evaluated stack, and the rules every one of them keeps (for
// purge-stack-rules.ts): each document found and parsed (trust, inline and standalone policies), no
// wildcard action or NotAction/NotResource anywhere, and no Retain/Snapshot policy on any resource.

import {
  isObject,
  type EvaluatedStack,
  type Json,
  type JsonObject,
  type Template,
} from './cloudformation.js';

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

/** An IAM Action/Resource value as a list. */
export const list = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : [value].flat();

/** The same strings, in any order. */
export function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
}

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
