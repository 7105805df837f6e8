// A Secrets Manager double for the relay's secret tests: GetSecretValue only (JSON 1.1 protocol on
// 127.0.0.1), reached by the real AWS SDK through its standard AWS_ENDPOINT_URL variable with dummy
// credentials — including a secret that is read and never answered, and one answered late. Nothing
// in src/ knows about it.

import { afterAll, afterEach, beforeAll, beforeEach, vi } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The relay secret's ARN the tests store and read. */
export const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:cache-purge-relay-AbCdEf';
/** The relay's environment around the secret. */
export const relayEnv = { RELAY_SECRETS_ARN: ARN, SITES: 'portal,main', DISPATCH_REPOSITORY: 'acme/site' };

interface Recorded {
  target: string | undefined;
  contentType: string | undefined;
  authorization: string | undefined;
  body: { SecretId?: string };
}

/**
 * Secrets Manager double: GetSecretValue only, answering from `secrets` (id → SecretString | error),
 * after `delayMs` when given; `{ hang: true }` reads the request and never answers.
 */
export class SecretsManagerDouble {
  readonly requests: Recorded[] = [];
  secrets = new Map<
    string,
    | { SecretString?: string; SecretBinary?: string; delayMs?: number }
    | { error: string; status: number }
    | { hang: true }
  >();
  private server: Server = createServer((req, res) => void this.handle(req, res));
  url = '';

  async start(): Promise<void> {
    await new Promise<void>((done) => this.server.listen(0, '127.0.0.1', done));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((done) => {
      this.server.close(() => done());
      this.server.closeAllConnections(); // the hung ones too
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { SecretId?: string };
    const target = req.headers['x-amz-target'] as string | undefined;
    this.requests.push({
      target,
      contentType: req.headers['content-type'],
      authorization: req.headers.authorization,
      body,
    });
    const reply = (status: number, payload: unknown, errorType?: string) => {
      res.writeHead(status, {
        'content-type': 'application/x-amz-json-1.1',
        ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
        'x-amzn-requestid': `req-${this.requests.length}`,
      });
      res.end(JSON.stringify(payload));
    };
    if (req.method !== 'POST' || target !== 'secretsmanager.GetSecretValue') {
      reply(
        400,
        { __type: 'UnknownOperationException', message: `unexpected ${req.method} ${target}` },
        'UnknownOperationException',
      );
      return;
    }
    const entry = this.secrets.get(body.SecretId ?? '');
    if (!entry) {
      const message = "Secrets Manager can't find the specified secret.";
      reply(400, { __type: 'ResourceNotFoundException', message }, 'ResourceNotFoundException');
      return;
    }
    if ('hang' in entry) return; // accepted, read, never answered
    if ('error' in entry) {
      reply(entry.status, { __type: entry.error, message: `${entry.error} from the double` }, entry.error);
      return;
    }
    const { delayMs, ...secret } = entry;
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
    reply(200, {
      ARN: body.SecretId,
      Name: 'cache-purge-relay',
      VersionId: 'v1',
      ...secret,
      CreatedDate: 1.7e9,
    });
  }
}

/**
 * One double for the test file, started before its tests and stopped after; before each test the
 * environment a Lambda would have points the SDK at it, and its secrets and records are cleared.
 */
export function useSecretsManagerDouble(): SecretsManagerDouble {
  const double = new SecretsManagerDouble();
  beforeAll(async () => {
    await double.start();
  });
  afterAll(async () => {
    await double.stop();
  });

  beforeEach(() => {
    // What a Lambda would have, pointed at the double through the SDK's own endpoint variable.
    vi.stubEnv('AWS_ENDPOINT_URL', double.url);
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLEDUMMY');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'dummy-secret-access-key');
    vi.stubEnv('AWS_SESSION_TOKEN', undefined);
    vi.stubEnv('AWS_PROFILE', undefined);
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/aws-config');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/aws-credentials');
    double.requests.length = 0;
    double.secrets.clear();
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });
  return double;
}
