// The outbound proxy, as the environment asks for it (self-hosted runners, a relay behind a company
// proxy): reads HTTPS_PROXY / HTTP_PROXY / NO_PROXY (the lower-case forms win, as curl and undici
// read them), refuses a value that is not an http(s) proxy URL with the variable and the fix, decides
// for one URL whether it goes through a proxy and which, and describes the choice for one log line
// with any credentials hidden. Both the action and the relay use it; the agents that act on the
// decision are built in proxy-network.ts. Pure.

import { UserError } from './errors.js';

/** A proxy as read from its variable: where it is, and the variable it came from (for messages). */
export interface ProxyEndpoint {
  /** The proxy URL to connect to, credentials included (never logged: see `display`). */
  url: string;
  /** The same URL without user name and password: what the log may show. */
  display: string;
  /** The variable it came from, as spelt in the environment (e.g. `https_proxy`). */
  variable: string;
  /** The password in the URL, decoded, to be masked in the job log; absent without one. */
  password?: string;
}

/** One NO_PROXY entry: a host (and its subdomains), optionally only on one port; `*` is every host. */
interface NoProxyEntry {
  host: string;
  port?: number;
}

export interface ProxySettings {
  /** For https:// requests (HTTPS_PROXY). */
  https?: ProxyEndpoint;
  /** For http:// requests (HTTP_PROXY). */
  http?: ProxyEndpoint;
  /** Hosts reached directly (NO_PROXY), in the order given. */
  noProxy: readonly NoProxyEntry[];
  /** NO_PROXY is `*`: nothing goes through the proxy. */
  bypassAll: boolean;
  /** The NO_PROXY value as given, for the log line. */
  noProxyText: string;
}

type Env = Record<string, string | undefined>;

/** The value of a variable, lower-case spelling first; empty counts as unset. */
function lookup(env: Env, name: string): { variable: string; value: string } | undefined {
  for (const variable of [name.toLowerCase(), name]) {
    const value = env[variable]?.trim();
    if (value) return { variable, value };
  }
  return undefined;
}

/** A proxy variable that is not a usable proxy URL: the variable, what is wrong and the fix. */
export class InvalidProxyError extends UserError {
  /** What is wrong and the fix, without the variable's name (the relay prefixes `VARIABLE: `). */
  readonly problem: string;
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid ${variable}`, `${variable} ${problem}`);
    this.problem = problem;
  }
}

const FIX = 'set it to the proxy as http://HOST:PORT (or http://USER:PASSWORD@HOST:PORT), or unset it';

function endpoint(variable: string, value: string): ProxyEndpoint {
  // host:port alone means an http proxy, as curl and @actions/http-client read it
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidProxyError(variable, `is not a proxy URL; ${FIX}.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidProxyError(
      variable,
      `uses ${url.protocol.slice(0, -1)}:, which cache-purge-action cannot use (only http and https proxies, which carry https through CONNECT); ${FIX}.`,
    );
  }
  if (url.hostname === '') {
    throw new InvalidProxyError(variable, `names no proxy host; ${FIX}.`);
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw new InvalidProxyError(
      variable,
      `has a path or query after the host (${url.pathname}${url.search}); a proxy is only a host and port: ${FIX}.`,
    );
  }
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  const display = `${url.protocol}//${url.username || url.password ? '***@' : ''}${url.host}`;
  return { url: url.href.replace(/\/$/, ''), display, variable, ...(password && { password }) };
}

/** NO_PROXY entries: comma- or space-separated hosts, `.host` or `*.host` (same as host), `host:port`. */
function noProxyEntries(value: string): NoProxyEntry[] {
  return value
    .split(/[,\s]+/)
    .filter((entry) => entry !== '')
    .map((entry) => {
      const withPort = /^(.+):(\d+)$/.exec(entry);
      // an IPv6 address without brackets is all colons: only `[…]:port` or `host:port` carry a port
      const hasPort = withPort !== null && (!withPort[1]!.includes(':') || withPort[1]!.endsWith(']'));
      const name = (hasPort ? withPort[1]! : entry).replace(/^\*?\./, '').toLowerCase();
      // URL.hostname keeps an IPv6 address in brackets
      const host = name.includes(':') && !name.startsWith('[') ? `[${name}]` : name;
      return { host, ...(hasPort && { port: Number(withPort[2]) }) };
    });
}

/**
 * The proxy settings of `env`, or undefined when neither HTTPS_PROXY nor HTTP_PROXY is set (nothing
 * changes then). Throws a UserError naming the variable when a proxy value is not a usable URL.
 */
export function readProxySettings(env: Env): ProxySettings | undefined {
  const https = lookup(env, 'HTTPS_PROXY');
  const http = lookup(env, 'HTTP_PROXY');
  if (!https && !http) return undefined;
  const noProxyText = lookup(env, 'NO_PROXY')?.value ?? '';
  const noProxy = noProxyEntries(noProxyText);
  return {
    ...(https && { https: endpoint(https.variable, https.value) }),
    ...(http && { http: endpoint(http.variable, http.value) }),
    noProxy: noProxy.filter((entry) => entry.host !== '*'),
    bypassAll: noProxy.some((entry) => entry.host === '*'),
    noProxyText,
  };
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/**
 * The proxy a request to `target` goes through, or undefined to go direct: https:// targets use
 * HTTPS_PROXY, http:// targets HTTP_PROXY (one is never used for the other's requests, as curl and
 * @actions/http-client do), unless the host is in NO_PROXY — the host itself or a subdomain of an
 * entry, on any port or the entry's own. Loopback hosts are proxied too unless listed there.
 */
export function proxyFor(target: URL | string, settings: ProxySettings): ProxyEndpoint | undefined {
  const url = typeof target === 'string' ? new URL(target) : target;
  const proxy =
    url.protocol === 'https:' ? settings.https : url.protocol === 'http:' ? settings.http : undefined;
  if (!proxy || settings.bypassAll) return undefined;
  const host = url.hostname.toLowerCase();
  const port = url.port ? Number(url.port) : DEFAULT_PORTS[url.protocol];
  const listed = settings.noProxy.some(
    (entry) =>
      (entry.port === undefined || entry.port === port) &&
      (host === entry.host || host.endsWith(`.${entry.host}`)),
  );
  return listed ? undefined : proxy;
}

/** The one log line saying a proxy is used: each proxy without credentials, and what bypasses it. */
export function describeProxySettings(settings: ProxySettings): string {
  const via = [
    settings.https && `https:// requests via ${settings.https.display} (${settings.https.variable})`,
    settings.http && `http:// requests via ${settings.http.display} (${settings.http.variable})`,
  ].filter((part): part is string => typeof part === 'string');
  const direct = settings.bypassAll
    ? 'NO_PROXY is *, so every request goes direct'
    : settings.noProxy.length > 0
      ? `direct to ${settings.noProxy.map((e) => (e.port ? `${e.host}:${e.port}` : e.host)).join(', ')} (NO_PROXY)`
      : 'no NO_PROXY hosts';
  return `Proxy: ${via.join('; ')}; ${direct}.`;
}

/** The proxy passwords, to be masked wherever the run logs. */
export function proxySecrets(settings: ProxySettings): string[] {
  return [settings.https?.password, settings.http?.password].filter(
    (secret): secret is string => typeof secret === 'string',
  );
}
