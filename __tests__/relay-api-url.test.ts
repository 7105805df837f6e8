// GITHUB_API_URL carries the GitHub token, so the relay refuses a plain-http one unless its host is
// loopback (127.0.0.0/8, localhost, [::1] — the local doubles the tests use): in the shared
// configuration (src), in the committed Lambda bundle (a signed command is told which variable to fix)
// and in the committed server bundle (it refuses to start, naming the variable).

import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadRelayConfig } from '../src/relay/core/config.js';
import { RelayConfigError } from '../src/relay/core/config-problems.js';
import type * as LambdaModule from '../src/relay/lambda.js';
import { startRelayExpectingFailure } from './helpers/relay-server.ts';
import { repoRoot } from './helpers/run-action.js';
import { commandBody, slackHeaders, TEST_SIGNING_SECRET } from './helpers/slack.ts';

const ENV = {
  SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
  GITHUB_TOKEN: 'ghp_exampletoken',
  DISPATCH_REPOSITORY: 'acme/website',
  SITES: 'portal',
};

function refusal(apiUrl: string): RelayConfigError {
  try {
    loadRelayConfig({ ...ENV, GITHUB_API_URL: apiUrl });
  } catch (error) {
    expect(error).toBeInstanceOf(RelayConfigError);
    return error as RelayConfigError;
  }
  throw new Error(`expected GITHUB_API_URL=${apiUrl} to be refused`);
}

describe('GITHUB_API_URL must be https unless its host is loopback', () => {
  it.each([
    ['https://api.github.com', 'https://api.github.com'],
    ['https://ghe.example.com/api/v3/', 'https://ghe.example.com/api/v3'],
    ['http://127.0.0.1:18091', 'http://127.0.0.1:18091'],
    ['http://127.45.6.7/api/v3', 'http://127.45.6.7/api/v3'],
    ['http://127.1:8080', 'http://127.0.0.1:8080'], // URL normalises the short form
    ['http://localhost:3000', 'http://localhost:3000'],
    ['http://LocalHost:3000/', 'http://localhost:3000'],
    ['http://[::1]:3000', 'http://[::1]:3000'],
    ['http://[0:0:0:0:0:0:0:1]:3000', 'http://[::1]:3000'],
  ])('accepts %s', (apiUrl, expected) => {
    expect(loadRelayConfig({ ...ENV, GITHUB_API_URL: apiUrl }).github.apiUrl).toBe(expected);
  });

  it.each([
    'http://api.github.com',
    'http://10.0.0.5/api/v3',
    'http://128.0.0.1',
    'http://0.0.0.0:8080',
    'http://localhost.example.com',
    'http://127.0.0.1.nip.io',
    'http://[::2]:3000',
  ])('refuses %s, naming GITHUB_API_URL and the fix', (apiUrl) => {
    const error = refusal(apiUrl);
    expect(error.variables).toEqual(['GITHUB_API_URL']);
    expect(error.message).toMatch(/^GITHUB_API_URL: is ".*", plain http: the GitHub token would cross/);
    expect(error.message).toContain(`use https://${new URL(apiUrl).host}`);
    expect(error.message).toContain('only for a loopback host: 127.0.0.1, localhost or [::1]');
  });

  it('suggests the same address over https', () => {
    expect(refusal('http://ghe.example.com/api/v3/').message).toContain(
      'use https://ghe.example.com/api/v3 (plain http',
    );
  });
});

describe('the bundles apply the rule', () => {
  const plainHttp = 'http://ghe.example.com/api/v3';

  it('dist/relay/server.js refuses to start, naming GITHUB_API_URL', async () => {
    const { code, stderr } = await startRelayExpectingFailure({ ...ENV, GITHUB_API_URL: plainHttp });
    expect(code).toBe(1);
    expect(stderr).toBe(
      `cache-purge relay: refusing to start: GITHUB_API_URL: is "${plainHttp}", plain http: the GitHub token would cross the network unencrypted; use https://ghe.example.com/api/v3 (plain http is accepted only for a loopback host: 127.0.0.1, localhost or [::1]).\n`,
    );
  });

  it('dist/relay/lambda.js logs the problem and tells a signed command to fix GITHUB_API_URL', async () => {
    const lambda = (await import(
      pathToFileURL(join(repoRoot, 'dist/relay/lambda.js')).href
    )) as typeof LambdaModule;
    const lines: string[] = [];
    const handler = lambda.createLambdaHandler({
      env: { ...ENV, GITHUB_API_URL: plainHttp },
      log: (line) => lines.push(line),
    });
    const body = commandBody();
    const headers = Object.fromEntries(
      Object.entries(slackHeaders(body)).map(([name, value]) => [name.toLowerCase(), value]),
    );
    const result = await handler({ headers, body, requestContext: { http: { method: 'POST' } } });
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('nothing was started: `GITHUB_API_URL` needs fixing'),
    });
    expect(JSON.parse(lines[0]!)).toMatchObject({
      event: 'config_error',
      variable: 'GITHUB_API_URL',
      message: expect.stringMatching(/^GITHUB_API_URL: is ".*", plain http/),
    });
  });
});
