// A local stand-in for Slack's incoming-webhook endpoint on 127.0.0.1 (random port): records every
// POST (path, headers, parsed JSON body) and answers as scripted — 200 "ok" by default, or a queue of
// answers such as 429 with Retry-After, 500, 400 invalid_payload, 404 channel_not_found,
// 410 no_service, a slow answer, or a dropped connection. Answers the way Slack does (text/html body
// with the error code). Used by the adapter tests, the runner-level tests and the demo.

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SinkRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  /** The parsed JSON body (undefined when it was not JSON). */
  body: unknown;
  at: number;
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
  /** Between tests: forgets the requests and any unused scripted answers; answers 200 ok again. */
  reset(): void;
  close(): Promise<void>;
}

export const SINK_WEBHOOK_PATH = '/services/T0SINK000/B0SINK000/sinkSecretToken0123456789';

export async function startSlackSink(): Promise<SlackSink> {
  const requests: SinkRequest[] = [];
  const queue: SinkAnswer[] = [];
  let fallback: SinkAnswer = SLACK_ANSWERS.ok;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        body = undefined;
      }
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        raw,
        body,
        at: Date.now(),
      });
      const answer = queue.shift() ?? fallback;
      const respond = () => {
        if (answer.drop) {
          req.socket.destroy();
          return;
        }
        const headers: Record<string, string> = { 'content-type': 'text/html' };
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
    requests,
    script: (...answers) => void queue.push(...answers),
    setFallback: (answer) => void (fallback = answer),
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
