// The relay's secret loader (its pure rules are in relay-secret-core.test.ts) with the real AWS SDK
// client against a Secrets Manager double (helpers/secrets-manager-double.ts): reading, caching and
// re-reading the secret, every failure named with its fix, a read that never answers, and a failed
// refresh that keeps the last good copy (for at most an hour). The Lambda adapter reading it:
// relay-lambda.secrets.test.ts.
// Over 300 lines: first reads and failed refreshes are one loader's rules, sharing one double and SDK client.

import { describe, expect, it } from 'vitest';
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
import { ARN, relayEnv, useSecretsManagerDouble } from './helpers/secrets-manager-double.js';

const double = useSecretsManagerDouble();

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
