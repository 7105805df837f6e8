// The plain Node relay (the committed bundle `node dist/relay/server.js`, a child process, real Octokit)
// when GitHub cannot answer: unreachable in each way (refused, bad port, DNS, TLS, a server that
// accepts and never answers, one that drops the connection after the request) — nothing was started,
// and the log says why — and GitHub hanging at each stage: the 2 s deadline holds, with no retry.

import { afterAll, beforeAll, beforeEach, describe, expect, it, type TestContext } from 'vitest';
import { createServer, type Server, type Socket } from 'node:net';
import { startGitHubDouble, type GitHubDouble } from './helpers/github-double.ts';
import { startRelay } from './helpers/relay-server.ts';

let double: GitHubDouble;

beforeAll(async () => {
  double = await startGitHubDouble();
});
afterAll(async () => {
  await double?.close();
});
beforeEach(() => double.reset());

const dispatchRequests = () => double.requests.filter((request) => request.route === 'dispatch');

/** A TCP server on loopback that does `onConnection` with each socket; `close` destroys them all. */
async function tcpServer(
  onConnection: (socket: Socket) => void,
): Promise<{ url: string; port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = await tcpServer(() => {});
  await server.close();
  return server.port;
}

/** Starts a relay pointed at `apiUrl`, sends one command, stops it: the reply and the last log line. */
async function commandAgainst(apiUrl: string, auth: 'token' | 'app' = 'token') {
  const other = await startRelay({ ...double.env(auth), GITHUB_API_URL: apiUrl, SITES: 'portal' });
  try {
    const reply = await other.command();
    return { reply, log: other.logs.at(-1)! };
  } finally {
    await other.stop();
  }
}

/**
 * A GitHub double of its own for a test that runs at the same time as others, closed when it ends
 * (`onFinished`: the test context's onTestFinished, which is the one tied to a concurrent test).
 */
async function ownGitHub(onFinished: TestContext['onTestFinished']): Promise<GitHubDouble> {
  const own = await startGitHubDouble();
  onFinished(() => own.close());
  return own;
}

describe('the relay server when GitHub cannot be reached', () => {
  it('connection refused: nothing was started, and the log says ECONNREFUSED', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const { reply, log } = await commandAgainst(url);
    expect(reply.json).toEqual({
      response_type: 'ephemeral',
      text: `The relay could not connect to GitHub at ${url} (ECONNREFUSED). Check GITHUB_API_URL and that the relay can reach it. Nothing was started.`,
    });
    expect(log).toMatchObject({
      event: 'slack_command',
      decision: 'dispatch_failed',
      reason: 'github_unreachable',
      error_code: 'ECONNREFUSED',
      error: `connect ECONNREFUSED ${url.slice('http://'.length)}`,
    });
  });

  it('a port fetch refuses (GITHUB_API_URL=http://127.0.0.1:9): nothing was started, "bad port"', async () => {
    const { reply, log } = await commandAgainst('http://127.0.0.1:9');
    expect(reply.json!.text).toBe(
      'The relay could not connect to GitHub at http://127.0.0.1:9 (bad port). Check GITHUB_API_URL and that the relay can reach it. Nothing was started.',
    );
    expect(log).toMatchObject({ reason: 'github_unreachable', error: 'bad port' });
  });

  it('a host that does not resolve: nothing was started, the DNS error is logged', async () => {
    // https: a plain-http GITHUB_API_URL is refused at start-up for any host but loopback.
    const { reply, log } = await commandAgainst('https://github-api.invalid');
    expect(reply.json!.text).toMatch(
      /^The relay could not connect to GitHub at https:\/\/github-api\.invalid \((ENOTFOUND|EAI_AGAIN)\)\. .* Nothing was started\.$/,
    );
    expect(log).toMatchObject({
      reason: 'github_unreachable',
      error_code: expect.stringMatching(/^(ENOTFOUND|EAI_AGAIN)$/),
    });
  });

  it('a TLS failure (https:// to a plain-HTTP server): nothing was started', async () => {
    const { reply, log } = await commandAgainst(double.url.replace('http:', 'https:'));
    expect(reply.json!.text).toMatch(
      /^The relay could not connect to GitHub at https:\/\/127\.0\.0\.1:\d+ \(.+\)\. .* Nothing was started\.$/,
    );
    expect(log).toMatchObject({ decision: 'dispatch_failed', reason: 'github_unreachable' });
    expect(dispatchRequests()).toHaveLength(0);
  });

  it('a connection dropped after the request was sent: status unknown, and the log says why', async () => {
    const dropping = await tcpServer((socket) => socket.once('data', () => socket.destroy()));
    try {
      const { reply, log } = await commandAgainst(dropping.url);
      expect(reply.json!.text).toContain('status unknown — check <');
      expect(reply.json!.text).toContain(
        'The connection to GitHub failed after the dispatch was sent (UND_ERR_SOCKET), so the purge may or may not have started',
      );
      expect(log).toMatchObject({
        decision: 'status_unknown',
        reason: 'github_connection_lost',
        error_code: 'UND_ERR_SOCKET',
      });
    } finally {
      await dropping.close();
    }
  });

  it('GitHub App: the token exchange cannot connect: nothing was started, and it says which step failed', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const { reply, log } = await commandAgainst(url, 'app');
    expect(reply.json!.text).toBe(
      `The relay could not reach GitHub at ${url} to get the GitHub App's installation token (ECONNREFUSED). Check GITHUB_API_URL and that the relay can reach it. Nothing was started.`,
    );
    expect(log).toMatchObject({
      decision: 'dispatch_failed',
      reason: 'github_app_token_unreachable',
      error_code: 'ECONNREFUSED',
    });
  });
});

// Every wait on the 2 s dispatch deadline, in one group whose tests run at the same time (each
// against a relay, and where it scripts GitHub a GitHub double, of its own): the deadline is real time
// in the relay's own process, so five waits one after the other would take 10 s.
describe("the relay server's 2 s deadline: GitHub hanging at each stage", () => {
  it.concurrent(
    'GitHub hanging: the answer leaves within 2.5 s, says status unknown, and the dispatch is not retried',
    async ({ expect, onTestFinished }) => {
      const github = await ownGitHub(onTestFinished);
      const own = await startRelay({ ...github.env('token'), SITES: 'portal,main,blog' });
      onTestFinished(async () => void (await own.stop()));
      github.always('dispatch', { hang: true });
      const reply = await own.command();
      expect(reply.status).toBe(200);
      expect(reply.ms).toBeLessThan(2500);
      expect(reply.ms).toBeGreaterThanOrEqual(1900); // it did wait for GitHub, up to the 2 s deadline
      expect(reply.json!.text).toContain(
        `status unknown — check <${github.url}/acme/website/actions/workflows/purge-cache.yml>`,
      );
      expect(reply.json!.text).toContain('did not answer within 2 s');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(github.requests.filter((request) => request.route === 'dispatch')).toHaveLength(1);
      expect(own.logs.at(-1)).toMatchObject({ decision: 'status_unknown', reason: 'github_timeout' });
    },
  );

  it.concurrent(
    'GitHub App: the token exchange hanging is bounded by the same deadline, and abandoned for the next command',
    async ({ expect, onTestFinished }) => {
      const github = await ownGitHub(onTestFinished);
      const appRelay = await startRelay({ ...github.env('app'), SITES: 'portal,main' });
      onTestFinished(async () => void (await appRelay.stop()));
      github.always('token', { hang: true });
      const reply = await appRelay.command();
      expect(reply.ms).toBeLessThan(2500);
      // The dispatch was never sent: the user is told so, not "may or may not have started".
      expect(reply.json).toEqual({
        response_type: 'ephemeral',
        text: `GitHub did not answer the GitHub App's installation-token request within 2 s. Try again in a minute; if it keeps happening, check that the relay can reach ${github.url} (GITHUB_API_URL). Nothing was started.`,
      });
      expect(appRelay.logs.at(-1)).toMatchObject({
        decision: 'dispatch_failed',
        reason: 'github_app_token_timeout',
      });
      expect(github.requests.filter((request) => request.route === 'dispatch')).toHaveLength(0);
      // The abandoned exchange does not block the next command: it exchanges afresh and dispatches.
      github.always('token', undefined);
      await new Promise((resolve) => setTimeout(resolve, 100));
      // On a starved machine (three suites at once on 2 cores) the fresh exchange and dispatch can
      // themselves pass 2 s once; an exchange the hung one still blocked would time out every time.
      const answers: unknown[] = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        const next = await appRelay.command();
        answers.push(next.json);
        if (next.json?.response_type === 'in_channel') break;
        expect(next.json!.text, JSON.stringify(next.json)).toMatch(/within 2 s/);
      }
      expect(answers.at(-1), JSON.stringify(answers)).toMatchObject({ response_type: 'in_channel' });
      expect(github.tokenExchanges.length).toBeGreaterThanOrEqual(1);
      expect(github.tokenExchanges.length).toBeLessThanOrEqual(answers.length);
    },
  );

  it.concurrent(
    'a server that accepts the connection and never answers the TLS handshake: nothing was started, within 2.5 s',
    async ({ expect }) => {
      const silent = await tcpServer(() => {}); // reads nothing, writes nothing
      try {
        const { reply, log } = await commandAgainst(silent.url.replace('http:', 'https:'));
        expect(reply.ms).toBeLessThan(2500);
        expect(reply.json!.text).toBe(
          `The relay could not connect to GitHub at ${silent.url.replace('http:', 'https:')} within 2 s. Check GITHUB_API_URL and that the relay can reach it (firewall, proxy, VPC without a NAT gateway). Nothing was started.`,
        );
        expect(log).toMatchObject({ decision: 'dispatch_failed', reason: 'github_connect_timeout' });
      } finally {
        await silent.close();
      }
    },
  );

  it.concurrent(
    'a server that accepts the connection, takes the request and never answers: status unknown within 2.5 s',
    async ({ expect }) => {
      const received: string[] = [];
      const silent = await tcpServer((socket) =>
        socket.on('data', (chunk: Buffer) => received.push(chunk.toString())),
      );
      try {
        const { reply, log } = await commandAgainst(silent.url);
        expect(reply.ms).toBeLessThan(2500);
        expect(reply.json!.text).toContain('status unknown');
        expect(reply.json!.text).toContain(
          'GitHub did not answer within 2 s, so the purge may or may not have started',
        );
        expect(log).toMatchObject({ decision: 'status_unknown', reason: 'github_timeout' });
        expect(received.join('')).toMatch(
          /^POST \/repos\/acme\/website\/actions\/workflows\/purge-cache\.yml\/dispatches /,
        );
      } finally {
        await silent.close();
      }
    },
  );

  it.concurrent(
    'GitHub App: a token exchange that accepts the connection and never answers: nothing was started, within 2.5 s',
    async ({ expect }) => {
      const silent = await tcpServer((socket) => socket.resume());
      try {
        const { reply, log } = await commandAgainst(silent.url, 'app');
        expect(reply.ms).toBeLessThan(2500);
        expect(reply.json!.text).toMatch(
          /^GitHub did not answer the GitHub App's installation-token request within 2 s\. .* Nothing was started\.$/,
        );
        expect(log).toMatchObject({ reason: 'github_app_token_timeout' });
      } finally {
        await silent.close();
      }
    },
  );
});
