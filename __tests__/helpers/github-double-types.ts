// The GitHub double's contract (github-double.ts is the server): what a test may configure (workflows
// and their declared inputs, repositories, token, App ids), what it records (requests, accepted
// dispatches, token exchanges), the answers it can be scripted with, and the default workflow.
//
// Plain erasable TypeScript, like github-double.ts (imported from .mjs scripts too).

export interface WorkflowInput {
  type?: 'string' | 'choice' | 'boolean' | 'number' | 'environment';
  required?: boolean;
  options?: string[];
}

export interface DoubleWorkflow {
  /** Numeric id; the workflow answers to its file name and to this id. */
  id: number;
  /** The `on.workflow_dispatch.inputs` of the workflow file. */
  inputs: Record<string, WorkflowInput>;
  /** Refs the workflow can be dispatched on (default ['main']). */
  refs?: string[];
}

export interface GitHubDoubleOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** owner/repo the workflows live in (default acme/website). */
  repository?: string;
  /** More repositories holding the same workflows (a relay dispatching per site: SITES site=owner/repo). */
  moreRepositories?: string[];
  /** By file name (default: purge-cache.yml with examples/purge-cache.yml's inputs, site a choice of portal/main/all). */
  workflows?: Record<string, DoubleWorkflow>;
  /** Personal access token accepted for dispatches (default: a random ghp_… value). */
  token?: string;
  appId?: number;
  installationId?: number;
  /** false emulates a GitHub Enterprise Server that refuses `return_run_details` with a 422. */
  supportsReturnRunDetails?: boolean;
}

export interface RecordedRequest {
  method: string;
  /** Path with query, as received. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Parsed JSON body, when it was JSON. */
  json?: unknown;
  /** 'token' (installation-token exchange), 'dispatch' or 'other'. */
  route: DoubleRoute;
  receivedAt: number;
}

export type DoubleRoute = 'token' | 'dispatch' | 'other';

/** A scripted answer: a status with headers and JSON body, optionally late; or no answer at all. */
export type ScriptedResponse =
  { status: number; headers?: Record<string, string>; body?: unknown; delayMs?: number } | { hang: true };

export interface AcceptedDispatch {
  owner: string;
  repo: string;
  workflow: string;
  ref: string;
  inputs: Record<string, unknown>;
  returnRunDetails: boolean;
  runId: number;
  /** How the caller authenticated: the PAT or an installation token from the exchange. */
  auth: 'token' | 'installation';
}

export interface TokenExchange {
  installationId: number;
  /** Verified JWT claims. */
  claims: { iss: string; iat: number; exp: number };
  token: string;
}

export interface GitHubDouble {
  /** Base URL for GITHUB_API_URL, e.g. http://127.0.0.1:41234 */
  url: string;
  repository: string;
  /** The PAT the double accepts (GITHUB_TOKEN). */
  token: string;
  /** The GitHub App the double knows: GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY (PKCS#8 PEM), GITHUB_APP_INSTALLATION_ID. */
  app: { appId: number; installationId: number; privateKey: string };
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Dispatches the double accepted (a run was "created"). */
  dispatches: AcceptedDispatch[];
  /** Successful App JWT → installation-token exchanges. */
  tokenExchanges: TokenExchange[];
  /** Queues answers for the next requests on a route (used first, in order, then the default behaviour). */
  script(route: 'token' | 'dispatch', ...responses: ScriptedResponse[]): void;
  /** Answers every request on a route this way until cleared with `undefined`. */
  always(route: 'token' | 'dispatch', response: ScriptedResponse | undefined): void;
  /** Clears records and scripts (installation tokens already issued stay valid). */
  reset(): void;
  /** Environment for the relay: GITHUB_API_URL, DISPATCH_REPOSITORY and the token or App variables. */
  env(auth?: 'token' | 'app'): Record<string, string>;
  close(): Promise<void>;
}

export const DEFAULT_WORKFLOWS: Record<string, DoubleWorkflow> = {
  'purge-cache.yml': {
    id: 1001,
    inputs: {
      site: { type: 'choice', required: true, options: ['portal', 'main', 'all'] },
      sites: { type: 'string', required: false },
      requester: { type: 'string', required: false },
      'slack-channel': { type: 'string', required: false },
    },
  },
};
