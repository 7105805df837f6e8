// Several sites in one run, in-process through the action's run() with the real AWS SDK clients against
// the local AWS double (AWS_ENDPOINT_URL) and the real @slack/webhook against the Slack sink: each site's
// steps in order, sites in parallel up to max-parallel-sites, one failing site leaving the others
// running and failing the run, one report/summary/Slack message with a line per site, cancellation
// starting no further site. The executor, the double and the SDK share one Timeline (waits are instant).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAwsDouble, useAwsDouble, type AwsDouble, type AwsDoubleOptions } from './helpers/aws-double.js';
import { startSlackSink, type SlackSink } from './helpers/slack-sink.js';
import { recordingRunner } from './helpers/recording-runner.js';
import { Timeline } from './helpers/fakes.js';
import { exampleConfig } from './helpers/run-action.js';
import { run } from '../src/action/main.js';
import type { RunReport, SitesRunReport } from '../src/action/report/report.js';

const ROLE = 'arn:aws:iam::123456789012:role/cache-purge';
const MAIN = ['i-0123456789abcdef2', 'i-0123456789abcdef3'];
const OK = 'CACHE_PURGE_RESULT {"files":12,"bytes":4096,"method":"find-delete","durationMs":7}';
const MAIN_FAILS: AwsDoubleOptions = {
  tags: { 'Site=main': MAIN },
  defaultScript: { stdout: OK },
  documents: {
    'CachePurge-WPRocket': { default: { exitCode: 3, stderr: 'Error: WP Rocket is not active.' } },
  },
};

let aws: AwsDouble;
let sink: SlackSink;
const timeline = new Timeline();
let restoreEnv: () => void;
beforeAll(async () => {
  timeline.start();
  aws = await startAwsDouble({}, timeline.now);
  sink = await startSlackSink();
  restoreEnv = useAwsDouble(aws);
});
afterAll(async () => {
  restoreEnv();
  await Promise.all([aws.close(), sink.close()]);
  timeline.stop();
});

const BOT_TOKEN = 'xoxb-1234567890-0987654321-abcdefghijklmnopqrstuvwx';

async function purge(
  inputs: Record<string, string>,
  options: AwsDoubleOptions,
  signal?: AbortSignal,
  env: Record<string, string> = {},
) {
  aws.reset(options);
  sink.reset();
  const workspace = mkdtempSync(join(tmpdir(), 'multi-site-'));
  mkdirSync(join(workspace, '.github'));
  writeFileSync(join(workspace, '.github/cache-purge.yml'), exampleConfig);
  const { runner, recorded } = recordingRunner({
    'role-to-assume': ROLE,
    'slack-webhook-url': sink.webhookUrl,
    ...inputs,
  });
  await run({
    runner,
    env: {
      GITHUB_WORKSPACE: workspace,
      GITHUB_RUN_ID: String(Math.random()).slice(2, 12),
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_ACTOR: 'octocat',
      GITHUB_REPOSITORY: 'acme/website',
      ...aws.env(),
      ...env,
    },
    liveMessage: { retry: { minTimeout: 1, maxTimeout: 2, randomize: false } },
    execute: {
      clock: timeline,
      random: () => 0,
      getIdToken: (audience) => aws.idToken(audience),
      ...(signal && { signal }),
    },
  });
  const report = recorded.outputs.report
    ? (JSON.parse(recorded.outputs.report) as SitesRunReport)
    : undefined;
  return { recorded, report, log: recorded.info.join('\n') };
}

/** The seq of the first call matching, e.g. the SendCommand of a document. */
const seqOf = (operation: string, match: (input: Record<string, unknown>) => boolean) =>
  aws.calls.find((c) => c.operation === operation && match(c.input))?.seq ?? -1;
const document = (name: string) => (input: Record<string, unknown>) => input.DocumentName === name;
const statuses = (report: RunReport) => report.steps.map((s) => s.status);

describe('several sites in one run (run() against the AWS double)', () => {
  it('main fails, portal still purges every step; the run fails with one report, summary and Slack message', async () => {
    const { recorded, report, log } = await purge({ site: 'portal, main' }, MAIN_FAILS);
    expect(recorded.failed).toBe(true);
    expect(recorded.outputs.status).toBe('failure');
    expect(report!.status).toBe('failure');
    expect(report!.maxParallelSites).toBe(4);
    const [portal, main] = report!.sites;
    expect(portal!.context.site).toBe('portal');
    expect(statuses(portal!)).toEqual(['success', 'success', 'success']);
    expect(main!.status).toBe('failure');
    expect(statuses(main!)).toEqual(['failed', 'skipped', 'skipped']);
    // ids in site order, then step order: portal's two commands, then main's one
    const commandIds = JSON.parse(recorded.outputs['command-ids']!) as string[];
    expect(commandIds).toEqual([
      ...portal!.steps.flatMap((s) => (s.kind === 'ssm' ? [s.commandId] : [])),
      (main!.steps[0] as { commandId: string }).commandId,
    ]);
    expect(JSON.parse(recorded.outputs['invalidation-ids']!)).toHaveLength(1);
    // the log: every line of a site prefixed with it
    expect(log).toContain('Purging 2 sites (portal, main), up to 4 at a time');
    expect(log).toContain('[portal] 3. CloudFront: success');
    expect(log).toContain('[main] 1. WP Rocket: failed');
    expect(recorded.errors.map((e) => e.annotation?.title)).toContain('main: WP Rocket failed');
    // one summary with the overview, then each site
    expect(recorded.summary).toContain('## ❌ 2 sites: 1 purged, 1 failed (main)');
    expect(recorded.summary).toMatch(/\| portal \| ✅ purged \| 3\/3 steps \|/);
    expect(recorded.summary).toMatch(/\| main \| ❌ failed at WP Rocket \| 0\/3 steps \|/);
    expect(recorded.summary).toContain('## ✅ portal purged');
    expect(recorded.summary).toContain('## ❌ main purge failed at WP Rocket');
    // one Slack message, a line per site, main's failure details
    expect(sink.requests).toHaveLength(1);
    const message = sink.requests[0]!.body as { text: string; blocks: { text?: { text: string } }[] };
    expect(message.blocks[0]!.text!.text).toBe('❌ 2 sites: 1 purged, 1 failed (main)');
    const texts = message.blocks.map((b) => b.text?.text ?? '').join('\n');
    expect(texts).toMatch(/✅ \*portal\* purged · [\d.]+ (ms|s) · 3\/3 steps/);
    expect(texts).toMatch(/❌ \*main\* failed at \*WP Rocket\* · [\d.]+ (ms|s) · 0\/3 steps/);
    expect(texts).toContain('WP Rocket is not active.');
    expect(message.text).toContain('main: ');
  });

  it('max-parallel-sites 1: main starts only once portal is done; with 2 it starts while portal runs', async () => {
    await purge({ site: 'portal,main', 'max-parallel-sites': '1' }, { ...MAIN_FAILS, documents: {} });
    const portalLast = seqOf('CreateInvalidation', (i) => i.DistributionId === 'E2EXAMPLE12345');
    expect(seqOf('SendCommand', document('CachePurge-WPRocket'))).toBeGreaterThan(portalLast);

    await purge({ site: 'portal,main', 'max-parallel-sites': '2' }, { ...MAIN_FAILS, documents: {} });
    const portalEnd = seqOf('CreateInvalidation', (i) => i.DistributionId === 'E2EXAMPLE12345');
    const mainStart = seqOf('SendCommand', document('CachePurge-WPRocket'));
    expect(mainStart).toBeGreaterThan(0);
    expect(mainStart).toBeLessThan(portalEnd);
  });

  it('cancelled while the first site runs: the site in flight is cancelled, the next never starts', async () => {
    const controller = new AbortController();
    timeline.after(50, () => controller.abort());
    const { recorded, report } = await purge(
      { site: 'all', 'max-parallel-sites': '1' },
      { ...MAIN_FAILS, documents: {}, defaultScript: { stdout: OK, runMs: 5_000 } },
      controller.signal,
    );
    expect(report!.status).toBe('cancelled');
    expect(report!.sites.map((s) => s.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(statuses(report!.sites[1]!)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(seqOf('SendCommand', document('CachePurge-WPRocket'))).toBe(-1);
    expect(recorded.summary).toContain('| main | ⏹ not started (cancelled) | 0/3 steps | – |');
  });

  it('credentials fail: said once for the run, every step of every site skipped', async () => {
    const { recorded, report } = await purge({ site: 'all' }, { ...MAIN_FAILS, sts: { accessDenied: true } });
    expect(report!.status).toBe('failure');
    expect(report!.error!.code).toBe('CredentialsError');
    expect(report!.sites.every((s) => s.steps.every((step) => step.status === 'skipped'))).toBe(true);
    expect(recorded.errors).toHaveLength(1);
    expect(recorded.errors[0]!.message).toContain('Not run: every step of portal, main, shop.');
  });

  it('one site keeps the report and plan outputs exactly as before (no multi-site wrapper)', async () => {
    const { recorded } = await purge({ site: 'portal' }, MAIN_FAILS);
    const single = JSON.parse(recorded.outputs.report!) as RunReport & { sites?: unknown };
    expect(single.sites).toBeUndefined();
    expect(single.context.site).toBe('portal');
    expect(JSON.parse(recorded.outputs.plan!)).toMatchObject({ site: 'portal', steps: expect.any(Array) });
    expect((sink.requests[0]!.body as { blocks: { text: { text: string } }[] }).blocks[0]!.text.text).toBe(
      '✅ portal purged',
    );
  });

  it('a dry run of all: every plan in the plan output, one summary and one Slack message', async () => {
    const { recorded } = await purge({ site: 'all', 'dry-run': 'true' }, MAIN_FAILS);
    expect(recorded.failed).toBe(false);
    expect(aws.calls).toHaveLength(0);
    const plan = JSON.parse(recorded.outputs.plan!) as { sites: { site: string }[] };
    expect(plan.sites.map((p) => p.site)).toEqual(['portal', 'main', 'shop']);
    expect(recorded.summary).toContain('## 📝 3 sites purge planned (dry run): portal, main, shop');
    const message = sink.requests[0]!.body as { blocks: { text?: { text: string } }[] };
    expect(message.blocks[0]!.text!.text).toBe('📝 3 sites purge planned (dry run): portal, main, shop');
  });
});

describe('the live message in the channel of the command (slack-bot-token + slack-channel)', () => {
  const bot = { 'slack-bot-token': BOT_TOKEN, 'slack-channel': 'C0CHANNEL1', requester: '<@U2CERLKJA>' };
  const header = (r: { body: unknown }) =>
    (r.body as { blocks: { type: string; text?: { text: string } }[] }).blocks[0]!.text!.text;

  it('one message moves from "purging" to the per-site result; the failure mentions the requester in its thread', async () => {
    const { recorded } = await purge({ site: 'portal, main', ...bot }, MAIN_FAILS, undefined, {
      SLACK_API_URL: sink.apiUrl,
    });
    const api = sink.apiCalls();
    const [start] = api;
    expect(start!.apiMethod).toBe('chat.postMessage');
    expect(start!.body).toMatchObject({ channel: 'C0CHANNEL1' });
    expect(header(start!)).toBe('⏳ Purging 2 sites…');
    const updates = sink.apiCalls('chat.update');
    expect(updates.length).toBeGreaterThanOrEqual(2);
    const ts = (updates[0]!.body as { ts: string }).ts;
    expect(updates.every((u) => (u.body as { ts: string }).ts === ts)).toBe(true);
    // progress updates, then the result: never two within a second (on the run's clock)
    for (let i = 1; i < updates.length; i++)
      expect(updates[i]!.at - updates[i - 1]!.at).toBeGreaterThanOrEqual(1000);
    expect(header(updates.at(-1)!)).toBe('❌ 2 sites: 1 purged, 1 failed (main)');
    expect(updates.slice(0, -1).every((u) => header(u) === '⏳ Purging 2 sites…')).toBe(true);
    const reply = api.at(-1)!;
    expect(reply.apiMethod).toBe('chat.postMessage');
    expect(reply.body).toMatchObject({ channel: 'C0CHANNEL1', thread_ts: ts });
    expect((reply.body as { text: string }).text).toMatch(
      /^<@U2CERLKJA>, 1 site of 2 failed: .*\n• \*main\*: WP Rocket: /,
    );
    // the webhook stays quiet: the live message carries the result
    expect(sink.requests.filter((r) => r.apiMethod === undefined)).toHaveLength(0);
    // the token is masked and never written where people read
    expect(recorded.secrets).toContain(BOT_TOKEN);
    const written = [
      recorded.info,
      recorded.summary,
      Object.values(recorded.outputs),
      recorded.warnings,
    ].flat();
    expect(JSON.stringify(written)).not.toContain(BOT_TOKEN);
    expect(api.every((r) => r.token === BOT_TOKEN && !r.raw.includes(BOT_TOKEN))).toBe(true);
  });

  it('a purge that succeeds: the message ends as the result, no thread reply', async () => {
    await purge({ site: 'portal', ...bot }, MAIN_FAILS, undefined, { SLACK_API_URL: sink.apiUrl });
    const api = sink.apiCalls();
    expect(header(api.at(-1)!)).toBe('✅ portal purged');
    expect(api.at(-1)!.apiMethod).toBe('chat.update');
    expect(sink.apiCalls('chat.postMessage')).toHaveLength(1);
  });

  it('Slack refuses the first post: a warning, and the result goes to the webhook as before', async () => {
    aws.reset(MAIN_FAILS);
    const answers = { status: 200, body: '{"ok":false,"error":"not_in_channel"}' };
    const pending = purge({ site: 'portal', ...bot }, MAIN_FAILS, undefined, { SLACK_API_URL: sink.apiUrl });
    sink.script(answers); // purge() reset the sink synchronously before its first await
    const { recorded } = await pending;
    expect(recorded.warnings.map((w) => w.message)).toContain(
      'Live Slack message not posted: Slack answered "not_in_channel": the app is not in the channel; invite it there (/invite @Cache Purge).',
    );
    const hooks = sink.requests.filter((r) => r.apiMethod === undefined);
    expect(hooks).toHaveLength(1);
    expect(header(hooks[0]!)).toBe('✅ portal purged');
  });

  it('only slack-channel set (a team without a bot): no live message, a note, the webhook as before', async () => {
    const { recorded } = await purge({ site: 'portal', 'slack-channel': 'C0CHANNEL1' }, MAIN_FAILS);
    expect(sink.apiCalls()).toHaveLength(0);
    expect(recorded.info).toContain(
      'No live Slack message: slack-channel is set (C0CHANNEL1) but slack-bot-token is empty; the result goes to slack-webhook-url, if set.',
    );
    expect(sink.requests).toHaveLength(1);
  });

  it('bad inputs fail before anything runs, naming the input and the fix', async () => {
    const { recorded } = await purge({ site: 'portal', ...bot, 'slack-channel': '#ops' }, MAIN_FAILS);
    expect(aws.calls).toHaveLength(0);
    expect(recorded.errors[0]!.message).toContain(
      'Input "slack-channel" is "#ops"; use a channel id such as C0123ABCD',
    );
    const token = await purge(
      { site: 'portal', ...bot, 'slack-bot-token': 'xoxp-user-token-0123456789' },
      MAIN_FAILS,
    );
    expect(token.recorded.errors[0]!.message).toMatch(
      /^Input "slack-bot-token" is not a Slack bot token \(xoxb-…\)/,
    );
    expect(JSON.stringify(token.recorded.errors)).not.toContain('xoxp-user-token');
    const api = await purge({ site: 'portal', ...bot }, MAIN_FAILS, undefined, {
      SLACK_API_URL: 'http://slack.example.com/api/',
    });
    expect(api.recorded.errors[0]!.message).toMatch(/^SLACK_API_URL must be an https URL/);
  });
});
