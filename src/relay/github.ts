// The GitHub adapter: starts the workflow through Octokit (`POST …/actions/workflows/{id}/dispatches`)
// with a token or a GitHub App installation token (@octokit/auth-app: App JWT → installation token,
// cached until it nears expiry). Honours the deadline's abort signal and never retries, except once
// without `return_run_details` when GitHub (Enterprise Server) refuses that parameter.
//
// The App token is fetched with auth-app's `auth({ type: 'installation' })` and sent as a header rather
// than through auth-app's request hook: the hook re-sends a request that got 401 for up to 5 s after
// minting a token, which would blow the 2 s deadline and could start a purge after Slack was told
// "status unknown".

import { Octokit } from '@octokit/core';
import { createAppAuth } from '@octokit/auth-app';
import type { RelayConfig } from './config.js';
import { DISPATCH_TIMEOUT_MS } from './core.js';
import {
  acceptedResult,
  dispatchBody,
  rejectsReturnRunDetails,
  type DispatchResult,
  type Dispatcher,
} from './dispatch.js';

export interface GitHubAdapterOptions {
  /** Receives Octokit's warnings as text (default: ignored). */
  warn?: (message: string) => void;
  /** Limit for one installation-token exchange (default: the dispatch deadline, 2000 ms). */
  tokenTimeoutMs?: number;
}

interface HttpErrorLike {
  status?: unknown;
  message?: unknown;
  response?: { headers?: Record<string, unknown>; data?: unknown };
}

/** An Octokit error → a rejection (GitHub answered) or no answer (network, abort). */
function failureResult(
  error: unknown,
  signal: AbortSignal,
  stage: 'credentials' | 'dispatch',
): DispatchResult {
  if (signal.aborted) return { kind: 'no_answer', cause: 'timeout' };
  const failure = (typeof error === 'object' && error !== null ? error : {}) as HttpErrorLike;
  if (failure.response !== undefined && typeof failure.status === 'number') {
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
  return {
    kind: 'no_answer',
    cause: 'network',
    detail: typeof failure.message === 'string' ? failure.message : String(error),
  };
}

export function createGitHubDispatcher(
  github: RelayConfig['github'],
  options: GitHubAdapterOptions = {},
): Dispatcher {
  const warn = options.warn ?? (() => {});
  const log = { debug: () => {}, info: () => {}, warn, error: warn };
  const octokit = new Octokit({ baseUrl: github.apiUrl, userAgent: 'cache-purge-action-relay', log });
  const auth = github.auth;
  // auth-app shares one pending exchange among concurrent callers and takes no per-call signal: bound
  // each exchange by itself, or one that never answers would hold every later command hostage.
  const tokenTimeoutMs = options.tokenTimeoutMs ?? DISPATCH_TIMEOUT_MS;
  const boundedFetch: typeof fetch = (input, init) =>
    fetch(input, {
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

  return async (request, signal) => {
    let token: string;
    if (appAuth === undefined) {
      token = (auth as { token: string }).token;
    } else {
      try {
        token = (await appAuth({ type: 'installation' })).token;
      } catch (error) {
        return failureResult(error, signal, 'credentials');
      }
      if (signal.aborted) return { kind: 'no_answer', cause: 'timeout' };
    }

    const send = async (withRunDetails: boolean): Promise<DispatchResult> => {
      try {
        const response = await octokit.request(
          'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
          {
            owner: request.owner,
            repo: request.repo,
            workflow_id: request.workflow,
            ...dispatchBody(request, withRunDetails),
            headers: { authorization: `token ${token}` },
            request: { signal },
          },
        );
        return acceptedResult(response.status, response.data);
      } catch (error) {
        return failureResult(error, signal, 'dispatch');
      }
    };

    const first = await send(true);
    return rejectsReturnRunDetails(first) && !signal.aborted ? send(false) : first;
  };
}
