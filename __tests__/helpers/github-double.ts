// A local double of the GitHub REST API parts the relay uses, for tests, benches and demos: the GitHub
// App installation-token exchange (verifies the App JWT: RS256 with a key generated at start) and
// workflow_dispatch (checks the token, the workflow, the ref and the inputs against the workflow's
// declared inputs, as GitHub does). Records every request; any answer can be scripted, including never
// answering. Point GITHUB_API_URL at `double.url`.
//
// Self-contained (node: modules only, erasable TypeScript) so Node 24 can import it directly from
// .mjs scripts as well as from vitest.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createVerify, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';

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

const json = (status: number, body: unknown, headers: Record<string, string> = {}): ScriptedResponse => ({
  status,
  headers,
  body,
});
const DOCS = 'https://docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event';

function base64urlJson(part: string): unknown {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

/** Verifies an App JWT the way GitHub documents it: RS256, iss = App id, iat ≤ now + 60 s, exp - iat ≤ 10 min. */
function verifyAppJwt(
  jwt: string,
  publicKey: KeyObject,
  appId: number,
  nowSeconds: number,
): { ok: true; claims: TokenExchange['claims'] } | { ok: false; message: string } {
  const parts = jwt.split('.');
  if (parts.length !== 3) return { ok: false, message: 'A JSON web token could not be decoded' };
  const [header, payload, signature] = parts as [string, string, string];
  let head: { alg?: unknown };
  let claims: { iss?: unknown; iat?: unknown; exp?: unknown };
  try {
    head = base64urlJson(header) as typeof head;
    claims = base64urlJson(payload) as typeof claims;
  } catch {
    return { ok: false, message: 'A JSON web token could not be decoded' };
  }
  if (head.alg !== 'RS256') return { ok: false, message: 'A JSON web token could not be decoded' };
  const verifier = createVerify('RSA-SHA256');
  verifier.update(`${header}.${payload}`);
  if (!verifier.verify(publicKey, Buffer.from(signature, 'base64url'))) {
    return { ok: false, message: 'A JSON web token could not be decoded' };
  }
  if (String(claims.iss) !== String(appId)) {
    return { ok: false, message: `'Issuer' claim ('iss') must be an Integer` };
  }
  if (typeof claims.iat !== 'number' || claims.iat > nowSeconds + 60) {
    return {
      ok: false,
      message: `'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued.`,
    };
  }
  if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds) {
    return {
      ok: false,
      message: `'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires.`,
    };
  }
  if (claims.exp - claims.iat > 660) {
    return { ok: false, message: `'Expiration time' claim ('exp') is too far in the future.` };
  }
  return { ok: true, claims: { iss: String(claims.iss), iat: claims.iat, exp: claims.exp } };
}

function checkInputs(workflow: DoubleWorkflow, inputs: unknown): string | undefined {
  if (inputs === undefined) inputs = {};
  if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs)) {
    return 'Invalid request.\n\nFor \'properties/inputs\', "not an object" is not an object.';
  }
  const given = inputs as Record<string, unknown>;
  const unexpected = Object.keys(given).filter((name) => !(name in workflow.inputs));
  if (unexpected.length > 0) return `Unexpected inputs provided: ${JSON.stringify(unexpected)}`;
  for (const [name, value] of Object.entries(given)) {
    if (typeof value !== 'string')
      return `Invalid request.\n\nFor 'properties/${name}', ${JSON.stringify(value)} is not a string.`;
  }
  if (JSON.stringify(given).length > 65535) return 'inputs are too large';
  for (const [name, input] of Object.entries(workflow.inputs)) {
    const value = given[name] as string | undefined;
    if (value === undefined || value === '') {
      if (input.required) return `Required input '${name}' not provided`;
      continue;
    }
    if (input.type === 'choice' && !(input.options ?? []).includes(value)) {
      return `Provided value '${value}' for input '${name}' not in the list of allowed values`;
    }
    if (input.type === 'boolean' && value !== 'true' && value !== 'false') {
      return `Provided value '${value}' for input '${name}' is not a boolean`;
    }
  }
  return undefined;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

export async function startGitHubDouble(options: GitHubDoubleOptions = {}): Promise<GitHubDouble> {
  const repository = options.repository ?? 'acme/website';
  const moreRepositories = options.moreRepositories ?? [];
  const workflows = options.workflows ?? DEFAULT_WORKFLOWS;
  const token = options.token ?? `ghp_double${randomBytes(12).toString('hex')}`;
  const appId = options.appId ?? 4242;
  const installationId = options.installationId ?? 777;
  const supportsReturnRunDetails = options.supportsReturnRunDetails ?? true;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

  const requests: RecordedRequest[] = [];
  const dispatches: AcceptedDispatch[] = [];
  const tokenExchanges: TokenExchange[] = [];
  const issuedTokens = new Set<string>();
  const queues: Record<'token' | 'dispatch', ScriptedResponse[]> = { token: [], dispatch: [] };
  const standing: Record<'token' | 'dispatch', ScriptedResponse | undefined> = {
    token: undefined,
    dispatch: undefined,
  };
  let nextRunId = 90_000_001;
  let url = '';

  const findWorkflow = (key: string): [string, DoubleWorkflow] | undefined =>
    Object.entries(workflows).find(([file, workflow]) => file === key || String(workflow.id) === key);

  function tokenExchange(recorded: RecordedRequest, id: number): ScriptedResponse {
    const authorization = String(recorded.headers.authorization ?? '');
    const match = /^bearer\s+(\S+)$/i.exec(authorization);
    if (!match)
      return json(401, { message: 'A JSON web token could not be decoded', documentation_url: DOCS });
    const verdict = verifyAppJwt(match[1]!, publicKey, appId, Math.floor(Date.now() / 1000));
    if (!verdict.ok) return json(401, { message: verdict.message, documentation_url: DOCS });
    if (id !== installationId) return json(404, { message: 'Not Found', documentation_url: DOCS });
    const issued = `ghs_${randomBytes(18).toString('base64url')}`;
    issuedTokens.add(issued);
    tokenExchanges.push({ installationId: id, claims: verdict.claims, token: issued });
    return json(201, {
      token: issued,
      expires_at: new Date(Date.now() + 3600_000).toISOString(),
      permissions: { actions: 'write', metadata: 'read' },
      repository_selection: 'all',
    });
  }

  function dispatch(recorded: RecordedRequest, owner: string, repo: string, key: string): ScriptedResponse {
    const match = /^(?:token|bearer)\s+(\S+)$/i.exec(String(recorded.headers.authorization ?? ''));
    const given = match?.[1];
    const auth =
      given === token ? 'token' : given !== undefined && issuedTokens.has(given) ? 'installation' : undefined;
    if (auth === undefined) return json(401, { message: 'Bad credentials', documentation_url: DOCS });
    const found = [repository, ...moreRepositories].includes(`${owner}/${repo}`)
      ? findWorkflow(key)
      : undefined;
    if (found === undefined) return json(404, { message: 'Not Found', documentation_url: DOCS });
    const [, workflow] = found;
    if (recorded.json === undefined || typeof recorded.json !== 'object' || recorded.json === null) {
      return json(400, { message: 'Problems parsing JSON', documentation_url: DOCS });
    }
    const body = recorded.json as Record<string, unknown>;
    const allowedKeys = supportsReturnRunDetails
      ? ['ref', 'inputs', 'return_run_details']
      : ['ref', 'inputs'];
    const extra = Object.keys(body).find((name) => !allowedKeys.includes(name));
    if (extra !== undefined) {
      return json(422, {
        message: `Invalid request.\n\n"${extra}" is not a permitted key.`,
        documentation_url: DOCS,
      });
    }
    if (typeof body.ref !== 'string') {
      return json(422, { message: 'Invalid request.\n\n"ref" wasn\'t supplied.', documentation_url: DOCS });
    }
    if (!(workflow.refs ?? ['main']).includes(body.ref.replace(/^refs\/heads\//, ''))) {
      return json(422, { message: `No ref found for: ${body.ref}`, documentation_url: DOCS });
    }
    const problem = checkInputs(workflow, body.inputs);
    if (problem !== undefined) return json(422, { message: problem, documentation_url: DOCS });
    const runId = nextRunId++;
    const returnRunDetails = body.return_run_details === true;
    dispatches.push({
      owner,
      repo,
      workflow: key,
      ref: body.ref,
      inputs: (body.inputs ?? {}) as Record<string, unknown>,
      returnRunDetails,
      runId,
      auth,
    });
    if (!returnRunDetails) return { status: 204 };
    return json(200, {
      workflow_run_id: runId,
      run_url: `${url}/repos/${owner}/${repo}/actions/runs/${runId}`,
      html_url: `${url}/${owner}/${repo}/actions/runs/${runId}`,
    });
  }

  function answer(response: ServerResponse, scripted: ScriptedResponse): void {
    if ('hang' in scripted) return; // never answered; destroyed on close()
    const write = () => {
      if (response.destroyed) return;
      const headers: Record<string, string> = {
        'x-github-request-id': randomBytes(8).toString('hex'),
        ...scripted.headers,
      };
      if (scripted.body === undefined) {
        response.writeHead(scripted.status, headers).end();
      } else {
        response
          .writeHead(scripted.status, { 'content-type': 'application/json; charset=utf-8', ...headers })
          .end(JSON.stringify(scripted.body));
      }
    };
    if (scripted.delayMs) setTimeout(write, scripted.delayMs);
    else write();
  }

  const server = createServer((request, response) => {
    void readBody(request).then((body) => {
      const path = request.url ?? '/';
      const pathname = path.split('?')[0]!;
      const tokenMatch = /^\/app\/installations\/([0-9]+)\/access_tokens$/.exec(pathname);
      const dispatchMatch = /^\/repos\/([^/]+)\/([^/]+)\/actions\/workflows\/([^/]+)\/dispatches$/.exec(
        pathname,
      );
      const route: DoubleRoute =
        request.method === 'POST' && tokenMatch
          ? 'token'
          : request.method === 'POST' && dispatchMatch
            ? 'dispatch'
            : 'other';
      let parsed: unknown;
      try {
        parsed = body === '' ? undefined : JSON.parse(body);
      } catch {
        parsed = undefined;
      }
      const recorded: RecordedRequest = {
        method: request.method ?? '',
        path,
        headers: { ...request.headers },
        body,
        ...(parsed !== undefined && { json: parsed }),
        route,
        receivedAt: Date.now(),
      };
      requests.push(recorded);
      if (route === 'other')
        return answer(response, json(404, { message: 'Not Found', documentation_url: DOCS }));
      const scripted = queues[route].shift() ?? standing[route];
      if (scripted !== undefined) return answer(response, scripted);
      if (route === 'token') return answer(response, tokenExchange(recorded, Number(tokenMatch![1])));
      const [, owner, repo, key] = dispatchMatch!;
      answer(
        response,
        dispatch(recorded, decodeURIComponent(owner!), decodeURIComponent(repo!), decodeURIComponent(key!)),
      );
    });
  });
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  url = `http://${address.address}:${address.port}`;

  return {
    url,
    repository,
    token,
    app: { appId, installationId, privateKey: privateKeyPem },
    requests,
    dispatches,
    tokenExchanges,
    script(route, ...responses) {
      queues[route].push(...responses);
    },
    always(route, response) {
      standing[route] = response;
    },
    reset() {
      requests.length = 0;
      dispatches.length = 0;
      tokenExchanges.length = 0;
      queues.token.length = 0;
      queues.dispatch.length = 0;
      standing.token = undefined;
      standing.dispatch = undefined;
    },
    env(auth = 'token') {
      const common = { GITHUB_API_URL: url, DISPATCH_REPOSITORY: repository };
      return auth === 'token'
        ? { ...common, GITHUB_TOKEN: token }
        : {
            ...common,
            GITHUB_APP_ID: String(appId),
            GITHUB_APP_PRIVATE_KEY: privateKeyPem,
            GITHUB_APP_INSTALLATION_ID: String(installationId),
          };
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}
