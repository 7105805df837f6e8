// The "no runnable old version" rule of infra/cache-purge.yml, checked on the stack CloudFormation
// would create (evaluateTemplate): a custom resource that Refs all the documents (so it runs after
// they are written) and carries their digest (so it runs again whenever one changes), served by a
// Node 24 inline function whose own role may only list, set the default of and delete versions of
// exactly those documents. Returns the violations (empty = good).

import { ACCOUNT, REGION, type EvaluatedStack, type JsonObject, type Template } from './cloudformation.js';
import { DOCUMENT_NAMES } from './ssm-document-runner.js';
import { policyDocuments, type Statement } from './purge-stack-rules.js';

export const PRUNE_ACTIONS = [
  'ssm:ListDocumentVersions',
  'ssm:UpdateDocumentDefaultVersion',
  'ssm:DeleteDocument',
];

const list = (value: string | string[] | undefined): string[] => (value === undefined ? [] : [value].flat());
const sameSet = (a: string[], b: string[]) => [...a].sort().join('\n') === [...b].sort().join('\n');
const arnOf = (type: 'function' | 'role', id: string) =>
  type === 'function'
    ? `arn:aws:lambda:${REGION}:${ACCOUNT}:function:cache-purge-${id}-1A2B3C4D5E6F`
    : `arn:aws:iam::${ACCOUNT}:role/cache-purge-${id}-1A2B3C4D5E6F`;

/** `namePrefix`: the stack's NamePrefix (its documents and its pruning role carry it). */
export function documentVersionsViolations(
  stack: EvaluatedStack,
  template: Template,
  namePrefix = '',
): string[] {
  const violations: string[] = [];
  const ourDocuments = DOCUMENT_NAMES.map((name) => `${namePrefix}${name}`);
  const roleArn = (id: string) =>
    namePrefix ? `arn:aws:iam::${ACCOUNT}:role/${namePrefix}CachePurge-Prune-${REGION}` : arnOf('role', id);
  const pruners = Object.entries(stack.resources).filter(([, r]) => {
    const names = r.Properties.DocumentNames;
    return r.Type.startsWith('Custom::') && Array.isArray(names) && names.length > 0;
  });
  const covering = pruners.filter(([, r]) =>
    sameSet((r.Properties.DocumentNames as string[]).map(String), ourDocuments),
  );
  if (covering.length !== 1) {
    return [
      `old document versions: ${covering.length} custom resources prune exactly ${JSON.stringify(ourDocuments)}, expected 1`,
    ];
  }
  const [prunerId, pruner] = covering[0]!;
  // Its Refs make CloudFormation write the documents first; the raw template must still Ref them.
  const raw = JSON.stringify(template.Resources[prunerId]?.Properties?.DocumentNames);
  for (const id of Object.keys(template.Resources).filter(
    (id) => template.Resources[id]!.Type === 'AWS::SSM::Document',
  )) {
    if (!raw.includes(JSON.stringify({ Ref: id })))
      violations.push(`${prunerId}.DocumentNames does not Ref ${id}, so it may run before ${id} is updated`);
  }
  if (!/^sha256:[0-9a-f]{64}$/.test(String(pruner.Properties.DocumentsDigest))) {
    violations.push(
      `${prunerId}.DocumentsDigest ${JSON.stringify(pruner.Properties.DocumentsDigest)} is not a sha256: without it, an update of the documents does not run it again`,
    );
  }

  const fnEntry = Object.entries(stack.resources).find(
    ([id, r]) =>
      r.Type === 'AWS::Lambda::Function' && arnOf('function', id) === pruner.Properties.ServiceToken,
  );
  if (!fnEntry) return [...violations, `${prunerId}.ServiceToken is not a function of this stack`];
  const [fnId, fn] = fnEntry;
  const p = fn.Properties;
  if (p.Runtime !== 'nodejs24.x')
    violations.push(`${fnId}.Runtime ${JSON.stringify(p.Runtime)}, expected nodejs24.x`);
  if (p.Handler !== 'index.handler')
    violations.push(`${fnId}.Handler ${JSON.stringify(p.Handler)}, expected index.handler (inline code)`);
  const zip = (p.Code as JsonObject | undefined)?.ZipFile;
  if (typeof zip !== 'string' || !zip.includes('exports') || !zip.includes('DeleteDocumentCommand'))
    violations.push(`${fnId}.Code.ZipFile is not the pruning code`);

  const roleEntry = Object.entries(stack.resources).find(
    ([id, r]) => r.Type === 'AWS::IAM::Role' && roleArn(id) === p.Role,
  );
  if (!roleEntry) return [...violations, `${fnId}.Role is not a role of this stack`];
  const [roleId, role] = roleEntry;
  const trust = [
    (role.Properties.AssumeRolePolicyDocument as { Statement?: Statement[] }).Statement ?? [],
  ].flat();
  if (
    trust.length !== 1 ||
    JSON.stringify(trust[0]!.Principal) !== JSON.stringify({ Service: 'lambda.amazonaws.com' }) ||
    !sameSet(list(trust[0]!.Action), ['sts:AssumeRole'])
  )
    violations.push(`${roleId} trust: expected lambda.amazonaws.com only, with sts:AssumeRole`);

  const documentArns = ourDocuments.map((name) => `arn:aws:ssm:${REGION}:${ACCOUNT}:document/${name}`);
  const { documents } = policyDocuments(stack);
  const attached = documents.filter(({ where }) => where.startsWith(`${roleId}.Policies.`));
  const alsoAttached = Object.entries(stack.resources).filter(
    ([, r]) =>
      r.Type.startsWith('AWS::IAM::') &&
      list(r.Properties.Roles as string[]).includes(roleArn(roleId).split('/').at(-1)!),
  );
  if (alsoAttached.length > 0)
    violations.push(`${roleId}: other policies attached (${alsoAttached.map(([id]) => id).join(', ')})`);
  const statements = attached.flatMap(({ statements }) => statements);
  if (statements.length !== 1) violations.push(`${roleId}: ${statements.length} statements, expected 1`);
  for (const statement of statements) {
    const at = `${roleId} statement ${statement.Sid ?? ''}`.trim();
    if (statement.Effect !== 'Allow' || statement.Condition !== undefined)
      violations.push(`${at}: expected a plain Allow`);
    if (!sameSet(list(statement.Action), PRUNE_ACTIONS))
      violations.push(
        `${at}: actions ${JSON.stringify(statement.Action)}, expected exactly ${JSON.stringify(PRUNE_ACTIONS)}`,
      );
    if (!sameSet(list(statement.Resource), documentArns))
      violations.push(
        `${at}: resources ${JSON.stringify(statement.Resource)}, expected exactly ${JSON.stringify(documentArns)}`,
      );
  }
  return violations;
}
