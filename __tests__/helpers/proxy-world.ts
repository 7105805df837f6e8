// Everything a proxy test of the committed bundle needs, on 127.0.0.1: the AWS double, the Slack sink,
// the recording proxy, a caching page over plain http, and an https front (a throw-away certificate
// for aws.test and site.test, made with openssl, that the child trusts through NODE_EXTRA_CA_CERTS)
// that passes aws.test to the AWS double (counting the requests) and answers site.test as a caching
// page. Only the proxy resolves the `*.test` names, unless the child preloads helpers/test-hosts.mjs
// (HOSTS_SHIM). Also the sites file, the runner's environment and the two runs the tests make.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, runAction, type ActionRun } from './run-action.js';
import { startAwsDouble } from './aws-double.js';
import { startSlackSink } from './slack-sink.js';
import { startLocalServer } from './local-http.js';
import { startRecordingProxy } from './recording-proxy.js';

export const HOSTS_SHIM = join(repoRoot, '__tests__/helpers/test-hosts.mjs');
const ROLE = 'arn:aws:iam::123456789012:role/cache-purge';
const RESULT = 'CACHE_PURGE_RESULT {"files":3,"bytes":2048,"method":"find-delete","durationMs":5}';

/** A page as the verify step expects one: cached on the second request, dated now when generated. */
function cachingPage() {
  const seen = new Set<string>();
  return (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    const hit = seen.has(path);
    seen.add(path);
    res.writeHead(200, {
      'content-type': 'text/html',
      'x-fastcgi-cache': hit ? 'HIT' : 'MISS',
      'x-generated-at': (Date.now() / 1000).toFixed(3),
    });
    res.end(`<p>${path}</p>`);
  };
}

/** A self-signed certificate for aws.test and site.test: the key and certificate files. */
function testCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'proxy-tls-'));
  const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=aws.test'].concat([
      '-addext',
      'subjectAltName=DNS:aws.test,DNS:site.test',
      '-keyout',
      key,
      '-out',
      cert,
    ]),
    { stdio: 'ignore' },
  );
  return { key, cert };
}

export async function startProxyWorld() {
  const tls = testCertificate();
  const [double, sink, proxy, httpPage] = await Promise.all([
    startAwsDouble(),
    startSlackSink(),
    startRecordingProxy(),
    startLocalServer(cachingPage()),
  ]);
  const counts = { aws: 0, page: 0 };
  const page = cachingPage();
  const front = createHttpsServer(
    { key: readFileSync(tls.key), cert: readFileSync(tls.cert) },
    (req, res) => {
      if (req.headers.host?.startsWith('site.test:')) {
        counts.page++;
        return page(req, res);
      }
      counts.aws++;
      const target = new URL(double.url);
      const upstream = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(upstream);
    },
  );
  await new Promise<void>((done) => front.listen(0, '127.0.0.1', done));
  const frontPort = (front.address() as AddressInfo).port;
  const awsHost = `aws.test:${frontPort}`;
  const httpPagePort = Number(new URL(httpPage.base).port);
  const pageUrls = [`https://site.test:${frontPort}/`, `http://site.test:${httpPagePort}/`];

  const sitesFile = `region: us-east-1
sites:
  portal:
    targets: { instance-ids: [i-0123456789abcdef0] }
    steps:
      - name: FastCGI cache
        ssm:
          document: CachePurge-FastCGI
          parameters: { CachePath: /var/cache/nginx/portal }
      - cloudfront: { distribution-id: E2EXAMPLE12345, paths: ['/*'], wait: true }
      - verify:
          urls: ${JSON.stringify(pageUrls)}
`;

  /** The runner's environment: OIDC and every AWS endpoint on aws.test, Slack's Web API on the sink. */
  const runnerEnv = (extra: Record<string, string>): Record<string, string> => ({
    ...double.env(),
    AWS_ENDPOINT_URL: `https://${awsHost}`,
    ACTIONS_ID_TOKEN_REQUEST_URL: `https://${awsHost}/oidc/token?api-version=2.0`,
    SLACK_API_URL: sink.apiUrl,
    NODE_EXTRA_CA_CERTS: tls.cert,
    GITHUB_RUN_ID: '1234',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_REPOSITORY: 'acme/site',
    ...extra,
  });

  return {
    double,
    sink,
    proxy,
    httpPage,
    counts,
    frontPort,
    awsHost,
    httpPagePort,
    sitesFile,
    runnerEnv,
    /** Between tests: forgets every request. */
    reset() {
      double.reset({ defaultScript: { runMs: 50, stdout: `ok\n${RESULT}` } });
      sink.reset();
      proxy.requests.length = 0;
      httpPage.requests.length = 0;
      counts.aws = 0;
      counts.page = 0;
    },
    /** A real run of portal with the live Slack message (bot token + channel), role via OIDC. */
    realRun: (env: Record<string, string>): Promise<ActionRun> =>
      runAction({
        inputs: {
          site: 'portal',
          'role-to-assume': ROLE,
          'slack-bot-token': 'xoxb-1234567890-proxytest',
          'slack-channel': 'C0PROXY01',
        },
        files: { '.github/cache-purge.yml': sitesFile },
        env: runnerEnv(env),
        timeoutMs: 30_000,
      }),
    /** A dry run posting its plan to the Slack webhook (`more`: other inputs, e.g. read-stack). */
    dryRun: (env: Record<string, string>, more: Record<string, string> = {}): Promise<ActionRun> =>
      runAction({
        inputs: { site: 'portal', 'dry-run': 'true', 'slack-webhook-url': sink.webhookUrl, ...more },
        files: { '.github/cache-purge.yml': sitesFile },
        env: runnerEnv(env),
      }),
    async close() {
      front.closeAllConnections();
      await Promise.all([
        double.close(),
        sink.close(),
        proxy.close(),
        httpPage.close(),
        new Promise((done) => front.close(done)),
      ]);
    },
  };
}

export type ProxyWorld = Awaited<ReturnType<typeof startProxyWorld>>;
