// What the report runner tests share (report*.runner.test.ts): the example sites file with portal on
// three instances, purge scripts with their result lines, the runner's environment, the shapes of the
// Slack payload and the report output, one AWS double and one Slack sink per file, and `purge` —
// dist/index.js spawned exactly as the GitHub runner does, with no AWS keys.

import { afterAll, beforeAll, beforeEach } from 'vitest';
import { exampleConfig, runAction, type ActionRun } from './run-action.js';
import { startAwsDouble, type AwsDouble, type AwsDoubleOptions } from './aws-double.js';
import { startSlackSink, type SlackSink } from './slack-sink.js';

export const ROLE = 'arn:aws:iam::123456789012:role/cache-purge';
export const PORTAL = ['i-0123456789abcdef0', 'i-0123456789abcdef1', 'i-0123456789abcdef2'];
/** The example sites file, with portal on three instances. */
export const CONFIG = {
  '.github/cache-purge.yml': exampleConfig.replace(
    'instance-ids: [i-0123456789abcdef0]',
    `instance-ids: [${PORTAL.join(', ')}]`,
  ),
};
export const W3_RESULT = 'CACHE_PURGE_RESULT {"files":56,"bytes":789000,"method":"wp-cli","durationMs":300}';
export const FASTCGI_RESULT =
  'CACHE_PURGE_RESULT {"files":1234,"bytes":12900000,"method":"find-delete","durationMs":42}';
export const PURGE_SCRIPTS: AwsDoubleOptions = {
  documents: {
    'CachePurge-W3TotalCache': { default: { runMs: 40, stdout: `Flushing W3 Total Cache\n${W3_RESULT}` } },
    'CachePurge-FastCGI': {
      default: { runMs: 60, stdout: `Purging /var/cache/nginx/portal\n${FASTCGI_RESULT}` },
    },
  },
};
export const RUNNER_ENV = {
  GITHUB_RUN_ID: '987654321',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_ACTOR: 'relay-app[bot]',
  GITHUB_EVENT_NAME: 'workflow_dispatch',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'acme/portal',
  GITHUB_REF: 'refs/heads/main',
  GITHUB_REF_NAME: 'main',
  GITHUB_SHA: '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b',
  GITHUB_WORKFLOW: 'Purge cache',
};

export interface Payload {
  text: string;
  blocks: {
    type: string;
    text?: { text: string };
    fields?: { text: string }[];
    elements?: { text: string }[];
  }[];
}
export interface Report {
  status: string;
  durationMs: number;
  steps: {
    name: string;
    status: string;
    durationMs: number;
    commandId?: string;
    invalidationId?: string;
    instances?: { instanceId: string; status: string; stderr: string; result?: unknown }[];
  }[];
}

/** Every text of a Block Kit payload, one string per block (fields and elements joined by newlines). */
export const blockTexts = (payload: Payload) =>
  payload.blocks.map((b) =>
    [b.text?.text, ...(b.fields ?? []).map((f) => f.text), ...(b.elements ?? []).map((e) => e.text)]
      .filter((t) => t !== undefined)
      .join('\n'),
  );
export const payloads = (sink: SlackSink) => sink.requests.map((r) => r.body as Payload);
export const reportOf = (run: ActionRun) => JSON.parse(run.outputs.report!) as Report;

/** The file's doubles (live bindings: set by useRunnerDoubles's beforeAll). */
export let double: AwsDouble;
export let sink: SlackSink;

/** Starts the AWS double and the Slack sink before the file's tests, empties the sink before each. */
export function useRunnerDoubles(): void {
  beforeAll(async () => {
    [double, sink] = await Promise.all([startAwsDouble(), startSlackSink()]);
  });
  afterAll(async () => {
    await Promise.all([double.close(), sink.close()]);
  });
  beforeEach(() => {
    sink.reset();
  });
}

/** Purges portal with dist/index.js as the runner starts it, the AWS double scripted with `script`. */
export function purge(options: {
  script: AwsDoubleOptions;
  inputs?: Record<string, string>;
  slack?: SlackSink;
  onStart?: Parameters<typeof runAction>[0]['onStart'];
  reset?: boolean;
  env?: Record<string, string>;
}): Promise<ActionRun> {
  if (options.reset !== false) double.reset(options.script);
  return runAction({
    inputs: {
      site: 'portal',
      'role-to-assume': ROLE,
      requester: '<@U2CERLKJA>',
      'slack-webhook-url': (options.slack ?? sink).webhookUrl,
      ...options.inputs,
    },
    files: CONFIG,
    env: { ...double.env(), ...RUNNER_ENV, ...options.env },
    ...(options.onStart && { onStart: options.onStart }),
  });
}
