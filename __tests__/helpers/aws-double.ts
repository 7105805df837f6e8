// A local AWS protocol double: one HTTP server on 127.0.0.1 speaking the wire protocols the AWS SDK
// uses — SSM JSON 1.1 (X-Amz-Target: AmazonSSM.*), CloudFront REST-XML (2020-05-31 invalidations),
// STS query (AssumeRoleWithWebIdentity) — plus the GitHub Actions OIDC token endpoint. The action
// reaches it only through AWS_ENDPOINT_URL and ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN (see `env`).
//
// Scriptable per document and instance (run time, exit code, output, Undeliverable, Delivery Timed
// Out, Execution Timed Out), per tag (tag → instances, 1..1000+), plus throttling every Nth call,
// an InvocationDoesNotExist window, TooManyInvalidationsInProgress and the first N invalidation calls
// throttled, OIDC token endpoint errors, STS AccessDenied/outages, credential lifetimes (to make the
// SDK refresh mid-run) and a refused refresh, and SSM operations the role may not call. Output sizes
// are SSM's: 2,500 characters in ListCommandInvocations' plugin Output (cut with the agent's markers),
// 24,000 / 8,000 in GetCommandInvocation.
// Document versions (ListDocumentVersions, DeleteDocument, UpdateDocumentDefaultVersion, SendCommand's
// DocumentVersion) come from ssm-document-versions.ts, for the documents seeded in `documentVersions`;
// GetDocument's content from ssm-document-contents.ts (the files in ssm-documents/, or `documentContents`).
// Every call is recorded in order with the SigV4 access key id it was signed with.
//
// Plain erasable TypeScript with node: imports only, so Node 24 runs it directly (the demo and the
// bench import this file from plain .mjs scripts) and vitest imports it as usual.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { DocumentVersionError, SsmDocumentVersions } from './ssm-document-versions.ts';
import { SsmDocumentContents } from './ssm-document-contents.ts';

export interface InstanceScript {
  /** Time the script runs once started (ms). Default 100. */
  runMs?: number;
  /** Time from SendCommand until the agent starts it (ms). Default 20. */
  deliveryMs?: number;
  exitCode?: number;
  stdout?: string;
  stderr?: string;
  /** A fault instead of a normal run; it shows after deliveryMs + runMs. */
  fault?: 'Undeliverable' | 'DeliveryTimedOut' | 'ExecutionTimedOut';
  /** CancelCommand does not stop it (the process keeps running, as SSM warns may happen). */
  ignoresCancel?: boolean;
}

export interface DocumentScript {
  /** Script of every instance not listed in `instances`. */
  default?: InstanceScript;
  instances?: Record<string, InstanceScript>;
}

export interface AwsDoubleOptions {
  /** Per document name. Documents not listed run `defaultScript`. */
  documents?: Record<string, DocumentScript>;
  defaultScript?: InstanceScript;
  /** "Key=Value" → instance ids, e.g. { 'Site=main': ['i-…', …] }. */
  tags?: Record<string, string[]>;
  /** SSM operations that answer AccessDeniedException (a role whose policy lacks them). */
  ssmDenied?: string[];
  /** Every Nth call to a service answers with its throttling error (counted per service). */
  throttleEvery?: { ssm?: number; cloudfront?: number; sts?: number };
  /** For this long after SendCommand the command is not visible yet: GetCommandInvocation throws
   * InvocationDoesNotExist, ListCommandInvocations and ListCommands return empty lists. */
  invisibleForMs?: number;
  /** How long a cancelled invocation takes to show Cancelled (ms). Default 30. */
  cancelDelayMs?: number;
  cloudfront?: {
    /** The first N CreateInvalidation calls answer Throttling (HTTP 400, as CloudFront does). */
    throttledCreates?: number;
    /** The next N CreateInvalidation calls (after the throttled ones) answer TooManyInvalidationsInProgress. */
    tooManyInvalidations?: number;
    /** The first N GetInvalidation calls answer Throttling. */
    throttledGets?: number;
    /** Called with the paths of every invalidation created (e.g. to evict a CDN double's cache). */
    onInvalidation?: (paths: string[]) => void;
    /** Time until an invalidation shows Completed (ms). Default 200. */
    completeAfterMs?: number;
    /** When set, other distribution ids answer NoSuchDistribution. */
    distributions?: string[];
  };
  oidc?: {
    /** The first N token requests answer HTTP `status` instead of a token. */
    failures?: number;
    /** Default 500. */
    status?: number;
  };
  sts?: {
    /** Answer AccessDenied (not authorized) to every AssumeRoleWithWebIdentity. */
    accessDenied?: boolean;
    /** The first N calls fail with a transient error (IDPCommunicationError, 400). */
    transientFailures?: number;
    /** Expected token audience; a different `aud` is AccessDenied. Default sts.amazonaws.com. */
    audience?: string;
    /** Lifetime in seconds (fractions allowed) of the 1st, 2nd, … credentials issued: the Expiration
     * STS answers, so a short one makes the SDK refresh mid-run (it does so within 300 s of it).
     * Credentials past the list live DurationSeconds. */
    lifetimesSeconds?: number[];
    /** Once this many credentials were issued, every further call is AccessDenied (a refresh refused). */
    deniedAfterIssued?: number;
  };
}

export interface RecordedCall {
  seq: number;
  /** Epoch ms on the double's clock (by default real time with sub-ms precision). */
  at: number;
  service: 'ssm' | 'cloudfront' | 'sts' | 'oidc';
  operation: string;
  /** The access key id of the SigV4 Authorization header, when signed. */
  accessKeyId?: string;
  input: Record<string, unknown>;
  status: number;
  errorCode?: string;
}

export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  roleArn: string;
  roleSessionName: string;
  durationSeconds: number;
  /** The Expiration STS answered (ISO 8601). */
  expiration: string;
}

interface Invocation {
  instanceId: string;
  script: InstanceScript;
  startAt: number;
  endAt: number;
  cancelAt?: number;
}

interface SsmCommand {
  commandId: string;
  documentName: string;
  documentVersion: string;
  comment: string;
  parameters: Record<string, string[]>;
  targets: { Key: string; Values: string[] }[];
  instanceIds: string[];
  timeoutSeconds: number;
  maxConcurrency: string;
  maxErrors: string;
  requestedAt: number;
  invocations: Invocation[];
}

interface CfInvalidation {
  id: string;
  distributionId: string;
  callerReference: string;
  paths: string[];
  createdAt: number;
}

/** Real time, with sub-ms precision. A test may give the double another time source (see startAwsDouble). */
const realNow = () => performance.timeOrigin + performance.now();
const PLUGIN_NAME = 'aws:runShellScript';

/**
 * A plugin's `Output` as ListCommandInvocations(Details=true) shows it: stdout, then stderr after SSM's
 * ERROR line, at most 2,500 characters in all; a stream that does not fit is cut and ends with the
 * agent's marker (`---Output truncated---` / `---Error truncated----`). When both overflow, each gets
 * half the room; when one fits, the other gets the rest. (GetCommandInvocation keeps 24,000 / 8,000.)
 */
export function pluginOutput(stdout: string, stderr: string, capacity = 2500): string {
  const SEPARATOR = '\n----------ERROR-------\n';
  const OUT = '\n---Output truncated---';
  const ERR = '\n---Error truncated----';
  const join = (out: string, err: string) => (stderr ? `${out}${SEPARATOR}${err}` : out);
  if (join(stdout, stderr).length <= capacity) return join(stdout, stderr);
  if (!stderr) return stdout.slice(0, capacity - OUT.length) + OUT;
  const room = capacity - SEPARATOR.length;
  const half = Math.floor(room / 2);
  if (stdout.length <= half) return join(stdout, stderr.slice(0, room - stdout.length - ERR.length) + ERR);
  if (stderr.length <= half) return join(stdout.slice(0, room - stderr.length - OUT.length) + OUT, stderr);
  const each = Math.floor((room - OUT.length - ERR.length) / 2);
  return join(stdout.slice(0, each) + OUT, stderr.slice(0, each) + ERR);
}

const TERMINAL = new Set(['Success', 'Failed', 'TimedOut', 'Cancelled']);

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
function xmlUnescape(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
const xmlTag = (xml: string, tag: string) => {
  const m = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml);
  return m ? xmlUnescape(m[1]!) : undefined;
};

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function randomKey(prefix: string, length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = randomBytes(length);
  let out = prefix;
  for (let i = 0; i < length; i++) out += alphabet[bytes[i]! % alphabet.length];
  return out;
}

class DoubleError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export class AwsDouble {
  options: AwsDoubleOptions;
  readonly calls: RecordedCall[] = [];
  readonly commands = new Map<string, SsmCommand>();
  readonly invalidations = new Map<string, CfInvalidation>();
  /** Seeded document versions (none by default: SendCommand then runs any version). */
  readonly documentVersions = new SsmDocumentVersions();
  /** GetDocument's content: the bundled files, or what a test sets in `documentContents.overrides`. */
  readonly documentContents = new SsmDocumentContents();
  readonly issuedCredentials: IssuedCredentials[] = [];
  /** The bearer token the OIDC endpoint expects (ACTIONS_ID_TOKEN_REQUEST_TOKEN). */
  readonly requestToken = randomUUID();
  readonly issuedIdTokens: string[] = [];
  url = '';
  private server = createServer((req, res) => void this.handle(req, res));
  private counters = { ssm: 0, cloudfront: 0, sts: 0 };
  private stsCalls = 0;
  /** Credentials issued since the last reset (the lifetimes and deniedAfterIssued count these). */
  private issued = 0;
  private oidcCalls = 0;
  private createInvalidationCalls = 0;
  private getInvalidationCalls = 0;

  /** Epoch milliseconds as the double reads them (scripted run times, visibility, completion). */
  readonly now: () => number;

  constructor(options: AwsDoubleOptions = {}, now: () => number = realNow) {
    this.options = options;
    this.now = now;
  }

  /** New script; forgets the calls, fault counters and GetDocument overrides (commands, invalidations and issued credentials stay). */
  reset(options: AwsDoubleOptions = {}): void {
    this.options = options;
    this.calls.length = 0;
    this.documentContents.overrides.clear();
    this.counters = { ssm: 0, cloudfront: 0, sts: 0 };
    this.stsCalls = 0;
    this.issued = 0;
    this.oidcCalls = 0;
    this.createInvalidationCalls = 0;
    this.getInvalidationCalls = 0;
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
    const command = this.commands.get(commandId);
    if (!command) return undefined;
    let last = command.requestedAt;
    for (const inv of command.invocations) {
      const end = inv.cancelAt !== undefined && inv.cancelAt < inv.endAt ? inv.cancelAt : inv.endAt;
      last = Math.max(last, end);
    }
    return last <= this.now() ? last : undefined;
  }

  // ------------------------------------------------------------------------------------------------

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
        const result = this.ssm(call.operation, call.input);
        this.send(res, 200, 'application/x-amz-json-1.1', JSON.stringify(result));
      } else if (url.pathname.startsWith('/2020-05-31/distribution/')) {
        call.service = 'cloudfront';
        const [, , , distributionId, , invalidationId] = url.pathname.split('/');
        call.operation = req.method === 'POST' ? 'CreateInvalidation' : 'GetInvalidation';
        call.input = { DistributionId: distributionId, ...(invalidationId && { Id: invalidationId }) };
        if (call.operation === 'CreateInvalidation') {
          call.input.CallerReference = xmlTag(body, 'CallerReference');
          call.input.Paths = [...body.matchAll(/<Path>([\s\S]*?)<\/Path>/g)].map((m) => xmlUnescape(m[1]!));
        }
        this.maybeThrottle('cloudfront');
        const { status, xml, location } = this.cloudfront(call.operation, call.input);
        if (location) res.setHeader('Location', `${this.url}${location}`);
        call.status = status;
        this.send(res, status, 'text/xml', xml);
      } else if (url.pathname === '/oidc/token') {
        call.service = 'oidc';
        call.operation = 'GetIdToken';
        const audience = url.searchParams.get('audience') ?? '';
        call.input = { audience };
        if (req.headers.authorization !== `Bearer ${this.requestToken}`) {
          throw new DoubleError(401, 'Unauthorized', 'bad ACTIONS_ID_TOKEN_REQUEST_TOKEN');
        }
        this.oidcCalls++;
        if (this.oidcCalls <= (this.options.oidc?.failures ?? 0)) {
          const status = this.options.oidc?.status ?? 500;
          throw new DoubleError(status, `HTTP${status}`, 'Internal server error while issuing the token');
        }
        const token = [
          base64url({ alg: 'RS256', typ: 'JWT' }),
          base64url({
            iss: 'https://token.actions.githubusercontent.com',
            aud: audience,
            sub: 'repo:example/site:ref:refs/heads/main',
            exp: Math.floor(Date.now() / 1000) + 300,
          }),
          randomBytes(32).toString('base64url'),
        ].join('.');
        this.issuedIdTokens.push(token);
        this.send(res, 200, 'application/json', JSON.stringify({ value: token }));
      } else if (req.method === 'POST' && /Action=/.test(body)) {
        call.service = 'sts';
        const form = new URLSearchParams(body);
        call.operation = form.get('Action') ?? '';
        call.input = Object.fromEntries(form.entries());
        this.maybeThrottle('sts');
        this.send(res, 200, 'text/xml', this.sts(call.operation, form));
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

  // --- SSM ----------------------------------------------------------------------------------------

  private scriptFor(document: string, instanceId: string): InstanceScript {
    const doc = this.options.documents?.[document];
    return doc?.instances?.[instanceId] ?? doc?.default ?? this.options.defaultScript ?? {};
  }

  private resolveTargets(targets: { Key: string; Values: string[] }[]): string[] {
    let selected: string[] | undefined;
    for (const { Key, Values } of targets) {
      let ids: string[];
      if (Key === 'InstanceIds') ids = Values;
      else if (Key.startsWith('tag:')) {
        const tag = Key.slice(4);
        ids = Values.flatMap((v) => this.options.tags?.[`${tag}=${v}`] ?? []);
      } else throw new DoubleError(400, 'InvalidTarget', `the double does not resolve target key ${Key}`);
      selected = selected ? selected.filter((id) => ids.includes(id)) : [...new Set(ids)];
    }
    return selected ?? [];
  }

  private ssm(operation: string, input: Record<string, unknown>): unknown {
    switch (operation) {
      case 'SendCommand':
        return this.sendCommand(input);
      case 'ListCommands': {
        const command = this.visibleCommand(String(input.CommandId));
        return { Commands: command ? [this.commandView(command)] : [] };
      }
      case 'ListCommandInvocations':
        return this.listInvocations(input);
      case 'GetCommandInvocation': {
        const command = this.visibleCommand(String(input.CommandId));
        const inv = command?.invocations.find((i) => i.instanceId === input.InstanceId);
        if (!command || !inv) throw new DoubleError(400, 'InvocationDoesNotExist', '');
        if (input.PluginName !== undefined && input.PluginName !== PLUGIN_NAME) {
          throw new DoubleError(400, 'InvalidPluginName', `no plugin ${String(input.PluginName)}`);
        }
        const view = this.invocationView(command, inv);
        const [stdout, stderr] = view.finished
          ? [inv.script.stdout ?? '', inv.script.stderr ?? '']
          : ['', ''];
        return {
          CommandId: command.commandId,
          InstanceId: inv.instanceId,
          Comment: command.comment,
          DocumentName: command.documentName,
          DocumentVersion: command.documentVersion,
          PluginName: PLUGIN_NAME,
          ResponseCode: view.responseCode,
          Status: view.status,
          StatusDetails: view.statusDetails,
          StandardOutputContent: stdout.slice(0, 24_000),
          StandardErrorContent: stderr.slice(0, 8_000),
        };
      }
      case 'GetDocument':
        return this.documentContents.getDocument(input);
      case 'CancelCommand': {
        const command = this.commands.get(String(input.CommandId));
        if (!command) throw new DoubleError(400, 'InvalidCommandId', '');
        const only = input.InstanceIds as string[] | undefined;
        const at = this.now() + (this.options.cancelDelayMs ?? 30);
        for (const inv of command.invocations) {
          if (only && !only.includes(inv.instanceId)) continue;
          if (inv.script.ignoresCancel) continue;
          if (inv.endAt > this.now() && inv.cancelAt === undefined) inv.cancelAt = at;
        }
        return {};
      }
      default: {
        const answer = this.documentVersions.handle(operation, input);
        if (answer !== undefined) return answer;
        throw new DoubleError(400, 'UnknownOperationException', `the double does not speak ${operation}`);
      }
    }
  }

  private sendCommand(input: Record<string, unknown>): unknown {
    const documentName = String(input.DocumentName ?? '');
    if (!documentName) throw new DoubleError(400, 'ValidationException', 'DocumentName is required');
    const comment = String(input.Comment ?? '');
    if (comment.length > 100) {
      throw new DoubleError(400, 'ValidationException', 'Comment must be at most 100 characters');
    }
    const targets = (input.Targets as { Key: string; Values: string[] }[] | undefined) ?? [];
    const instanceIds = (input.InstanceIds as string[] | undefined) ?? [];
    if (instanceIds.length > 50) throw new DoubleError(400, 'ValidationException', 'at most 50 InstanceIds');
    this.documentVersions.checkSend(documentName, input.DocumentVersion);
    const ids = instanceIds.length > 0 ? instanceIds : this.resolveTargets(targets);
    const maxConcurrency = String(input.MaxConcurrency ?? '50');
    const concurrency = maxConcurrency.endsWith('%')
      ? Math.max(1, Math.floor((ids.length * Number(maxConcurrency.slice(0, -1))) / 100))
      : Number(maxConcurrency);
    const requestedAt = this.now();
    const invocations: Invocation[] = [];
    let batchStart = requestedAt;
    let batchEnd = requestedAt;
    ids.forEach((instanceId, i) => {
      if (i > 0 && i % concurrency === 0) batchStart = batchEnd;
      const script = this.scriptFor(documentName, instanceId);
      const startAt = batchStart + (script.deliveryMs ?? 20);
      const endAt = startAt + (script.runMs ?? 100);
      batchEnd = Math.max(batchEnd, endAt);
      invocations.push({ instanceId, script, startAt, endAt });
    });
    const command: SsmCommand = {
      commandId: randomUUID(),
      documentName,
      documentVersion: String(input.DocumentVersion ?? '$DEFAULT'),
      comment,
      parameters: (input.Parameters as Record<string, string[]>) ?? {},
      targets,
      instanceIds,
      timeoutSeconds: Number(input.TimeoutSeconds ?? 3600),
      maxConcurrency,
      maxErrors: String(input.MaxErrors ?? '0'),
      requestedAt,
      invocations,
    };
    this.commands.set(command.commandId, command);
    return { Command: this.commandView(command) };
  }

  private visibleCommand(commandId: string): SsmCommand | undefined {
    const command = this.commands.get(commandId);
    if (!command) return undefined;
    if (this.now() < command.requestedAt + (this.options.invisibleForMs ?? 0)) return undefined;
    return command;
  }

  private invocationView(command: SsmCommand, inv: Invocation) {
    const t = this.now();
    const cancelled = inv.cancelAt !== undefined && inv.cancelAt <= t && inv.cancelAt < inv.endAt;
    const fault = inv.script.fault;
    // Undeliverable and Delivery Timed Out never start on the instance.
    const started = t >= inv.startAt && fault !== 'Undeliverable' && fault !== 'DeliveryTimedOut';
    const pick = (status: string, statusDetails: string, responseCode: number, finished: boolean) => ({
      status,
      statusDetails,
      responseCode,
      finished,
      started,
    });
    if (cancelled) return pick('Cancelled', 'Cancelled', -1, false);
    if (t < inv.endAt) {
      if (!started) return pick('Pending', 'Pending', -1, false);
      return pick('InProgress', 'InProgress', -1, false);
    }
    if (fault === 'Undeliverable') return pick('Failed', 'Undeliverable', -1, false);
    if (fault === 'DeliveryTimedOut') return pick('TimedOut', 'Delivery Timed Out', -1, false);
    if (fault === 'ExecutionTimedOut') return pick('TimedOut', 'Execution Timed Out', -1, true);
    const code = inv.script.exitCode ?? 0;
    return code === 0 ? pick('Success', 'Success', 0, true) : pick('Failed', 'Failed', code, true);
  }

  private commandView(command: SsmCommand) {
    const views = command.invocations.map((inv) => this.invocationView(command, inv));
    const terminal = views.filter((v) => TERMINAL.has(v.status));
    const errorCount = views.filter(
      (v) => v.statusDetails === 'Failed' || v.statusDetails === 'Execution Timed Out',
    ).length;
    const deliveryTimedOut = views.filter((v) => v.statusDetails === 'Delivery Timed Out').length;
    let status: string;
    let details: string;
    if (views.length === 0) [status, details] = ['Success', 'No Instances In Tag'];
    else if (terminal.length < views.length)
      [status, details] = views.some((v) => v.started)
        ? ['InProgress', 'InProgress']
        : ['Pending', 'Pending'];
    else if (views.some((v) => v.status === 'Cancelled')) [status, details] = ['Cancelled', 'Cancelled'];
    else if (errorCount > 0) [status, details] = ['Failed', 'Failed'];
    else if (deliveryTimedOut === views.length) [status, details] = ['TimedOut', 'Delivery Timed Out'];
    // SSM's trap, reproduced: Undeliverable and Delivery Timed Out do not make the parent fail.
    else [status, details] = ['Success', 'Success'];
    return {
      CommandId: command.commandId,
      DocumentName: command.documentName,
      DocumentVersion: command.documentVersion,
      Comment: command.comment,
      Parameters: command.parameters,
      InstanceIds: command.instanceIds,
      Targets: command.targets,
      RequestedDateTime: command.requestedAt / 1000,
      Status: status,
      StatusDetails: details,
      MaxConcurrency: command.maxConcurrency,
      MaxErrors: command.maxErrors,
      TimeoutSeconds: command.timeoutSeconds,
      TargetCount: views.length,
      CompletedCount: terminal.length,
      ErrorCount: errorCount,
      DeliveryTimedOutCount: deliveryTimedOut,
    };
  }

  private listInvocations(input: Record<string, unknown>): unknown {
    const command = this.visibleCommand(String(input.CommandId));
    if (!command) return { CommandInvocations: [] };
    const pageSize = Math.min(50, Number(input.MaxResults ?? 50));
    const start = input.NextToken ? Number(Buffer.from(String(input.NextToken), 'base64').toString()) : 0;
    const page = command.invocations.slice(start, start + pageSize);
    const details = input.Details === true;
    const items = page.map((inv) => {
      const view = this.invocationView(command, inv);
      const output = view.finished ? pluginOutput(inv.script.stdout ?? '', inv.script.stderr ?? '') : '';
      return {
        CommandId: command.commandId,
        InstanceId: inv.instanceId,
        InstanceName: '',
        Comment: command.comment,
        DocumentName: command.documentName,
        DocumentVersion: command.documentVersion,
        RequestedDateTime: command.requestedAt / 1000,
        Status: view.status,
        StatusDetails: view.statusDetails,
        ...(details && {
          CommandPlugins: [
            {
              Name: PLUGIN_NAME,
              Status: view.status,
              StatusDetails: view.statusDetails,
              ResponseCode: view.responseCode,
              ...(view.started && { ResponseStartDateTime: inv.startAt / 1000 }),
              ...(TERMINAL.has(view.status) &&
                view.started && {
                  ResponseFinishDateTime: Math.min(inv.endAt, inv.cancelAt ?? Infinity) / 1000,
                }),
              Output: output,
            },
          ],
        }),
      };
    });
    const next = start + pageSize < command.invocations.length ? start + pageSize : undefined;
    return {
      CommandInvocations: items,
      ...(next !== undefined && { NextToken: Buffer.from(String(next)).toString('base64') }),
    };
  }

  // --- CloudFront ---------------------------------------------------------------------------------

  private cloudfront(
    operation: string,
    input: Record<string, unknown>,
  ): { status: number; xml: string; location?: string } {
    const distributionId = String(input.DistributionId);
    const known = this.options.cloudfront?.distributions;
    if (known && !known.includes(distributionId)) {
      throw new DoubleError(404, 'NoSuchDistribution', 'The specified distribution does not exist.');
    }
    if (operation === 'CreateInvalidation') {
      this.createInvalidationCalls++;
      const throttled = this.options.cloudfront?.throttledCreates ?? 0;
      if (this.createInvalidationCalls <= throttled) {
        throw new DoubleError(400, 'Throttling', 'Rate exceeded');
      }
      if (this.createInvalidationCalls - throttled <= (this.options.cloudfront?.tooManyInvalidations ?? 0)) {
        throw new DoubleError(
          400,
          'TooManyInvalidationsInProgress',
          'You have exceeded the maximum number of allowable InProgress Invalidation batch requests, or invalidation objects.',
        );
      }
      const callerReference = String(input.CallerReference ?? '');
      const paths = input.Paths as string[];
      const existing = [...this.invalidations.values()].find(
        (i) => i.distributionId === distributionId && i.callerReference === callerReference,
      );
      if (existing) {
        if (JSON.stringify(existing.paths) !== JSON.stringify(paths)) {
          throw new DoubleError(
            409,
            'InvalidationBatchAlreadyExists',
            'CallerReference reused with other paths',
          );
        }
        return { status: 201, xml: this.invalidationXml(existing), location: this.location(existing) };
      }
      const invalidation: CfInvalidation = {
        id: randomKey('I', 13),
        distributionId,
        callerReference,
        paths,
        createdAt: this.now(),
      };
      this.invalidations.set(invalidation.id, invalidation);
      this.options.cloudfront?.onInvalidation?.(paths);
      return { status: 201, xml: this.invalidationXml(invalidation), location: this.location(invalidation) };
    }
    this.getInvalidationCalls++;
    if (this.getInvalidationCalls <= (this.options.cloudfront?.throttledGets ?? 0)) {
      throw new DoubleError(400, 'Throttling', 'Rate exceeded');
    }
    const invalidation = this.invalidations.get(String(input.Id));
    if (!invalidation || invalidation.distributionId !== distributionId) {
      throw new DoubleError(404, 'NoSuchInvalidation', 'The specified invalidation does not exist.');
    }
    return { status: 200, xml: this.invalidationXml(invalidation) };
  }

  private location(i: CfInvalidation) {
    return `/2020-05-31/distribution/${i.distributionId}/invalidation/${i.id}`;
  }

  private invalidationXml(i: CfInvalidation): string {
    const done = this.now() >= i.createdAt + (this.options.cloudfront?.completeAfterMs ?? 200);
    const paths = i.paths.map((p) => `<Path>${xmlEscape(p)}</Path>`).join('');
    return `<?xml version="1.0" encoding="UTF-8"?><Invalidation xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Id>${i.id}</Id><Status>${done ? 'Completed' : 'InProgress'}</Status><CreateTime>${new Date(i.createdAt).toISOString()}</CreateTime><InvalidationBatch><Paths><Quantity>${i.paths.length}</Quantity><Items>${paths}</Items></Paths><CallerReference>${xmlEscape(i.callerReference)}</CallerReference></InvalidationBatch></Invalidation>`;
  }

  // --- STS ----------------------------------------------------------------------------------------

  private sts(action: string, form: URLSearchParams): string {
    if (action !== 'AssumeRoleWithWebIdentity') {
      throw new DoubleError(400, 'InvalidAction', `the double does not speak ${action}`);
    }
    this.stsCalls++;
    const options = this.options.sts ?? {};
    if (this.stsCalls <= (options.transientFailures ?? 0)) {
      throw new DoubleError(400, 'IDPCommunicationError', 'The identity provider could not be reached.');
    }
    const token = form.get('WebIdentityToken') ?? '';
    if (!this.issuedIdTokens.includes(token)) {
      throw new DoubleError(
        400,
        'InvalidIdentityToken',
        'The web identity token was not issued by the OIDC endpoint.',
      );
    }
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { aud: string };
    const roleArn = form.get('RoleArn') ?? '';
    const refused = options.deniedAfterIssued !== undefined && this.issued >= options.deniedAfterIssued;
    if (options.accessDenied || refused || claims.aud !== (options.audience ?? 'sts.amazonaws.com')) {
      throw new DoubleError(403, 'AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity');
    }
    const durationSeconds = Number(form.get('DurationSeconds') ?? 3600);
    const lifetime = options.lifetimesSeconds?.[this.issued] ?? durationSeconds;
    const credentials: IssuedCredentials = {
      accessKeyId: randomKey('ASIA', 16),
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: randomBytes(60).toString('base64'),
      roleArn,
      roleSessionName: form.get('RoleSessionName') ?? '',
      durationSeconds,
      expiration: new Date(Date.now() + lifetime * 1000).toISOString(),
    };
    this.issuedCredentials.push(credentials);
    this.issued++;
    const expiration = credentials.expiration;
    return `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult><SubjectFromWebIdentityToken>repo:example/site:ref:refs/heads/main</SubjectFromWebIdentityToken><Audience>${xmlEscape(claims.aud)}</Audience><AssumedRoleUser><Arn>${xmlEscape(roleArn.replace(':role/', ':assumed-role/'))}/${xmlEscape(credentials.roleSessionName)}</Arn><AssumedRoleId>AROA${randomKey('', 17)}:${xmlEscape(credentials.roleSessionName)}</AssumedRoleId></AssumedRoleUser><Credentials><SessionToken>${credentials.sessionToken}</SessionToken><SecretAccessKey>${credentials.secretAccessKey}</SecretAccessKey><Expiration>${expiration}</Expiration><AccessKeyId>${credentials.accessKeyId}</AccessKeyId></Credentials><Provider>token.actions.githubusercontent.com</Provider></AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>`;
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
  return () => {
    process.env = saved;
  };
}
