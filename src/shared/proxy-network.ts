// The HTTP clients' side of the proxy (proxy-settings.ts decides, this wires): one `fetch` (undici's,
// with a dispatcher that sends each request through undici's ProxyAgent or its plain Agent as
// proxyFor() says) for the fetch-based clients (@slack/webhook, the verify step, Octokit and the
// relay's response_url post), and one node:http(s) Agent (agent-base; the tunnel itself is
// https-proxy-agent's CONNECT, or http-proxy-agent's absolute-URI request for http:// targets) for the
// AWS SDK's NodeHttpHandler and @slack/web-api. Both choose per request, so NO_PROXY is honoured
// whatever host a client ends up calling. Imported lazily, only when a proxy is set. I/O: sockets.

import * as http from 'node:http';
import * as https from 'node:https';
import { Agent as ChoosingAgent, type AgentConnectOpts } from 'agent-base';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { Agent as UndiciAgent, Dispatcher, ProxyAgent, fetch as undiciFetch } from 'undici';
import { proxyFor, type ProxyEndpoint, type ProxySettings } from './proxy-settings.js';

/** The proxied clients' plumbing: pass `fetch` to fetch-based clients and `agent` to node:http ones. */
export interface ProxiedHttp {
  fetch: typeof globalThis.fetch;
  agent: http.Agent;
  /** Closes the pooled connections (the process may also just exit). */
  close(): Promise<void>;
}

/** What a request says when the proxy would not open its tunnel. */
function connectRefused(proxy: ProxyEndpoint, target: string, status?: number, text?: string): string {
  return `the proxy ${proxy.display} (${proxy.variable}) refused to open a tunnel to ${target}: HTTP ${status ?? '?'}${text ? ` ${text}` : ''} to CONNECT; see docs/troubleshooting.md, "A proxy refuses CONNECT"`;
}

/** An undici dispatcher that asks proxyFor() for every request's origin. */
class ProxyChoosingDispatcher extends Dispatcher {
  private readonly direct = new UndiciAgent();
  private readonly proxies = new Map<string, ProxyAgent>();

  constructor(private readonly settings: ProxySettings) {
    super();
  }

  private pick(origin: string | URL | undefined): Dispatcher {
    const proxy = origin === undefined ? undefined : proxyFor(new URL(String(origin)), this.settings);
    if (!proxy) return this.direct;
    let agent = this.proxies.get(proxy.url);
    if (!agent) {
      agent = new ProxyAgent(proxy.url);
      this.proxies.set(proxy.url, agent);
    }
    return agent;
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    return this.pick(options.origin).dispatch(options, handler);
  }

  override async close(): Promise<void> {
    await Promise.all([this.direct, ...this.proxies.values()].map((d) => d.close()));
  }

  override async destroy(): Promise<void> {
    await Promise.all([this.direct, ...this.proxies.values()].map((d) => d.destroy()));
  }
}

/** A node:http(s) agent that hands each request to a CONNECT/forwarding proxy agent or a direct one. */
class ProxyChoosingAgent extends ChoosingAgent {
  private readonly directHttp = new http.Agent({ keepAlive: true });
  private readonly directHttps = new https.Agent({ keepAlive: true });
  private readonly tunnels = new Map<string, http.Agent>();

  constructor(private readonly settings: ProxySettings) {
    super({ keepAlive: true });
  }

  private through(proxy: ProxyEndpoint, secure: boolean): http.Agent {
    const key = `${secure ? 'https' : 'http'} ${proxy.url}`;
    let agent = this.tunnels.get(key);
    if (!agent) {
      agent = secure
        ? new HttpsProxyAgent(proxy.url, { keepAlive: true })
        : // no keep-alive: a request handed over by this agent has its header written before the socket
          // is chosen, and only a new connection (http-proxy-agent's connect()) rewrites it to the
          // absolute-URI form a proxy needs; a pooled one would send the relative path
          new HttpProxyAgent(proxy.url, { keepAlive: false });
      this.tunnels.set(key, agent);
    }
    return agent;
  }

  override connect(request: http.ClientRequest, options: AgentConnectOpts): http.Agent {
    const secure = options.secureEndpoint;
    const host = options.host ?? 'localhost';
    const target = new URL(`${secure ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}`);
    if (options.port) target.port = String(options.port);
    const proxy = proxyFor(target, this.settings);
    if (proxy && secure) {
      // https-proxy-agent replays a refused CONNECT's answer as if the target had sent it (the AWS SDK
      // then reports an "UnknownError"): make it the error it is, naming the proxy and the fix
      request.once('proxyConnect', (answer: { statusCode?: number; statusText?: string }) => {
        if (answer.statusCode !== 200)
          request.destroy(
            new Error(connectRefused(proxy, target.host, answer.statusCode, answer.statusText)),
          );
      });
    }
    if (proxy) return this.through(proxy, secure);
    return secure ? this.directHttps : this.directHttp;
  }

  override destroy(): void {
    for (const agent of [this.directHttp, this.directHttps, ...this.tunnels.values()]) agent.destroy();
    super.destroy();
  }
}

export function createProxiedHttp(settings: ProxySettings): ProxiedHttp {
  const dispatcher = new ProxyChoosingDispatcher(settings);
  const agent = new ProxyChoosingAgent(settings);
  // undici's own fetch, so the dispatcher and the fetch are one version (Node's built-in fetch may be another)
  const proxiedFetch = ((
    input: Parameters<typeof undiciFetch>[0],
    init?: Parameters<typeof undiciFetch>[1],
  ) => undiciFetch(input, { ...init, dispatcher })) as unknown as typeof globalThis.fetch;
  return {
    fetch: proxiedFetch,
    agent,
    close: async () => {
      agent.destroy();
      await dispatcher.close();
    },
  };
}
