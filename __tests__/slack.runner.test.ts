// Runner-level tests of dist/index.js with Slack: the real @slack/webhook in the bundle posting to a
// local sink, started exactly as the GitHub runner starts the action. Today through the dry run (the
// only path without the executor): the planned message, Retry-After, an outage, Slack's error answers,
// fail-on-slack-error, and the input checks that fail before anything runs.

import { afterAll, beforeAll, beforeEach, describe, expect, it, type TestContext } from 'vitest';
import { createServer, type AddressInfo } from 'node:net';
import {
  errorAnnotations,
  exampleConfig,
  runAction,
  warningAnnotations as warnings,
} from './helpers/run-action.js';
import { SLACK_ANSWERS, startSlackSink, type SlackSink } from './helpers/slack-sink.js';

const CONFIG = { '.github/cache-purge.yml': exampleConfig };
const RUNNER_ENV = {
  GITHUB_EVENT_NAME: 'workflow_dispatch',
  GITHUB_ACTOR: 'relay-app[bot]',
  GITHUB_REPOSITORY: 'acme/portal',
  GITHUB_REF_NAME: 'main',
  GITHUB_SHA: '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b',
  GITHUB_RUN_ID: '987654321',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_WORKFLOW: 'Purge cache',
};

/** The webhook URL may appear only in the runner's add-mask command, which the runner consumes. */
function expectUrlOnlyMasked(stdout: string, stderr: string, summary: string, url: string) {
  const path = new URL(url).pathname;
  const visible = stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
  expect(visible + stderr + summary).not.toContain(path);
  expect(stdout).toContain(`::add-mask::${url}\n`);
}

/** A port nothing listens on: one the system just handed out and we closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let sink: SlackSink;
beforeAll(async () => {
  sink = await startSlackSink();
});
afterAll(() => sink.close());
beforeEach(() => {
  sink.reset();
});

const dryRun = (inputs: Record<string, string> = {}, timeoutMs?: number) =>
  runAction({
    inputs: { site: 'portal', 'dry-run': 'true', 'slack-webhook-url': sink.webhookUrl, ...inputs },
    files: CONFIG,
    env: RUNNER_ENV,
    ...(timeoutMs && { timeoutMs }),
  });

describe('dist/index.js posts to Slack (dry run)', () => {
  it('posts the planned message once: header, the requester as a mention, steps, link; summary shows it plainly', async () => {
    const run = await dryRun({ requester: '<@U2CERLKJA>' });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.outputs.status).toBe('planned');
    expect(Number(run.outputs['duration-ms'])).toBeGreaterThanOrEqual(0);
    expect(sink.requests).toHaveLength(1);
    const body = sink.requests[0]!.body as {
      text: string;
      blocks: { type: string; text?: { text: string }; fields?: { text: string }[] }[];
    };
    expect(body.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: '📝 portal purge planned (dry run)', emoji: true },
    });
    expect(body.blocks[1]!.fields!.map((f) => f.text)).toEqual([
      '*Requested by*\n<@U2CERLKJA>',
      '*Trigger*\nSlack command',
      '*Commit*\n`main @ 1a2b3c4`',
    ]);
    expect(JSON.stringify(body)).toContain(
      '<https://github.com/acme/portal/actions/runs/987654321|View the workflow run>',
    );
    expect(body.text).toBe(
      '📝 portal purge planned (dry run): 3 steps would run (requested by <@U2CERLKJA>)',
    );
    expect(run.summary).toContain('Requested by **Slack user U2CERLKJA** · trigger: Slack command');
    expect(run.stdout).toContain('Slack: result message posted.\n');
    expect(errorAnnotations(run.stdout)).toEqual([]);
    expect(warnings(run.stdout)).toEqual([]);
    expectUrlOnlyMasked(run.stdout, run.stderr, run.summary, sink.webhookUrl);
  });

  for (const [answer, fragment] of [
    [SLACK_ANSWERS.invalidPayload, 'Slack answered HTTP 400 "invalid_payload"'],
    [SLACK_ANSWERS.channelNotFound, 'Slack answered HTTP 404 "channel_not_found"'],
    [SLACK_ANSWERS.noService, 'Slack answered HTTP 410 "no_service"'],
  ] as const) {
    it(`${answer.body}: a warning quoting Slack, not retried`, async () => {
      sink.script(answer);
      const run = await dryRun();
      expect(run.code).toBe(0);
      expect(sink.requests).toHaveLength(1);
      const [warning] = warnings(run.stdout);
      expect(warning!.message).toContain(fragment);
    });
  }

  it('fail-on-slack-error: true makes a failed post fail the step', async () => {
    sink.script(SLACK_ANSWERS.channelNotFound);
    const run = await dryRun({ 'fail-on-slack-error': 'true' });
    expect(run.code).toBe(1);
    expect(run.outputs.status).toBe('planned');
    expect(errorAnnotations(run.stdout)).toEqual([
      {
        properties: 'title=Slack message not posted',
        message: expect.stringMatching(
          /^Slack message not posted: Slack answered HTTP 404 "channel_not_found": .* \(fail-on-slack-error is true, so this fails the step\.\)$/,
        ),
      },
    ]);
  });
});

describe('dist/index.js checks the Slack inputs before anything runs', () => {
  const refusedBeforeAnything = async (url: string) => {
    const run = await runAction({
      inputs: { site: 'portal', 'dry-run': 'true', 'slack-webhook-url': url },
      files: CONFIG,
    });
    expect(run.code).toBe(1);
    expect(run.stdout).not.toContain('::group::Plan'); // nothing ran
    expect(run.outputs).toEqual({});
    expect(run.summary).toBe('');
    const annotations = errorAnnotations(run.stdout);
    expect(annotations).toHaveLength(1);
    // The URL itself is never echoed (it is a credential), only masked.
    const visible = run.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');
    expect(visible).not.toContain('secretpart');
    return annotations[0]!;
  };

  it('not a URL', async () => {
    const annotation = await refusedBeforeAnything('hooks.slack.com/services/T0/B0/secretpart');
    expect(annotation.properties).toBe('title=Invalid slack-webhook-url');
    expect(annotation.message).toMatch(/^Input "slack-webhook-url" is not a URL; set it from a secret/);
  });

  it('plain http to a non-loopback host', async () => {
    const annotation = await refusedBeforeAnything('http://hooks.slack.com/services/T0/B0/secretpart');
    expect(annotation.properties).toBe('title=Insecure slack-webhook-url');
    expect(annotation.message).toContain('uses plain http to hooks.slack.com');
  });

  it('text pasted after the URL', async () => {
    const annotation = await refusedBeforeAnything('https://hooks.slack.com/services/T0/B0/secretpart extra');
    expect(annotation.properties).toBe('title=Invalid slack-webhook-url');
    expect(annotation.message).toMatch(/^Input "slack-webhook-url" has whitespace inside it/);
  });

  it('fail-on-slack-error not a boolean', async () => {
    const run = await runAction({
      inputs: { site: 'portal', 'dry-run': 'true', 'fail-on-slack-error': 'yes' },
      files: CONFIG,
    });
    expect(run.code).toBe(1);
    expect(errorAnnotations(run.stdout)[0]!.message).toBe(
      'Input "fail-on-slack-error" is "yes"; use true or false.',
    );
  });
});

// Slack failing in ways the action retries: the waits between attempts are real time in the bundle's own
// process (the adapter with a fast policy and an injected sleep is in slack-adapter.test.ts), so these run at
// the same time, each posting to a sink of its own.
describe('dist/index.js when Slack fails (retried)', () => {
  /** A Slack sink of its own for a test that runs at the same time as others, closed when it ends. */
  const ownSink = async (onFinished: TestContext['onTestFinished']) => {
    const own = await startSlackSink();
    onFinished(() => own.close());
    return own;
  };
  const dryRunTo = (own: SlackSink) =>
    runAction({
      inputs: { site: 'portal', 'dry-run': 'true', 'slack-webhook-url': own.webhookUrl },
      files: CONFIG,
      env: RUNNER_ENV,
    });

  it.concurrent('429 with Retry-After: waits and posts once more', async ({ expect, onTestFinished }) => {
    const sink = await ownSink(onTestFinished);
    sink.script(SLACK_ANSWERS.rateLimited(1));
    const run = await dryRunTo(sink);
    expect(run.code).toBe(0);
    expect(sink.requests).toHaveLength(2);
    expect(sink.requests[1]!.at - sink.requests[0]!.at).toBeGreaterThanOrEqual(950);
    expect(run.stdout).toContain('Slack: result message posted (after 2 attempts).\n');
  });

  it.concurrent(
    'a Slack outage (5xx every time): retried, then one warning; the step stays green',
    async ({ expect, onTestFinished }) => {
      const sink = await ownSink(onTestFinished);
      sink.setFallback(SLACK_ANSWERS.serverError);
      const run = await dryRunTo(sink);
      expect(run.code).toBe(0);
      expect(sink.requests).toHaveLength(4);
      expect(warnings(run.stdout)).toEqual([
        {
          properties: 'title=Slack message not posted',
          message:
            'Slack message not posted: Slack answered HTTP 500: Slack seems to be having an outage (after 4 attempts). The purge result above is unaffected; set fail-on-slack-error: true to fail the step instead.',
        },
      ]);
      expectUrlOnlyMasked(run.stdout, run.stderr, run.summary, sink.webhookUrl);
    },
  );

  it.concurrent(
    'a host that is not Slack only warns; an unreachable one (connection refused, no DNS needed) is a network failure after retries, not a crash',
    async ({ expect }) => {
      const run = await runAction({
        inputs: {
          site: 'portal',
          'dry-run': 'true',
          'slack-webhook-url': `https://0.0.0.0:${await closedPort()}/hook/secretpart`,
        },
        files: CONFIG,
        timeoutMs: 25_000,
      });
      expect(run.code).toBe(0);
      const found = warnings(run.stdout);
      expect(found[0]).toEqual({
        properties: 'title=Slack webhook host',
        message:
          'Input "slack-webhook-url" points at 0.0.0.0, not Slack\'s own hooks.slack.com. That is fine for a proxy or relay; if you meant Slack, copy the incoming webhook URL from the Slack app\'s settings.',
      });
      expect(found[1]!.message).toMatch(
        /^Slack message not posted: could not reach the webhook \(ECONNREFUSED\) after 4 attempts\./,
      );
      expect(run.stdout).toContain('::group::Plan for portal');
    },
  );
});
