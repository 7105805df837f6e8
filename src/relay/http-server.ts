// Plain Node HTTP adapter: POST /slack/commands (slash commands, and the clicks on a confirmation
// prompt: Slack's interactivity requests, sent to the same URL) → the shared relay; GET /healthz → 200. Keeps at most
// MAX_BODY_BYTES + 1 bytes of a body (the core answers 413 beyond the cap); the rest of an oversized
// body is read and dropped (bounded) before the 413 goes out, so the client gets the answer instead of
// a reset connection. Never lets an error escape as a crash: an unexpected one answers 500 and is
// logged. Every request writes one JSON line: `slack_command` (from the relay) for /slack/commands,
// `http_request` (method, path without query, status, reason) for the rest — never a body, header or
// query string. close() drops idle connections at once and lets requests in flight be answered.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { MAX_BODY_BYTES } from './core/decide.js';
import { textReply, type RelayResponse } from './core/reply.js';
import { internalError, requestLogLine, writeLogLine, type Relay } from './relay.js';

const COMMANDS_PATH = '/slack/commands';
const HEALTH_PATH = '/healthz';

interface RelayServerOptions {
  relay: Relay;
  host: string;
  port: number;
  log?: (line: string) => void;
  now?: () => number;
}

interface RunningRelayServer {
  server: Server;
  /** http://HOST:PORT (the actual port when PORT was 0). */
  url: string;
  /** Stops listening, drops idle connections, and resolves once the answers in flight are sent. */
  close(): Promise<void>;
}

/**
 * How much of an oversized body is read and dropped before the 413 is sent. Closing a socket with
 * unread bytes makes the kernel reset the connection, and a client still sending then sees
 * ECONNRESET/EPIPE instead of the answer; past either bound the 413 is sent anyway and the connection
 * closed.
 */
const DRAIN_LIMIT_BYTES = 8 * 1024 * 1024;
export const DRAIN_LIMIT_MS = 3_000;

/**
 * The body, cut at `limit` + 1 bytes so an oversized one is recognisable without keeping it; the rest
 * of an oversized body is drained (see DRAIN_LIMIT_*) before this resolves.
 */
function readCappedBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let drainTimer: NodeJS.Timeout | undefined;
    const finish = () => {
      clearTimeout(drainTimer);
      resolve(Buffer.concat(chunks).subarray(0, limit + 1));
    };
    request.on('data', (chunk: Buffer) => {
      if (size <= limit) chunks.push(chunk);
      size += chunk.length;
      if (size <= limit) return;
      drainTimer ??= setTimeout(finish, DRAIN_LIMIT_MS);
      if (size > limit + DRAIN_LIMIT_BYTES) finish(); // still flowing: dropped until the socket closes
    });
    request.on('end', finish);
    request.on('error', (error) => {
      clearTimeout(drainTimer);
      reject(error);
    });
  });
}

function send(response: ServerResponse, reply: RelayResponse, close: boolean): void {
  const headers = { ...reply.headers, ...(close && { connection: 'close' }) };
  response.writeHead(reply.status, headers);
  response.end(reply.body);
}

function createRelayRequestListener(
  relay: Relay,
  log: (line: string) => void = writeLogLine,
  now: () => number = Date.now,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const started = now();
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    /** The one log line of a request that is not a slash command (those log `slack_command`). */
    const logRequest = (status: number, reason: string) => {
      const fields = {
        method: request.method ?? '',
        // Never the query string (it could carry anything); long paths are cut.
        path: path.length > 200 ? `${path.slice(0, 199)}…` : path,
        status,
        reason,
      };
      log(requestLogLine('http_request', fields, started, now()));
    };
    if (path === HEALTH_PATH) {
      request.resume();
      if (request.method === 'GET' || request.method === 'HEAD') {
        send(
          response,
          { status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' },
          false,
        );
        logRequest(200, 'health_check');
      } else {
        send(response, textReply(405, 'Method not allowed', { allow: 'GET, HEAD' }), false);
        logRequest(405, 'method_not_allowed');
      }
      return;
    }
    if (path !== COMMANDS_PATH) {
      request.resume();
      send(response, textReply(404, 'Not found'), false);
      logRequest(404, 'unknown_path');
      return;
    }
    readCappedBody(request, MAX_BODY_BYTES)
      .then(async (body) => {
        const reply = await relay({ method: request.method ?? '', headers: request.headers, body });
        // A body left unread (over the cap) cannot be followed by another request on this connection.
        send(response, reply, body.length > MAX_BODY_BYTES);
      })
      .catch((error: unknown) => {
        const reply = internalError(error, log, now());
        if (!response.headersSent) send(response, reply, true);
        else response.destroy();
      });
  };
}

/**
 * Tracks each connection and the answer it owes, for close(): Node's server.close() drops idle
 * keep-alive connections but waits for one that has not sent a whole request yet (a pre-opened or
 * half-sent one) — up to the headers timeout. stop() drops every connection that owes no answer, and
 * marks the answers still owed `connection: close` so each connection ends once it is answered.
 */
function trackConnections(server: Server): { stop(): void } {
  const open = new Set<Socket>();
  const owed = new Map<Socket, ServerResponse>();
  let stopping = false;
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => {
      open.delete(socket);
      owed.delete(socket);
    });
  });
  // Registered before the relay's listener, so the answer is not sent yet.
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const socket = request.socket;
    owed.set(socket, response);
    if (stopping) response.setHeader('connection', 'close');
    response.once('close', () => {
      if (owed.get(socket) === response) owed.delete(socket);
      if (stopping && !owed.has(socket)) socket.destroy(); // answered: the bytes are already written
    });
  });
  return {
    stop() {
      stopping = true;
      for (const socket of open) {
        const response = owed.get(socket);
        if (response === undefined) socket.destroy();
        else if (!response.headersSent) response.setHeader('connection', 'close');
      }
    },
  };
}

export function startRelayServer(options: RelayServerOptions): Promise<RunningRelayServer> {
  const log = options.log ?? writeLogLine;
  const server = createServer();
  const connections = trackConnections(server);
  server.on('request', createRelayRequestListener(options.relay, log, options.now));
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve({
        server,
        url: `http://${host}:${address.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            connections.stop();
          }),
      });
    });
  });
}
