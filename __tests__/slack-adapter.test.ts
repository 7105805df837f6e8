// The Slack adapter with the real @slack/webhook posting to a local sink (127.0.0.1): success, 429
// then OK (Slack's Retry-After honoured through an injected sleep), 429 beyond the budget, an outage
// (5xx retried by the library's policy, then given up), a dropped connection, each Slack error answer
// quoted, fail-on-slack-error, and the input checks that run before anything else.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseRetryAfter, postSlackMessage, readSlackSettings } from '../src/action/report/slack-webhook.js';
import { publishDryRun, publishRunReport } from '../src/action/report/publish.js';
import { dryRunMessage, runReportMessage } from '../src/action/report/slack-message.js';
import { checkSlackWebhookUrl } from '../src/action/inputs/slack-webhook-url.js';
import type { RunReport } from '../src/action/report/report.js';
import { refusal } from './helpers/refusal.js';
import { SLACK_ANSWERS, startSlackSink, type SlackSink } from './helpers/slack-sink.js';
import { recordingRunner } from './helpers/recording-runner.js';
import { portalPlan, slackContext, successReport, undeliverableReport } from './helpers/report-fixtures.js';

let sink: SlackSink;
beforeAll(async () => {
  sink = await startSlackSink();
});
afterAll(() => sink.close());
beforeEach(() => {
  sink.reset();
});

const FAST_RETRY = { minTimeout: 1, maxTimeout: 5, randomize: false };
const recordSleeps = () => {
  const sleeps: number[] = [];
  return { sleeps, sleep: async (ms: number) => void sleeps.push(ms) };
};
const payload = runReportMessage(successReport());

describe('postSlackMessage (real @slack/webhook → local sink)', () => {
  it('posts the payload as JSON to the webhook path and reports success', async () => {
    const result = await postSlackMessage(sink.webhookUrl, payload, { retry: FAST_RETRY });
    expect(result).toEqual({ ok: true, attempts: 1 });
    expect(sink.requests).toHaveLength(1);
    const [request] = sink.requests;
    expect(request!.method).toBe('POST');
    expect(request!.path).toBe(new URL(sink.webhookUrl).pathname);
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.body).toEqual(payload);
  });

  it('429 then OK: waits for Slack Retry-After, then posts once more', async () => {
    sink.script(SLACK_ANSWERS.rateLimited(2));
    const { sleeps, sleep } = recordSleeps();
    const result = await postSlackMessage(sink.webhookUrl, payload, { retry: FAST_RETRY, sleep });
    expect(result).toEqual({ ok: true, attempts: 2 });
    expect(sleeps).toEqual([2000]);
    expect(sink.requests).toHaveLength(2);
  });

  it('429 asking for longer than the budget: gives up at once and says why', async () => {
    sink.script(SLACK_ANSWERS.rateLimited(120));
    const { sleeps, sleep } = recordSleeps();
    const result = await postSlackMessage(sink.webhookUrl, payload, {
      retry: FAST_RETRY,
      sleep,
      budgetMs: 30_000,
    });
    expect(result).toEqual({
      ok: false,
      attempts: 1,
      status: 429,
      reason:
        'Slack answered HTTP 429 (rate limited) and asked to wait 2 min, beyond the 30 s the action waits for Slack',
    });
    expect(sleeps).toEqual([]);
  });

  it('a 5xx then OK is retried by the library', async () => {
    sink.script(SLACK_ANSWERS.serverError, SLACK_ANSWERS.unavailable);
    const result = await postSlackMessage(sink.webhookUrl, payload, { retry: FAST_RETRY });
    expect(result).toEqual({ ok: true, attempts: 3 });
  });

  it('an outage (5xx every time): retries per policy, then fails quoting the answer', async () => {
    sink.setFallback(SLACK_ANSWERS.unavailable);
    const result = await postSlackMessage(sink.webhookUrl, payload, { retry: { ...FAST_RETRY, retries: 3 } });
    expect(result).toEqual({
      ok: false,
      attempts: 4,
      status: 503,
      reason:
        'Slack answered HTTP 503 "service_unavailable": Slack seems to be having an outage (after 4 attempts)',
    });
    expect(sink.requests).toHaveLength(4);
  });

  it('the total time is bounded: a hanging Slack is abandoned after the budget', async () => {
    sink.setFallback({ status: 200, body: 'ok', delayMs: 5_000 });
    const started = Date.now();
    const result = await postSlackMessage(sink.webhookUrl, payload, {
      retry: { ...FAST_RETRY, retries: 5 },
      budgetMs: 300,
      requestTimeoutMs: 200,
    });
    expect(result.ok).toBe(false);
    expect(Date.now() - started).toBeLessThan(2_000);
    if (!result.ok) expect(result.reason).toMatch(/^could not reach the webhook \(the request timed out\)/);
  });

  it('a dropped connection is retried, then reported without the URL', async () => {
    sink.setFallback({ status: 200, drop: true });
    const result = await postSlackMessage(sink.webhookUrl, payload, { retry: { ...FAST_RETRY, retries: 1 } });
    expect(result.ok).toBe(false);
    expect(result.attempts).toBe(2);
    if (!result.ok) {
      expect(result.reason).toMatch(/^could not reach the webhook \(.+\) after 2 attempts$/);
      expect(result.reason).not.toContain(new URL(sink.webhookUrl).pathname);
    }
  });

  for (const [answer, status, hint] of [
    [
      SLACK_ANSWERS.invalidPayload,
      400,
      'Slack could not read the message; this is a bug in cache-purge-action',
    ],
    [SLACK_ANSWERS.channelNotFound, 404, "the webhook's channel no longer exists"],
    [SLACK_ANSWERS.noService, 410, 'the webhook was revoked or its Slack app uninstalled'],
  ] as const) {
    it(`${status} ${answer.body}: not retried, and the reason quotes Slack`, async () => {
      sink.script(answer);
      const result = await postSlackMessage(sink.webhookUrl, payload, { retry: FAST_RETRY });
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.reason).toContain(`Slack answered HTTP ${status} "${answer.body}": ${hint}`);
        expect(result.attempts).toBe(1);
      }
    });
  }

  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('3', 0)).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter(null, 0)).toBeUndefined();
  });
});

describe('publish: what the action does with the result', () => {
  /** Publishes `report` as the action does, posting to the sink with fast retries; what the runner recorded. */
  const publishToSink = async (report: RunReport, { failOnError = false } = {}) => {
    const { runner, recorded } = recordingRunner();
    await publishRunReport(report, {
      runner,
      env: {},
      slack: { webhookUrl: sink.webhookUrl, failOnError },
      slackPost: { retry: FAST_RETRY },
    });
    return recorded;
  };

  it('a run report: annotations, summary, duration-ms and the message in Slack', async () => {
    const recorded = await publishToSink(undeliverableReport());
    expect(recorded.outputs['duration-ms']).toBe('16450');
    expect(recorded.errors.map((e) => e.annotation?.title)).toEqual(['portal: FastCGI cache failed']);
    expect(recorded.summary).toContain('## ❌ portal purge failed at FastCGI cache');
    expect(sink.requests).toHaveLength(1);
    expect((sink.requests[0]!.body as { blocks: { text?: { text: string } }[] }).blocks[0]!.text!.text).toBe(
      '❌ portal purge failed at FastCGI cache',
    );
    expect(recorded.info).toContain('Slack: result message posted.');
    expect(recorded.warnings).toEqual([]);
    expect(recorded.failed).toBe(false);
  });

  it('a failed post is a warning quoting Slack, and the step stays green', async () => {
    sink.script(SLACK_ANSWERS.channelNotFound);
    const recorded = await publishToSink(successReport());
    expect(recorded.warnings).toHaveLength(1);
    expect(recorded.warnings[0]!.annotation).toEqual({ title: 'Slack message not posted' });
    expect(recorded.warnings[0]!.message).toMatch(
      /^Slack message not posted: Slack answered HTTP 404 "channel_not_found": .*set fail-on-slack-error: true to fail the step instead\.$/,
    );
    expect(recorded.errors).toEqual([]);
    expect(recorded.failed).toBe(false);
  });

  it('fail-on-slack-error: true turns it into an error and fails the step', async () => {
    sink.script(SLACK_ANSWERS.noService);
    const recorded = await publishToSink(successReport(), { failOnError: true });
    expect(recorded.errors).toHaveLength(1);
    expect(recorded.errors[0]!.message).toContain('Slack answered HTTP 410 "no_service"');
    expect(recorded.errors[0]!.message).toContain('fail-on-slack-error is true');
    expect(recorded.failed).toBe(true);
  });

  it('no webhook: nothing is posted, the rest is published', async () => {
    const { runner, recorded } = recordingRunner();
    await publishRunReport(successReport(), { runner, env: {}, slack: { failOnError: true } });
    expect(sink.requests).toEqual([]);
    expect(recorded.summary).toContain('## ✅ portal purged');
    expect(recorded.info.some((l) => l.startsWith('Slack'))).toBe(false);
  });

  it('a dry run posts the planned message', async () => {
    const { runner, recorded } = recordingRunner();
    await publishDryRun(portalPlan, slackContext, 42, {
      runner,
      env: {},
      slack: { webhookUrl: sink.webhookUrl, failOnError: false },
    });
    expect(recorded.outputs['duration-ms']).toBe('42');
    expect(sink.requests[0]!.body).toEqual(dryRunMessage(portalPlan, slackContext));
    expect(recorded.summary).toContain('## 📝 Cache purge plan for `portal` (dry run)');
  });
});

describe('the Slack inputs, checked before anything runs', () => {
  it('no URL: no post; the URL is masked before it is checked', () => {
    expect(readSlackSettings(recordingRunner().runner, {})).toEqual({ failOnError: false });
    const { runner, recorded } = recordingRunner({
      'slack-webhook-url': 'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX',
      'fail-on-slack-error': 'true',
    });
    expect(readSlackSettings(runner, {})).toEqual({
      webhookUrl: 'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX',
      failOnError: true,
    });
    expect(recorded.secrets).toEqual([
      'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX',
      '/services/T000/B000/XXXXXXXXXXXX',
    ]);
    expect(recorded.warnings).toEqual([]);
  });

  const refused = (url: string) => refusal(() => checkSlackWebhookUrl(url), url).message;

  it('refuses a malformed URL, another scheme, plain http off loopback, and credentials; never echoing the URL', () => {
    expect(refused('hooks.slack.com/services/T0/B0/secretpart')).toMatch(
      /^Input "slack-webhook-url" is not a URL; set it from a secret/,
    );
    expect(refused('ftp://hooks.slack.com/services/T0/B0/secretpart')).toMatch(
      /^Input "slack-webhook-url" uses ftp:, not https:/,
    );
    expect(refused('http://hooks.slack.com/services/T0/B0/secretpart')).toBe(
      'Input "slack-webhook-url" uses plain http to hooks.slack.com: the webhook URL is a credential and would travel unencrypted. Use https (plain http is only accepted for a loopback address such as 127.0.0.1).',
    );
    expect(refused('https://u:p@hooks.slack.com/services/T0/B0/secretpart')).toContain(
      'user name or password',
    );
    for (const url of [
      'hooks.slack.com/services/T0/B0/secretpart',
      'http://hooks.slack.com/services/T0/B0/secretpart',
    ]) {
      expect(refused(url)).not.toContain('secretpart');
    }
  });

  it('refuses whitespace inside the URL (text pasted after it) without echoing the URL', () => {
    for (const url of [
      'https://hooks.slack.com/services/T000/B000/secretpart extra',
      'https://hooks.slack.com/services/T000/B000/secretpart\nhttps://hooks.slack.com/services/T000/B000/secretpart2',
      'https://hooks.slack.com/services/T000/B000/secret\tpart',
    ]) {
      const message = refused(url);
      expect(message).toMatch(
        /^Input "slack-webhook-url" has whitespace inside it \(2 space-separated parts, e\.g\. text pasted after the URL\): it must be the webhook URL alone\. Fix the secret's value; set it from a secret/,
      );
      expect(message).not.toContain('secret' + 'part');
      expect(message).not.toContain('T000');
    }
    // whitespace around it (a secret saved with a trailing newline) is trimmed, not refused
    expect(checkSlackWebhookUrl('  https://hooks.slack.com/services/T/B/X\n').url).toBe(
      'https://hooks.slack.com/services/T/B/X',
    );
  });

  it('accepts plain http on loopback; warns (only) about a host that is not Slack', () => {
    expect(checkSlackWebhookUrl('http://127.0.0.1:8080/hook').warnings).toEqual([]);
    expect(checkSlackWebhookUrl('http://[::1]:8080/hook').warnings).toEqual([]);
    expect(checkSlackWebhookUrl('http://localhost/hook').warnings).toEqual([]);
    expect(checkSlackWebhookUrl('https://hooks.slack.com/services/T/B/X').warnings).toEqual([]);
    expect(checkSlackWebhookUrl('https://relay.example.com/slack/secretpart').warnings).toEqual([
      'Input "slack-webhook-url" points at relay.example.com, not Slack\'s own hooks.slack.com. That is fine for a proxy or relay; if you meant Slack, copy the incoming webhook URL from the Slack app\'s settings.',
    ]);
  });

  it('fail-on-slack-error must be a boolean', () => {
    const { runner } = recordingRunner({ 'fail-on-slack-error': 'maybe' });
    expect(() => readSlackSettings(runner, {})).toThrow(
      'Input "fail-on-slack-error" is "maybe"; use true or false.',
    );
  });
});
