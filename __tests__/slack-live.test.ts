// The live Slack message adapter (src/action/report/slack-live.ts) with the real @slack/web-api client
// over HTTP to the local Slack sink (its slackApiUrl): one chat.postMessage, chat.update at most once a
// second on the injected clock (the newest progress wins), the result last, a thread reply; 429 with
// Retry-After retried by the client; Slack's error codes explained; the token only in the header.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLiveMessage, type LiveMessageOptions } from '../src/action/report/slack-live.js';
import { redactor } from '../src/action/report/redact.js';
import { startSlackSink, type SlackSink } from './helpers/slack-sink.js';
import { FakeClock } from './helpers/fakes.js';

const TOKEN = 'xoxb-1234567890-0987654321-abcdefghijklmnopqrstuvwx';
const FAST = { minTimeout: 1, maxTimeout: 2, randomize: false };
const payload = (text: string) => ({
  text,
  blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text } }],
});

let sink: SlackSink;
beforeAll(async () => {
  sink = await startSlackSink();
});
afterAll(() => sink.close());
beforeEach(() => sink.reset());

function live(clock: FakeClock, more: Partial<LiveMessageOptions> = {}) {
  const lines: string[] = [];
  const message = createLiveMessage({
    bot: { token: TOKEN, channel: 'C0123ABCD', apiUrl: sink.apiUrl },
    clock,
    redact: redactor([TOKEN]),
    log: (line) => void lines.push(line),
    retry: FAST,
    ...more,
  });
  return { message, lines };
}

const calls = () =>
  sink.apiCalls().map((r) => {
    const body = r.body as { channel: string; ts?: string; thread_ts?: string; text: string };
    return `${r.apiMethod} ${body.channel}${body.ts ? ` ts=${body.ts}` : ''}${body.thread_ts ? ` thread=${body.thread_ts}` : ''}: ${body.text}`;
  });

describe('the live message (real @slack/web-api → local sink)', () => {
  it('posts, coalesces quick updates to one per second on the injected clock, ends with the result and a thread reply', async () => {
    const clock = new FakeClock();
    const { message: pending, lines } = live(clock);
    const message = await pending;
    expect(await message.start(payload('Purging portal…'))).toBe(true);
    for (const step of [1, 2, 3, 4, 5]) message.update(payload(`step ${step} done`));
    await new Promise((r) => setTimeout(r, 50));
    const result = await message.finish(payload('✅ portal purged'), '<@U2CERLKJA>, the purge failed');
    expect(result).toEqual({ ok: true });
    const ts = (sink.apiCalls()[0]!.body as { ts?: string }).ts;
    expect(ts).toBeUndefined();
    expect(calls()).toEqual([
      'chat.postMessage C0123ABCD: Purging portal…',
      'chat.update C0123ABCD ts=1760000000.000001: step 5 done',
      'chat.update C0123ABCD ts=1760000000.000001: ✅ portal purged',
      'chat.postMessage C0123ABCD thread=1760000000.000001: <@U2CERLKJA>, the purge failed',
    ]);
    // the update waited out the second since the post, the result the second since the update
    expect(clock.sleeps).toEqual([1000, 1000]);
    // blocks travel as Block Kit; the token only as the bearer of each call, never in a body
    expect(sink.apiCalls()[0]!.body).toMatchObject({
      blocks: [{ type: 'section', text: { text: 'Purging portal…' } }],
    });
    expect(sink.apiCalls().every((r) => r.token === TOKEN && !r.raw.includes(TOKEN))).toBe(true);
    expect(lines).toEqual([]);
  });

  it('progress still waiting when the result comes is dropped: the result replaces it at once', async () => {
    const clock = new FakeClock();
    const message = await live(clock).message;
    await message.start(payload('start'));
    message.update(payload('stale progress'));
    await message.finish(payload('done'));
    expect(sink.apiCalls('chat.update').map((r) => (r.body as { text: string }).text)).toEqual(['done']);
  });

  it('updates a second or more apart are each sent, no waiting', async () => {
    const clock = new FakeClock();
    const message = await live(clock).message;
    await message.start(payload('start'));
    for (const step of [1, 2, 3]) {
      clock.t += 1500;
      message.update(payload(`step ${step}`));
      await new Promise((r) => setTimeout(r, 50));
    }
    await message.finish(payload('done'));
    expect(sink.apiCalls('chat.update').map((r) => (r.body as { text: string }).text)).toEqual([
      'step 1',
      'step 2',
      'step 3',
      'done',
    ]);
  });

  it("429 with Retry-After: the client waits as told and tries again (Slack's rate limit honoured)", async () => {
    const clock = new FakeClock();
    const message = await live(clock).message;
    await message.start(payload('start'));
    sink.script({ status: 429, retryAfter: 0, body: '{"ok":false,"error":"ratelimited"}' });
    expect(await message.finish(payload('done'))).toEqual({ ok: true });
    expect(sink.apiCalls('chat.update')).toHaveLength(2);
  });

  it('Slack refusing the first post: start says so with the fix, and there is no live message', async () => {
    const clock = new FakeClock();
    const { message: pending, lines } = live(clock);
    const message = await pending;
    sink.script({ status: 200, body: '{"ok":false,"error":"not_in_channel"}' });
    expect(await message.start(payload('start'))).toBe(false);
    expect(lines).toEqual([
      'Live Slack message not posted: Slack answered "not_in_channel": the app is not in the channel; invite it there (/invite @Cache Purge).',
    ]);
    message.update(payload('ignored'));
    expect(await message.finish(payload('done'))).toEqual({
      ok: false,
      reason: 'the live message was never posted',
    });
    expect(sink.apiCalls()).toHaveLength(1);
  });

  it('a result Slack refuses comes back as the reason, naming the scope to add', async () => {
    const message = await live(new FakeClock()).message;
    await message.start(payload('start'));
    sink.script({ status: 200, body: '{"ok":false,"error":"missing_scope"}' });
    expect(await message.finish(payload('done'))).toEqual({
      ok: false,
      reason:
        'Slack answered "missing_scope": the app lacks the chat:write scope; add it (examples/slack-app-manifest.yml) and reinstall',
    });
  });

  it('text that carries the token or a token-shaped value is redacted before it leaves', async () => {
    const message = await live(new FakeClock()).message;
    await message.start(payload(`oops ${TOKEN} and xoxb-999999999999-leaked-token-value`));
    expect((sink.apiCalls()[0]!.body as { text: string }).text).toBe('oops *** and ***');
  });
});
