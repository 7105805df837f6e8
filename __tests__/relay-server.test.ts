// The plain Node relay end to end: the committed bundle `node dist/relay/server.js` as a child process,
// real Octokit, against the local GitHub API double (GITHUB_API_URL): every GitHub status the issue
// lists, GitHub Enterprise Server without run details, GitHub App auth (JWT → installation token), and
// the routes and their log lines. GitHub hanging or unreachable: relay-server-network.test.ts;
// refusing to start and stopping: relay-server-lifecycle.test.ts.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGitHubDouble, type GitHubDouble } from './helpers/github-double.ts';
import { startRelay, type RunningRelay } from './helpers/relay-server.ts';
import { commandBody, slackHeaders } from './helpers/slack.ts';

let double: GitHubDouble;
let relay: RunningRelay;

beforeAll(async () => {
  double = await startGitHubDouble();
  relay = await startRelay({ ...double.env('token'), SITES: 'portal,main,blog' });
});
afterAll(async () => {
  await relay?.stop();
  await double?.close();
});
beforeEach(() => double.reset());

const dispatchRequests = () => double.requests.filter((request) => request.route === 'dispatch');
const actionsPage = () => `${double.url}/acme/website/actions/workflows/purge-cache.yml`;

describe('the relay server against GitHub', () => {
  it('dispatches with the exact body and answers in_channel with the run link', async () => {
    const reply = await relay.command({ text: ' Portal ', user_id: 'U0A1B2C3' });
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({
      response_type: 'in_channel',
      text: `Cache purge of *portal* requested by <@U0A1B2C3> — <${double.url}/acme/website/actions/runs/${double.dispatches[0]!.runId}>`,
    });
    const [sent] = dispatchRequests();
    expect(sent!.path).toBe('/repos/acme/website/actions/workflows/purge-cache.yml/dispatches');
    expect(sent!.body).toBe(
      '{"ref":"main","inputs":{"site":"portal","requester":"<@U0A1B2C3>","slack-channel":"C0001"},"return_run_details":true}',
    );
    expect(sent!.headers.authorization).toBe(`token ${double.token}`);
    expect(double.dispatches).toHaveLength(1);
    expect(relay.logs.at(-1)).toMatchObject({
      event: 'slack_command',
      decision: 'dispatched',
      reason: 'run_created',
      site: 'portal',
      user: 'U0A1B2C3',
      run_id: double.dispatches[0]!.runId,
    });
    expect(typeof relay.logs.at(-1)!.latency_ms).toBe('number');
  });

  it('401: the token is refused', async () => {
    double.script('dispatch', { status: 401, body: { message: 'Bad credentials' } });
    const reply = await relay.command();
    expect(reply.json!.response_type).toBe('ephemeral');
    expect(reply.json!.text).toMatch(
      /^GitHub did not accept the relay's credentials \(HTTP 401: Bad credentials\)\. Check GITHUB_TOKEN/,
    );
    expect(relay.logs.at(-1)).toMatchObject({
      decision: 'dispatch_failed',
      reason: 'github_401',
      github_status: 401,
    });
  });

  it('403: the token lacks Actions: write', async () => {
    double.script('dispatch', {
      status: 403,
      body: { message: 'Resource not accessible by personal access token' },
    });
    const reply = await relay.command();
    expect(reply.json!.response_type).toBe('ephemeral');
    expect(reply.json!.text).toContain('needs the *Actions: write* permission on acme/website');
  });

  it("422 carries GitHub's own message (the site is not one of the workflow's choices)", async () => {
    const reply = await relay.command({ text: 'blog' });
    expect(reply.json).toEqual({
      response_type: 'ephemeral',
      text: "GitHub rejected the dispatch (HTTP 422): Provided value 'blog' for input 'site' not in the list of allowed values. Nothing was started.",
    });
    expect(double.dispatches).toHaveLength(0);
  });

  it('429 and the secondary rate limit: busy, try again in N s', async () => {
    double.script(
      'dispatch',
      { status: 429, headers: { 'retry-after': '30' }, body: { message: 'Too many requests' } },
      {
        status: 403,
        headers: { 'retry-after': '61' },
        body: { message: 'You have exceeded a secondary rate limit.' },
      },
    );
    expect((await relay.command()).json).toEqual({
      response_type: 'ephemeral',
      text: 'GitHub is busy, try again in 30 s. Nothing was started.',
    });
    expect((await relay.command()).json!.text).toBe(
      'GitHub is busy, try again in 61 s. Nothing was started.',
    );
    expect(dispatchRequests()).toHaveLength(2); // one each: never retried
  });

  it.each([500, 502, 503])('%i: status unknown, with the Actions link, never retried', async (status) => {
    double.script('dispatch', { status, body: { message: 'Server Error' } });
    const reply = await relay.command();
    expect(reply.json!.response_type).toBe('ephemeral');
    expect(reply.json!.text).toContain(`Cache purge of *portal*: status unknown — check <${actionsPage()}>`);
    expect(dispatchRequests()).toHaveLength(1);
  });

  it('a slow but timely GitHub still succeeds', async () => {
    double.script('dispatch', { status: 204, delayMs: 300 });
    const reply = await relay.command({ text: 'main' });
    expect(reply.json!.text).toBe(`Cache purge of *main* requested by <@U0001> — <${actionsPage()}>`);
  });

  it('answers help, unknown sites and forbidden requests without calling GitHub', async () => {
    expect((await relay.command({ text: 'help' })).json!.text).toContain('Sites: `portal`, `main`, `blog`.');
    // several sites are confirmed in Slack first: nothing reaches GitHub until the click
    expect((await relay.command({ text: 'portal main' })).json!.text).toMatch(
      /^Purge every cache layer of 2 sites \(portal, main\)\? Confirm within 5 minutes\./,
    );
    expect(double.requests).toHaveLength(0);
  });
});

describe('the relay server: HTTP surface', () => {
  it('GET /healthz is 200, other paths 404, GET /slack/commands 405', async () => {
    const health = await fetch(`${relay.url}/healthz`);
    expect([health.status, await health.json()]).toEqual([200, { ok: true }]);
    expect((await fetch(`${relay.url}/nope`)).status).toBe(404);
    const get = await fetch(`${relay.url}/slack/commands`);
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST']);
    const postHealth = await fetch(`${relay.url}/healthz`, { method: 'POST', body: 'x' });
    expect([postHealth.status, postHealth.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });

  it('every request writes one JSON line, the wrong paths and /healthz included (no query string, no body)', async () => {
    const before = relay.logs.length;
    await (await fetch(`${relay.url}/healthz`)).text();
    await (
      await fetch(`${relay.url}/slack/command?token=s3cret`, { method: 'POST', body: 'text=portal' })
    ).text();
    await (await fetch(`${relay.url}/`)).text();
    await (await fetch(`${relay.url}/slack/commands`)).text();
    // The lines cross a pipe: wait for them (up to 5 s) rather than for a fixed time. A line of an
    // earlier test can still arrive after `before` was taken, and always ahead of these four (the
    // relay writes them in order), so the last four lines are this test's.
    const ours = () => relay.logs.slice(before).slice(-4);
    for (
      let waited = 0;
      (relay.logs.length < before + 4 || ours()[3]?.event !== 'slack_command') && waited < 5000;
      waited += 20
    ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const lines = ours();
    expect(lines).toEqual([
      expect.objectContaining({
        event: 'http_request',
        method: 'GET',
        path: '/healthz',
        status: 200,
        reason: 'health_check',
      }),
      expect.objectContaining({
        event: 'http_request',
        method: 'POST',
        path: '/slack/command',
        status: 404,
        reason: 'unknown_path',
      }),
      expect.objectContaining({
        event: 'http_request',
        method: 'GET',
        path: '/',
        status: 404,
        reason: 'unknown_path',
      }),
      expect.objectContaining({
        event: 'slack_command',
        decision: 'rejected',
        reason: 'method_not_allowed',
        status: 405,
      }),
    ]);
    for (const line of lines) expect(typeof line.latency_ms).toBe('number');
    expect(JSON.stringify(lines)).not.toContain('s3cret');
    expect(JSON.stringify(lines)).not.toContain('text=portal');
  });

  it('401 with no detail for a bad signature, 413 for an oversized body; neither reaches GitHub', async () => {
    const body = commandBody();
    const bad = await fetch(`${relay.url}/slack/commands`, {
      method: 'POST',
      headers: { ...slackHeaders(body), 'x-slack-signature': `v0=${'a'.repeat(64)}` },
      body,
    });
    expect([bad.status, await bad.text()]).toEqual([401, '']);
    const big = commandBody({ text: 'x'.repeat(40_000) });
    const large = await fetch(`${relay.url}/slack/commands`, {
      method: 'POST',
      headers: slackHeaders(big),
      body: big,
    });
    expect(large.status).toBe(413);
    expect(double.requests).toHaveLength(0);
  });
});

describe('the relay server with a GitHub App', () => {
  it('exchanges a verified App JWT for an installation token, caches it, and dispatches with it', async () => {
    const appRelay = await startRelay({ ...double.env('app'), SITES: 'portal,main' });
    try {
      const first = await appRelay.command({ text: 'portal' });
      expect(first.json!.response_type).toBe('in_channel');
      const second = await appRelay.command({ text: 'main' });
      expect(second.json!.response_type).toBe('in_channel');
      expect(double.tokenExchanges).toHaveLength(1);
      const [exchange] = double.tokenExchanges;
      expect(exchange!.installationId).toBe(double.app.installationId);
      expect(exchange!.claims.iss).toBe(String(double.app.appId));
      expect(exchange!.claims.exp - exchange!.claims.iat).toBeLessThanOrEqual(660);
      expect(double.dispatches.map((d) => [d.auth, d.inputs.site])).toEqual([
        ['installation', 'portal'],
        ['installation', 'main'],
      ]);
      const logs = JSON.stringify(appRelay.logs);
      expect(logs).not.toContain(exchange!.token);
      expect(logs).not.toContain('PRIVATE KEY');
    } finally {
      await appRelay.stop();
    }
  });

  it('a wrong installation id fails at the token exchange, and says which variables to check', async () => {
    const appRelay = await startRelay({
      ...double.env('app'),
      GITHUB_APP_INSTALLATION_ID: '999',
      SITES: 'portal,main',
    });
    try {
      const reply = await appRelay.command();
      expect(reply.json!.text).toContain("GitHub refused the GitHub App's installation token (HTTP 404");
      expect(reply.json!.text).toContain('GITHUB_APP_INSTALLATION_ID');
      expect(dispatchRequests()).toHaveLength(0);
    } finally {
      await appRelay.stop();
    }
  });
});

describe('the relay server against GitHub Enterprise Server without run details', () => {
  it('retries once without return_run_details and links the Actions page', async () => {
    const ghes = await startGitHubDouble({ supportsReturnRunDetails: false });
    const ghesRelay = await startRelay({ ...ghes.env('token'), SITES: 'portal,main' });
    try {
      const reply = await ghesRelay.command();
      expect(reply.json).toEqual({
        response_type: 'in_channel',
        text: `Cache purge of *portal* requested by <@U0001> — <${ghes.url}/acme/website/actions/workflows/purge-cache.yml>`,
      });
      expect(ghes.requests.map((request) => request.json)).toEqual([
        {
          ref: 'main',
          inputs: { site: 'portal', requester: '<@U0001>', 'slack-channel': 'C0001' },
          return_run_details: true,
        },
        { ref: 'main', inputs: { site: 'portal', requester: '<@U0001>', 'slack-channel': 'C0001' } },
      ]);
      expect(ghesRelay.logs.at(-1)).toMatchObject({
        decision: 'dispatched',
        reason: 'accepted_without_run_id',
      });
    } finally {
      await ghesRelay.stop();
      await ghes.close();
    }
  });

  it('404: the workflow does not exist (or is not on the default branch)', async () => {
    const other = await startRelay({
      ...double.env('token'),
      DISPATCH_WORKFLOW: 'missing.yml',
      SITES: 'portal',
    });
    try {
      const reply = await other.command();
      expect(reply.json!.text).toContain('GitHub found no workflow `missing.yml` in acme/website (HTTP 404)');
      expect(reply.json!.text).toContain('on the default branch');
    } finally {
      await other.stop();
    }
  });
});
