// Entry point of the plain Node relay (dist/relay/server.js): reads the environment, refuses to start
// when a variable is missing or malformed, with one stderr line per bad variable (all of them, not
// only the first), then serves POST /slack/commands and GET /healthz on HOST:PORT until SIGTERM or
// SIGINT. With HTTPS_PROXY / HTTP_PROXY set (a bad value refuses the start like any variable), every
// outbound request — the GitHub calls through Octokit and the prompt updates to Slack's response_url —
// goes through the proxied fetch (src/shared/proxy-network.ts, loaded only then), and one `proxy` log
// line says so, without the proxy's credentials.

import { loadListenConfig, loadRelayConfig } from './core/config.js';
import { collectConfigProblems, RelayConfigError } from './core/config-problems.js';
import { createGitHubDispatcher } from './github.js';
import { startRelayServer } from './http-server.js';
import { createRelay, logLine, writeLogLine } from './relay.js';
import { promptUpdater } from './response-url.js';
import {
  describeProxySettings,
  InvalidProxyError,
  readProxySettings,
  type ProxySettings,
} from '../shared/proxy-settings.js';

/** The proxy settings, a bad value reported as the relay reports any variable. */
function readRelayProxy(env: NodeJS.ProcessEnv): ProxySettings | undefined {
  try {
    return readProxySettings(env);
  } catch (error) {
    if (error instanceof InvalidProxyError) throw new RelayConfigError(error.variable, error.problem);
    throw error;
  }
}

async function main(): Promise<void> {
  const check = collectConfigProblems();
  const maybeConfig = check.attempt(() => loadRelayConfig(process.env));
  const maybeListen = check.attempt(() => loadListenConfig(process.env));
  const proxy = check.attempt(() => readRelayProxy(process.env));
  try {
    check.finish();
  } catch (error) {
    if (!(error instanceof RelayConfigError)) throw error;
    for (const problem of error.problems) {
      process.stderr.write(`cache-purge relay: refusing to start: ${problem.variable}: ${problem.message}\n`);
    }
    process.exitCode = 1;
    return;
  }
  // finish() returned, so both were read.
  const config = maybeConfig!;
  const listen = maybeListen!;
  const log = writeLogLine;
  const proxied = proxy && (await import('../shared/proxy-network.js')).createProxiedHttp(proxy);
  if (proxy) log(logLine('proxy', { message: describeProxySettings(proxy) }, Date.now()));
  const relay = createRelay({
    config,
    dispatch: createGitHubDispatcher(config.github, {
      warn: (message) => log(logLine('github_warning', { message }, Date.now())),
      ...(proxied && { fetch: proxied.fetch }),
    }),
    log,
    ...(proxied && { updatePrompt: promptUpdater(proxied.fetch) }),
  });
  let running;
  try {
    running = await startRelayServer({ relay, host: listen.host, port: listen.port, log });
  } catch (error) {
    process.stderr.write(
      `cache-purge relay: cannot listen on ${listen.host}:${listen.port} (check HOST and PORT): ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
    return;
  }
  const stop = (signal: string) => {
    log(logLine('stopping', { signal }, Date.now()));
    // Idle connections are dropped at once; answers in flight finish (they are bounded by the dispatch
    // deadline and the drain limit of an oversized body); then the process exits. The timer is a backstop.
    setTimeout(() => process.exit(0), 5_000).unref();
    void running.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  // Logged last: whoever waits for this line may signal the process at once.
  log(logLine('listening', { url: running.url, commands: `${running.url}/slack/commands` }, Date.now()));
}

await main();
