// The plain Node relay (dist/relay/server.js) behind a proxy: with HTTPS_PROXY / HTTP_PROXY set, its
// GitHub calls (the App's installation-token exchange and the workflow dispatch, real Octokit) go
// through the local recording proxy to the GitHub double, one `proxy` log line says so without the
// password; a confirmed click's prompt replacement (POST to its response_url, here the Slack sink on
// loopback) goes through it too; with the double's host in NO_PROXY they go direct and the proxy sees
// none; a proxy URL it cannot use refuses the start like any other bad variable.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGitHubDouble, type GitHubDouble } from './helpers/github-double.ts';
import { startRelay, startRelayExpectingFailure } from './helpers/relay-server.ts';
import { startRecordingProxy, type RecordingProxy } from './helpers/recording-proxy.ts';
import { TEST_SIGNING_SECRET } from './helpers/slack.ts';
import { startSlackSink } from './helpers/slack-sink.ts';

const PASSWORD = 'relay-proxy-pass-91c2';
let double: GitHubDouble;
let proxy: RecordingProxy;

beforeAll(async () => {
  [double, proxy] = await Promise.all([startGitHubDouble(), startRecordingProxy()]);
});
afterAll(async () => {
  await Promise.all([double.close(), proxy.close()]);
});
beforeEach(() => {
  double.reset();
  proxy.requests.length = 0;
});

const githubHost = () => new URL(double.url).host;
const throughProxy = () => proxy.requests.filter((r) => `${r.host}:${r.port}` === githubHost());

describe('the relay server behind a proxy', () => {
  it.each(['token', 'app'] as const)('sends every GitHub call through HTTP_PROXY (%s auth)', async (auth) => {
    const relay = await startRelay({
      ...double.env(auth),
      SITES: 'portal',
      HTTP_PROXY: proxy.urlWith('relay', PASSWORD),
    });
    try {
      const reply = await relay.command({ text: 'portal' });
      expect(reply.json?.response_type).toBe('in_channel');
      expect(double.dispatches).toHaveLength(1);
      const routes = double.requests.map((request) => request.route);
      expect(routes).toEqual(auth === 'app' ? ['token', 'dispatch'] : ['dispatch']);
      const carried = throughProxy();
      // one tunnel (or forwarded request) at least, every one of them authenticated as the relay's user
      expect(carried.length).toBeGreaterThan(0);
      expect(carried.length).toBeLessThanOrEqual(routes.length);
      expect(carried.every((r) => r.user === 'relay')).toBe(true);
      expect(proxy.requests).toEqual(carried);
      const proxyLog = relay.logs.filter((line) => line.event === 'proxy');
      expect(proxyLog).toHaveLength(1);
      expect(proxyLog[0]!.message).toBe(
        `Proxy: http:// requests via http://***@${new URL(proxy.url).host} (HTTP_PROXY); no NO_PROXY hosts.`,
      );
      expect(JSON.stringify(relay.logs) + relay.stderr()).not.toContain(PASSWORD);
    } finally {
      await relay.stop();
    }
  });

  it('replaces a confirmed prompt through its response_url via HTTP_PROXY', async () => {
    const sink = await startSlackSink();
    const relay = await startRelay({
      ...double.env('token'),
      SITES: 'portal,main',
      HTTP_PROXY: proxy.urlWith('relay', PASSWORD),
    });
    try {
      const prompt = await relay.command({ text: 'portal main' });
      const blocks = prompt.json?.blocks as { elements?: { value: string }[] }[];
      const token = blocks[1]!.elements![0]!.value;
      const responseUrl = `${sink.origin}/actions/T0001/1/abc`;
      const click = await relay.click({ token, responseUrl });
      expect(click.status).toBe(200);
      expect(double.dispatches).toHaveLength(1);
      await expect.poll(() => sink.requests.length).toBe(1);
      expect(sink.requests[0]!.path).toBe('/actions/T0001/1/abc');
      const toSink = proxy.requests.filter((r) => `${r.host}:${r.port}` === new URL(sink.origin).host);
      // undici's ProxyAgent tunnels http:// too (CONNECT), as the relay's GitHub calls
      expect(toSink).toHaveLength(1);
      expect(toSink[0]).toMatchObject({ kind: 'tunnel', user: 'relay' });
    } finally {
      await relay.stop();
      await sink.close();
    }
  });

  it('goes direct to a NO_PROXY host: the proxy sees nothing', async () => {
    const relay = await startRelay({
      ...double.env('app'),
      SITES: 'portal',
      HTTP_PROXY: proxy.url,
      HTTPS_PROXY: proxy.url,
      no_proxy: 'localhost,127.0.0.1',
    });
    try {
      const reply = await relay.command({ text: 'portal' });
      expect(reply.json?.response_type).toBe('in_channel');
      expect(double.requests.map((request) => request.route)).toEqual(['token', 'dispatch']);
      expect(proxy.requests).toEqual([]);
    } finally {
      await relay.stop();
    }
  });

  it('refuses to start with a proxy URL it cannot use, naming the variable and the fix', async () => {
    const failed = await startRelayExpectingFailure({
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      ...double.env('token'),
      SITES: 'portal',
      HTTPS_PROXY: 'http://proxy.corp:3128/path',
    });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toBe(
      'cache-purge relay: refusing to start: HTTPS_PROXY: has a path or query after the host (/path); a proxy is only a host and port: set it to the proxy as http://HOST:PORT (or http://USER:PASSWORD@HOST:PORT), or unset it.\n',
    );
  });
});
