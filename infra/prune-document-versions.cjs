// The custom resource OldDocumentVersions of infra/cache-purge.yml (its inline Lambda code: the
// generator copies this file into DocumentVersionsFunction's Code.ZipFile, which CloudFormation saves
// as index.js, a CommonJS module). On Create and Update it leaves each of the stack's SSM documents
// with ONE version: the latest, which the stack has just written (UpdateMethod NewVersion makes it the
// default), made the default again if someone moved the default, and every other version deleted, so
// SendCommand can no longer run an older version by number. Delete does nothing: deleting the stack
// deletes the documents with all their versions. Its result, or its error, reaches CloudFormation in
// the response's Reason (the function has no log permission). The SSM client is passed in to `prune`.

'use strict';

const {
  SSMClient,
  DeleteDocumentCommand,
  ListDocumentVersionsCommand,
  UpdateDocumentDefaultVersionCommand,
} = require('@aws-sdk/client-ssm');

/** Every version of one document, following NextToken (ListDocumentVersions pages at most 50). */
async function listVersions(ssm, name) {
  const versions = [];
  let token;
  do {
    const page = await ssm.send(
      new ListDocumentVersionsCommand({ Name: name, MaxResults: 50, ...(token && { NextToken: token }) }),
    );
    versions.push(...(page.DocumentVersions ?? []));
    token = page.NextToken;
  } while (token);
  return versions;
}

/** One document: keep its latest version as the default, delete all the others. */
async function pruneDocument(ssm, name) {
  const versions = await listVersions(ssm, name);
  const numbers = versions.map((v) => Number(v.DocumentVersion)).filter((n) => Number.isInteger(n) && n > 0);
  if (numbers.length === 0) throw new Error(`${name}: ListDocumentVersions returned no version`);
  const latest = String(Math.max(...numbers));
  const defaultVersion = versions.find((v) => v.IsDefaultVersion)?.DocumentVersion;
  // SSM refuses to delete the default version: the one we keep must be the default first.
  if (defaultVersion !== latest) {
    await ssm.send(new UpdateDocumentDefaultVersionCommand({ Name: name, DocumentVersion: latest }));
  }
  const deleted = [];
  for (const version of versions) {
    if (version.DocumentVersion === latest) continue;
    await ssm.send(new DeleteDocumentCommand({ Name: name, DocumentVersion: version.DocumentVersion }));
    deleted.push(version.DocumentVersion);
  }
  return { name, kept: latest, deleted };
}

/** Every named document, one after the other (SSM throttles document writes). */
async function prune(ssm, names) {
  if (!Array.isArray(names) || names.length === 0 || !names.every((n) => typeof n === 'string' && n)) {
    throw new Error('DocumentNames must be a non-empty list of document names');
  }
  const results = [];
  for (const name of names) results.push(await pruneDocument(ssm, name));
  return results;
}

const summary = (results) =>
  results
    .map(({ name, kept, deleted }) => `${name}: kept version ${kept}, deleted ${deleted.length}`)
    .join('; ');

/** PUT the custom resource response to CloudFormation's presigned URL (no content type: it is signed without one). */
async function respond(event, status, reason) {
  const body = JSON.stringify({
    Status: status,
    Reason: reason.slice(0, 1000),
    PhysicalResourceId: event.PhysicalResourceId || `${event.LogicalResourceId}-document-versions`,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  });
  const response = await fetch(event.ResponseURL, { method: 'PUT', headers: { 'content-type': '' }, body });
  if (!response.ok) throw new Error(`the CloudFormation response URL answered HTTP ${response.status}`);
}

/** Fails before Lambda's own timeout, so CloudFormation hears about it instead of waiting an hour. */
function deadline(context) {
  const left =
    typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : 0;
  if (left <= 0) return { promise: new Promise(() => {}), cancel: () => {} };
  let timer;
  const promise = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('ran out of time pruning document versions')), left - 5000);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

async function handler(event, context, ssm = new SSMClient({ maxAttempts: 8, retryMode: 'adaptive' })) {
  if (event.RequestType === 'Delete') return respond(event, 'SUCCESS', 'nothing to do on Delete');
  const timeout = deadline(context);
  try {
    const results = await Promise.race([
      prune(ssm, event.ResourceProperties?.DocumentNames),
      timeout.promise,
    ]);
    await respond(event, 'SUCCESS', summary(results));
  } catch (error) {
    await respond(event, 'FAILED', `pruning old document versions failed: ${error?.message ?? error}`);
  } finally {
    timeout.cancel();
  }
}

module.exports = { handler, prune };
