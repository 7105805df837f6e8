// The committed bundle (dist/index.js) with a proxy that cannot work (helpers/proxy-world.ts): a proxy
// URL it cannot use stops the run before any call, naming the variable and the fix; a proxy that
// refuses CONNECT (403) is named as the cause, with the fix, both for the OIDC token (@actions/http-client)
// and for an AWS call (https-proxy-agent would otherwise hand the SDK the proxy's answer as AWS's).

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { errorAnnotations, runAction } from './helpers/run-action.js';
import { startProxyWorld, type ProxyWorld } from './helpers/proxy-world.js';
import { startRecordingProxy } from './helpers/recording-proxy.js';

let world: ProxyWorld;
beforeAll(async () => {
  world = await startProxyWorld();
});
afterAll(async () => {
  await world.close();
});
beforeEach(() => world.reset());

describe('proxy faults', () => {
  it('a proxy that refuses CONNECT: the OIDC token request fails naming the proxy and the fix', async () => {
    const refusing = await startRecordingProxy({ refuseConnect: 403 });
    try {
      const run = await world.realRun({ HTTPS_PROXY: refusing.url, HTTP_PROXY: refusing.url });
      expect(run.code).toBe(1);
      expect(refusing.requests).toContainEqual({ kind: 'tunnel', host: 'aws.test', port: world.frontPort });
      expect(errorAnnotations(run.stdout)).toEqual([
        {
          properties: 'title=Could not get the GitHub OIDC token',
          message: expect.stringContaining(
            "the proxy (HTTPS_PROXY) refused to open a tunnel to GitHub's token endpoint (HTTP 403 to CONNECT). Allow CONNECT",
          ),
        },
      ]);
      expect(world.double.calls).toEqual([]);
    } finally {
      await refusing.close();
    }
  });

  it("a proxy that refuses CONNECT: an AWS call fails with the proxy's answer (keys, no role)", async () => {
    const refusing = await startRecordingProxy({ refuseConnect: 403 });
    try {
      const run = await runAction({
        inputs: { site: 'portal' },
        files: { '.github/cache-purge.yml': world.sitesFile },
        env: world.runnerEnv({
          HTTPS_PROXY: refusing.url,
          AWS_ACCESS_KEY_ID: 'AKIAPROXYTEST0000001',
          AWS_SECRET_ACCESS_KEY: 'proxy-test-secret-key',
        }),
      });
      expect(run.code).toBe(1);
      expect(refusing.requests[0]).toEqual({ kind: 'tunnel', host: 'aws.test', port: world.frontPort });
      expect(world.double.calls).toEqual([]);
      // the proxy's 403, not an "UnknownError" from AWS
      expect(errorAnnotations(run.stdout)).toEqual([
        {
          properties: 'title=portal: FastCGI cache failed',
          message: expect.stringContaining(
            `the proxy ${refusing.url} (HTTPS_PROXY) refused to open a tunnel to aws.test:${world.frontPort}: HTTP 403 Forbidden to CONNECT; see docs/troubleshooting.md, "A proxy refuses CONNECT"`,
          ),
        },
      ]);
    } finally {
      await refusing.close();
    }
  });

  it('refuses a proxy URL it cannot use before any call, naming the variable and the fix', async () => {
    const run = await world.realRun({ HTTPS_PROXY: 'socks5://127.0.0.1:1080' });
    expect(run.code).toBe(1);
    expect(errorAnnotations(run.stdout)).toEqual([
      {
        properties: 'title=Invalid HTTPS_PROXY',
        message: expect.stringContaining(
          'HTTPS_PROXY uses socks5:, which cache-purge-action cannot use (only http and https proxies, which carry https through CONNECT); set it to the proxy as http://HOST:PORT',
        ),
      },
    ]);
    expect(world.double.calls).toEqual([]);
  });
});
