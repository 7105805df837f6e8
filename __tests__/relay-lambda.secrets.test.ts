// The relay's Lambda adapter with RELAY_SECRETS_ARN: the committed bundle dist/relay/lambda.js with the
// real AWS SDK against the Secrets Manager double (helpers/secrets-manager-double.ts) and the GitHub
// double — the secret read per request until it exists, a read that never answers within the 5 s
// Lambda timeout, a failed refresh keeping the last good copy (logged once per failed read, never past
// an hour), rotation while refreshes fail, and a slow read taken off the dispatch deadline.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as LambdaModule from '../src/relay/lambda.js';
import { startGitHubDouble, type GitHubDouble } from './helpers/github-double.ts';
import { commandBody, slackHeaders, TEST_SIGNING_SECRET } from './helpers/slack.ts';
import { repoRoot } from './helpers/run-action.js';
import { ARN, useSecretsManagerDouble } from './helpers/secrets-manager-double.js';
import { functionUrlEvent } from './helpers/lambda-event.ts';

const double = useSecretsManagerDouble();

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

  const event = (body: string) => functionUrlEvent(body, { base64: true });

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
    const eventAt = (body: string, clockMs: number, secret = TEST_SIGNING_SECRET) =>
      functionUrlEvent(body, {
        base64: true,
        headers: slackHeaders(body, { secret, timestamp: Math.floor(clockMs / 1000) }),
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
      /** Stores the relay's secret in the double: `signing` (default: the test secret) and the token. */
      const store = (signing: Record<string, string> = { SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET }) =>
        double.secrets.set(arn, { SecretString: JSON.stringify({ ...signing, GITHUB_TOKEN: token }) });
      return {
        handler,
        lines,
        entries,
        store,
        token: token!,
        advance: (ms: number) => (clock += ms),
        now: () => clock,
      };
    }

    it('keeps dispatching with the last good secret: one secrets_refresh_failed line per failed read, none for 30 s, then a recovery line', async () => {
      const arn = `${ARN}-refresh`;
      const relay = setUp(arn);
      relay.store();
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
      relay.store();
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
      relay.store();
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
      relay.store({ SLACK_SIGNING_SECRET: rotated, SLACK_SIGNING_SECRET_PREVIOUS: TEST_SIGNING_SECRET });
      relay.advance(25_000);
      const ok = await relay.handler(eventAt(body, relay.now(), rotated));
      expect(ok.statusCode).toBe(200);
      expect(github.dispatches.length).toBe(dispatches + 1);
    });

    it('past the 1-hour limit the copy is no longer used: 500 and a secrets_error line saying so', async () => {
      const arn = `${ARN}-expired`;
      const relay = setUp(arn);
      relay.store();
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
