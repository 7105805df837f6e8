// The GitHub adapter: starts the workflow through Octokit (`POST …/actions/workflows/{id}/dispatches`)
// with a token or a GitHub App installation token (@octokit/auth-app: App JWT → installation token,
// cached until it nears expiry). Honours the deadline's abort signal and never retries, except once
// without `return_run_details` when GitHub (Enterprise Server) refuses that parameter. Reports its
// progress (token exchange; dispatch queued but not written; written) and tells failures that
// certainly sent nothing (token exchange, connection refused, DNS, TLS) from those after sending.
//
// The App token is fetched with auth-app's `auth({ type: 'installation' })` and sent as a header rather
// than through auth-app's request hook: the hook re-sends a request that got 401 for up to 5 s after
// minting a token, which would blow the 2 s deadline and could start a purge after Slack was told
// "status unknown".
//
// Behind a proxy (the plain Node server with HTTPS_PROXY set) the given fetch carries every request;
// the wire watch then also sees the proxy's CONNECT, so a failure after it counts as "may be sent".

import { Octokit } from '@octokit/core';
import { createAppAuth } from '@octokit/auth-app';
import type { RelayConfig } from './core/config.js';
import {
  acceptedResult,
  causeChain,
  describeNetworkError,
  DISPATCH_TIMEOUT_MS,
  dispatchBody,
  rejectsReturnRunDetails,
  type DispatchResult,
  type Dispatcher,
} from './core/dispatch.js';
import { watchWire } from './wire-watch.js';

interface GitHubAdapterOptions {
  /** Receives Octokit's warnings as text (default: ignored). */
  warn?: (message: string) => void;
  /** Limit for one installation-token exchange (default: the dispatch deadline, 2000 ms). */
  tokenTimeoutMs?: number;
  /** The HTTP client of every GitHub call (through the proxy when one is set); default Node's fetch. */
  fetch?: typeof globalThis.fetch;
}

interface HttpErrorLike {
  status?: unknown;
  message?: unknown;
  response?: { headers?: Record<string, unknown>; data?: unknown };
}

/**
 * An Octokit error → a rejection (GitHub answered), or no answer: certainly not sent (token exchange,
 * or the dispatch never left the relay) or perhaps sent. `sent` is what the wire watch saw of the
 * dispatch request: `no` (queued, nothing written), `maybe` (written, or the watch saw nothing).
 */
function failureResult(
  error: unknown,
  signal: AbortSignal,
  stage: 'credentials' | 'dispatch',
  sent: 'no' | 'maybe',
): DispatchResult {
  const failure = (typeof error === 'object' && error !== null ? error : {}) as HttpErrorLike;
  if (!signal.aborted && failure.response !== undefined && typeof failure.status === 'number') {
    const data = failure.response.data;
    const dataMessage =
      typeof data === 'object' && data !== null && typeof (data as { message?: unknown }).message === 'string'
        ? (data as { message: string }).message
        : typeof data === 'string'
          ? data
          : undefined;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(failure.response.headers ?? {})) {
      if (value !== undefined && value !== null) headers[name.toLowerCase()] = String(value);
    }
    return {
      kind: 'rejected',
      status: failure.status,
      message: dataMessage ?? (typeof failure.message === 'string' ? failure.message : ''),
      headers,
      stage,
    };
  }
  const described = describeNetworkError(error);
  // The relay's deadline aborted it, or the token exchange's own limit passed.
  const timedOut =
    signal.aborted ||
    described.code === 'ETIMEDOUT' ||
    causeChain(error).some((link) => /TimeoutError/.test(String((link as { name?: unknown }).name)));
  const cause = timedOut ? ('timeout' as const) : ('network' as const);
  const detail = signal.aborted ? {} : { error: described };
  if (stage === 'credentials') return { kind: 'not_sent', stage, cause, ...detail };
  if (sent === 'no' || (!timedOut && described.beforeSending)) {
    return { kind: 'not_sent', stage, cause, ...detail };
  }
  return { kind: 'no_answer', cause, ...detail };
}

export function createGitHubDispatcher(
  github: RelayConfig['github'],
  options: GitHubAdapterOptions = {},
): Dispatcher {
  const warn = options.warn ?? (() => {});
  const log = { debug: () => {}, info: () => {}, warn, error: warn };
  const send = options.fetch ?? globalThis.fetch;
  const octokit = new Octokit({
    baseUrl: github.apiUrl,
    userAgent: 'cache-purge-action-relay',
    log,
    ...(options.fetch && { request: { fetch: options.fetch } }),
  });
  const auth = github.auth;
  // auth-app shares one pending exchange among concurrent callers and takes no per-call signal: bound
  // each exchange by itself, or one that never answers would hold every later command hostage.
  const tokenTimeoutMs = options.tokenTimeoutMs ?? DISPATCH_TIMEOUT_MS;
  const boundedFetch: typeof fetch = (input, init) =>
    send(input, {
      ...init,
      signal: init?.signal
        ? AbortSignal.any([init.signal, AbortSignal.timeout(tokenTimeoutMs)])
        : AbortSignal.timeout(tokenTimeoutMs),
    });
  const appAuth =
    auth.kind === 'app'
      ? createAppAuth({
          appId: auth.appId,
          privateKey: auth.privateKey,
          installationId: auth.installationId,
          request: octokit.request.defaults({ request: { fetch: boundedFetch } }),
          log,
        })
      : undefined;

  return async (request, signal, report = () => {}) => {
    let token: string;
    if (appAuth === undefined) {
      token = (auth as { token: string }).token;
    } else {
      report('token_exchange');
      try {
        token = (await appAuth({ type: 'installation' })).token;
      } catch (error) {
        return failureResult(error, signal, 'credentials', 'no');
      }
      if (signal.aborted) return { kind: 'not_sent', stage: 'credentials', cause: 'timeout' };
    }

    const send = async (withRunDetails: boolean): Promise<DispatchResult> => {
      // Until the wire watch says otherwise, the request may be on its way. Once anything was written
      // it stays "maybe" (a redirect queues a second request after the first was sent).
      let sent: 'no' | 'maybe' = 'maybe';
      let written = false;
      report('dispatch_may_be_sent');
      const watch = {
        onQueued: () => {
          if (written) return;
          sent = 'no';
          report('dispatch_not_sent');
        },
        onHeadersSent: () => {
          written = true;
          sent = 'maybe';
          report('dispatch_may_be_sent');
        },
      };
      try {
        const response = await watchWire(watch, () =>
          octokit.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
            owner: request.owner,
            repo: request.repo,
            workflow_id: request.workflow,
            ...dispatchBody(request, withRunDetails),
            headers: { authorization: `token ${token}` },
            request: { signal },
          }),
        );
        return acceptedResult(response.status, response.data);
      } catch (error) {
        return failureResult(error, signal, 'dispatch', sent);
      }
    };

    const first = await send(true);
    return rejectsReturnRunDetails(first) && !signal.aborted ? send(false) : first;
  };
}
