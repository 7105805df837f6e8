// The relay's secret loader (its pure rules are in relay-secret-core.test.ts): the real AWS SDK client
// talking to a small Secrets Manager double (JSON 1.1 protocol on 127.0.0.1) reached through the SDK's
// standard AWS_ENDPOINT_URL variable, with dummy credentials — including a double that accepts the connection
// and never answers, and one that answers late. Nothing in src/ knows about the double.

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RelaySecretsError, SecretReadTimeoutError } from '../src/relay/core/relay-secret.js';
import {
  MAX_STALE_MS,
  REFRESH_RETRY_MS,
  type SecretsLoadEvent,
} from '../src/relay/core/secret-cache-policy.js';
import {
  SECRETS_READ_TIMEOUT_MS,
  createRelaySecretsLoader,
  loadRelaySecrets,
  secretsManagerFetcher,
} from '../src/relay/secrets.js';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as LambdaModule from '../src/relay/lambda.js';
import { startGitHubDouble, type GitHubDouble } from './helpers/github-double.ts';
import { commandBody, slackHeaders, TEST_SIGNING_SECRET } from './helpers/slack.ts';
import { repoRoot } from './helpers/run-action.js';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:cache-purge-relay-AbCdEf';

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
class SecretsManagerDouble {
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

  private async handle(req: IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
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

const relayEnv = { RELAY_SECRETS_ARN: ARN, SITES: 'portal,main', DISPATCH_REPOSITORY: 'acme/site' };

describe('loadRelaySecrets with the real SDK against a Secrets Manager double', () => {
  it('without RELAY_SECRETS_ARN returns the environment unchanged and calls nothing', async () => {
    const env = { SLACK_SIGNING_SECRET: 'plain', SITES: 'portal' };
    expect(await loadRelaySecrets(env)).toEqual(env);
    expect(double.requests).toHaveLength(0);
  });

  it('fetches the secret with a signed GetSecretValue and merges it over the environment', async () => {
    double.secrets.set(ARN, {
      SecretString: JSON.stringify({
        SLACK_SIGNING_SECRET: 'signing',
        GITHUB_TOKEN: 'ghp_token',
        SLACK_SIGNING_SECRET_PREVIOUS: '',
      }),
    });
    const load = createRelaySecretsLoader();
    expect(await load({ ...relayEnv, GITHUB_TOKEN: 'stale-plain' })).toEqual({
      ...relayEnv,
      SLACK_SIGNING_SECRET: 'signing',
      GITHUB_TOKEN: 'ghp_token',
    });
    expect(double.requests).toHaveLength(1);
    const [request] = double.requests;
    expect(request!.target).toBe('secretsmanager.GetSecretValue');
    expect(request!.contentType).toBe('application/x-amz-json-1.1');
    expect(request!.body).toEqual({ SecretId: ARN });
    expect(request!.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLEDUMMY\/\d{8}\/eu-west-1\/secretsmanager\/aws4_request, /,
    );
  });

  it('the default loader reads once and then serves from its cache', async () => {
    double.secrets.set(ARN, { SecretString: JSON.stringify({ SLACK_SIGNING_SECRET: 'cached-one' }) });
    const first = await loadRelaySecrets(relayEnv);
    double.secrets.set(ARN, { SecretString: JSON.stringify({ SLACK_SIGNING_SECRET: 'changed' }) });
    const second = await loadRelaySecrets(relayEnv);
    expect(first.SLACK_SIGNING_SECRET).toBe('cached-one');
    expect(second.SLACK_SIGNING_SECRET).toBe('cached-one');
    expect(double.requests).toHaveLength(1);
  });

  it('reads again after maxAgeMs (a rotated secret reaches a warm container), and concurrent calls share one fetch', async () => {
    let clock = 1_000;
    const load = createRelaySecretsLoader({ maxAgeMs: 60_000, now: () => clock });
    double.secrets.set(ARN, { SecretString: JSON.stringify({ SLACK_SIGNING_SECRET: 'old' }) });
    const [a, b] = await Promise.all([load(relayEnv), load(relayEnv)]);
    expect([a.SLACK_SIGNING_SECRET, b.SLACK_SIGNING_SECRET]).toEqual(['old', 'old']);
    expect(double.requests).toHaveLength(1);

    double.secrets.set(ARN, { SecretString: JSON.stringify({ SLACK_SIGNING_SECRET: 'new' }) });
    clock += 59_999;
    expect((await load(relayEnv)).SLACK_SIGNING_SECRET).toBe('old');
    clock += 1;
    expect((await load(relayEnv)).SLACK_SIGNING_SECRET).toBe('new');
    expect(double.requests).toHaveLength(2);
  });

  it('a missing secret is an error naming RELAY_SECRETS_ARN and the fix; failures are not cached', async () => {
    const load = createRelaySecretsLoader();
    await expect(load(relayEnv)).rejects.toThrow(
      /^RELAY_SECRETS_ARN: could not read the secret arn:aws:secretsmanager:.* \(ResourceNotFoundException: Secrets Manager can't find the specified secret\.\)\. Check that RELAY_SECRETS_ARN is the ARN of the stack's relay secret \(output RelaySecretArn\) and that the function's role may call secretsmanager:GetSecretValue/,
    );
    double.secrets.set(ARN, { SecretString: JSON.stringify({ SLACK_SIGNING_SECRET: 'now-there' }) });
    expect((await load(relayEnv)).SLACK_SIGNING_SECRET).toBe('now-there');
  });

  it('access denied is reported with the permission to grant', async () => {
    double.secrets.set(ARN, { error: 'AccessDeniedException', status: 400 });
    await expect(createRelaySecretsLoader()(relayEnv)).rejects.toThrow(
      /\(AccessDeniedException: AccessDeniedException from the double\)\..*secretsmanager:GetSecretValue/,
    );
  });

  it('a binary-only secret, or a secret with a bad shape, is refused with the expected shape', async () => {
    double.secrets.set(ARN, { SecretBinary: Buffer.from('bin').toString('base64') });
    await expect(createRelaySecretsLoader()(relayEnv)).rejects.toThrow(
      /has no SecretString .*Store a JSON object/,
    );
    double.secrets.set(ARN, { SecretString: '{"GITHUB_TOKEN": "x", "EXTRA": "y"}' });
    await expect(createRelaySecretsLoader()(relayEnv)).rejects.toThrow(/unknown key "EXTRA"/);
  });

  it('an empty RELAY_SECRETS_ARN is a configuration error, not a silent fallback', async () => {
    await expect(createRelaySecretsLoader()({ ...relayEnv, RELAY_SECRETS_ARN: '  ' })).rejects.toThrow(
      /^RELAY_SECRETS_ARN is set but empty\. Set it to the ARN of the relay secret/,
    );
    expect(double.requests).toHaveLength(0);
  });

  it('Secrets Manager accepting the connection and never answering: the read fails within its 1.5 s deadline, and is not cached', async () => {
    expect(SECRETS_READ_TIMEOUT_MS).toBe(1500);
    double.secrets.set(ARN, { hang: true });
    // the fetcher and a loader read at the same time (the two waits overlap)
    const load = createRelaySecretsLoader();
    const loaded = load(relayEnv).then(
      () => undefined,
      (error: unknown) => error,
    );
    const started = performance.now();
    const failure = await secretsManagerFetcher()(ARN).then(
      () => undefined,
      (error: unknown) => error,
    );
    const ms = performance.now() - started;
    expect(failure).toBeInstanceOf(SecretReadTimeoutError);
    expect(ms).toBeGreaterThanOrEqual(1400);
    expect(ms).toBeLessThan(2000);

    expect(await loaded).toBeInstanceOf(Error);
    expect(((await loaded) as Error).message).toMatch(
      /^RELAY_SECRETS_ARN: Secrets Manager did not answer within 1\.5 s when reading the secret arn:aws:secretsmanager:.*; the next request tries again\. If it keeps happening, check that the function can reach Secrets Manager \(a function in a VPC needs a NAT gateway or a secretsmanager VPC endpoint\)\.$/,
    );
    double.secrets.set(ARN, { SecretString: JSON.stringify({ SLACK_SIGNING_SECRET: 'answered' }) });
    expect((await load(relayEnv)).SLACK_SIGNING_SECRET).toBe('answered');
  });

  it('secretsManagerFetcher returns the SecretString through the SDK', async () => {
    double.secrets.set('plain-name', { SecretString: 'hello' });
    expect(await secretsManagerFetcher()('plain-name')).toBe('hello');
  });
});

describe('a failed refresh keeps the last good copy (real SDK against the double, injected clock)', () => {
  const MINUTE = 60_000;
  const secret = (value: string) => ({ SecretString: JSON.stringify({ SLACK_SIGNING_SECRET: value }) });

  it('serves the last good copy, reports once with the error code, reads again only after 30 s, then reports recovery', async () => {
    expect(REFRESH_RETRY_MS).toBe(30_000);
    let clock = 1_000_000;
    const events: SecretsLoadEvent[] = [];
    const report = (event: SecretsLoadEvent) => events.push(event);
    const load = createRelaySecretsLoader({ now: () => clock });
    double.secrets.set(ARN, secret('good'));
    expect((await load(relayEnv, report)).SLACK_SIGNING_SECRET).toBe('good');
    expect(events).toEqual([]);

    // five minutes later the re-read is due; Secrets Manager throttles (the SDK retries once, in vain)
    double.secrets.set(ARN, { error: 'ThrottlingException', status: 400 });
    clock += 5 * MINUTE;
    let reads = double.requests.length;
    expect((await load(relayEnv, report)).SLACK_SIGNING_SECRET).toBe('good');
    expect(double.requests.length).toBeGreaterThan(reads);
    expect(events).toEqual([
      {
        kind: 'refresh_failed',
        secretId: ARN,
        errorCode: 'ThrottlingException',
        message: expect.stringMatching(
          /^RELAY_SECRETS_ARN: could not read the secret arn:.* \(ThrottlingException: ThrottlingException from the double\)\./,
        ),
        ageMs: 5 * MINUTE,
        retryInMs: 30_000,
        staleLimitMs: MAX_STALE_MS,
      },
      { kind: 'served_stale', ageMs: 5 * MINUTE },
    ]);

    // within the 30 s: served from the copy, Secrets Manager is not asked, nothing but the age is reported
    events.length = 0;
    reads = double.requests.length;
    clock += 29_999;
    expect((await load(relayEnv, report)).SLACK_SIGNING_SECRET).toBe('good');
    expect(double.requests.length).toBe(reads);
    expect(events).toEqual([{ kind: 'served_stale', ageMs: 5 * MINUTE + 29_999 }]);

    // at 30 s it reads again; a different failure is reported with its own code
    events.length = 0;
    double.secrets.set(ARN, { error: 'AccessDeniedException', status: 400 });
    clock += 1;
    expect((await load(relayEnv, report)).SLACK_SIGNING_SECRET).toBe('good');
    expect(double.requests.length).toBe(reads + 1); // not retryable: one request
    expect(events.map((event) => [event.kind, 'errorCode' in event ? event.errorCode : undefined])).toEqual([
      ['refresh_failed', 'AccessDeniedException'],
      ['served_stale', undefined],
    ]);

    // 30 s later Secrets Manager answers (with a rotated value): served at once, recovery reported
    events.length = 0;
    double.secrets.set(ARN, secret('rotated'));
    clock += 30_000;
    expect((await load(relayEnv, report)).SLACK_SIGNING_SECRET).toBe('rotated');
    expect(events).toEqual([{ kind: 'refresh_recovered', secretId: ARN, failures: 2, failingForMs: 60_000 }]);

    // and the new copy is fresh for the next five minutes
    events.length = 0;
    reads = double.requests.length;
    clock += 5 * MINUTE - 1;
    expect((await load(relayEnv, report)).SLACK_SIGNING_SECRET).toBe('rotated');
    expect(double.requests.length).toBe(reads);
    expect(events).toEqual([]);
  });

  it('never serves a copy older than MAX_STALE_MS (1 h): then it fails as a first read does, saying why, and tries on every request', async () => {
    expect(MAX_STALE_MS).toBe(60 * MINUTE);
    let clock = 5_000_000;
    const events: SecretsLoadEvent[] = [];
    const load = createRelaySecretsLoader({ now: () => clock });
    double.secrets.set(ARN, secret('good'));
    await load(relayEnv);
    double.secrets.set(ARN, { error: 'ResourceNotFoundException', status: 400 });

    clock += 60 * MINUTE - 1; // the last moment the copy may be served
    expect((await load(relayEnv, (event) => events.push(event))).SLACK_SIGNING_SECRET).toBe('good');
    expect(events.map((event) => event.kind)).toEqual(['refresh_failed', 'served_stale']);

    clock += 1; // an hour old: dropped, although the 30 s back-off has not passed
    const reads = double.requests.length;
    await expect(load(relayEnv)).rejects.toThrow(
      /\(ResourceNotFoundException: .*\. The last secret read successfully is 1 h old, past the 1 h the relay serves a copy while reads fail, so it is no longer used\.$/,
    );
    expect(double.requests.length).toBe(reads + 1);
    // from now on each request reads, as before any good read; the error is the plain first-read one
    const failure = await load(relayEnv).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RelaySecretsError);
    expect((failure as RelaySecretsError).code).toBe('ResourceNotFoundException');
    expect((failure as Error).message).not.toContain('no longer used');
    expect(double.requests.length).toBe(reads + 2);
    double.secrets.set(ARN, secret('back'));
    expect((await load(relayEnv)).SLACK_SIGNING_SECRET).toBe('back');
  });

  it('a refresh that times out, or returns a secret of the wrong shape, also keeps the copy (codes TimeoutError, InvalidSecret)', async () => {
    let clock = 0;
    const answers: (() => Promise<string | undefined>)[] = [
      async () => JSON.stringify({ SLACK_SIGNING_SECRET: 'good' }),
      async () => {
        throw new SecretReadTimeoutError(1500, new Error('aborted'));
      },
      async () => '{"SLACK_SIGNING_SECRET": 42}',
      async () => undefined,
    ];
    const load = createRelaySecretsLoader({ now: () => clock, fetchSecret: () => answers.shift()!() });
    const events: SecretsLoadEvent[] = [];
    await load(relayEnv);
    for (const expected of ['TimeoutError', 'InvalidSecret', 'NoSecretString']) {
      clock += 5 * MINUTE;
      events.length = 0;
      expect((await load(relayEnv, (event) => events.push(event))).SLACK_SIGNING_SECRET).toBe('good');
      expect(events[0]).toMatchObject({ kind: 'refresh_failed', errorCode: expected });
    }
    expect(answers).toHaveLength(0);
    // the timeout's message says what the relay does instead of "the next request tries again"
    const timeout = createRelaySecretsLoader({
      now: () => clock,
      fetchSecret: async () => {
        if (clock === 0) return JSON.stringify({ SLACK_SIGNING_SECRET: 'good' });
        throw new SecretReadTimeoutError(1500, new Error('aborted'));
      },
    });
    clock = 0;
    await timeout(relayEnv);
    clock = 5 * MINUTE;
    events.length = 0;
    await timeout(relayEnv, (event) => events.push(event));
    expect(events[0]).toMatchObject({
      message: expect.stringContaining(
        'did not answer within 1.5 s when reading the secret arn:aws:secretsmanager:eu-west-1:123456789012:secret:cache-purge-relay-AbCdEf; the relay serves the copy it read before and tries again in 30 s.',
      ),
    });
  });

  it('concurrent calls during a failing refresh share one read and one report', async () => {
    let clock = 0;
    const events: SecretsLoadEvent[] = [];
    const load = createRelaySecretsLoader({ now: () => clock });
    double.secrets.set(ARN, secret('good'));
    await load(relayEnv);
    double.secrets.set(ARN, { error: 'AccessDeniedException', status: 400 });
    clock += 5 * MINUTE;
    const reads = double.requests.length;
    const results = await Promise.all([1, 2, 3].map(() => load(relayEnv, (event) => events.push(event))));
    expect(results.map((env) => env.SLACK_SIGNING_SECRET)).toEqual(['good', 'good', 'good']);
    expect(double.requests.length).toBe(reads + 1);
    expect(events.filter((event) => event.kind === 'refresh_failed')).toHaveLength(1);
    expect(events.filter((event) => event.kind === 'served_stale')).toHaveLength(3);
  });

  it('another RELAY_SECRETS_ARN is a first read: its failure is not covered by the old copy', async () => {
    let clock = 0;
    const load = createRelaySecretsLoader({ now: () => clock });
    double.secrets.set(ARN, secret('good'));
    await load(relayEnv);
    clock += 5 * MINUTE;
    await expect(load({ ...relayEnv, RELAY_SECRETS_ARN: `${ARN}-other` })).rejects.toThrow(
      /ResourceNotFoundException/,
    );
  });
});

describe('the Lambda adapter with RELAY_SECRETS_ARN (bundle dist/relay/lambda.js, real SDK, both doubles)', () => {
  let github: GitHubDouble;
  let lambda: typeof LambdaModule;
  beforeAll(async () => {
    github = await startGitHubDouble();
    lambda = (await import(
      pathToFileURL(join(repoRoot, 'dist/relay/lambda.js')).href
    )) as typeof LambdaModule;
  });
  afterAll(async () => github?.close());

  const event = (body: string) => ({
    headers: Object.fromEntries(Object.entries(slackHeaders(body)).map(([k, v]) => [k.toLowerCase(), v])),
    requestContext: { http: { method: 'POST' } },
    body: Buffer.from(body).toString('base64'),
    isBase64Encoded: true,
  });

  it('reads the signing secret and token from Secrets Manager, dispatches, and retries a failed read', async () => {
    const lines: string[] = [];
    const { GITHUB_TOKEN: token, ...nonSecret } = github.env('token');
    const handler = lambda.createLambdaHandler({
      env: { ...nonSecret, RELAY_SECRETS_ARN: ARN, SITES: 'portal,main' },
      log: (line) => lines.push(line),
    });
    const body = commandBody({ text: 'portal', user_id: 'U0SECRET' });

    // the secret is not there yet: 500, the problem logged once (a short line per request), nothing dispatched
    expect((await handler(event(body))).statusCode).toBe(500);
    expect((await handler(event(body))).statusCode).toBe(500);
    expect(lines.map((l) => JSON.parse(l).event)).toEqual([
      'secrets_error',
      'slack_command',
      'slack_command',
    ]);
    expect(JSON.parse(lines[1]!)).toMatchObject({
      decision: 'misconfigured',
      reason: 'secrets_error',
      status: 500,
    });
    expect(github.dispatches).toHaveLength(0);

    // once it exists the next request reads it again and dispatches
    double.secrets.set(ARN, {
      SecretString: JSON.stringify({ SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET, GITHUB_TOKEN: token }),
    });
    const ok = await handler(event(body));
    expect(ok.statusCode).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ response_type: 'in_channel' });
    expect(github.dispatches.map((d) => d.inputs)).toEqual([
      { site: 'portal', requester: '<@U0SECRET>', 'slack-channel': 'C0001' },
    ]);
    expect(double.requests.every((r) => r.target === 'secretsmanager.GetSecretValue')).toBe(true);
    expect(lines.join('\n')).not.toContain(TEST_SIGNING_SECRET);
    expect(lines.join('\n')).not.toContain(token!);
  });

  it('Secrets Manager accepting the connection and never answering: 500 well within the 5 s Lambda timeout, then the next request reads again', async () => {
    const hangArn = `${ARN}-hang`;
    double.secrets.set(hangArn, { hang: true });
    const lines: string[] = [];
    const { GITHUB_TOKEN: token, ...nonSecret } = github.env('token');
    const handler = lambda.createLambdaHandler({
      env: { ...nonSecret, RELAY_SECRETS_ARN: hangArn, SITES: 'portal,main' },
      log: (line) => lines.push(line),
    });
    const body = commandBody({ text: 'main' });
    const started = performance.now();
    const failed = await handler(event(body));
    expect(performance.now() - started).toBeLessThan(2500); // and Slack (3 s) still gets an answer
    expect(failed.statusCode).toBe(500);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      event: 'secrets_error',
      variable: 'RELAY_SECRETS_ARN',
      message: expect.stringContaining('Secrets Manager did not answer within 1.5 s'),
    });

    double.secrets.set(hangArn, {
      SecretString: JSON.stringify({ SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET, GITHUB_TOKEN: token }),
    });
    const ok = await handler(event(body));
    expect(JSON.parse(ok.body)).toMatchObject({ response_type: 'in_channel' });
  });

  describe("when a refresh fails (the bundle's own loader with an injected clock)", () => {
    const MINUTE = 60_000;
    /** A payload-2.0 event signed at the handler's clock, with `secret` (default: the test secret). */
    const eventAt = (body: string, clockMs: number, secret = TEST_SIGNING_SECRET) => ({
      ...event(body),
      headers: Object.fromEntries(
        Object.entries(slackHeaders(body, { secret, timestamp: Math.floor(clockMs / 1000) })).map(
          ([k, v]) => [k.toLowerCase(), v],
        ),
      ),
    });

    function setUp(arn: string) {
      let clock = Date.now();
      const lines: string[] = [];
      const { GITHUB_TOKEN: token, ...nonSecret } = github.env('token');
      const handler = lambda.createLambdaHandler({
        env: { ...nonSecret, RELAY_SECRETS_ARN: arn, SITES: 'portal,main' },
        log: (line) => lines.push(line),
        now: () => clock,
        loadSecrets: lambda.createRelaySecretsLoader({ now: () => clock }),
      });
      const entries = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      return {
        handler,
        lines,
        entries,
        token: token!,
        advance: (ms: number) => (clock += ms),
        now: () => clock,
      };
    }

    it('keeps dispatching with the last good secret: one secrets_refresh_failed line per failed read, none for 30 s, then a recovery line', async () => {
      const arn = `${ARN}-refresh`;
      const relay = setUp(arn);
      double.secrets.set(arn, {
        SecretString: JSON.stringify({
          SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
          GITHUB_TOKEN: relay.token,
        }),
      });
      const body = commandBody({ text: 'portal', user_id: 'U0STALE' });
      const before = github.dispatches.length;
      expect((await relay.handler(eventAt(body, relay.now()))).statusCode).toBe(200);
      expect(github.dispatches).toHaveLength(before + 1);

      double.secrets.set(arn, { error: 'AccessDeniedException', status: 400 });
      relay.advance(5 * MINUTE);
      relay.lines.length = 0;
      const reads = double.requests.length;
      const kept = await relay.handler(eventAt(body, relay.now()));
      expect(kept.statusCode).toBe(200);
      expect(JSON.parse(kept.body)).toMatchObject({ response_type: 'in_channel' });
      expect(github.dispatches).toHaveLength(before + 2);
      expect(double.requests.length).toBe(reads + 1);
      const [warning, request] = relay.entries();
      expect(relay.entries()).toHaveLength(2);
      expect(warning).toEqual({
        time: new Date(relay.now()).toISOString(),
        event: 'secrets_refresh_failed',
        variable: 'RELAY_SECRETS_ARN',
        error_code: 'AccessDeniedException',
        message: expect.stringMatching(
          /^RELAY_SECRETS_ARN: could not read the secret .*AccessDeniedException/,
        ),
        secret_age_s: 300,
        retry_in_s: 30,
        stale_limit_s: 3600,
      });
      expect(request).toMatchObject({
        event: 'slack_command',
        decision: 'dispatched',
        status: 200,
        user: 'U0STALE',
        secrets_age_s: 300,
      });

      // for the next 30 s: served from the copy, no read, no warning, the age on the request line
      relay.advance(20_000);
      relay.lines.length = 0;
      expect((await relay.handler(eventAt(body, relay.now()))).statusCode).toBe(200);
      expect(double.requests.length).toBe(reads + 1);
      expect(relay.entries()).toEqual([
        expect.objectContaining({ event: 'slack_command', secrets_age_s: 320 }),
      ]);

      // Secrets Manager answers again: read at the next request after the 30 s, recovery logged
      double.secrets.set(arn, {
        SecretString: JSON.stringify({
          SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
          GITHUB_TOKEN: relay.token,
        }),
      });
      relay.advance(10_000);
      relay.lines.length = 0;
      expect((await relay.handler(eventAt(body, relay.now()))).statusCode).toBe(200);
      expect(double.requests.length).toBe(reads + 2);
      const [recovered, last] = relay.entries();
      expect(recovered).toMatchObject({
        event: 'secrets_refresh_recovered',
        variable: 'RELAY_SECRETS_ARN',
        failures: 1,
        failing_for_s: 30,
      });
      expect(last).toMatchObject({ event: 'slack_command', decision: 'dispatched' });
      expect(last).not.toHaveProperty('secrets_age_s');
      expect(relay.lines.join('\n')).not.toContain(TEST_SIGNING_SECRET);
      expect(relay.lines.join('\n')).not.toContain(relay.token);
    });

    it('rotation while refreshes fail: a request signed with the new secret is 401 and causes no extra read; the next scheduled read brings the new secret', async () => {
      const arn = `${ARN}-rotation`;
      const relay = setUp(arn);
      const rotated = 'rotated-signing-secret-9876543210';
      double.secrets.set(arn, {
        SecretString: JSON.stringify({
          SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
          GITHUB_TOKEN: relay.token,
        }),
      });
      const body = commandBody({ text: 'main' });
      expect((await relay.handler(eventAt(body, relay.now()))).statusCode).toBe(200);

      // Slack now signs with a new secret; the refresh that would bring it fails
      double.secrets.set(arn, { error: 'ThrottlingException', status: 400 });
      relay.advance(5 * MINUTE);
      const dispatches = github.dispatches.length;
      expect((await relay.handler(eventAt(body, relay.now(), rotated))).statusCode).toBe(401);
      const reads = double.requests.length;
      relay.lines.length = 0;
      for (let i = 0; i < 5; i++) {
        relay.advance(1_000);
        expect((await relay.handler(eventAt(body, relay.now(), rotated))).statusCode).toBe(401);
      }
      expect(double.requests.length).toBe(reads); // bad signatures do not drive Secrets Manager reads
      expect(github.dispatches.length).toBe(dispatches);
      expect(relay.entries().at(-1)).toMatchObject({
        event: 'slack_command',
        decision: 'rejected',
        reason: 'bad_signature',
        status: 401,
        secrets_age_s: 305,
      });

      // the secret is updated and Secrets Manager answers: the first request after the 30 s verifies
      double.secrets.set(arn, {
        SecretString: JSON.stringify({
          SLACK_SIGNING_SECRET: rotated,
          SLACK_SIGNING_SECRET_PREVIOUS: TEST_SIGNING_SECRET,
          GITHUB_TOKEN: relay.token,
        }),
      });
      relay.advance(25_000);
      const ok = await relay.handler(eventAt(body, relay.now(), rotated));
      expect(ok.statusCode).toBe(200);
      expect(github.dispatches.length).toBe(dispatches + 1);
    });

    it('past the 1-hour limit the copy is no longer used: 500 and a secrets_error line saying so', async () => {
      const arn = `${ARN}-expired`;
      const relay = setUp(arn);
      double.secrets.set(arn, {
        SecretString: JSON.stringify({
          SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
          GITHUB_TOKEN: relay.token,
        }),
      });
      const body = commandBody({ text: 'portal' });
      expect((await relay.handler(eventAt(body, relay.now()))).statusCode).toBe(200);
      double.secrets.set(arn, { error: 'AccessDeniedException', status: 400 });
      relay.advance(59 * MINUTE);
      expect((await relay.handler(eventAt(body, relay.now()))).statusCode).toBe(200);
      relay.advance(MINUTE);
      relay.lines.length = 0;
      expect((await relay.handler(eventAt(body, relay.now()))).statusCode).toBe(500);
      expect(relay.entries()).toEqual([
        expect.objectContaining({
          event: 'secrets_error',
          variable: 'RELAY_SECRETS_ARN',
          message: expect.stringMatching(
            /The last secret read successfully is 1 h old, past the 1 h the relay serves a copy while reads fail, so it is no longer used\.$/,
          ),
        }),
        expect.objectContaining({
          event: 'slack_command',
          decision: 'misconfigured',
          reason: 'secrets_error',
          status: 500,
        }),
      ]);
    });
  });

  it('a slow secret read is taken off the dispatch deadline: the answer still leaves within 2.5 s when GitHub hangs', async () => {
    const slowArn = `${ARN}-slow`;
    const { GITHUB_TOKEN: token, ...nonSecret } = github.env('token');
    double.secrets.set(slowArn, {
      SecretString: JSON.stringify({ SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET, GITHUB_TOKEN: token }),
      delayMs: 700, // without the shortened deadline: 0.7 s + 2 s = 2.7 s
    });
    github.always('dispatch', { hang: true });
    try {
      const handler = lambda.createLambdaHandler({
        env: { ...nonSecret, RELAY_SECRETS_ARN: slowArn, SITES: 'portal,main' },
        log: () => {},
      });
      const started = performance.now();
      const reply = await handler(event(commandBody({ text: 'portal' })));
      expect(performance.now() - started).toBeLessThan(2500);
      expect(JSON.parse(reply.body).text).toMatch(
        /GitHub did not answer within 1\.[0-3] s, so the purge may or may not have started/,
      );
    } finally {
      github.reset();
    }
  });
});
