// The confirm step for broad purges, end to end through the relay's real Node HTTP server (src) and its
// Lambda adapter: `/clear-cache all` (and several sites) answers an ephemeral Block Kit prompt whose
// button carries a signed, expiring token; only a click by the same user within 5 minutes dispatches
// (real Octokit to the GitHub double, once), and the prompt is replaced through its response_url (the
// Slack sink) with "Confirmed by … — run link". Forged, expired, replayed, other-user and cancelled
// clicks start nothing.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startGitHubDouble, type GitHubDouble } from './helpers/github-double.ts';
import { startSlackSink, type SlackSink } from './helpers/slack-sink.js';
import { clickBody, commandBody, postSigned, slackHeaders, TEST_SIGNING_SECRET } from './helpers/slack.ts';
import { repoRoot } from './helpers/run-action.js';
import { loadRelayConfig } from '../src/relay/core/config.js';
import { createGitHubDispatcher } from '../src/relay/github.js';
import { createRelay } from '../src/relay/relay.js';
import { startRelayServer } from '../src/relay/http-server.js';
import { createLambdaHandler } from '../src/relay/lambda.js';
import { signConfirmToken } from '../src/relay/core/confirm-token.js';

const workflow = parse(readFileSync(join(repoRoot, 'examples/purge-cache.yml'), 'utf8')) as {
  on: { workflow_dispatch: { inputs: Record<string, { type?: 'string' }> } };
};

let github: GitHubDouble;
let sink: SlackSink;
let server: Awaited<ReturnType<typeof startRelayServer>>;
let clock = Date.now();
const lines: string[] = [];

beforeAll(async () => {
  github = await startGitHubDouble({
    workflows: { 'purge-cache.yml': { id: 1, inputs: workflow.on.workflow_dispatch.inputs } },
  });
  sink = await startSlackSink();
  const config = loadRelayConfig({
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    SITES: 'portal,main',
    ...github.env('token'),
  });
  const relay = createRelay({
    config,
    dispatch: createGitHubDispatcher(config.github),
    now: () => clock,
    log: (line) => void lines.push(line),
  });
  server = await startRelayServer({ relay, host: '127.0.0.1', port: 0, log: () => {} });
});
afterAll(async () => {
  await server.close();
  await Promise.all([github.close(), sink.close()]);
});
beforeEach(() => {
  sink.reset();
  lines.length = 0;
  clock = Date.now();
});

const post = (body: string) => postSigned(`${server.url}/slack/commands`, body, Math.floor(clock / 1000));

interface Prompt {
  response_type: string;
  text: string;
  blocks: [
    { type: 'section'; text: { text: string } },
    {
      type: 'actions';
      elements: {
        action_id: string;
        value: string;
        style?: string;
        confirm?: Record<string, { text: string } | string>;
      }[];
    },
  ];
}

async function prompt(text = 'all', user = 'U0001') {
  const answer = await post(commandBody({ text, user_id: user }));
  expect(answer.status).toBe(200);
  return answer.json as unknown as Prompt;
}
const tokenOf = (p: Prompt) => p.blocks[1].elements[0]!.value;
const responseUrl = () => `${sink.origin}/actions/T0001/1/abc`;
const replaced = () => sink.requests.map((r) => r.body as { replace_original: boolean; text: string });
const lastLog = () => JSON.parse(lines.at(-1)!) as Record<string, unknown>;

describe('a broad purge is confirmed in Slack before it is dispatched', () => {
  it("/clear-cache all: an ephemeral prompt with a danger button and Slack's confirm dialog; nothing dispatched yet", async () => {
    const before = github.dispatches.length;
    const p = await prompt('all');
    expect(p.response_type).toBe('ephemeral');
    expect(p.blocks[0].text.text).toContain('*every site* (2 sites: `portal`, `main`)');
    const [confirm, cancel] = p.blocks[1].elements;
    expect(confirm).toMatchObject({ action_id: 'confirm_purge', style: 'danger' });
    expect(confirm!.confirm).toMatchObject({
      title: { text: 'Purge 2 sites?' },
      confirm: { text: 'Purge' },
      style: 'danger',
    });
    expect(cancel!.action_id).toBe('cancel_purge');
    expect(github.dispatches.length).toBe(before);
    expect(lastLog()).toMatchObject({
      event: 'slack_command',
      decision: 'confirm_prompt',
      reason: 'all',
      site: 'portal,main',
    });
  });

  it('the same user clicks within 5 minutes: one dispatch of both sites to the channel, the prompt replaced by "Confirmed by …"', async () => {
    const p = await prompt('main portal');
    const before = github.dispatches.length;
    clock += 4 * 60 * 1000;
    const click = clickBody({ token: tokenOf(p), responseUrl: responseUrl() });
    const answer = await post(click);
    expect(answer).toMatchObject({ status: 200, text: '' });
    expect(github.dispatches.length).toBe(before + 1);
    const dispatch = github.dispatches.at(-1)!;
    expect(dispatch.inputs).toEqual({
      site: 'portal',
      sites: 'portal,main',
      requester: '<@U0001>',
      'slack-channel': 'C0001',
    });
    expect(replaced()).toEqual([
      {
        replace_original: true,
        response_type: 'ephemeral',
        text: expect.stringMatching(
          /^Confirmed by <@U0001> — cache purge of \*portal,main\* — <http.+\/actions\/runs\/\d+>$/,
        ),
      },
    ]);
    expect(lastLog()).toMatchObject({
      event: 'slack_interaction',
      decision: 'dispatched',
      action: 'confirm',
      site: 'portal,main',
    });

    // the same click again (a double click, Slack retrying, a replay): nothing more
    expect((await post(click)).status).toBe(200);
    expect(github.dispatches.length).toBe(before + 1);
    expect(lastLog()).toMatchObject({ decision: 'click_refused', reason: 'replayed' });
    expect(sink.requests).toHaveLength(1);
  });

  it('another user clicking: refused, and the prompt of the user who asked is left alone', async () => {
    const p = await prompt('all', 'U0001');
    const before = github.dispatches.length;
    expect(
      (await post(clickBody({ token: tokenOf(p), user: 'U0OTHER', responseUrl: responseUrl() }))).status,
    ).toBe(200);
    expect(github.dispatches.length).toBe(before);
    expect(sink.requests).toHaveLength(0);
    expect(lastLog()).toMatchObject({ decision: 'click_refused', reason: 'other_user', user: 'U0OTHER' });
  });

  it('after 5 minutes: refused, the prompt says it expired', async () => {
    const p = await prompt('all');
    const before = github.dispatches.length;
    clock += 5 * 60 * 1000 + 1;
    await post(clickBody({ token: tokenOf(p), responseUrl: responseUrl() }));
    expect(github.dispatches.length).toBe(before);
    expect(replaced()[0]!.text).toMatch(
      /^This confirmation expired \(it lasts 5 minutes\): nothing was started/,
    );
    expect(lastLog()).toMatchObject({ decision: 'click_refused', reason: 'expired' });
  });

  it('forged tokens — another secret, edited sites, a longer life — are refused', async () => {
    const before = github.dispatches.length;
    const claims = {
      sites: ['portal'],
      all: false,
      user: 'U0001',
      team: 'T0001',
      channel: 'C0001',
      nonce: 'n1',
    };
    const forged = [
      signConfirmToken({ ...claims, expiresAtMs: clock + 60_000 }, 'not-the-signing-secret'),
      // a genuine token's claims edited: the signature no longer matches
      (() => {
        const [v, , mac] = signConfirmToken(
          { ...claims, expiresAtMs: clock + 60_000 },
          TEST_SIGNING_SECRET,
        ).split('.');
        const body = Buffer.from(
          JSON.stringify({
            s: ['portal', 'main'],
            a: 0,
            u: 'U0001',
            t: 'T0001',
            c: 'C0001',
            e: clock + 60_000,
            n: 'n1',
          }),
        ).toString('base64url');
        return `${v}.${body}.${mac}`;
      })(),
      // signed by the relay's secret, but claiming to last an hour
      signConfirmToken({ ...claims, expiresAtMs: clock + 3_600_000 }, TEST_SIGNING_SECRET),
      'v1.e30.AAAA',
      'portal',
    ];
    const reasons: unknown[] = [];
    for (const token of forged) {
      await post(clickBody({ token, responseUrl: responseUrl() }));
      reasons.push(lastLog().reason);
    }
    expect(github.dispatches.length).toBe(before);
    expect(reasons).toEqual(['bad_token', 'bad_token', 'expired', 'bad_token', 'bad_token']);
  });

  it('a click whose Slack signature is wrong is a 401 with no body, like a command', async () => {
    const p = await prompt('all');
    const body = clickBody({ token: tokenOf(p), responseUrl: responseUrl() });
    const response = await fetch(`${server.url}/slack/commands`, {
      method: 'POST',
      headers: slackHeaders(body, { secret: 'wrong', timestamp: Math.floor(clock / 1000) }),
      body,
    });
    expect(response.status).toBe(401);
    expect(await response.text()).toBe('');
  });

  it("a response_url that is not Slack's is refused before anything is sent there", async () => {
    const p = await prompt('all');
    const before = github.dispatches.length;
    const answer = await post(clickBody({ token: tokenOf(p), responseUrl: 'https://evil.example.com/x' }));
    expect(answer.status).toBe(400);
    expect(github.dispatches.length).toBe(before);
  });

  it('cancel: the prompt says so, nothing is dispatched', async () => {
    const p = await prompt('all');
    const before = github.dispatches.length;
    await post(clickBody({ token: tokenOf(p), action: 'cancel_purge', responseUrl: responseUrl() }));
    expect(github.dispatches.length).toBe(before);
    expect(replaced()[0]!.text).toBe('Cancelled: nothing was purged.');
  });

  it('one site still dispatches at once, in the channel, with no prompt', async () => {
    const answer = await post(commandBody({ text: 'portal' }));
    expect(answer.json).toMatchObject({ response_type: 'in_channel' });
    expect(github.dispatches.at(-1)!.inputs).toEqual({
      site: 'portal',
      requester: '<@U0001>',
      'slack-channel': 'C0001',
    });
  });
});

describe('the Lambda adapter serves the clicks too (base64 form bodies)', () => {
  it('prompt, then the confirming click: one dispatch', async () => {
    const dispatched: unknown[] = [];
    const now = Date.now();
    const handler = createLambdaHandler({
      env: {
        SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
        SITES: 'portal,main',
        GITHUB_TOKEN: 'ghp_x',
        DISPATCH_REPOSITORY: 'acme/website',
      },
      dispatch: async (request) => {
        dispatched.push(request.inputs);
        return { kind: 'accepted', runId: 7 };
      },
      now: () => now,
      log: () => {},
    });
    const event = (body: string) => ({
      headers: slackHeaders(body, { timestamp: Math.floor(now / 1000) }),
      body: Buffer.from(body).toString('base64'),
      isBase64Encoded: true,
      requestContext: { http: { method: 'POST' } },
    });
    const answer = await handler(event(commandBody({ text: 'all' })));
    const p = JSON.parse(answer.body) as Prompt;
    const click = await handler(event(clickBody({ token: tokenOf(p), responseUrl: responseUrl() })));
    expect(click.statusCode).toBe(200);
    expect(dispatched).toEqual([
      { site: 'portal', sites: 'portal,main', requester: '<@U0001>', 'slack-channel': 'C0001' },
    ]);
    expect(replaced()[0]!.text).toMatch(/^Confirmed by <@U0001> — cache purge of \*portal,main\* — </);
  });
});
