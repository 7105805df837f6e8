// The SSM documents as a stack deploys them: infra/cache-purge.yml evaluated for given parameters (its
// roots written into the documents, as CloudFormation's Fn::Join does), each Content parsed as the
// document SSM would store. For the end-to-end tests of other roots. I/O: reads the template.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateTemplate, parseTemplate } from './cloudformation.js';
import { ACME_WEBSITE_STACK } from './purge-stack-rules.js';
import { repoRoot } from './run-action.js';
import type { DocumentName, SsmDocument } from './ssm-document-runner.js';

/** The document `name` of a stack deployed with `parameters` (e.g. { CacheRoots: '/var/run/nginx-cache' }). */
export function stackDocument(name: DocumentName, parameters: Record<string, string>): SsmDocument {
  const template = parseTemplate(readFileSync(join(repoRoot, 'infra/cache-purge.yml'), 'utf8'));
  const stack = evaluateTemplate(template, { ...ACME_WEBSITE_STACK.parameters, ...parameters });
  const resource = Object.values(stack.resources).find(
    (r) => r.Type === 'AWS::SSM::Document' && r.Properties.Name === name,
  );
  if (!resource) throw new Error(`the stack has no document ${name}`);
  return JSON.parse(resource.Properties.Content as string) as SsmDocument;
}
