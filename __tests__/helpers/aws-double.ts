// A local AWS protocol double: one HTTP server on 127.0.0.1 speaking the wire protocols the AWS SDK
// uses — SSM JSON 1.1 (X-Amz-Target: AmazonSSM.*), CloudFront REST-XML (2020-05-31 invalidations),
// STS query (AssumeRoleWithWebIdentity) — plus the GitHub Actions OIDC token endpoint. The action
// reaches it only through AWS_ENDPOINT_URL and ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN (see `env`).
// This file owns the server: routing, recording every call in order with the SigV4 access key id it
// was signed with, throttling every Nth call, SSM operations the role may not call, and the error
// answers. The services are its parts: aws-double-ssm.ts (+ -ssm-views.ts), aws-double-cloudfront.ts
// and aws-double-identity.ts (OIDC and STS); what a test may script is aws-double-options.ts.
//
// Plain erasable TypeScript with node: imports only, so Node 24 runs it directly (the demo and the
// bench import this file from plain .mjs scripts) and vitest imports it as usual.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { AwsDoubleOptions, IssuedCredentials, RecordedCall } from './aws-double-options.ts';
import { CloudFrontDouble, cloudFrontRequest, type CfInvalidation } from './aws-double-cloudfront.ts';
import { IdentityDouble } from './aws-double-identity.ts';
import { SsmDouble } from './aws-double-ssm.ts';
import type { SsmCommand } from './aws-double-ssm-views.ts';
import { DoubleError, xmlEscape } from './aws-double-wire.ts';
import { DocumentVersionError, type SsmDocumentVersions } from './ssm-document-versions.ts';
import type { SsmDocumentContents } from './ssm-document-contents.ts';
import { restoreEnv } from './process-env.ts';

export type {
  AwsDoubleOptions,
  DocumentScript,
  InstanceScript,
  IssuedCredentials,
  RecordedCall,
} from './aws-double-options.ts';
export type { CfInvalidation } from './aws-double-cloudfront.ts';
export { pluginOutput, type SsmCommand } from './aws-double-ssm-views.ts';

/** Real time, with sub-ms precision. A test may give the double another time source (see startAwsDouble). */
const realNow = () => performance.timeOrigin + performance.now();

export class AwsDouble {
  options: AwsDoubleOptions;
  readonly calls: RecordedCall[] = [];
  readonly commands: Map<string, SsmCommand>;
  readonly invalidations: Map<string, CfInvalidation>;
  /** Seeded document versions (none by default: SendCommand then runs any version). */
  readonly documentVersions: SsmDocumentVersions;
  /** GetDocument's content: the bundled files, or what a test sets in `documentContents.overrides`. */
  readonly documentContents: SsmDocumentContents;
  readonly issuedCredentials: IssuedCredentials[];
  /** The bearer token the OIDC endpoint expects (ACTIONS_ID_TOKEN_REQUEST_TOKEN). */
  readonly requestToken: string;
  readonly issuedIdTokens: string[];
  url = '';
  private server = createServer((req, res) => void this.handle(req, res));
  private counters = { ssm: 0, cloudfront: 0, sts: 0 };
  private readonly ssm: SsmDouble;
  private readonly cloudFront: CloudFrontDouble;
  private readonly identity: IdentityDouble;

  /** Epoch milliseconds as the double reads them (scripted run times, visibility, completion). */
  readonly now: () => number;

  constructor(options: AwsDoubleOptions = {}, now: () => number = realNow) {
    this.options = options;
    this.now = now;
    this.ssm = new SsmDouble(() => this.options, now);
    this.cloudFront = new CloudFrontDouble(() => this.options, now);
    this.identity = new IdentityDouble(() => this.options);
    this.commands = this.ssm.commands;
    this.documentVersions = this.ssm.documentVersions;
    this.documentContents = this.ssm.documentContents;
    this.invalidations = this.cloudFront.invalidations;
    this.issuedCredentials = this.identity.issuedCredentials;
    this.requestToken = this.identity.requestToken;
    this.issuedIdTokens = this.identity.issuedIdTokens;
  }

  /** New script; forgets the calls, fault counters and GetDocument overrides (commands, invalidations and issued credentials stay). */
  reset(options: AwsDoubleOptions = {}): void {
    this.options = options;
    this.calls.length = 0;
    this.documentContents.overrides.clear();
    this.counters = { ssm: 0, cloudfront: 0, sts: 0 };
    this.identity.resetCounters();
    this.cloudFront.resetCounters();
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The environment that points the SDK and @actions/core at this double (no AWS keys). */
  env(): Record<string, string> {
    return {
      AWS_ENDPOINT_URL: this.url,
      ACTIONS_ID_TOKEN_REQUEST_URL: `${this.url}/oidc/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: this.requestToken,
      AWS_EC2_METADATA_DISABLED: 'true',
    };
  }

  /** An OIDC token for `audience`, fetched from this double's token endpoint as getIDToken would. */
  async idToken(audience: string): Promise<string> {
    const res = await fetch(`${this.url}/oidc/token?api-version=2.0&audience=${audience}`, {
      headers: { authorization: `Bearer ${this.requestToken}` },
    });
    return ((await res.json()) as { value: string }).value;
  }

  /** Calls of one service/operation, in order. */
  callsOf(operation: string): RecordedCall[] {
    return this.calls.filter((c) => c.operation === operation);
  }

  /** When the command ended on the double (every invocation terminal), or undefined if it has not. */
  completedAt(commandId: string): number | undefined {
    return this.ssm.completedAt(commandId);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const accessKeyId = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];
    const target = String(req.headers['x-amz-target'] ?? '');
    const url = new URL(req.url ?? '/', 'http://double');
    const call: RecordedCall = {
      seq: this.calls.length + 1,
      at: this.now(),
      service: 'ssm',
      operation: '',
      ...(accessKeyId && { accessKeyId }),
      input: {},
      status: 200,
    };
    this.calls.push(call);
    try {
      if (target.startsWith('AmazonSSM.')) {
        call.service = 'ssm';
        call.operation = target.slice('AmazonSSM.'.length);
        call.input = body ? (JSON.parse(body) as Record<string, unknown>) : {};
        this.maybeThrottle('ssm');
        if (this.options.ssmDenied?.includes(call.operation)) {
          throw new DoubleError(
            400,
            'AccessDeniedException',
            `User: arn:aws:sts::123456789012:assumed-role/cache-purge/session is not authorized to perform: ssm:${call.operation}`,
          );
        }
        const result = this.ssm.handle(call.operation, call.input);
        this.send(res, 200, 'application/x-amz-json-1.1', JSON.stringify(result));
      } else if (url.pathname.startsWith('/2020-05-31/distribution/')) {
        call.service = 'cloudfront';
        Object.assign(call, cloudFrontRequest(req.method, url.pathname, body));
        this.maybeThrottle('cloudfront');
        const { status, xml, location } = this.cloudFront.handle(call.operation, call.input);
        if (location) res.setHeader('Location', `${this.url}${location}`);
        call.status = status;
        this.send(res, status, 'text/xml', xml);
      } else if (url.pathname === '/oidc/token') {
        call.service = 'oidc';
        call.operation = 'GetIdToken';
        const audience = url.searchParams.get('audience') ?? '';
        call.input = { audience };
        const token = this.identity.issueIdToken(audience, req.headers.authorization);
        this.send(res, 200, 'application/json', JSON.stringify({ value: token }));
      } else if (req.method === 'POST' && /Action=/.test(body)) {
        call.service = 'sts';
        const form = new URLSearchParams(body);
        call.operation = form.get('Action') ?? '';
        call.input = Object.fromEntries(form.entries());
        this.maybeThrottle('sts');
        this.send(res, 200, 'text/xml', this.identity.assumeRole(call.operation, form));
      } else {
        throw new DoubleError(404, 'UnknownOperation', `the double does not speak ${req.method} ${req.url}`);
      }
    } catch (error) {
      const e =
        error instanceof DoubleError
          ? error
          : error instanceof DocumentVersionError
            ? new DoubleError(400, error.code, error.message)
            : new DoubleError(500, 'InternalFailure', (error as Error).message);
      call.status = e.status;
      call.errorCode = e.code;
      if (call.service === 'ssm') {
        this.send(
          res,
          e.status,
          'application/x-amz-json-1.1',
          JSON.stringify({ __type: e.code, message: e.message }),
        );
      } else if (call.service === 'oidc') {
        this.send(res, e.status, 'application/json', JSON.stringify({ message: e.message }));
      } else {
        const type = e.status >= 500 ? 'Receiver' : 'Sender';
        const xml = `<?xml version="1.0" encoding="UTF-8"?><ErrorResponse xmlns="https://${call.service}.amazonaws.com/doc/"><Error><Type>${type}</Type><Code>${e.code}</Code><Message>${xmlEscape(e.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
        this.send(res, e.status, 'text/xml', xml);
      }
    }
  }

  private send(res: ServerResponse, status: number, type: string, body: string) {
    res.writeHead(status, { 'Content-Type': type, 'x-amzn-RequestId': randomUUID() });
    res.end(body);
  }

  private maybeThrottle(service: 'ssm' | 'cloudfront' | 'sts') {
    const every = this.options.throttleEvery?.[service];
    this.counters[service]++;
    if (every && this.counters[service] % every === 0) {
      if (service === 'ssm') throw new DoubleError(400, 'ThrottlingException', 'Rate exceeded');
      throw new DoubleError(400, 'Throttling', 'Rate exceeded');
    }
  }
}

/**
 * Starts a double on 127.0.0.1 on a free port. `now` is its time source: real time by default; a
 * test that runs the executor on a virtual timeline passes the same one (e.g. a faked Date.now).
 */
export async function startAwsDouble(
  options: AwsDoubleOptions = {},
  now: () => number = realNow,
): Promise<AwsDouble> {
  return new AwsDouble(options, now).start();
}

/** `count` fake instance ids (i- and 17 hex digits), stable for a given seed. */
export function fakeInstanceIds(count: number, seed = 0): string[] {
  return Array.from(
    { length: count },
    (_, i) => `i-${(seed * 1_000_000 + i).toString(16).padStart(17, '0')}`,
  );
}

/**
 * Points this process's AWS SDK at `double` and away from every credential of this machine (keys,
 * profile, shared files), as a runner with only the action's own credentials: the in-process
 * integration tests' environment. Returns what puts process.env back.
 */
export function useAwsDouble(double: AwsDouble): () => void {
  const saved = { ...process.env };
  Object.assign(process.env, double.env());
  for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'])
    delete process.env[key];
  // no shared config files either: without role-to-assume the default chain must find nothing
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/aws-credentials';
  process.env.AWS_CONFIG_FILE = '/nonexistent/aws-config';
  return () => restoreEnv(saved);
}
