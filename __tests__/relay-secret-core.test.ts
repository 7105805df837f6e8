// The relay's secret, pure: the secret's parse and merge, RELAY_SECRETS_ARN, a failed read → the error
// to log (src/relay/core/relay-secret.ts), and the stale-while-revalidate cache policy: when to read
// again, what to serve meanwhile, what to report (src/relay/core/secret-cache-policy.ts). No I/O, no
// mocks: plain values in, plain values out.

import { describe, expect, it } from 'vitest';
import {
  RELAY_SECRET_KEYS,
  RelaySecretsError,
  SecretReadTimeoutError,
  mergeRelaySecrets,
  parseRelaySecret,
  relaySecretId,
  secretReadError,
  secretsFromAnswer,
} from '../src/relay/core/relay-secret.js';
import {
  MAX_STALE_MS,
  REFRESH_RETRY_MS,
  afterFailedRefresh,
  expiredCopyMessage,
  nextSecretLoadStep,
  recoveredEvent,
  refreshFailedEvent,
  retryClause,
  secretCachePolicy,
  type GoodCopy,
} from '../src/relay/core/secret-cache-policy.js';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:cache-purge-relay-AbCdEf';

describe('parseRelaySecret (pure)', () => {
  it('accepts the four keys, drops empty values', () => {
    const secrets = parseRelaySecret(
      JSON.stringify({
        SLACK_SIGNING_SECRET: 'abc',
        SLACK_SIGNING_SECRET_PREVIOUS: '',
        GITHUB_TOKEN: 'ghp_x',
        GITHUB_APP_PRIVATE_KEY: '-----BEGIN KEY-----\nAAA\n-----END KEY-----\n',
      }),
      ARN,
    );
    expect(secrets).toEqual({
      SLACK_SIGNING_SECRET: 'abc',
      GITHUB_TOKEN: 'ghp_x',
      GITHUB_APP_PRIVATE_KEY: '-----BEGIN KEY-----\nAAA\n-----END KEY-----\n',
    });
    expect(RELAY_SECRET_KEYS).toEqual([
      'SLACK_SIGNING_SECRET',
      'SLACK_SIGNING_SECRET_PREVIOUS',
      'GITHUB_TOKEN',
      'GITHUB_APP_PRIVATE_KEY',
    ]);
  });

  it('refuses invalid JSON without echoing the secret text', () => {
    const text = '{"SLACK_SIGNING_SECRET": "s3cr3t-value-here"';
    const error = (() => {
      try {
        parseRelaySecret(text, ARN);
      } catch (e) {
        return e as RelaySecretsError;
      }
      throw new Error('no error');
    })();
    expect(error).toBeInstanceOf(RelaySecretsError);
    expect(error.variable).toBe('RELAY_SECRETS_ARN');
    expect(error.message).toMatch(
      /^RELAY_SECRETS_ARN: the secret .* is not valid JSON\. Store a JSON object/,
    );
    expect(error.message).not.toContain('s3cr3t');
  });

  it.each([
    ['[]', /JSON that is not an object/],
    ['"text"', /JSON that is not an object/],
    ['null', /JSON that is not an object/],
    [
      '{"SLACK_SIGNING_SECRT": "x"}',
      /unknown key "SLACK_SIGNING_SECRT"\. Allowed keys: SLACK_SIGNING_SECRET, /,
    ],
    ['{"GITHUB_TOKEN": 42}', /key "GITHUB_TOKEN" must be a string, not number/],
    ['{"GITHUB_TOKEN": null}', /key "GITHUB_TOKEN" must be a string, not null/],
  ])('refuses %s', (text, message) => {
    expect(() => parseRelaySecret(text, ARN)).toThrow(message);
  });

  it('merges secrets over the environment without touching the input', () => {
    const env = { SLACK_SIGNING_SECRET: 'plain', SITES: 'portal' };
    expect(mergeRelaySecrets(env, { SLACK_SIGNING_SECRET: 'from-secret', GITHUB_TOKEN: 't' })).toEqual({
      SLACK_SIGNING_SECRET: 'from-secret',
      SITES: 'portal',
      GITHUB_TOKEN: 't',
    });
    expect(env).toEqual({ SLACK_SIGNING_SECRET: 'plain', SITES: 'portal' });
  });
});

describe("RELAY_SECRETS_ARN and a read's answer", () => {
  it('unset means no secret; set is trimmed; set but blank is an error naming the variable', () => {
    expect(relaySecretId({})).toBeUndefined();
    expect(relaySecretId({ RELAY_SECRETS_ARN: `  ${ARN} ` })).toBe(ARN);
    expect(() => relaySecretId({ RELAY_SECRETS_ARN: '  ' })).toThrow(
      /^RELAY_SECRETS_ARN is set but empty\. Set it to the ARN of the relay secret/,
    );
  });

  it('a binary-only secret is NoSecretString, a bad text InvalidSecret, a good one its secrets', () => {
    const code = (answer: string | undefined) => {
      try {
        secretsFromAnswer(answer, ARN);
      } catch (error) {
        return (error as RelaySecretsError).code;
      }
      return 'no error';
    };
    expect(code(undefined)).toBe('NoSecretString');
    expect(() => secretsFromAnswer(undefined, ARN)).toThrow(/has no SecretString \(binary secrets/);
    expect(code('[]')).toBe('InvalidSecret');
    expect(code('{"GITHUB_TOKEN": 1}')).toBe('InvalidSecret');
    expect(secretsFromAnswer('{"GITHUB_TOKEN": "t"}', ARN)).toEqual({ GITHUB_TOKEN: 't' });
  });

  it('a failed read names the cause, what happens next and what to check; its code for the log', () => {
    const timeout = secretReadError(
      new SecretReadTimeoutError(1500, undefined),
      ARN,
      'the next request tries again',
    );
    expect(timeout.code).toBe('TimeoutError');
    expect(timeout.message).toBe(
      `RELAY_SECRETS_ARN: Secrets Manager did not answer within 1.5 s when reading the secret ${ARN}; the next request tries again. If it keeps happening, check that the function can reach Secrets Manager (a function in a VPC needs a NAT gateway or a secretsmanager VPC endpoint).`,
    );
    const denied = Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' });
    const error = secretReadError(denied, ARN, 'x');
    expect(error.code).toBe('AccessDeniedException');
    expect(error.message).toMatch(
      /could not read the secret .* \(AccessDeniedException: not allowed\)\. Check that RELAY_SECRETS_ARN/,
    );
    expect(error.message).toMatch(/secretsmanager:GetSecretValue/);
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(secretReadError(refused, ARN, 'x').code).toBe('ECONNREFUSED');
    expect(secretReadError(Object.assign(new TypeError('t'), { code: '' }), ARN, 'x').code).toBe('TypeError');
  });
});

describe('the secret cache policy', () => {
  const policy = secretCachePolicy();
  const copy: GoodCopy = { secretId: ARN, fetchedAt: 1_000_000, secrets: { GITHUB_TOKEN: 't' } };
  const at = (ms: number) => copy.fetchedAt + ms;
  const idle = { good: copy, failing: undefined, readingId: undefined };

  it('defaults: 5 minutes, REFRESH_RETRY_MS (30 s), MAX_STALE_MS (1 h); the stale limit never below the refresh age', () => {
    expect(policy).toEqual({ maxAgeMs: 300_000, retryAfterFailureMs: 30_000, maxStaleMs: 3_600_000 });
    expect([REFRESH_RETRY_MS, MAX_STALE_MS]).toEqual([30_000, 3_600_000]);
    expect(secretCachePolicy({ maxAgeMs: 10, maxStaleMs: 5 }).maxStaleMs).toBe(10);
  });

  it('nothing read, or another id: a first read', () => {
    expect(nextSecretLoadStep({ ...idle, good: undefined }, ARN, at(0), policy)).toEqual({
      kind: 'first_read',
    });
    expect(nextSecretLoadStep(idle, `${ARN}-other`, at(0), policy)).toEqual({ kind: 'first_read' });
  });

  it('a copy is served until maxAgeMs, then refreshed, and past maxStaleMs dropped', () => {
    expect(nextSecretLoadStep(idle, ARN, at(299_999), policy)).toEqual({ kind: 'fresh', copy });
    expect(nextSecretLoadStep(idle, ARN, at(300_000), policy)).toEqual({ kind: 'refresh', copy });
    expect(nextSecretLoadStep(idle, ARN, at(3_599_999), policy)).toEqual({ kind: 'refresh', copy });
    expect(nextSecretLoadStep(idle, ARN, at(3_600_000), policy)).toEqual({
      kind: 'expired',
      ageMs: 3_600_000,
    });
  });

  it('while refreshes fail, the copy is served stale until the retry is due, unless a read is in progress', () => {
    const failing = { since: at(300_000), failures: 1, retryAt: at(330_000) };
    const state = { good: copy, failing, readingId: undefined };
    expect(nextSecretLoadStep(state, ARN, at(329_999), policy)).toEqual({
      kind: 'stale',
      copy,
      ageMs: 329_999,
    });
    expect(nextSecretLoadStep(state, ARN, at(330_000), policy)).toEqual({ kind: 'refresh', copy });
    expect(nextSecretLoadStep({ ...state, readingId: ARN }, ARN, at(310_000), policy)).toEqual({
      kind: 'refresh',
      copy,
    });
    // past the stale limit a failing state does not keep the copy alive
    expect(
      nextSecretLoadStep(
        { ...state, failing: { ...failing, retryAt: at(4_000_000) } },
        ARN,
        at(3_600_000),
        policy,
      ),
    ).toEqual({ kind: 'expired', ageMs: 3_600_000 });
  });

  it('each failed refresh counts one more failure since the first, and waits retryAfterFailureMs', () => {
    const first = afterFailedRefresh(undefined, at(300_000), policy);
    expect(first).toEqual({ since: at(300_000), failures: 1, retryAt: at(330_000) });
    expect(afterFailedRefresh(first, at(330_500), policy)).toEqual({
      since: at(300_000),
      failures: 2,
      retryAt: at(360_500),
    });
  });

  it("reports a failed refresh with its code, the copy's age and the limits; a recovery with the failures", () => {
    const error = new RelaySecretsError(
      'RELAY_SECRETS_ARN: throttled',
      'RELAY_SECRETS_ARN',
      'ThrottlingException',
    );
    expect(refreshFailedEvent(copy, error, at(301_000), policy)).toEqual({
      kind: 'refresh_failed',
      secretId: ARN,
      errorCode: 'ThrottlingException',
      message: 'RELAY_SECRETS_ARN: throttled',
      ageMs: 301_000,
      retryInMs: 30_000,
      staleLimitMs: 3_600_000,
    });
    expect(refreshFailedEvent(copy, new RelaySecretsError('m'), at(0), policy)).toMatchObject({
      errorCode: 'Error',
    });
    const failing = { since: at(300_000), failures: 3, retryAt: at(390_000) };
    expect(recoveredEvent(ARN, failing, at(390_500))).toEqual({
      kind: 'refresh_recovered',
      secretId: ARN,
      failures: 3,
      failingForMs: 90_500,
    });
    expect(recoveredEvent(ARN, failing, at(0))).toMatchObject({ failingForMs: 0 });
  });

  it('says what happens after a failed read, and why an expired copy is no longer used', () => {
    expect(retryClause('first_read', policy)).toBe('the next request tries again');
    expect(retryClause('refresh', policy)).toBe(
      'the relay serves the copy it read before and tries again in 30 s',
    );
    expect(expiredCopyMessage('RELAY_SECRETS_ARN: denied.', 3_660_000, policy)).toBe(
      'RELAY_SECRETS_ARN: denied. The last secret read successfully is 1 h 01 min old, past the 1 h the relay serves a copy while reads fail, so it is no longer used.',
    );
  });
});
