// The committed bundle (dist/index.js) behind a proxy, as on a self-hosted runner: HTTPS_PROXY and
// http_proxy point at a local recording proxy (helpers/recording-proxy.ts) that alone resolves the
// `*.test` names the run is given, so a request that skipped it could not reach its host. The AWS
// double and one verify page sit behind an https front (aws.test, site.test; a throw-away certificate
// the child trusts through NODE_EXTRA_CA_CERTS), so the OIDC token (@actions/http-client), STS, SSM and
// CloudFront (AWS SDK) and that page (fetch) travel as in production, through CONNECT tunnels to
// HTTPS_PROXY; the other verify page, the live Slack message (@slack/web-api, to the sink on loopback)
// and the Slack webhook (@slack/webhook) are plain http, through http_proxy. The two proxies are told
// apart by the proxy user; the passwords never show in the log. With NO_PROXY listing the hosts, the
// same runs go direct (a preloaded hosts shim, helpers/test-hosts.mjs, resolves *.test to 127.0.0.1)
// and the proxy sees nothing. A dry run's stack check (read-stack) reads the documents through the proxy
// too. The faults (bad proxy URL, CONNECT refused) are in proxy-faults.runner.test.ts.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { errorAnnotations } from './helpers/run-action.js';
import { SINK_WEBHOOK_PATH } from './helpers/slack-sink.js';
import { HOSTS_SHIM, startProxyWorld, type ProxyWorld } from './helpers/proxy-world.js';

const TLS_PASSWORD = 'tls-pass-4f9e1c';
const WEB_PASSWORD = 'web-pass-7a2d3b';
const DEP0005 =
  /^\(node:\d+\) \[DEP0005\] DeprecationWarning: Buffer\(\) is deprecated.*\n\(Use `node --trace-deprecation \.\.\.` to show where the warning was created\)\n/;

let world: ProxyWorld;
beforeAll(async () => {
  world = await startProxyWorld();
});
afterAll(async () => {
  await world.close();
});
beforeEach(() => world.reset());

const proxyEnv = () => ({
  HTTPS_PROXY: world.proxy.urlWith('tls', TLS_PASSWORD),
  http_proxy: world.proxy.urlWith('web', WEB_PASSWORD),
});
const sinkHost = () => `127.0.0.1:${new URL(world.sink.origin).port}`;
const seen = (host: string) => world.proxy.requests.filter((r) => `${r.host}:${r.port}` === host);

describe('dist/index.js behind HTTPS_PROXY / http_proxy', () => {
  it('sends every call of a real run through the proxy: OIDC, STS, SSM, CloudFront, verify pages, Slack Web API', async () => {
    const run = await world.realRun(proxyEnv());
    // the one line on stderr: @actions/http-client's tunnel (the OIDC token through a proxy with a user)
    // still calls new Buffer(); nothing of ours writes there
    expect(run.stderr.replace(DEP0005, '')).toBe('');
    expect(errorAnnotations(run.stdout)).toEqual([]);
    expect(run.outputs.status).toBe('success');
    expect(run.code).toBe(0);

    // logged once, without the credentials; the passwords are masked too
    const proxyLines = run.stdout.split('\n').filter((line) => line.startsWith('Proxy: '));
    expect(proxyLines).toEqual([
      `Proxy: https:// requests via http://***@${new URL(world.proxy.url).host} (HTTPS_PROXY); http:// requests via http://***@${new URL(world.proxy.url).host} (http_proxy); no NO_PROXY hosts.`,
    ]);
    expect(run.stdout).toContain(`::add-mask::${TLS_PASSWORD}`);
    expect(run.stdout).toContain(`::add-mask::${WEB_PASSWORD}`);
    expect(run.stdout.replace(/::add-mask::.*\n/g, '')).not.toMatch(/tls-pass|web-pass/);

    // Only the proxy resolves aws.test and site.test here, so every call that reached the https front
    // came through one of its CONNECT tunnels: the OIDC token (@actions/http-client tunnels it itself)
    // and every AWS SDK request (STS, SSM, CloudFront), all through HTTPS_PROXY (the `tls` user).
    expect(world.double.calls.map((c) => c.operation)).toEqual(
      expect.arrayContaining([
        'GetIdToken',
        'AssumeRoleWithWebIdentity',
        'SendCommand',
        'CreateInvalidation',
        'GetInvalidation',
      ]),
    );
    expect(world.counts.aws).toBe(world.double.calls.length);
    const aws = seen(world.awsHost);
    expect(aws.length).toBeGreaterThanOrEqual(2); // the OIDC client's tunnel and the SDK's (kept alive)
    expect(aws.every((r) => r.kind === 'tunnel' && r.user === 'tls')).toBe(true);

    // the verify step: the https page through HTTPS_PROXY (CONNECT), the http page through http_proxy
    expect(world.counts.page).toBeGreaterThan(0);
    const httpsPages = seen(`site.test:${world.frontPort}`);
    expect(httpsPages.length).toBeGreaterThan(0);
    expect(httpsPages.every((r) => r.kind === 'tunnel' && r.user === 'tls')).toBe(true);
    expect(world.httpPage.requests.length).toBeGreaterThan(0);
    const httpPages = seen(`site.test:${world.httpPagePort}`);
    expect(httpPages.length).toBeGreaterThan(0);
    expect(httpPages.every((r) => r.user === 'web')).toBe(true);

    // the live message: every Web API call went through http_proxy
    expect(world.sink.apiCalls('chat.postMessage').length).toBeGreaterThan(0);
    expect(world.sink.apiCalls('chat.update').length).toBeGreaterThan(0);
    const slack = seen(sinkHost());
    expect(slack.length).toBeGreaterThan(0);
    expect(slack.every((r) => r.user === 'web')).toBe(true);
    const forwardedApi = slack.filter((r) => r.kind === 'forward' && r.path?.startsWith('/api/'));
    expect(forwardedApi).toHaveLength(world.sink.apiCalls().length);
    // nothing else was asked of the proxy
    expect(world.proxy.requests.length).toBe(
      aws.length + httpsPages.length + httpPages.length + slack.length,
    );
  }, 40_000);

  it('posts the Slack webhook message through the proxy', async () => {
    const run = await world.dryRun(proxyEnv());
    expect(run.code).toBe(0);
    expect(world.sink.requests.filter((r) => r.path === SINK_WEBHOOK_PATH)).toHaveLength(1);
    const slack = seen(sinkHost());
    expect(slack).toHaveLength(1);
    expect(slack[0]!.user).toBe('web');
    expect(world.proxy.requests).toHaveLength(1);
  });

  it("a dry run's stack check (read-stack): the OIDC token, STS and GetDocument through HTTPS_PROXY", async () => {
    const run = await world.dryRun(proxyEnv(), {
      'read-stack': 'true',
      'role-to-assume': 'arn:aws:iam::123456789012:role/cache-purge',
    });
    expect(errorAnnotations(run.stdout)).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('fits the stack.');
    expect(world.double.calls.map((c) => c.operation)).toEqual([
      'GetIdToken',
      'AssumeRoleWithWebIdentity',
      ...world.double.callsOf('GetDocument').map(() => 'GetDocument'),
    ]);
    expect(world.double.callsOf('GetDocument').length).toBeGreaterThan(0);
    expect(world.counts.aws).toBe(world.double.calls.length);
    const aws = seen(world.awsHost);
    expect(aws.length).toBeGreaterThanOrEqual(2);
    expect(aws.every((r) => r.kind === 'tunnel' && r.user === 'tls')).toBe(true);
  });
});

describe('NO_PROXY', () => {
  const noProxy = { NO_PROXY: '.test,127.0.0.1', NODE_OPTIONS: `--import=${HOSTS_SHIM}` };

  it('lets every call of a real run go direct: the proxy sees none, the run succeeds', async () => {
    const run = await world.realRun({ ...proxyEnv(), ...noProxy });
    expect(errorAnnotations(run.stdout)).toEqual([]);
    expect(run.outputs.status).toBe('success');
    expect(run.stdout).toContain('direct to test, 127.0.0.1 (NO_PROXY)');
    expect(world.double.callsOf('SendCommand').length).toBeGreaterThan(0);
    expect(world.double.callsOf('GetIdToken')).toHaveLength(1);
    expect(world.counts.aws).toBe(world.double.calls.length);
    expect(world.counts.page).toBeGreaterThan(0);
    expect(world.httpPage.requests.length).toBeGreaterThan(0);
    expect(world.sink.apiCalls().length).toBeGreaterThan(0);
    expect(world.proxy.requests).toEqual([]);
  }, 40_000);

  it('lets the Slack webhook post go direct', async () => {
    const run = await world.dryRun({ ...proxyEnv(), ...noProxy });
    expect(run.code).toBe(0);
    expect(world.sink.requests.filter((r) => r.path === SINK_WEBHOOK_PATH)).toHaveLength(1);
    expect(world.proxy.requests).toEqual([]);
  });
});
