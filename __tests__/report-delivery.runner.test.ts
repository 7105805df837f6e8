// Runner-level tests of what reaches people when a real run is cut short or Slack fails
// (helpers/report-runner.ts: dist/index.js spawned as the GitHub runner does, the AWS double, a local
// Slack sink): SIGTERM mid-step (the ⏹ message reaches Slack before the process exits), Slack down
// (a warning, or a failed step when asked), and a full purge whose known secrets appear nowhere a
// person or Slack reads.

import { describe, expect, it } from 'vitest';
import { errorAnnotations, warningAnnotations as warnings } from './helpers/run-action.js';
import { SLACK_ANSWERS, startSlackSink } from './helpers/slack-sink.js';
import {
  FASTCGI_RESULT,
  PURGE_SCRIPTS,
  blockTexts,
  double,
  payloads,
  purge,
  reportOf,
  sink,
  useRunnerDoubles,
} from './helpers/report-runner.js';

useRunnerDoubles();

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
