// The contract between the relay core and whatever starts the workflow (the Octokit adapter in
// ../github.ts): what to dispatch, the exact request body, the four ways it can end, the progress a
// dispatcher reports on the way (so a deadline can tell "nothing was sent" from "maybe sent"), what a
// network error says about itself, and the deadline it all runs under. Pure.

import { dispatchRepository, type RelayConfig } from './config.js';

/** Hard limit for GitHub to accept the dispatch (Slack gives up after 3 s). */
export const DISPATCH_TIMEOUT_MS = 2000;

export interface DispatchRequest {
  owner: string;
  repo: string;
  /** Workflow file name or numeric id. */
  workflow: string;
  ref: string;
  inputs: DispatchInputs;
}

/**
 * The inputs of examples/purge-cache.yml: `site` is a choice (one of SITES, or all), so several sites
 * travel comma-separated in `sites`, which the workflow purges instead (`site` then holds the first of
 * them, a valid choice); `slack-channel` is the channel id of the command.
 */
export type DispatchInputs = {
  site: string;
  sites?: string;
  requester: string;
  'slack-channel': string;
};

export type DispatchResult =
  /** GitHub accepted the dispatch; run details when it returned them (return_run_details). */
  | { kind: 'accepted'; runId?: number; runUrl?: string }
  /**
   * GitHub answered with an error status: the dispatch did not happen. `stage` is `credentials` when
   * it was the GitHub App's installation-token exchange that failed, before any dispatch was sent.
   */
  | {
      kind: 'rejected';
      status: number;
      message: string;
      headers: Readonly<Record<string, string>>;
      stage?: 'credentials' | 'dispatch';
    }
  /**
   * No answer, and certainly no dispatch: the App's installation-token exchange failed or timed out
   * (`credentials`), or the dispatch request never left the relay (`dispatch`: connection refused, DNS,
   * TLS, or no connection before the deadline).
   */
  | {
      kind: 'not_sent';
      stage: 'credentials' | 'dispatch';
      cause: 'timeout' | 'network';
      error?: NetworkError;
    }
  /** The dispatch request may have reached GitHub, but no usable answer came back: it may or may not have happened. */
  | { kind: 'no_answer'; cause: 'timeout' | 'network'; error?: NetworkError };

/**
 * What a dispatcher reports as it goes (the last report counts when the deadline passes):
 * `token_exchange` while it gets the App's installation token; `dispatch_not_sent` once it knows the
 * dispatch request exists but has not been written to the network; `dispatch_may_be_sent` from the
 * moment GitHub may have received it (and whenever it cannot tell). No report at all means "may be sent".
 */
export type DispatchProgress = 'token_exchange' | 'dispatch_not_sent' | 'dispatch_may_be_sent';

/**
 * Starts the dispatch; must honour `signal` (aborted at the deadline), never retry after it, and
 * report its progress through `report` when it can.
 */
export type Dispatcher = (
  request: DispatchRequest,
  signal: AbortSignal,
  report?: (progress: DispatchProgress) => void,
) => Promise<DispatchResult>;

/** The result a deadline gives, from the dispatcher's last progress report. */
export function deadlineResult(progress: DispatchProgress | undefined): DispatchResult {
  if (progress === 'token_exchange') return { kind: 'not_sent', stage: 'credentials', cause: 'timeout' };
  if (progress === 'dispatch_not_sent') return { kind: 'not_sent', stage: 'dispatch', cause: 'timeout' };
  return { kind: 'no_answer', cause: 'timeout' };
}

/** A network failure, described for the log and the user: the system error code and the message. */
export interface NetworkError {
  /** ECONNREFUSED, ENOTFOUND, CERT_HAS_EXPIRED, UND_ERR_SOCKET, … when the error carries one. */
  code?: string;
  /** The innermost message, e.g. "connect ECONNREFUSED 127.0.0.1:443" (at most 300 characters). */
  message: string;
  /** The failure happened before any byte of the request could reach the server. */
  beforeSending: boolean;
}

/** Errors that can only happen while connecting (DNS, TCP, TLS handshake): the request was never sent. */
const CONNECT_PHASE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);
const CONNECT_PHASE_PREFIXES = ['CERT_', 'ERR_TLS_', 'ERR_SSL_'];
/** Messages of errors without a code that fetch raises before connecting. */
const CONNECT_PHASE_MESSAGES = new Set(['bad port']);

/**
 * An error and its causes, outermost first (Octokit's RequestError → fetch's TypeError → the system
 * error), at most 8 deep. An AggregateError (every address of a host refused) has an empty message and
 * its causes in `errors`: the chain goes on with the first.
 */
export function causeChain(error: unknown): object[] {
  const chain: object[] = [];
  let current: unknown = error;
  while (chain.length < 8 && typeof current === 'object' && current !== null) {
    chain.push(current);
    const { cause, errors } = current as { cause?: unknown; errors?: unknown };
    current = cause ?? (Array.isArray(errors) ? errors[0] : undefined);
  }
  return chain;
}

/**
 * Describes an error from its cause chain: the first string `code` found, the innermost message, and
 * whether it is an error that can only happen before the request is sent. Never throws.
 */
export function describeNetworkError(error: unknown): NetworkError {
  let code: string | undefined;
  let message = '';
  for (const link of causeChain(error)) {
    const { code: ownCode, message: ownMessage } = link as { code?: unknown; message?: unknown };
    if (code === undefined && typeof ownCode === 'string' && /^[A-Z][A-Z0-9_]{1,60}$/.test(ownCode)) {
      code = ownCode;
    }
    if (typeof ownMessage === 'string' && ownMessage.trim() !== '') message = ownMessage;
  }
  if (message === '' && typeof error === 'string') message = error;
  const flat = message.replace(/\s+/g, ' ').trim();
  const short = flat.length > 300 ? `${flat.slice(0, 299)}…` : flat || 'unknown error';
  const beforeSending =
    (code !== undefined &&
      (CONNECT_PHASE_CODES.has(code) || CONNECT_PHASE_PREFIXES.some((prefix) => code!.startsWith(prefix)))) ||
    CONNECT_PHASE_MESSAGES.has(short);
  return { ...(code !== undefined && { code }), message: short, beforeSending };
}

interface DispatchBody {
  ref: string;
  inputs: DispatchInputs;
  return_run_details?: true;
}

/** The body of POST /repos/{owner}/{repo}/actions/workflows/{workflow}/dispatches. */
export function dispatchBody(request: DispatchRequest, withRunDetails: boolean): DispatchBody {
  const body: DispatchBody = {
    ref: request.ref,
    inputs: {
      site: request.inputs.site,
      ...(request.inputs.sites !== undefined && { sites: request.inputs.sites }),
      requester: request.inputs.requester,
      'slack-channel': request.inputs['slack-channel'],
    },
  };
  if (withRunDetails) body.return_run_details = true;
  return body;
}

/**
 * GitHub Enterprise Server versions without run details refuse the parameter (400/422 naming it):
 * the one case where the dispatch is sent again, without it.
 */
export function rejectsReturnRunDetails(result: DispatchResult): boolean {
  return (
    result.kind === 'rejected' &&
    (result.status === 400 || result.status === 422) &&
    /return_run_details/.test(result.message)
  );
}

/** Reads the run details out of a 200 answer; a 204 (or anything unexpected) gives none. */
export function acceptedResult(status: number, data: unknown): DispatchResult & { kind: 'accepted' } {
  if (status !== 200 || typeof data !== 'object' || data === null) return { kind: 'accepted' };
  const { workflow_run_id: runId, html_url: htmlUrl } = data as Record<string, unknown>;
  return {
    kind: 'accepted',
    ...(typeof runId === 'number' && Number.isSafeInteger(runId) && runId > 0 && { runId }),
    ...(typeof htmlUrl === 'string' && /^https?:\/\/[^\s<>|]+$/.test(htmlUrl) && { runUrl: htmlUrl }),
  };
}

/** The sites one dispatch purges, comma-separated: `sites` when it carries several, else `site`. */
export const dispatchedSites = (request: DispatchRequest): string =>
  request.inputs.sites ?? request.inputs.site;

/**
 * The dispatches of `sites` for the user, to the channel of the command: one per repository the sites
 * live in (SITES `site=owner/repo`, else DISPATCH_REPOSITORY), in the order of their first site, each
 * with its first site as `site` and, when several, all its sites comma-separated as `sites`.
 */
export function dispatchRequests(
  config: RelayConfig,
  sites: readonly string[],
  who: { userId: string; channelId: string },
): DispatchRequest[] {
  const byRepository = new Map<string, { owner: string; repo: string; sites: string[] }>();
  for (const site of sites) {
    const { owner, repo } = dispatchRepository(config, site);
    const key = `${owner}/${repo}`.toLowerCase();
    const group = byRepository.get(key) ?? { owner, repo, sites: [] };
    group.sites.push(site);
    byRepository.set(key, group);
  }
  return [...byRepository.values()].map(({ owner, repo, sites: theirs }) => ({
    owner,
    repo,
    workflow: config.workflow,
    ref: config.ref,
    inputs: {
      site: theirs[0]!,
      ...(theirs.length > 1 && { sites: theirs.join(',') }),
      requester: `<@${who.userId}>`,
      'slack-channel': who.channelId,
    },
  }));
}
