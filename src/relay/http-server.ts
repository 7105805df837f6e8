// Plain Node HTTP adapter: POST /slack/commands → the shared relay; GET /healthz → 200. Reads at most
// MAX_BODY_BYTES + 1 bytes of a body (the core answers 413 beyond the cap) and never lets an error
// escape as a crash: an unexpected one answers 500 and is logged. Every request writes one JSON line:
// `slack_command` (from the relay) for /slack/commands, `http_request` (method, path without query,
// status, reason) for the rest — never a body, header or query string.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_BODY_BYTES, textReply, type RelayResponse } from './core.js';
import { internalError, requestLogLine, writeLogLine, type Relay } from './relay.js';

const COMMANDS_PATH = '/slack/commands';
const HEALTH_PATH = '/healthz';

export interface RelayServerOptions {
  relay: Relay;
  host: string;
  port: number;
  log?: (line: string) => void;
  now?: () => number;
}

export interface RunningRelayServer {
  server: Server;
  /** http://HOST:PORT (the actual port when PORT was 0). */
  url: string;
  close(): Promise<void>;
}

/** The body, cut at `limit` + 1 bytes so an oversized one is recognisable without reading it all. */
function readCappedBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      resolve(Buffer.alloc(limit + 1));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > limit) {
        request.off('data', onData);
        request.pause();
        resolve(Buffer.concat(chunks).subarray(0, limit + 1));
      }
    };
    request.on('data', onData);
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
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

export function startRelayServer(options: RelayServerOptions): Promise<RunningRelayServer> {
  const log = options.log ?? writeLogLine;
  const server = createServer(createRelayRequestListener(options.relay, log, options.now));
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
            server.closeIdleConnections();
          }),
      });
    });
  });
}
