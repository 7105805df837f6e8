// The relay's dispatch deadline: a dispatcher that never settles is aborted and answered "status
// unknown", a throwing one is a network failure, the time already spent comes off the deadline; real
// network errors described; and the one JSON log line per request, without secrets.

import { describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import {
  describeNetworkError,
  type DispatchProgress,
  type DispatchResult,
} from '../src/relay/core/dispatch.js';
import { createRelay, dispatchWithDeadline } from '../src/relay/relay.js';
import { commandBody, slackHeaders, TEST_SIGNING_SECRET } from './helpers/slack.js';
import { NOW, config, message, nowSeconds } from './helpers/relay-core-fixtures.js';

describe('the dispatch deadline', () => {
  it('answers "status unknown" when the dispatcher never settles, and aborts it', async () => {
    let aborted = false;
    const result = await dispatchWithDeadline(
      (_request, signal) =>
        new Promise(() => {
          signal.addEventListener('abort', () => (aborted = true));
        }),
      {
        owner: 'a',
        repo: 'b',
        workflow: 'w.yml',
        ref: 'main',
        inputs: { site: 's', requester: '<@U1>', 'slack-channel': 'C1' },
      },
      20,
    );
    expect(result).toEqual({ kind: 'no_answer', cause: 'timeout' });
    expect(aborted).toBe(true);
  });

  const dispatchRequest = {
    owner: 'a',
    repo: 'b',
    workflow: 'w.yml',
    ref: 'main',
    inputs: { site: 's', requester: '<@U1>', 'slack-channel': 'C1' },
  };

  it.each<[DispatchProgress[], DispatchResult]>([
    [['token_exchange'], { kind: 'not_sent', stage: 'credentials', cause: 'timeout' }],
    [
      ['dispatch_may_be_sent', 'dispatch_not_sent'],
      { kind: 'not_sent', stage: 'dispatch', cause: 'timeout' },
    ],
    [['dispatch_not_sent', 'dispatch_may_be_sent'], { kind: 'no_answer', cause: 'timeout' }],
    [['token_exchange', 'dispatch_may_be_sent'], { kind: 'no_answer', cause: 'timeout' }],
    [[], { kind: 'no_answer', cause: 'timeout' }],
  ])('at the deadline, the last progress report %j decides: %j', async (reports, expected) => {
    const result = await dispatchWithDeadline(
      (_request, _signal, report) =>
        new Promise(() => {
          for (const progress of reports) report?.(progress);
        }),
      dispatchRequest,
      20,
    );
    expect(result).toEqual(expected);
  });

  it('a dispatcher that throws is a network failure carrying the error', async () => {
    const result = await dispatchWithDeadline(
      async () => {
        throw Object.assign(new Error('connect ECONNRESET 127.0.0.1:1'), { code: 'ECONNRESET' });
      },
      dispatchRequest,
      1000,
    );
    expect(result).toEqual({
      kind: 'no_answer',
      cause: 'network',
      error: { code: 'ECONNRESET', message: 'connect ECONNRESET 127.0.0.1:1', beforeSending: false },
    });
  });

  it('takes the time the adapter already spent off the dispatch deadline, down to 0.5 s', async () => {
    const lines: string[] = [];
    const relay = createRelay({
      config,
      dispatch: () => new Promise(() => {}),
      log: (line) => lines.push(line),
      dispatchTimeoutMs: 2000,
    });
    const body = commandBody({ text: 'portal' });
    const call = async (spentMs: number) => {
      const started = performance.now();
      const reply = await relay(
        { method: 'POST', headers: slackHeaders(body), body: Buffer.from(body) },
        { spentMs },
      );
      return { ms: performance.now() - started, text: message(reply).text };
    };
    const shortened = await call(1200);
    expect(shortened.text).toContain('GitHub did not answer within 800 ms');
    expect(shortened.ms).toBeGreaterThanOrEqual(780);
    expect(shortened.ms).toBeLessThan(1500);
    const floor = await call(5000);
    expect(floor.text).toContain('GitHub did not answer within 500 ms');
    expect(floor.ms).toBeLessThan(1200);
    // latency_ms counts the time spent before the relay was called
    expect((JSON.parse(lines[0]!) as { latency_ms: number }).latency_ms).toBeGreaterThanOrEqual(1200 + 780);
  });

  it('describes real network errors: code, innermost message, and whether anything could have been sent', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const failure = async (url: string) => {
      try {
        await fetch(url, { method: 'POST', body: '{}' });
      } catch (error) {
        return describeNetworkError(error);
      }
      throw new Error(`${url} answered`);
    };
    expect(await failure(`http://127.0.0.1:${port}/`)).toEqual({
      code: 'ECONNREFUSED',
      message: `connect ECONNREFUSED 127.0.0.1:${port}`,
      beforeSending: true,
    });
    expect(await failure('http://127.0.0.1:9/')).toEqual({ message: 'bad port', beforeSending: true });
    // A server that closes the connection once the request has arrived: it may have acted on it.
    const closing = createServer((socket) => socket.once('data', () => socket.destroy()));
    await new Promise<void>((resolve) => closing.listen(0, '127.0.0.1', resolve));
    try {
      const lost = await failure(`http://127.0.0.1:${(closing.address() as { port: number }).port}/`);
      expect(lost).toMatchObject({ code: 'UND_ERR_SOCKET', beforeSending: false });
    } finally {
      closing.close();
    }
    expect(describeNetworkError('weird')).toEqual({ message: 'weird', beforeSending: false });
    expect(describeNetworkError({ code: 'CERT_HAS_EXPIRED', message: 'certificate has expired' })).toEqual({
      code: 'CERT_HAS_EXPIRED',
      message: 'certificate has expired',
      beforeSending: true,
    });
  });

  it('the relay logs one JSON line per request, without secrets, signature or text', async () => {
    const lines: string[] = [];
    let calls = 0;
    const relay = createRelay({
      config,
      dispatch: async () => {
        calls++;
        return { kind: 'accepted', runId: 3 };
      },
      log: (line) => lines.push(line),
      now: () => NOW,
    });
    const body = commandBody({ text: 'portal' });
    const headers = slackHeaders(body, { timestamp: nowSeconds });
    const reply = await relay({ method: 'POST', headers, body: Buffer.from(body) });
    expect(message(reply).response_type).toBe('in_channel');
    await relay({
      method: 'POST',
      headers: { ...headers, 'x-slack-signature': `v0=${'0'.repeat(64)}` },
      body: Buffer.from(body),
    });
    expect(calls).toBe(1);
    expect(lines).toHaveLength(2);
    const [ok, bad] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(ok).toMatchObject({
      event: 'slack_command',
      decision: 'dispatched',
      reason: 'run_created',
      site: 'portal',
      user: 'U0001',
      run_id: 3,
      latency_ms: 0,
    });
    expect(bad).toMatchObject({ decision: 'rejected', reason: 'bad_signature', status: 401 });
    const all = lines.join('\n');
    for (const secret of [
      TEST_SIGNING_SECRET,
      'ghp_exampletoken',
      headers['x-slack-signature']!,
      'response_url',
      'hooks.slack.com',
    ]) {
      expect(all).not.toContain(secret);
    }
  });
});
