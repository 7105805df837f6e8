// Secrets never reach what users read: with known secret values (the Slack webhook URL, the OIDC token,
// assumed-role keys) placed in the run report — in instance output, error messages, the context — and in
// the environment, none appears in the Slack payload (as the sink received it), the job summary, the
// annotations or the outputs that publish writes. Also the redaction itself.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishRunReport } from '../src/action/report/publish.js';
import { REDACTED, redactDeep, redactor } from '../src/action/report/redact.js';
import { startSlackSink, type SlackSink } from './helpers/slack-sink.js';
import { recordingRunner } from './helpers/recording-runner.js';
import { exitCodeReport, undeliverableReport } from './helpers/report-fixtures.js';

const OIDC_TOKEN =
  'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJyZXBvOmFjbWUvcG9ydGFsOnJlZjpyZWZzL2hlYWRzL21haW4ifQ.c2lnbmF0dXJlLXNlY3JldA';
const ACCESS_KEY_ID = 'ASIAQWERTYUIOPASDFGH';
const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEYsecret';
const SESSION_TOKEN = 'FwoGZXIvYXdzEJr//////////wEaDHsessiontokensecretvalue';
const REQUEST_TOKEN = 'runner-request-token-0123456789';

let sink: SlackSink;
beforeAll(async () => {
  sink = await startSlackSink();
});
afterAll(() => sink.close());

describe('no secret in anything published', () => {
  it('run report with secrets inside, env with secrets, Slack on', async () => {
    const webhookPath = new URL(sink.webhookUrl).pathname;
    const secrets = [
      sink.webhookUrl,
      webhookPath,
      OIDC_TOKEN,
      ACCESS_KEY_ID,
      SECRET_ACCESS_KEY,
      SESSION_TOKEN,
      REQUEST_TOKEN,
    ];
    const report = exitCodeReport(
      `curl ${sink.webhookUrl} failed\nAWS_SECRET_ACCESS_KEY=${SECRET_ACCESS_KEY}\ntoken ${OIDC_TOKEN}\nhttps://hooks.slack.com/services/T1/B1/othersecret`,
    );
    const step = report.steps[0]!;
    if (step.kind !== 'ssm') throw new Error('fixture');
    step.instances[0]!.stdout = `key ${ACCESS_KEY_ID} session ${SESSION_TOKEN} request ${REQUEST_TOKEN}`;
    step.error = { code: 'AccessDeniedException', message: `denied for ${ACCESS_KEY_ID}` };
    report.context = { ...report.context, requester: OIDC_TOKEN, workflow: `wf ${SECRET_ACCESS_KEY}` };
    step.name = `W3 ${SESSION_TOKEN}`;

    const { runner, recorded } = recordingRunner();
    await publishRunReport(report, {
      runner,
      env: {
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN,
        AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
        AWS_SESSION_TOKEN: SESSION_TOKEN,
      },
      // What the executor passes: the secrets it obtained (not in the environment).
      secrets: [OIDC_TOKEN, ACCESS_KEY_ID],
      slack: { webhookUrl: sink.webhookUrl, failOnError: false },
    });

    expect(sink.requests).toHaveLength(1);
    const published = [
      sink.requests[0]!.raw,
      recorded.summary,
      JSON.stringify(recorded.errors),
      JSON.stringify(recorded.warnings),
      JSON.stringify(recorded.outputs),
      recorded.info.join('\n'),
    ].join('\n');
    for (const secret of [...secrets, 'othersecret']) expect(published).not.toContain(secret);
    // What was redacted is visibly redacted, and the rest is still there.
    expect(recorded.summary).toContain(`AWS_SECRET_ACCESS_KEY=${REDACTED}`);
    expect(recorded.summary).toContain('exit code 2');
    expect(sink.requests[0]!.raw).toContain('curl *** failed');
  });

  it('the failure warning never contains the webhook URL', async () => {
    const { runner, recorded } = recordingRunner();
    sink.script({ status: 404, body: `channel_not_found ${sink.webhookUrl}` });
    await publishRunReport(undeliverableReport(), {
      runner,
      env: {},
      slack: { webhookUrl: sink.webhookUrl, failOnError: false },
      slackPost: { retry: { minTimeout: 1, maxTimeout: 2 } },
    });
    expect(recorded.warnings).toHaveLength(1);
    expect(recorded.warnings[0]!.message).toContain('channel_not_found ***');
    expect(JSON.stringify(recorded)).not.toContain(new URL(sink.webhookUrl).pathname);
  });
});

describe('redactor', () => {
  it('removes known values (longest first) and secret-shaped text; leaves short values alone', () => {
    const redact = redactor(['abcdef', 'abcdefghij', 'abc']);
    expect(redact('x abcdefghij y abcdef z abc')).toBe('x *** y *** z abc');
    expect(redact('AKIAIOSFODNN7EXAMPLE and https://hooks.slack.com/services/T/B/X|label')).toBe(
      '*** and ***|label',
    );
    expect(redact(OIDC_TOKEN)).toBe('***');
    expect(redactor([])('i-0123456789abcdef0 E2EXAMPLE12345 c0ffee10-1111-2222-3333-444455556666')).toBe(
      'i-0123456789abcdef0 E2EXAMPLE12345 c0ffee10-1111-2222-3333-444455556666',
    );
  });
  it('redactDeep cleans every string of a structure and keeps the rest', () => {
    expect(
      redactDeep(
        { a: ['secret-value', 1, true, null], b: { c: 'x secret-value' } },
        redactor(['secret-value']),
      ),
    ).toEqual({
      a: ['***', 1, true, null],
      b: { c: 'x ***' },
    });
  });
});
