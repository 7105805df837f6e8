// One request as a visitor makes it: GET, no cache-busting (no query added, no no-cache header),
// redirects not followed, a bounded time to answer. TTFB is the time until the response headers arrive;
// the body is read (and dropped) so the connection can be reused. Node's own fetch (undici) is enough:
// it gives `redirect: 'manual'`, AbortSignal timeouts and keep-alive, so no other HTTP client is needed.
// The adapter; `fetch` and the clock are injected.

import { systemClock, type Clock } from '../clock.js';

export type ProbeOutcome =
  | {
      kind: 'response';
      status: number;
      /** Header names in lower case. */
      headers: Record<string, string>;
      ttfbMs: number;
      totalMs: number;
      /** Wall-clock time the headers arrived. */
      responseAtMs: number;
      bytes: number;
    }
  | { kind: 'timeout'; afterMs: number }
  | { kind: 'network'; message: string };

export type Probe = (url: string, timeoutMs: number, signal?: AbortSignal) => Promise<ProbeOutcome>;

export interface ProbeDeps {
  fetch?: typeof globalThis.fetch;
  clock?: Clock;
  userAgent?: string;
}

export const VISITOR_HEADERS = {
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  'accept-encoding': 'gzip, deflate, br',
};

const headerRecord = (headers: Headers) => {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => (out[name.toLowerCase()] = value));
  return out;
};

/** Reads a body to its end without keeping it: the count of bytes. */
async function drain(body: ReadableStream<Uint8Array> | null): Promise<number> {
  if (!body) return 0;
  let bytes = 0;
  for await (const chunk of body) bytes += chunk.byteLength;
  return bytes;
}

const causeCode = (error: unknown) => {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string'
    ? cause.code
    : typeof cause?.message === 'string'
      ? cause.message
      : '';
};

export function makeProbe(deps: ProbeDeps = {}): Probe {
  const fetch = deps.fetch ?? globalThis.fetch;
  const clock = deps.clock ?? systemClock;
  const userAgent = deps.userAgent ?? 'cache-purge-action-verify (+https://github.com)';
  return async (url, timeoutMs, signal) => {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), Math.max(1, timeoutMs));
    const combined = signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal;
    const started = clock.now();
    try {
      const response = await fetch(url, {
        method: 'GET',
        redirect: 'manual',
        headers: { ...VISITOR_HEADERS, 'user-agent': userAgent },
        signal: combined,
      });
      const ttfbMs = clock.now() - started;
      const responseAtMs = clock.date().getTime();
      const bytes = await drain(response.body);
      return {
        kind: 'response',
        status: response.status,
        headers: headerRecord(response.headers),
        ttfbMs,
        totalMs: clock.now() - started,
        responseAtMs,
        bytes,
      };
    } catch (error) {
      if (timeout.signal.aborted || signal?.aborted)
        return { kind: 'timeout', afterMs: clock.now() - started };
      const code = causeCode(error);
      const message = error instanceof Error ? error.message : String(error);
      return { kind: 'network', message: code ? `${message} (${code})` : message };
    } finally {
      clearTimeout(timer);
    }
  };
}
