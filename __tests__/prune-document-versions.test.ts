// infra/prune-document-versions.cjs (the inline function behind OldDocumentVersions) run as Lambda
// runs it: the handler builds its own @aws-sdk/client-ssm client, which reaches the AWS double through
// AWS_ENDPOINT_URL, and answers CloudFormation by PUT to the event's ResponseURL (a local server here).
// After an Update each document has one version left, the latest, as its default, and SendCommand with
// an older number is refused (InvalidDocumentVersion) — the race of an old version cannot run again.

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { startAwsDouble, type AwsDouble } from './helpers/aws-double.js';

interface Pruner {
  handler: (
    event: Record<string, unknown>,
    context?: { getRemainingTimeInMillis(): number },
  ) => Promise<void>;
}
const { handler } = createRequire(import.meta.url)('../infra/prune-document-versions.cjs') as Pruner;

const NAMES = ['CachePurge-W3TotalCache', 'CachePurge-WPRocket', 'CachePurge-FastCGI'];
let double: AwsDouble;
let responses: { headers: IncomingHttpHeaders; body: Record<string, unknown> }[] = [];
const cloudFormation = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    responses.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
    res.writeHead(200).end();
  });
});
let responseUrl = '';
const saved: Record<string, string | undefined> = {};
const lambdaEnv = (url: string) => ({
  AWS_ENDPOINT_URL: url,
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIDPRUNER',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_SESSION_TOKEN: 'token',
});

beforeAll(async () => {
  double = await startAwsDouble();
  await new Promise<void>((resolve) => cloudFormation.listen(0, '127.0.0.1', resolve));
  responseUrl = `http://127.0.0.1:${(cloudFormation.address() as AddressInfo).port}/response?X-Amz-Signature=abc`;
  for (const [key, value] of Object.entries(lambdaEnv(double.url))) {
    saved[key] = process.env[key];
    process.env[key] = value;
  }
});
afterAll(async () => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  await double.close();
  await new Promise<void>((resolve) => cloudFormation.close(() => resolve()));
});
beforeEach(() => {
  responses = [];
  double.reset();
});
afterEach(() => {
  for (const name of [...NAMES, 'CachePurge-Missing']) double.documentVersions.forget(name);
});

const event = (requestType: 'Create' | 'Update' | 'Delete', names: unknown = NAMES) => ({
  RequestType: requestType,
  ResponseURL: responseUrl,
  StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/cache-purge/0000',
  RequestId: 'req-1',
  ResourceType: 'Custom::PruneDocumentVersions',
  LogicalResourceId: 'OldDocumentVersions',
  ...(requestType !== 'Create' && { PhysicalResourceId: 'OldDocumentVersions-document-versions' }),
  ResourceProperties: { ServiceToken: 'arn:aws:lambda:…', DocumentNames: names, DocumentsDigest: 'sha256:…' },
});
const context = { getRemainingTimeInMillis: () => 300_000 };
const ssm = () => new SSMClient({ endpoint: double.url, region: 'eu-west-1', maxAttempts: 1 });
const send = (name: string, version: string) =>
  ssm().send(
    new SendCommandCommand({
      DocumentName: name,
      DocumentVersion: version,
      InstanceIds: ['i-0123456789abcdef0'],
    }),
  );

describe('Update after the stack wrote new versions', () => {
  it('leaves each document only its latest version, the default; an old number can no longer run', async () => {
    double.documentVersions.seed('CachePurge-W3TotalCache', 4);
    double.documentVersions.seed('CachePurge-WPRocket', 1);
    double.documentVersions.seed('CachePurge-FastCGI', 57); // more than one page of ListDocumentVersions
    await expect(send('CachePurge-W3TotalCache', '2')).resolves.toBeDefined(); // the race, before

    await handler(event('Update'), context);

    expect(responses).toHaveLength(1);
    expect(responses[0]!.body).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: 'OldDocumentVersions-document-versions',
      StackId: event('Update').StackId,
      RequestId: 'req-1',
      LogicalResourceId: 'OldDocumentVersions',
      Reason:
        'CachePurge-W3TotalCache: kept version 4, deleted 3; CachePurge-WPRocket: kept version 1, deleted 0; CachePurge-FastCGI: kept version 57, deleted 56',
    });
    expect(responses[0]!.headers['content-type'] ?? '').toBe('');
    for (const [name, latest] of [
      ['CachePurge-W3TotalCache', '4'],
      ['CachePurge-WPRocket', '1'],
      ['CachePurge-FastCGI', '57'],
    ] as const) {
      expect(double.documentVersions.versionsOf(name)).toEqual([latest]);
      expect(double.documentVersions.defaultOf(name)).toBe(latest);
    }
    // The old version the race lives in is gone; the current one still runs, by number or $DEFAULT.
    await expect(send('CachePurge-W3TotalCache', '2')).rejects.toMatchObject({
      name: 'InvalidDocumentVersion',
    });
    await expect(send('CachePurge-FastCGI', '1')).rejects.toMatchObject({ name: 'InvalidDocumentVersion' });
    await expect(send('CachePurge-W3TotalCache', '4')).resolves.toBeDefined();
    await expect(send('CachePurge-W3TotalCache', '$DEFAULT')).resolves.toBeDefined();
    // Signed by the function's own credentials (AWS_* of the Lambda environment), pages followed.
    const listed = double.callsOf('ListDocumentVersions');
    expect(listed.every((c) => c.accessKeyId === 'AKIDPRUNER')).toBe(true);
    expect(listed.filter((c) => c.input.Name === 'CachePurge-FastCGI')).toHaveLength(2);
  });

  it('puts the latest version back as the default when someone had moved it, before deleting the rest', async () => {
    double.documentVersions.seed('CachePurge-W3TotalCache', 5, 2);
    double.documentVersions.seed('CachePurge-WPRocket', 2);
    double.documentVersions.seed('CachePurge-FastCGI', 1);

    await handler(event('Create'), context);

    expect(responses[0]!.body.Status).toBe('SUCCESS');
    expect(double.documentVersions.versionsOf('CachePurge-W3TotalCache')).toEqual(['5']);
    expect(double.documentVersions.defaultOf('CachePurge-W3TotalCache')).toBe('5');
    const ops = double.calls
      .filter((c) => c.input.Name === 'CachePurge-W3TotalCache')
      .map((c) => c.operation);
    expect(ops).toEqual([
      'ListDocumentVersions',
      'UpdateDocumentDefaultVersion',
      'DeleteDocument',
      'DeleteDocument',
      'DeleteDocument',
      'DeleteDocument',
    ]);
  });
});

describe('CloudFormation always hears back', () => {
  it('Delete touches nothing: deleting the stack deletes the documents with all their versions', async () => {
    double.documentVersions.seed('CachePurge-FastCGI', 3);
    await handler(event('Delete'), context);
    expect(responses[0]!.body).toMatchObject({ Status: 'SUCCESS' });
    expect(double.calls).toEqual([]);
    expect(double.documentVersions.versionsOf('CachePurge-FastCGI')).toEqual(['1', '2', '3']);
  });

  it('a document that does not exist: FAILED, with SSM’s reason', async () => {
    double.documentVersions.seed('CachePurge-W3TotalCache', 2);
    await handler(event('Update', ['CachePurge-W3TotalCache', 'CachePurge-Missing']), context);
    expect(responses[0]!.body.Status).toBe('FAILED');
    expect(responses[0]!.body.Reason).toBe(
      'pruning old document versions failed: The specified document does not exist.',
    );
  });

  it('a role that may not delete: FAILED (the stack update rolls back instead of leaving old versions)', async () => {
    double.reset({ ssmDenied: ['DeleteDocument'] });
    double.documentVersions.seed('CachePurge-W3TotalCache', 2);
    await handler(event('Update', ['CachePurge-W3TotalCache']), context);
    expect(responses[0]!.body.Status).toBe('FAILED');
    expect(responses[0]!.body.Reason).toMatch(/not authorized to perform: ssm:DeleteDocument/);
  });

  it('no document names: FAILED, naming the property', async () => {
    await handler(event('Update', []), context);
    expect(responses[0]!.body).toMatchObject({
      Status: 'FAILED',
      Reason:
        'pruning old document versions failed: DocumentNames must be a non-empty list of document names',
    });
  });
});

describe('the double deletes as SSM does', () => {
  it('refuses to delete the default version', async () => {
    double.documentVersions.seed('CachePurge-WPRocket', 3);
    const { DeleteDocumentCommand } = await import('@aws-sdk/client-ssm');
    await expect(
      ssm().send(new DeleteDocumentCommand({ Name: 'CachePurge-WPRocket', DocumentVersion: '3' })),
    ).rejects.toMatchObject({ name: 'InvalidDocumentOperation' });
    expect(double.documentVersions.versionsOf('CachePurge-WPRocket')).toEqual(['1', '2', '3']);
  });
});
