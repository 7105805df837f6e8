// Runner-level tests of what users see after a real run (helpers/report-runner.ts): dist/index.js
// spawned exactly as the GitHub runner does, with no AWS keys (credentials only through OIDC + STS from
// the AWS double), posting with the real @slack/webhook to a local sink. A success, a failure, a
// credentials failure and no credentials at all — Slack, summary, log and outputs telling the same
// story. Cancellation, a Slack outage and secrets: report-delivery.runner.test.ts.

import { describe, expect, it } from 'vitest';
import { errorAnnotations, warningAnnotations as warnings } from './helpers/run-action.js';
import { formatDuration } from '../src/shared/text.js';
import {
  FASTCGI_RESULT,
  PORTAL,
  PURGE_SCRIPTS,
  ROLE,
  blockTexts,
  double,
  payloads,
  purge,
  reportOf,
  sink,
  useRunnerDoubles,
} from './helpers/report-runner.js';

useRunnerDoubles();

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
