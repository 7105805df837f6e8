// The committed server bundle (`node dist/relay/server.js`, a child process) over real sockets, at the
// edges of a connection's life: a body far over the cap gets its 413 delivered (the rest is drained,
// not reset under a client still sending), from fast, chunked and slow senders; and SIGTERM exits within
// 1 s with idle connections open (keep-alive, pre-opened, half-sent), while a command in flight is still
// answered before the exit, which then follows within 1 s. And before all that: refusing to start on
// bad configuration (every bad variable at once).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { MAX_BODY_BYTES } from '../src/relay/core/decide.js';
import { DRAIN_LIMIT_MS } from '../src/relay/http-server.js';
import { startGitHubDouble, type GitHubDouble } from './helpers/github-double.ts';
import { startRelay, startRelayExpectingFailure, type RunningRelay } from './helpers/relay-server.ts';
import { commandBody, slackHeaders } from './helpers/slack.ts';

let double: GitHubDouble;
let relay: RunningRelay;

beforeAll(async () => {
  double = await startGitHubDouble();
  relay = await startRelay({ ...double.env('token'), SITES: 'portal' });
});
afterAll(async () => {
  await relay?.stop();
  await double?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Outcome {
  status?: number;
  body: string;
  /** A socket error the client saw (ECONNRESET, EPIPE…), even after the answer arrived. */
  error?: string;
  /** Time from the first byte sent to the connection closing. */
  ms: number;
}

/**
 * POSTs `chunks` pieces of `chunkSize` bytes to /slack/commands with Node's own HTTP client, `gapMs`
 * apart (chunked unless `contentLength`); settles when the connection is closed.
 */
function postOversized(options: {
  chunks: number;
  chunkSize: number;
  gapMs?: number;
  contentLength?: boolean;
}): Promise<Outcome> {
  const { chunks, chunkSize, gapMs = 0 } = options;
  const url = new URL(`${relay.url}/slack/commands`);
  const started = performance.now();
  return new Promise((resolve) => {
    const outcome: Outcome = { body: '', ms: 0 };
    const client = httpRequest(url, {
      method: 'POST',
      agent: false,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(options.contentLength && { 'content-length': String(chunks * chunkSize) }),
      },
    });
    client.on('response', (response) => {
      outcome.status = response.statusCode;
      response.setEncoding('utf8');
      response.on('data', (text: string) => (outcome.body += text));
      response.on('error', (error: NodeJS.ErrnoException) => (outcome.error ??= error.code ?? error.message));
    });
    client.on('error', (error: NodeJS.ErrnoException) => (outcome.error ??= error.code ?? error.message));
    client.on('close', () => resolve({ ...outcome, ms: performance.now() - started }));
    const piece = Buffer.alloc(chunkSize, 'a');
    let sent = 0;
    const pump = () => {
      if (client.destroyed) return;
      if (sent === chunks) {
        client.end();
        return;
      }
      sent += 1;
      const flushed = client.write(piece);
      if (gapMs > 0) setTimeout(pump, gapMs);
      else if (flushed) setImmediate(pump);
      else client.once('drain', pump);
    };
    pump();
  });
}

describe('a body over the cap gets its 413 delivered', () => {
  const answered = { status: 413, body: 'Body too large' };

  // 6 MiB: more than loopback socket buffers hold, so a server that stops reading resets the sender.
  it('6 MiB with a Content-Length, sent as fast as the socket takes it', async () => {
    const outcome = await postOversized({ chunks: 96, chunkSize: 64 * 1024, contentLength: true });
    expect(outcome).toMatchObject(answered);
    expect(outcome.error).toBeUndefined();
  });

  it('6 MiB chunked, sent as fast as the socket takes it', async () => {
    const outcome = await postOversized({ chunks: 96, chunkSize: 64 * 1024 });
    expect(outcome).toMatchObject(answered);
    expect(outcome.error).toBeUndefined();
  });

  it('256 KiB from a slow chunked sender (4 KiB every 10 ms)', async () => {
    const outcome = await postOversized({ chunks: 64, chunkSize: 4 * 1024, gapMs: 10 });
    expect(16 * MAX_BODY_BYTES).toBe(256 * 1024); // "well over the cap"
    expect(outcome).toMatchObject(answered);
    expect(outcome.error).toBeUndefined();
  });

  it('6 MiB through fetch (undici), a signed slash command body padded far past the cap', async () => {
    const body = commandBody({ text: 'x'.repeat(6 * 1024 * 1024) });
    const response = await fetch(`${relay.url}/slack/commands`, {
      method: 'POST',
      headers: slackHeaders(body),
      body,
    });
    expect([response.status, await response.text()]).toEqual([413, 'Body too large']);
    expect(relay.logs.at(-1)).toMatchObject({ reason: 'body_too_large', status: 413 });
  });

  it('a body that never ends is answered 413 and closed after the drain limit, not held open', async () => {
    // 1 KiB every 20 ms: 17 KiB (over the cap) after about 0.35 s, and then it would go on for ever.
    const outcome = await postOversized({ chunks: 100_000, chunkSize: 1024, gapMs: 20 });
    expect(outcome.status).toBe(413);
    expect(outcome.body).toBe('Body too large');
    expect(outcome.ms).toBeGreaterThan(DRAIN_LIMIT_MS);
    expect(outcome.ms).toBeLessThan(DRAIN_LIMIT_MS + 2_000);
  });

  it('the relay still answers on new connections afterwards', async () => {
    expect((await relay.command({ text: 'help' })).status).toBe(200);
  });
});

/** SIGTERM, then the exit code and how long the exit took. */
async function timedStop(target: RunningRelay): Promise<{ code: number | null; ms: number }> {
  const started = performance.now();
  const code = await target.stop();
  return { code, ms: performance.now() - started };
}

function openSocket(url: string, firstBytes?: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      if (firstBytes !== undefined) socket.write(firstBytes);
      resolve(socket);
    });
    socket.on('error', reject);
  });
}

describe('SIGTERM', () => {
  it('exits 0 within 1 s with an idle keep-alive connection open', async () => {
    const other = await startRelay({ ...double.env('token'), SITES: 'portal' });
    const agent = new Agent({ keepAlive: true });
    try {
      const status = await new Promise<number | undefined>((resolve, reject) => {
        const client = httpRequest(`${other.url}/healthz`, { agent }, (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode));
        });
        client.on('error', reject);
        client.end();
      });
      expect(status).toBe(200);
      await sleep(50);
      expect(Object.values(agent.freeSockets).flat()).toHaveLength(1); // kept alive, idle
      const { code, ms } = await timedStop(other);
      expect(code).toBe(0);
      expect(ms).toBeLessThan(1_000);
    } finally {
      agent.destroy();
    }
  });

  it('exits 0 within 1 s with a connection that has sent nothing and one that sent half its headers', async () => {
    const other = await startRelay({ ...double.env('token'), SITES: 'portal' });
    const silent = await openSocket(other.url);
    const halfSent = await openSocket(other.url, 'POST /slack/commands HTTP/1.1\r\nHost: relay\r\nConte');
    try {
      await sleep(100); // both accepted by the server
      const { code, ms } = await timedStop(other);
      expect(code).toBe(0);
      expect(ms).toBeLessThan(1_000);
    } finally {
      silent.destroy();
      halfSent.destroy();
    }
  });

  it('still answers a command in flight, then exits 0', async () => {
    const other = await startRelay({ ...double.env('token'), SITES: 'portal' });
    double.reset();
    double.script('dispatch', { status: 204, delayMs: 800 });
    const reply = other.command();
    while (!double.requests.some((request) => request.route === 'dispatch')) await sleep(10);
    // GitHub answers 800 ms from now: the command is in flight when SIGTERM arrives.
    const stopped = timedStop(other);
    const [{ status, json }, answeredAt, { code }, exitedAt] = await Promise.all([
      reply,
      reply.then(() => performance.now()),
      stopped,
      stopped.then(() => performance.now()),
    ]);
    expect(status).toBe(200);
    expect(json?.text).toMatch(/^Cache purge of \*portal\* requested by <@U0001>/);
    expect(code).toBe(0);
    // Once answered, that connection (fetch keeps it alive) does not hold the exit up.
    expect(exitedAt - answeredAt).toBeLessThan(1_000);
    expect(other.logs.map((line) => line.event)).toContain('stopping');
  });
});

describe('the relay server refuses to start on bad configuration', () => {
  it.each([
    [{ SITES: undefined }, 'SITES'],
    [{ SLACK_SIGNING_SECRET: undefined }, 'SLACK_SIGNING_SECRET'],
    [{ DISPATCH_REPOSITORY: 'acme' }, 'DISPATCH_REPOSITORY'],
    [{ GITHUB_TOKEN: undefined }, 'GITHUB_TOKEN'],
    [{ PORT: 'eighty' }, 'PORT'],
  ])('%o → names %s', async (change, variable) => {
    const { code, stderr } = await startRelayExpectingFailure({
      SLACK_SIGNING_SECRET: 'x',
      GITHUB_TOKEN: 't',
      DISPATCH_REPOSITORY: 'acme/website',
      SITES: 'portal',
      ...change,
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`^cache-purge relay: refusing to start: ${variable}: `));
  });

  it('names every bad variable at once, one line each', async () => {
    const { code, stderr } = await startRelayExpectingFailure({
      SLACK_SIGNING_SECRET: 'x',
      DISPATCH_REPOSITORY: 'https://github.com/acme/website',
      SITES: 'portal,help',
      ALLOWED_USER_IDS: 'ada',
      PORT: 'eighty',
    });
    expect(code).toBe(1);
    expect(
      stderr
        .trimEnd()
        .split('\n')
        .map((line) => line.split(':').slice(0, 3).join(':')),
    ).toEqual([
      'cache-purge relay: refusing to start: GITHUB_TOKEN',
      'cache-purge relay: refusing to start: DISPATCH_REPOSITORY',
      'cache-purge relay: refusing to start: SITES',
      'cache-purge relay: refusing to start: ALLOWED_USER_IDS',
      'cache-purge relay: refusing to start: PORT',
    ]);
  });

  it('starts with a trailing comma in SITES (empty entries are skipped, as in the ALLOWED_* lists)', async () => {
    const other = await startRelay({ ...double.env('token'), SITES: 'portal, Main ,' });
    try {
      expect((await other.command({ text: 'help' })).json!.text).toContain('Sites: `portal`, `main`.');
    } finally {
      await other.stop();
    }
  });

  it('exits 0 on SIGTERM', async () => {
    const other = await startRelay({ ...double.env('token'), SITES: 'portal' });
    expect(await other.stop()).toBe(0);
  });
});
