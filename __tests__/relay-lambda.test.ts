// The Lambda adapter, from the committed bundle dist/relay/lambda.js: it loads and exports `handler`
// with no configuration at all; misconfiguration is logged once and answers a signed command with an
// ephemeral message naming the variables (500 only when the signing secret itself is missing);
// payload-2.0 events with plain and base64 bodies reach GitHub (the API double) through real Octokit;
// GitHub (dispatch or App token exchange) accepting and never answering is answered within 2.5 s.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startGitHubDouble, type GitHubDouble } from './helpers/github-double.ts';
import { commandBody, slackHeaders, TEST_SIGNING_SECRET } from './helpers/slack.ts';
import { functionUrlEvent } from './helpers/lambda-event.ts';
import { repoRoot } from './helpers/run-action.js';
import type * as LambdaModule from '../src/relay/lambda.js';

const bundlePath = join(repoRoot, 'dist/relay/lambda.js');
let lambda: typeof LambdaModule;
let double: GitHubDouble;

beforeAll(async () => {
  lambda = (await import(pathToFileURL(bundlePath).href)) as typeof LambdaModule;
  double = await startGitHubDouble();
});
afterAll(async () => double?.close());

describe('dist/relay/lambda.js', () => {
  it('loads in a fresh Node process with no configuration and exports handler', () => {
    const child = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(pathToFileURL(bundlePath).href)}); console.log(typeof m.handler, m.handler.length);`,
      ],
      { env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' },
    );
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('function 1');
  });

  it('answers 500 when the signing secret is missing (nothing can be verified) and logs the variables once', async () => {
    const lines: string[] = [];
    const handler = lambda.createLambdaHandler({
      env: { SITES: 'portal' },
      log: (line) => lines.push(line),
    });
    const first = await handler(functionUrlEvent(commandBody()));
    const second = await handler(functionUrlEvent(commandBody()));
    expect([first.statusCode, second.statusCode]).toEqual([500, 500]);
    expect(first.body).toBe('The relay is misconfigured: its log names the environment variable to fix.');
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.map((entry) => [entry.event, entry.variable ?? entry.decision])).toEqual([
      ['config_error', 'SLACK_SIGNING_SECRET'],
      ['config_error', 'GITHUB_TOKEN'],
      ['config_error', 'DISPATCH_REPOSITORY'],
      ['slack_command', 'misconfigured'],
      ['slack_command', 'misconfigured'],
    ]);
    expect(entries[0]).toMatchObject({ message: expect.stringMatching(/^SLACK_SIGNING_SECRET: is not set/) });
    expect(entries[3]).toMatchObject({ reason: 'config_error', status: 500 });
  });

  it('with a readable signing secret, answers a signed command 200 with an ephemeral message naming every variable to fix', async () => {
    const lines: string[] = [];
    const handler = lambda.createLambdaHandler({
      env: { SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET, SITES: 'portal,', DISPATCH_REPOSITORY: 'acme' },
      log: (line) => lines.push(line),
    });
    const reply = await handler(functionUrlEvent(commandBody({ user_id: 'U0MISCONF' })));
    expect(reply.statusCode).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({
      response_type: 'ephemeral',
      text: 'The cache-purge relay is misconfigured, so nothing was started: `GITHUB_TOKEN` and `DISPATCH_REPOSITORY` need fixing in its settings. Whoever runs the relay finds what is wrong in its log (`config_error` lines).',
    });
    // A forged request learns nothing: 401, no body, as when configured.
    const body = commandBody();
    const forged = await handler(
      functionUrlEvent(body, {
        headers: { ...slackHeaders(body), 'x-slack-signature': `v0=${'0'.repeat(64)}` },
      }),
    );
    expect([forged.statusCode, forged.body]).toEqual([401, '']);
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.map((entry) => entry.event)).toEqual([
      'config_error',
      'config_error',
      'slack_command',
      'slack_command',
    ]);
    expect(entries[2]).toMatchObject({
      decision: 'misconfigured',
      reason: 'config_error',
      status: 200,
      user: 'U0MISCONF',
    });
    expect(entries[3]).toMatchObject({ decision: 'rejected', reason: 'bad_signature', status: 401 });
    expect(lines.join('\n')).not.toContain(TEST_SIGNING_SECRET);
  });

  it('GitHub accepting the dispatch and never answering: status unknown within 2.5 s', async () => {
    double.reset();
    double.always('dispatch', { hang: true });
    try {
      const handler = lambda.createLambdaHandler({
        env: { SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET, SITES: 'portal', ...double.env('token') },
        log: () => {},
      });
      const started = performance.now();
      const reply = await handler(functionUrlEvent(commandBody()));
      expect(performance.now() - started).toBeLessThan(2500);
      expect(JSON.parse(reply.body).text).toContain(
        'GitHub did not answer within 2 s, so the purge may or may not have started',
      );
    } finally {
      double.reset();
    }
  });

  it('the App token exchange accepting and never answering: nothing was started, within 2.5 s', async () => {
    double.reset();
    double.always('token', { hang: true });
    try {
      const handler = lambda.createLambdaHandler({
        env: { SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET, SITES: 'portal', ...double.env('app') },
        log: () => {},
      });
      const started = performance.now();
      const reply = await handler(functionUrlEvent(commandBody()));
      expect(performance.now() - started).toBeLessThan(2500);
      expect(JSON.parse(reply.body).text).toMatch(
        /^GitHub did not answer the GitHub App's installation-token request within 2 s\. .* Nothing was started\.$/,
      );
      expect(double.requests.filter((request) => request.route === 'dispatch')).toHaveLength(0);
    } finally {
      double.reset();
      // auth-app shares a pending exchange per installation across instances: let it end (its own 2 s limit).
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  });

  describe('configured against the GitHub double', () => {
    const lines: string[] = [];
    let handler: LambdaModule.LambdaHandler;
    beforeAll(() => {
      handler = lambda.createLambdaHandler({
        env: { SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET, SITES: 'portal,main', ...double.env('app') },
        log: (line) => lines.push(line),
      });
    });

    it.each([
      ['plain', false],
      ['base64', true],
    ])('a %s body dispatches and answers in_channel', async (_kind, base64) => {
      double.reset();
      const result = await handler(
        functionUrlEvent(commandBody({ text: 'main', user_id: 'U0LAMBDA' }), { base64 }),
      );
      expect(result.statusCode).toBe(200);
      expect(result.headers['content-type']).toMatch(/^application\/json/);
      const reply = JSON.parse(result.body) as { response_type: string; text: string };
      expect(reply.response_type).toBe('in_channel');
      expect(reply.text).toBe(
        `Cache purge of *main* requested by <@U0LAMBDA> — <${double.url}/acme/website/actions/runs/${double.dispatches[0]!.runId}>`,
      );
      expect(double.dispatches.map((d) => d.inputs)).toEqual([
        { site: 'main', requester: '<@U0LAMBDA>', 'slack-channel': 'C0001' },
      ]);
    });

    it('verifies the decoded bytes: a base64 body flagged as plain (or the reverse) is 401', async () => {
      double.reset();
      const body = commandBody();
      const flaggedPlain = { ...functionUrlEvent(body, { base64: true }), isBase64Encoded: false };
      expect((await handler(flaggedPlain)).statusCode).toBe(401);
      const flaggedBase64 = { ...functionUrlEvent(body), isBase64Encoded: true };
      expect((await handler(flaggedBase64)).statusCode).toBe(401);
      expect(double.requests).toHaveLength(0);
    });

    it('handles a percent-encoded UTF-8 text byte for byte', async () => {
      double.reset();
      const body = commandBody({ text: 'pörtal' });
      const result = await handler(functionUrlEvent(body, { base64: true }));
      expect(JSON.parse(result.body)).toMatchObject({
        response_type: 'ephemeral',
        text: expect.stringMatching(/^That is not a site name\./),
      });
    });

    it('a misspelt site is answered with the closest one, nothing dispatched', async () => {
      double.reset();
      const result = await handler(functionUrlEvent(commandBody({ text: 'portl' }), { base64: true }));
      expect(JSON.parse(result.body)).toEqual({
        response_type: 'ephemeral',
        text: expect.stringMatching(
          /^`portl` is not a site\. Did you mean `portal`\? Usage: .* Sites: `portal`, `main`\.$/,
        ),
      });
      expect(double.requests).toHaveLength(0);
    });

    it('refuses non-POST and non-form requests', async () => {
      expect((await handler(functionUrlEvent(commandBody(), { method: 'GET' }))).statusCode).toBe(405);
      const body = commandBody();
      const json = functionUrlEvent(body, {
        headers: { ...slackHeaders(body), 'content-type': 'application/json' },
      });
      expect((await handler(json)).statusCode).toBe(415);
    });

    it('logs one line per request, with no secret', () => {
      const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(entries.every((entry) => entry.event === 'slack_command')).toBe(true);
      expect(lines.join('\n')).not.toContain(TEST_SIGNING_SECRET);
      expect(lines.join('\n')).not.toContain('PRIVATE KEY');
      for (const exchange of double.tokenExchanges) expect(lines.join('\n')).not.toContain(exchange.token);
    });
  });
});
