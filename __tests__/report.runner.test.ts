// Runner-level tests of what users see after a real run: dist/index.js spawned exactly as the GitHub
// runner does, with no AWS keys (credentials only through OIDC + STS from the AWS double), posting with
// the real @slack/webhook to a local sink. Success, failure, cancellation, a Slack outage, a credentials
// failure, and a full purge whose known secrets must not appear anywhere a person or Slack reads.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  errorAnnotations,
  exampleConfig,
  runAction,
  warningAnnotations as warnings,
  type ActionRun,
} from './helpers/run-action.js';
import { startAwsDouble, type AwsDouble, type AwsDoubleOptions } from './helpers/aws-double.js';
import { SLACK_ANSWERS, startSlackSink, type SlackSink } from './helpers/slack-sink.js';
import { formatDuration } from '../src/shared/text.js';

const ROLE = 'arn:aws:iam::123456789012:role/cache-purge';
const PORTAL = ['i-0123456789abcdef0', 'i-0123456789abcdef1', 'i-0123456789abcdef2'];
/** The example sites file, with portal on three instances. */
const CONFIG = {
  '.github/cache-purge.yml': exampleConfig.replace(
    'instance-ids: [i-0123456789abcdef0]',
    `instance-ids: [${PORTAL.join(', ')}]`,
  ),
};
const W3_RESULT = 'CACHE_PURGE_RESULT {"files":56,"bytes":789000,"method":"wp-cli","durationMs":300}';
const FASTCGI_RESULT =
  'CACHE_PURGE_RESULT {"files":1234,"bytes":12900000,"method":"find-delete","durationMs":42}';
const PURGE_SCRIPTS: AwsDoubleOptions = {
  documents: {
    'CachePurge-W3TotalCache': { default: { runMs: 40, stdout: `Flushing W3 Total Cache\n${W3_RESULT}` } },
    'CachePurge-FastCGI': {
      default: { runMs: 60, stdout: `Purging /var/cache/nginx/portal\n${FASTCGI_RESULT}` },
    },
  },
};
const RUNNER_ENV = {
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

interface Payload {
  text: string;
  blocks: {
    type: string;
    text?: { text: string };
    fields?: { text: string }[];
    elements?: { text: string }[];
  }[];
}
interface Report {
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
const blockTexts = (payload: Payload) =>
  payload.blocks.map((b) =>
    [b.text?.text, ...(b.fields ?? []).map((f) => f.text), ...(b.elements ?? []).map((e) => e.text)]
      .filter((t) => t !== undefined)
      .join('\n'),
  );
const payloads = (sink: SlackSink) => sink.requests.map((r) => r.body as Payload);
const reportOf = (run: ActionRun) => JSON.parse(run.outputs.report!) as Report;

let double: AwsDouble;
let sink: SlackSink;
beforeAll(async () => {
  [double, sink] = await Promise.all([startAwsDouble(), startSlackSink()]);
});
afterAll(async () => {
  await Promise.all([double.close(), sink.close()]);
});
beforeEach(() => {
  sink.reset();
});

function purge(options: {
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

describe('a successful portal purge, where users look', () => {
  it('Slack, summary, log and outputs tell the same story, consistent with what AWS was asked', async () => {
    const run = await purge({ script: PURGE_SCRIPTS });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(errorAnnotations(run.stdout)).toEqual([]);
    expect(warnings(run.stdout)).toEqual([]);

    // outputs ↔ the double's records
    const report = reportOf(run);
    expect(run.outputs.status).toBe('success');
    expect(report.status).toBe('success');
    const commandIds = JSON.parse(run.outputs['command-ids']!) as string[];
    expect(commandIds).toEqual([report.steps[0]!.commandId, report.steps[1]!.commandId]);
    expect(double.callsOf('SendCommand')).toHaveLength(2);
    expect(commandIds.map((id) => double.commands.get(id)?.documentName)).toEqual([
      'CachePurge-W3TotalCache',
      'CachePurge-FastCGI',
    ]);
    const invalidationIds = JSON.parse(run.outputs['invalidation-ids']!) as string[];
    expect(invalidationIds).toEqual([report.steps[2]!.invalidationId]);
    expect(double.callsOf('CreateInvalidation')).toHaveLength(1);
    expect(double.invalidations.get(invalidationIds[0]!)).toMatchObject({
      distributionId: 'E2EXAMPLE12345',
      paths: ['/*'],
    });
    const durationMs = Number(run.outputs['duration-ms']);
    expect(durationMs).toBe(report.durationMs);
    expect(durationMs).toBeGreaterThanOrEqual(report.steps.reduce((sum, s) => sum + s.durationMs, 0));
    // the normal path reads no output again (issue 3's call bound)
    expect(double.callsOf('GetCommandInvocation')).toEqual([]);

    // Slack: exactly one message
    expect(sink.requests).toHaveLength(1);
    const [payload] = payloads(sink);
    expect(payload!.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: '✅ portal purged', emoji: true },
    });
    const texts = blockTexts(payload!);
    expect(texts[1]).toBe(
      `*Requested by*\n<@U2CERLKJA>\n*Trigger*\nSlack command\n*Took*\n${formatDuration(durationMs)}\n*Commit*\n\`main @ 1a2b3c4\``,
    );
    const stepLines = texts.find((t) => t.startsWith('✅ *W3 Total Cache*'))!.split('\n');
    const d = '(?:\\d+ ms|\\d+(?:\\.\\d)? s)';
    expect(stepLines).toHaveLength(3);
    expect(stepLines[0]).toMatch(
      new RegExp(
        `^✅ \\*W3 Total Cache\\* · ${d} · 3/3 instances · 168 files \\(2\\.3 MiB\\) removed · wp-cli$`,
      ),
    );
    expect(stepLines[1]).toMatch(
      new RegExp(
        `^✅ \\*FastCGI cache\\* · ${d} · 3/3 instances · 3,702 files \\(37 MiB\\) removed · find-delete$`,
      ),
    );
    expect(stepLines[2]).toMatch(
      new RegExp(
        `^✅ \\*CloudFront\\* · ${d} · E2EXAMPLE12345 · invalidation ${invalidationIds[0]} \\(InProgress\\) of /\\*$`,
      ),
    );
    expect(texts.at(-1)).toBe(
      '<https://github.com/acme/portal/actions/runs/987654321|View the workflow run> · acme/portal · Purge cache',
    );
    expect(payload!.text).toBe(`✅ portal purged (requested by <@U2CERLKJA>, ${formatDuration(durationMs)})`);

    // job summary
    expect(run.summary.startsWith('## ✅ portal purged\n')).toBe(true);
    expect(run.summary).toContain(
      `Requested by **Slack user U2CERLKJA** · trigger: Slack command · commit \`main @ 1a2b3c4\` · took ${formatDuration(durationMs)} · [workflow run](https://github.com/acme/portal/actions/runs/987654321)`,
    );
    expect(run.summary).toMatch(
      /\| 1 \| W3 Total Cache \| ✅ succeeded \| \d+ ms \| 3\/3 instances \| 168 files \(2\.3 MiB\) removed · wp-cli \|/,
    );
    expect(run.summary).toMatch(
      /\| 2 \| FastCGI cache \| ✅ succeeded \| \d+ ms \| 3\/3 instances \| 3,702 files \(37 MiB\) removed · find-delete \|/,
    );
    expect(run.summary).toContain(
      `| E2EXAMPLE12345 | invalidation ${invalidationIds[0]} (InProgress) of /* |`,
    );
    expect(run.summary).toContain(`- \`${invalidationIds[0]}\` on \`E2EXAMPLE12345\` (InProgress): \`/*\``);
    expect(run.summary.match(/<details>/g)).toHaveLength(1); // the executed plan only

    // log
    expect(run.stdout).toContain(
      'Purging portal: 3 steps in order, requested by Slack user U2CERLKJA, trigger: Slack command.',
    );
    // durations read the same in the log as in Slack and the summary
    expect(run.stdout).toContain(`\nCache purge of portal: success in ${formatDuration(durationMs)}.\n`);
    for (const [i, step] of report.steps.entries()) {
      expect(run.stdout).toContain(
        `\n${i + 1}. ${step.name}: success (${formatDuration(step.durationMs)})\n`,
      );
      expect(run.summary).toContain(
        `| ${i + 1} | ${step.name} | ✅ succeeded | ${formatDuration(step.durationMs)} |`,
      );
    }
    expect(run.stdout).toMatch(
      new RegExp(
        `\\n {2}✓ ${PORTAL[1]}: Success in \\d+ ms — 1,234 files, 12 MiB removed \\(find-delete\\)\\n`,
      ),
    );
    expect(run.stdout).toContain('Slack: result message posted.\n');
  });
});

describe('a failed portal purge', () => {
  it('an Undeliverable instance and a script exit code: Slack and summary name both and the fixes; one error; CloudFront skipped', async () => {
    // ~7,000 characters: more than ListCommandInvocations keeps (2,500), less than GetCommandInvocation's 8,000.
    const stderrLines = Array.from(
      { length: 100 },
      (_, i) => `rm: cannot remove '/var/cache/nginx/portal/${i}/5f3a9c': Permission denied`,
    );
    const run = await purge({
      script: {
        documents: {
          ...PURGE_SCRIPTS.documents,
          'CachePurge-FastCGI': {
            default: { runMs: 60, stdout: FASTCGI_RESULT },
            instances: {
              [PORTAL[1]!]: { fault: 'Undeliverable' },
              [PORTAL[2]!]: {
                runMs: 50,
                exitCode: 2,
                stdout: 'Purging /var/cache/nginx/portal',
                stderr: stderrLines.join('\n'),
              },
            },
          },
        },
      },
    });
    expect(run.code).toBe(1);
    expect(run.outputs.status).toBe('failure');
    const report = reportOf(run);
    expect(report.steps.map((s) => s.status)).toEqual(['success', 'failed', 'skipped']);
    expect(double.callsOf('CreateInvalidation')).toEqual([]);
    expect(JSON.parse(run.outputs['invalidation-ids']!)).toEqual([]);
    // the cut stderr of the failed script was read again, once, in full
    expect(double.callsOf('GetCommandInvocation').map((c) => c.input.InstanceId)).toEqual([PORTAL[2]]);
    const failed = report.steps[1]!.instances!.find((i) => i.instanceId === PORTAL[2])!;
    expect(failed.stderr).toBe(stderrLines.join('\n'));

    // Slack
    expect(sink.requests).toHaveLength(1);
    const [payload] = payloads(sink);
    expect(payload!.blocks[0]!.text!.text).toBe('❌ portal purge failed at FastCGI cache');
    const texts = blockTexts(payload!);
    expect(texts).toContainEqual(
      expect.stringMatching(
        /^❌ \*FastCGI cache\* · \d+ ms · 1\/3 instances · 1,234 files \(12 MiB\) removed · find-delete · 1 of 3 instances reported a result$/,
      ),
    );
    const details = texts.find((t) => t.startsWith('• '))!;
    expect(details).toContain(
      `• Undeliverable on ${PORTAL[1]}: SSM could not deliver the command: the SSM agent is not running on the instance, or its instance profile lacks the AmazonSSMManagedInstanceCore policy`,
    );
    expect(details).toContain(`• exit code 2 on ${PORTAL[2]}: the purge script failed: see its output`);
    expect(details).toContain(
      `\`${PORTAL[2]}\` Failed (exit code 2)\n\`\`\`${stderrLines.slice(0, 5).join('\n')}\`\`\``,
    );
    expect(texts).toContain('⏭ *CloudFront* · not run: FastCGI cache failed');
    expect(payload!.text).toMatch(
      new RegExp(
        `^❌ portal purge failed at FastCGI cache \\(requested by <@U2CERLKJA>, .+\\): Undeliverable on ${PORTAL[1]}; exit code 2 on ${PORTAL[2]}$`,
      ),
    );

    // one error annotation, naming the fixes
    const errors = errorAnnotations(run.stdout);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.properties).toBe('title=portal: FastCGI cache failed');
    expect(errors[0]!.message).toMatch(
      /^Step 2 "FastCGI cache" of portal failed after \d+ ms \(1\/3 instances succeeded\)\.\n/,
    );
    expect(errors[0]!.message).toContain('AmazonSSMManagedInstanceCore');
    expect(errors[0]!.message).toContain(
      `- exit code 2 on ${PORTAL[2]}: the purge script failed: see its output`,
    );
    expect(errors[0]!.message.endsWith('\nNot run: CloudFront.')).toBe(true);

    // job summary: the failed instance's whole output in <details>
    expect(run.summary.startsWith('## ❌ portal purge failed at FastCGI cache\n')).toBe(true);
    expect(run.summary).toMatch(
      /\| 2 \| FastCGI cache \| ❌ failed \| \d+ ms \| 1\/3 instances \| failed on i-0123456789abcdef1 Undeliverable, i-0123456789abcdef2 Failed \(exit code 2\) · 1,234 files/,
    );
    expect(run.summary).not.toContain('did not succeed'); // the step's own summary is not repeated
    expect(run.summary).toContain('| 3 | CloudFront | ⏭ skipped | – | – | not run: FastCGI cache failed |');
    expect(run.summary).toContain(
      `<details>\n<summary>FastCGI cache: <code>${PORTAL[2]}</code> Failed (exit code 2), 50 ms</summary>\n\nStandard error:\n\n\`\`\`text\n${stderrLines.join('\n')}\n\`\`\`\n\nStandard output:\n\n\`\`\`text\nPurging /var/cache/nginx/portal\n\`\`\`\n\n</details>`,
    );
    expect(run.summary).toContain(
      `<summary>FastCGI cache: <code>${PORTAL[1]}</code> Undeliverable</summary>\n\nNo output.`,
    );
  });

  it('a credentials failure before any step: Slack and summary say so with the trust-policy fix; one error', async () => {
    const run = await purge({ script: { sts: { accessDenied: true } } });
    expect(run.code).toBe(1);
    expect(run.outputs.status).toBe('failure');
    expect(double.calls.filter((c) => c.service === 'ssm' || c.service === 'cloudfront')).toEqual([]);
    const fix = `STS denied AssumeRoleWithWebIdentity for ${ROLE} (Not authorized to perform sts:AssumeRoleWithWebIdentity). This job's token has sub "repo:example/site:ref:refs/heads/main" and aud "sts.amazonaws.com"; the role's trust policy must allow exactly that`;

    expect(sink.requests).toHaveLength(1);
    const [payload] = payloads(sink);
    expect(payload!.blocks[0]!.text!.text).toBe('❌ portal purge failed before any step ran');
    const texts = blockTexts(payload!);
    expect(texts).toContainEqual(expect.stringContaining(`*Could not assume the role*: ${fix}`));
    expect(texts.join('\n')).toContain(
      '"token.actions.githubusercontent.com:sub" matching "repo:example/site:ref:refs/heads/main"',
    );
    expect(texts).toContainEqual(
      [
        '⏭ *W3 Total Cache* · not run: the run failed before any step started',
        '⏭ *FastCGI cache* · not run: the run failed before any step started',
        '⏭ *CloudFront* · not run: the run failed before any step started',
      ].join('\n'),
    );
    expect(payload!.text).toMatch(
      /^❌ portal purge failed before any step ran \(requested by <@U2CERLKJA>, .+\): Could not assume the role$/,
    );

    expect(run.summary.startsWith('## ❌ portal purge failed before any step ran\n')).toBe(true);
    expect(run.summary).toContain(`> **Could not assume the role** (CredentialsError): ${fix}`);

    const errors = errorAnnotations(run.stdout);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.properties).toBe('title=Could not assume the role');
    expect(errors[0]!.message).toContain(fix);
    expect(errors[0]!.message.endsWith('\nNot run: W3 Total Cache, FastCGI cache, CloudFront.')).toBe(true);
  });
});

describe('no AWS credentials at all (no role-to-assume, nothing in the environment)', () => {
  it('is a run-level failure before any step: Slack, summary and one error name the fix; nothing is sent to AWS', async () => {
    const run = await purge({
      script: PURGE_SCRIPTS,
      inputs: { 'role-to-assume': '' },
      env: {
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
        AWS_CONFIG_FILE: '/nonexistent/config',
      },
    });
    expect(run.code).toBe(1);
    expect(run.outputs.status).toBe('failure');
    expect(double.calls).toEqual([]);
    const fix =
      'Fix: set the "role-to-assume" input to the ARN of an IAM role that trusts GitHub\'s OIDC provider (the job then needs `permissions: id-token: write`), or run aws-actions/configure-aws-credentials before this step.';

    const [payload] = payloads(sink);
    expect(payload!.blocks[0]!.text!.text).toBe('❌ portal purge failed before any step ran');
    expect(payload!.text).toMatch(/: No AWS credentials$/);
    const texts = blockTexts(payload!).join('\n');
    expect(texts).toContain('*No AWS credentials*: No AWS credentials were found.');
    expect(texts).toContain('or run aws-actions/configure-aws-credentials before this step.');
    expect(texts).toContain('⏭ *W3 Total Cache* · not run: the run failed before any step started');
    expect(texts).not.toContain('answered');

    expect(run.summary.startsWith('## ❌ portal purge failed before any step ran\n')).toBe(true);
    expect(run.summary).toContain(
      '> **No AWS credentials** (CredentialsError): No AWS credentials were found.',
    );
    expect(run.summary).toContain(fix);
    expect(run.summary).not.toContain('### ');

    const errors = errorAnnotations(run.stdout);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.properties).toBe('title=No AWS credentials');
    expect(errors[0]!.message).toContain(fix);
    expect(reportOf(run).steps.map((s) => s.status)).toEqual(['skipped', 'skipped', 'skipped']);
  });
});

describe('a cancelled portal purge', () => {
  it('SIGTERM mid-step: the ⏹ message reaches Slack before the process exits; CancelCommand; a warning; exit non-zero promptly', async () => {
    let signalledAt = 0;
    const run = await purge({
      script: {
        documents: { ...PURGE_SCRIPTS.documents, 'CachePurge-FastCGI': { default: { runMs: 60_000 } } },
      },
      onStart: (child) => {
        const timer = setInterval(() => {
          const second = double.callsOf('SendCommand')[1];
          if (second && double.callsOf('ListCommands').some((c) => c.seq > second.seq)) {
            clearInterval(timer);
            signalledAt = Date.now();
            child.kill('SIGTERM');
          }
        }, 10);
      },
    });
    const exitedAt = Date.now();
    expect(run.code).toBe(1);
    expect(signalledAt).toBeGreaterThan(0);
    expect(exitedAt - signalledAt).toBeLessThan(3_000);
    expect(run.outputs.status).toBe('cancelled');
    const report = reportOf(run);
    expect(report.steps.map((s) => s.status)).toEqual(['success', 'cancelled', 'skipped']);
    expect(double.callsOf('CancelCommand').map((c) => c.input.CommandId)).toEqual([
      report.steps[1]!.commandId,
    ]);

    expect(sink.requests).toHaveLength(1);
    expect(sink.requests[0]!.at).toBeGreaterThanOrEqual(signalledAt);
    expect(sink.requests[0]!.at).toBeLessThanOrEqual(exitedAt);
    const [payload] = payloads(sink);
    expect(payload!.blocks[0]!.text!.text).toBe('⏹ portal purge cancelled');
    const texts = blockTexts(payload!);
    expect(texts).toContainEqual(
      expect.stringMatching(/\n⏹ \*FastCGI cache\* · \d+ ms · 0\/3 instances · not finished on /),
    );
    expect(texts).toContainEqual(expect.stringContaining('⏭ *CloudFront* · not run: the run was cancelled'));
    expect(texts).toContain(
      'Cancelled during *FastCGI cache*. Steps already done stay done; the caches may be partly purged. Run the purge again to finish.',
    );

    expect(errorAnnotations(run.stdout)).toEqual([]);
    expect(warnings(run.stdout)).toEqual([
      {
        properties: 'title=portal: purge cancelled',
        message:
          'The run was cancelled during step 2 "FastCGI cache"; its command was cancelled (best effort: a script already running may still finish). Already done: W3 Total Cache. The caches may be partly purged: run the purge again.',
      },
    ]);
    expect(run.summary.startsWith('## ⏹ portal purge cancelled\n')).toBe(true);
  });
});

describe('Slack down during a successful purge', () => {
  it('is a warning and changes nothing else; with fail-on-slack-error: true the step fails', async () => {
    const [down, downToo] = await Promise.all([startSlackSink(), startSlackSink()]);
    down.setFallback(SLACK_ANSWERS.serverError);
    downToo.setFallback(SLACK_ANSWERS.serverError);
    try {
      double.reset(PURGE_SCRIPTS);
      const [lenient, strict] = await Promise.all([
        purge({ script: PURGE_SCRIPTS, slack: down, reset: false }),
        purge({
          script: PURGE_SCRIPTS,
          slack: downToo,
          reset: false,
          inputs: { 'fail-on-slack-error': 'true' },
        }),
      ]);
      const notPosted =
        'Slack message not posted: Slack answered HTTP 500: Slack seems to be having an outage (after 4 attempts).';

      expect(lenient.code).toBe(0);
      expect(lenient.outputs.status).toBe('success');
      expect(reportOf(lenient).steps.map((s) => s.status)).toEqual(['success', 'success', 'success']);
      expect(down.requests).toHaveLength(4);
      expect(errorAnnotations(lenient.stdout)).toEqual([]);
      expect(warnings(lenient.stdout)).toEqual([
        {
          properties: 'title=Slack message not posted',
          message: `${notPosted} The purge result above is unaffected; set fail-on-slack-error: true to fail the step instead.`,
        },
      ]);
      expect(lenient.summary.startsWith('## ✅ portal purged\n')).toBe(true);

      expect(strict.code).toBe(1);
      expect(strict.outputs.status).toBe('success'); // the purge itself succeeded
      expect(downToo.requests).toHaveLength(4);
      expect(warnings(strict.stdout)).toEqual([]);
      expect(errorAnnotations(strict.stdout)).toEqual([
        {
          properties: 'title=Slack message not posted',
          message: `${notPosted} (fail-on-slack-error is true, so this fails the step.)`,
        },
      ]);
    } finally {
      await Promise.all([down.close(), downToo.close()]);
    }
  });
});

describe('secrets', () => {
  it('a full purge: no known secret appears in the log, stderr, summary, any output or the Slack payload', async () => {
    // A purge script that echoes its environment, Slack webhook included: its output reaches the report.
    const echoing = `SLACK_WEBHOOK_URL=${sink.webhookUrl}\n${FASTCGI_RESULT}`;
    const run = await purge({
      script: {
        documents: {
          ...PURGE_SCRIPTS.documents,
          'CachePurge-FastCGI': { default: { runMs: 60, stdout: echoing } },
        },
      },
    });
    expect(run.code).toBe(0);
    expect(run.outputs.report).toContain('SLACK_WEBHOOK_URL=***');
    const issued = double.issuedCredentials.at(-1)!;
    const idToken = double.issuedIdTokens.at(-1)!;
    const webhookPath = new URL(sink.webhookUrl).pathname;
    const secrets: Record<string, string> = {
      'webhook URL': sink.webhookUrl,
      'webhook path': webhookPath,
      'OIDC token': idToken,
      'OIDC request token': double.requestToken,
      'access key id': issued.accessKeyId,
      'secret access key': issued.secretAccessKey,
      'session token': issued.sessionToken,
    };
    // the run did use them: signed with the key, posted to the webhook
    expect(
      double.calls.filter((c) => c.service === 'ssm').every((c) => c.accessKeyId === issued.accessKeyId),
    ).toBe(true);
    expect(sink.requests.map((r) => r.path)).toEqual([webhookPath]);
    for (const value of [
      sink.webhookUrl,
      idToken,
      issued.accessKeyId,
      issued.secretAccessKey,
      issued.sessionToken,
    ])
      expect(run.stdout).toContain(`::add-mask::${value}\n`);

    const log = run.stdout
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n');
    const places: Record<string, string> = {
      stdout: log,
      stderr: run.stderr,
      summary: run.summary,
      ...Object.fromEntries(Object.entries(run.outputs).map(([name, value]) => [`output ${name}`, value])),
      ...Object.fromEntries(sink.requests.map((r, i) => [`Slack payload ${i + 1}`, r.raw])),
    };
    expect(Object.keys(places)).toEqual(
      expect.arrayContaining(['output report', 'output status', 'output duration-ms', 'Slack payload 1']),
    );
    const leaks = Object.entries(places).flatMap(([place, text]) =>
      Object.entries(secrets)
        .filter(([, value]) => text.includes(value))
        .map(([name]) => `${name} in ${place}`),
    );
    expect(leaks).toEqual([]);
  });
});
