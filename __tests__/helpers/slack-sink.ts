// A local stand-in for Slack's incoming-webhook endpoint on 127.0.0.1 (random port): records every
// POST (path, headers, parsed JSON body) and answers as scripted — 200 "ok" by default, or a queue of
// answers such as 429 with Retry-After, 500, 400 invalid_payload, 404 channel_not_found,
// 410 no_service, a slow answer, or a dropped connection. Answers the way Slack does (text/html body
// with the error code). Also Slack's Web API under /api/<method> (chat.postMessage, chat.update) as
// @slack/web-api calls it: the form body decoded (blocks parsed from their JSON), the bearer token
// recorded, `{ok: true, channel, ts}` answered (a new ts for each post) unless scripted otherwise.
// Listeners hear each request as it is recorded (the demo prints the live message as it changes).
// Used by the adapter tests, the runner-level tests and the demo.

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SinkRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  /** The parsed JSON body (undefined when it was not JSON); for a Web API call, its decoded form. */
  body: unknown;
  at: number;
  /** A Web API call: its method (chat.postMessage, chat.update). */
  apiMethod?: string;
  /** A Web API call: the token of its Authorization header. */
  token?: string;
}

/** A Web API call's arguments as the client sends them: a form whose object values are JSON. */
function decodeApiBody(raw: string, contentType: string | undefined): Record<string, unknown> | undefined {
  if (contentType?.startsWith('application/json')) {
    try {
      return JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  }
  const form: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    let decoded: unknown = value;
    if (/^[[{]/.test(value)) {
      try {
        decoded = JSON.parse(value);
      } catch {
        decoded = value;
      }
    }
    form[key] = decoded;
  }
  return form;
}

export interface SinkAnswer {
  status: number;
  body?: string;
  retryAfter?: number | string;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Close the connection without answering. */
  drop?: boolean;
}

/** Slack's documented error answers. */
export const SLACK_ANSWERS = {
  ok: { status: 200, body: 'ok' },
  rateLimited: (seconds = 1): SinkAnswer => ({ status: 429, body: 'rate_limited', retryAfter: seconds }),
  serverError: { status: 500, body: '' },
  unavailable: { status: 503, body: 'service_unavailable' },
  invalidPayload: { status: 400, body: 'invalid_payload' },
  channelNotFound: { status: 404, body: 'channel_not_found' },
  noService: { status: 410, body: 'no_service' },
} satisfies Record<string, SinkAnswer | ((s?: number) => SinkAnswer)>;

export interface SlackSink {
  /** Base URL, e.g. http://127.0.0.1:43210 */
  origin: string;
  /** A webhook URL on the sink shaped like Slack's. */
  webhookUrl: string;
  requests: SinkRequest[];
  /** Answers for the next requests, in order; when empty, `fallback` answers. */
  script(...answers: SinkAnswer[]): void;
  /** The answer once the script is used up (default 200 ok). */
  setFallback(answer: SinkAnswer): void;
  /** The Web API base URL for @slack/web-api's slackApiUrl (…/api/). */
  apiUrl: string;
  /** The Web API calls recorded, optionally of one method. */
  apiCalls(method?: string): SinkRequest[];
  /** Calls `listener` with each request as it is recorded; returns a function that stops it. */
  onRequest(listener: (request: SinkRequest) => void): () => void;
  /** Between tests: forgets the requests and any unused scripted answers; answers 200 ok again. */
  reset(): void;
  close(): Promise<void>;
}

export const SINK_WEBHOOK_PATH = '/services/T0SINK000/B0SINK000/sinkSecretToken0123456789';

export async function startSlackSink(): Promise<SlackSink> {
  const requests: SinkRequest[] = [];
  const queue: SinkAnswer[] = [];
  let fallback: SinkAnswer = SLACK_ANSWERS.ok;
  let posts = 0;
  const listeners = new Set<(request: SinkRequest) => void>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '';
      const api = /^\/api\/([\w.]+)$/.exec(path);
      let body: unknown;
      if (api) body = decodeApiBody(raw, req.headers['content-type']);
      else {
        try {
          body = JSON.parse(raw);
        } catch {
          body = undefined;
        }
      }
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const recorded: SinkRequest = {
        method: req.method ?? '',
        path,
        headers: req.headers,
        raw,
        body,
        at: Date.now(),
        ...(api && { apiMethod: api[1]!, ...(token !== undefined && { token }) }),
      };
      requests.push(recorded);
      for (const listener of listeners) listener(recorded);
      const scripted = queue.shift();
      let answer = scripted ?? fallback;
      if (api && scripted === undefined) {
        const args = (body ?? {}) as { channel?: string; ts?: string };
        const ts = args.ts ?? `1760000000.${String(++posts).padStart(6, '0')}`;
        answer = { status: 200, body: JSON.stringify({ ok: true, channel: args.channel, ts }) };
      }
      const respond = () => {
        if (answer.drop) {
          req.socket.destroy();
          return;
        }
        const headers: Record<string, string> = { 'content-type': api ? 'application/json' : 'text/html' };
        if (answer.retryAfter !== undefined) headers['retry-after'] = String(answer.retryAfter);
        res.writeHead(answer.status, headers);
        res.end(answer.body ?? '');
      };
      if (answer.delayMs) setTimeout(respond, answer.delayMs);
      else respond();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    webhookUrl: `${origin}${SINK_WEBHOOK_PATH}`,
    apiUrl: `${origin}/api/`,
    apiCalls: (method) =>
      requests.filter((r) => r.apiMethod !== undefined && (method === undefined || r.apiMethod === method)),
    requests,
    script: (...answers) => void queue.push(...answers),
    setFallback: (answer) => void (fallback = answer),
    onRequest: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    reset: () => {
      requests.length = 0;
      queue.length = 0;
      fallback = SLACK_ANSWERS.ok;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
