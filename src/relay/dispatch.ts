// The contract between the relay core and whatever starts the workflow (the Octokit adapter in
// github.ts): what to dispatch, the exact request body, and the three ways it can end. Pure.

export interface DispatchRequest {
  owner: string;
  repo: string;
  /** Workflow file name or numeric id. */
  workflow: string;
  ref: string;
  inputs: { site: string; requester: string };
}

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
  /** No usable answer (deadline passed, connection failed): the dispatch may or may not have happened. */
  | { kind: 'no_answer'; cause: 'timeout' | 'network'; detail?: string };

/** Starts the dispatch; must honour `signal` (aborted at the deadline) and never retry after it. */
export type Dispatcher = (request: DispatchRequest, signal: AbortSignal) => Promise<DispatchResult>;

export interface DispatchBody {
  ref: string;
  inputs: { site: string; requester: string };
  return_run_details?: true;
}

/** The body of POST /repos/{owner}/{repo}/actions/workflows/{workflow}/dispatches. */
export function dispatchBody(request: DispatchRequest, withRunDetails: boolean): DispatchBody {
  const body: DispatchBody = {
    ref: request.ref,
    inputs: { site: request.inputs.site, requester: request.inputs.requester },
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
