// The proxy decisions (src/shared/proxy-settings.ts): which variables are read and in what order, which
// request goes through which proxy, NO_PROXY matching, invalid values refused with the variable and
// the fix, and the log line that never shows a proxy password.

import { describe, expect, it } from 'vitest';
import {
  describeProxySettings,
  proxyFor,
  proxySecrets,
  readProxySettings,
  type ProxySettings,
} from '../src/shared/proxy-settings.js';
import { UserError } from '../src/shared/errors.js';

const settings = (env: Record<string, string>): ProxySettings => readProxySettings(env)!;
const via = (s: ProxySettings, url: string) => proxyFor(url, s)?.url;

describe('readProxySettings', () => {
  it('is undefined without HTTPS_PROXY and HTTP_PROXY (empty counts as unset), whatever NO_PROXY says', () => {
    expect(readProxySettings({})).toBeUndefined();
    expect(readProxySettings({ HTTPS_PROXY: ' ', http_proxy: '', NO_PROXY: 'example.com' })).toBeUndefined();
  });

  it('reads the lower-case spelling first, then the upper-case one', () => {
    const s = settings({
      https_proxy: 'http://lower:3128',
      HTTPS_PROXY: 'http://upper:3128',
      HTTP_PROXY: 'http://plain:8080',
    });
    expect(s.https).toMatchObject({ url: 'http://lower:3128', variable: 'https_proxy' });
    expect(s.http).toMatchObject({ url: 'http://plain:8080', variable: 'HTTP_PROXY' });
  });

  it('reads host:port alone as an http proxy', () => {
    expect(settings({ HTTPS_PROXY: 'proxy.corp:3128' }).https?.url).toBe('http://proxy.corp:3128');
  });

  it.each([
    ['HTTPS_PROXY', 'http://', 'is not a proxy URL'],
    ['HTTPS_PROXY', 'socks5://proxy:1080', 'uses socks5:, which cache-purge-action cannot use'],
    ['http_proxy', 'http://proxy:3128/path', 'has a path or query after the host (/path)'],
    ['HTTP_PROXY', 'http://proxy:99999', 'is not a proxy URL'],
  ])('refuses %s=%s with a UserError naming the variable and the fix', (variable, value, says) => {
    let error: unknown;
    try {
      readProxySettings({ [variable]: value });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).title).toBe(`Invalid ${variable}`);
    expect((error as UserError).message).toContain(`${variable} `);
    expect((error as UserError).message).toContain(says);
    expect((error as UserError).message).toContain('set it to the proxy as http://HOST:PORT');
  });
});

describe('proxyFor', () => {
  const both = settings({ HTTPS_PROXY: 'http://tls-proxy:3128', HTTP_PROXY: 'http://web-proxy:8080' });

  it('sends https:// requests to HTTPS_PROXY and http:// ones to HTTP_PROXY, loopback included', () => {
    expect(via(both, 'https://ssm.eu-west-1.amazonaws.com/')).toBe('http://tls-proxy:3128');
    expect(via(both, 'http://www.example.com/')).toBe('http://web-proxy:8080');
    expect(via(both, 'http://127.0.0.1:8080/')).toBe('http://web-proxy:8080');
  });

  it('never uses one variable for the other scheme', () => {
    expect(
      via(settings({ HTTP_PROXY: 'http://web-proxy:8080' }), 'https://hooks.slack.com/'),
    ).toBeUndefined();
    expect(
      via(settings({ HTTPS_PROXY: 'http://tls-proxy:3128' }), 'http://www.example.com/'),
    ).toBeUndefined();
  });

  it('goes direct to NO_PROXY hosts and their subdomains, on any port or the listed one', () => {
    const s = settings({
      HTTPS_PROXY: 'http://tls-proxy:3128',
      HTTP_PROXY: 'http://web-proxy:8080',
      no_proxy: 'localhost, 127.0.0.1 .internal.example *.vpce.amazonaws.com intranet:8443 ::1',
    });
    for (const direct of [
      'http://localhost:3000/',
      'http://127.0.0.1:9/',
      'https://git.internal.example/',
      'https://internal.example/',
      'https://ssm.vpce.amazonaws.com/',
      'https://intranet:8443/',
      'http://[::1]:80/',
    ]) {
      expect(via(s, direct), direct).toBeUndefined();
    }
    for (const proxied of [
      'https://intranet/',
      'https://notinternal.example/',
      'https://ssm.us-east-1.amazonaws.com/',
      'http://127.0.0.2/',
    ]) {
      expect(via(s, proxied), proxied).toBeDefined();
    }
  });

  it('goes direct everywhere with NO_PROXY=*', () => {
    expect(via(settings({ HTTPS_PROXY: 'http://p:1', NO_PROXY: '*' }), 'https://slack.com/')).toBeUndefined();
  });
});

describe('the log line', () => {
  it('names each proxy and the NO_PROXY hosts, and hides user name and password', () => {
    const s = settings({
      HTTPS_PROXY: 'http://build%40corp:s3cr%3At@proxy.corp:3128',
      NO_PROXY: 'localhost,.corp',
    });
    const line = describeProxySettings(s);
    expect(line).toBe(
      'Proxy: https:// requests via http://***@proxy.corp:3128 (HTTPS_PROXY); direct to localhost, corp (NO_PROXY).',
    );
    expect(line).not.toContain('s3cr');
    expect(line).not.toContain('build');
    expect(proxySecrets(s)).toEqual(['s3cr:t']);
  });
});
