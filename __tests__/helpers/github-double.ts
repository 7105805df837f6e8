// A local double of the GitHub REST API parts the relay uses, for tests, benches and demos: the GitHub
// App installation-token exchange (verifies the App JWT: RS256 with a key generated at start) and
// workflow_dispatch (checks the token, the workflow, the ref and the inputs against the workflow's
// declared inputs, as GitHub does). Records every request; any answer can be scripted, including never
// answering. Point GITHUB_API_URL at `double.url`.
//
// What it checks is github-double-checks.ts; its options, records and scripted answers are
// github-double-types.ts.
//
// Self-contained (node: modules and those two files only, erasable TypeScript) so Node 24 can import
// it directly from .mjs scripts as well as from vitest.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { DOCS, checkInputs, json, verifyAppJwt } from './github-double-checks.ts';
import {
  DEFAULT_WORKFLOWS,
  type AcceptedDispatch,
  type DoubleRoute,
  type DoubleWorkflow,
  type GitHubDouble,
  type GitHubDoubleOptions,
  type RecordedRequest,
  type ScriptedResponse,
  type TokenExchange,
} from './github-double-types.ts';

export * from './github-double-types.ts';

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
