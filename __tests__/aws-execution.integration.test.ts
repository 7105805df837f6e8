// The executor's SSM steps with the real AWS SDK clients against the local AWS protocol double
// (helpers/aws-execution.ts): every step in order with the assumed-role credentials, every instance
// fault the double can inject — and for each the truthful status, a log line naming the instance, and
// no later step run — throttling, pagination, step timeouts, cancellation, and instance output beyond
// what ListCommandInvocations holds. CloudFront steps: aws-execution-cloudfront; credentials:
// aws-execution-credentials.
// Over 300 lines: SSM steps and the reading of their output are one subject (apart: the SDK loaded twice).

import { describe, expect, it } from 'vitest';
import { pluginOutput, fakeInstanceIds } from './helpers/aws-double.js';
import {
  MAIN,
  PORTAL,
  RESULT,
  ROLE,
  double,
  operations,
  run,
  statuses,
  timeline,
  useExecutionDouble,
} from './helpers/aws-execution.js';

useExecutionDouble();

describe('executing a plan against the AWS double', () => {
  it('runs every step in order with the assumed-role credentials and reports each instance', async () => {
    const { report, recorded, log } = await run({
      defaultScript: { runMs: 150, stdout: `purged\n${RESULT}` },
    });
    expect(report.status).toBe('success');
    expect(statuses(report)).toEqual(['success', 'success', 'success']);
    const issued = double.issuedCredentials.at(-1)!;
    expect(issued).toMatchObject({ roleArn: ROLE, durationSeconds: 900 });
    expect(issued.roleSessionName).toMatch(/^cache-purge-portal-\d+-1$/);
    const signed = double.calls.filter((c) => c.service === 'ssm' || c.service === 'cloudfront');
    expect(signed.length).toBeGreaterThan(5);
    expect(new Set(signed.map((c) => c.accessKeyId))).toEqual(new Set([issued.accessKeyId]));
    expect(recorded.secrets).toEqual(
      expect.arrayContaining([issued.accessKeyId, issued.secretAccessKey, issued.sessionToken]),
    );
    const sends = double.callsOf('SendCommand');
    expect(sends.map((c) => c.input.DocumentName)).toEqual(['CachePurge-W3TotalCache', 'CachePurge-FastCGI']);
    expect(sends[0]!.input).toMatchObject({ InstanceIds: PORTAL, MaxErrors: '0', TimeoutSeconds: 300 });
    expect(String(sends[0]!.input.Comment)).toMatch(/^cache-purge portal run \d+\/1 by octocat$/);
    // Strictly in order: the second command is sent only after the first one ended on the double.
    const first = report.steps[0]!;
    expect(first.kind === 'ssm' && double.completedAt(first.commandId!)).toBeLessThan(sends[1]!.at);
    const [ssmStep] = report.steps;
    expect(ssmStep!.kind === 'ssm' && ssmStep!.instances[0]!.result).toEqual({
      files: 12,
      bytes: 4096,
      method: 'find-delete',
      durationMs: 7,
    });
    expect(log).toMatch(
      new RegExp(
        `\\n  ✓ ${PORTAL[0]}: Success in \\d+ ms — 12 files, 4\\.0 KiB removed \\(find-delete\\)\\n`,
      ),
    );
    const invalidation = double.callsOf('CreateInvalidation')[0]!;
    expect(invalidation.input).toMatchObject({ DistributionId: 'E2EXAMPLE12345', Paths: ['/*'] });
    expect(String(invalidation.input.CallerReference)).toMatch(
      /^cache-purge\/\d+\/1\/portal\/E2EXAMPLE12345$/,
    );
  });

  it('a parent Success with one Undeliverable instance fails the step, names the instance and runs nothing after', async () => {
    const { report, log } = await run({
      documents: { 'CachePurge-W3TotalCache': { instances: { [PORTAL[1]!]: { fault: 'Undeliverable' } } } },
    });
    const commandId = report.steps[0]!.kind === 'ssm' ? report.steps[0]!.commandId : '';
    const parent = await double.commands.get(commandId!);
    expect(parent).toBeDefined();
    expect(report.status).toBe('failure');
    expect(statuses(report)).toEqual(['failed', 'skipped', 'skipped']);
    expect(report.steps[0]!.error?.code).toBe('Undeliverable');
    expect(log).toContain(`✗ ${PORTAL[1]}: Undeliverable — SSM could not deliver the command`);
    expect(operations().filter((o) => o === 'SendCommand')).toHaveLength(1);
    expect(operations()).not.toContain('CreateInvalidation');
  });

  it.each([
    ['DeliveryTimedOut' as const, 'TimedOut', 'Delivery Timed Out', 'the instance is offline or stopped'],
    [
      'ExecutionTimedOut' as const,
      'TimedOut',
      'Execution Timed Out',
      "the script ran past the document's executionTimeout",
    ],
  ])(
    '%s on one instance fails the step with the instance named',
    async (fault, status, details, explanation) => {
      const { report, log } = await run({
        documents: { 'CachePurge-FastCGI': { instances: { [PORTAL[0]!]: { fault } } } },
      });
      expect(statuses(report)).toEqual(['success', 'failed', 'skipped']);
      const step = report.steps[1]!;
      expect(step.kind === 'ssm' && step.instances.find((i) => i.instanceId === PORTAL[0])).toMatchObject({
        status,
        statusDetails: details,
      });
      expect(log).toMatch(new RegExp(`✗ ${PORTAL[0]}: ${details}( in \\d+ ms)? — [^\\n]*${explanation}`));
    },
  );

  it('a script exit code fails the step with the code and the first stderr line', async () => {
    const { report, log } = await run({
      documents: {
        'CachePurge-W3TotalCache': {
          default: { exitCode: 0, stdout: RESULT },
          instances: {
            [PORTAL[0]!]: {
              exitCode: 3,
              stdout: 'flushing',
              stderr: 'Error: W3 Total Cache is not active.\nmore',
            },
          },
        },
      },
    });
    expect(statuses(report)).toEqual(['failed', 'skipped', 'skipped']);
    const step = report.steps[0]!;
    expect(step.kind === 'ssm' && step.instances.map((i) => [i.status, i.responseCode])).toEqual([
      ['Failed', 3],
      ['Success', 0],
    ]);
    expect(log).toMatch(
      new RegExp(
        `✗ ${PORTAL[0]}: Failed \\(exit code 3\\) in \\d+ ms — Error: W3 Total Cache is not active\\.`,
      ),
    );
  });

  it('survives throttling on every third SSM call and an InvocationDoesNotExist window after SendCommand, and throttled CloudFront polls', async () => {
    const { report } = await run(
      {
        throttleEvery: { ssm: 3, cloudfront: 2 },
        invisibleForMs: 700,
        cloudfront: { completeAfterMs: 1_200 },
      },
      'portal',
      { plan: { waitForInvalidation: true } },
    );
    expect(report.status).toBe('success');
    expect(operations()).toContain('ListCommands!ThrottlingException');
    expect(operations()).toContain('GetInvalidation!Throttling');
  });

  it('a tag that matches no instance is a failure, not a success', async () => {
    const { report, log } = await run({ tags: {} }, 'main');
    expect(report.status).toBe('failure');
    expect(report.steps[0]).toMatchObject({
      status: 'failed',
      targetCount: 0,
      error: { code: 'NoInstancesTargeted' },
    });
    expect(log).toContain('The targets matched no instance');
    expect(statuses(report)).toEqual(['failed', 'skipped']);
  });

  it('reads 120 tagged instances with paginated ListCommandInvocations, once', async () => {
    const ids = fakeInstanceIds(120);
    const { report } = await run({ tags: { 'Site=main': ids }, defaultScript: { runMs: 50 } }, 'main');
    expect(report.status).toBe('success');
    const step = report.steps[0]!;
    expect(step.kind === 'ssm' && step.instances.length).toBe(120);
    expect(double.callsOf('ListCommandInvocations')).toHaveLength(3);
    expect(double.callsOf('ListCommandInvocations').every((c) => c.input.Details === true)).toBe(true);
  });

  it('past step-timeout-seconds cancels the command, reports timed-out and skips the rest', async () => {
    const { report, log } = await run(
      { documents: { 'CachePurge-W3TotalCache': { default: { runMs: 10_000 } } } },
      'portal',
      { stepTimeoutSeconds: '1' },
    );
    expect(statuses(report)).toEqual(['timed-out', 'skipped', 'skipped']);
    expect(report.steps[0]!.durationMs).toBeLessThan(1_500);
    expect(operations()).toContain('CancelCommand');
    expect(log).toMatch(
      new RegExp(`✗ ${PORTAL[0]}: (InProgress — still running|Cancelled — the command was cancelled)`),
    );
  });

  it('cancellation mid-step cancels the command in flight and skips the rest', async () => {
    const controller = new AbortController();
    timeline.after(800, () => controller.abort());
    const { report } = await run(
      { documents: { 'CachePurge-FastCGI': { default: { runMs: 10_000 } } } },
      'portal',
      { signal: controller.signal },
    );
    expect(report.status).toBe('cancelled');
    expect(statuses(report)).toEqual(['success', 'cancelled', 'skipped']);
    const cancel = double.callsOf('CancelCommand')[0]!;
    expect(cancel.input.CommandId).toBe(report.steps[1]!.kind === 'ssm' && report.steps[1]!.commandId);
  });
});

describe('instance output beyond what ListCommandInvocations holds (2,500 characters)', () => {
  const LONG = Array.from(
    { length: 80 },
    (_, i) => `removed /var/cache/nginx/main/${i}/${'x'.repeat(32)}`,
  ).join('\n');
  const ssmCalls = () => double.calls.filter((c) => c.service === 'ssm').map((c) => c.operation);

  it('the double cuts Output as the SSM agent does (its own examples, capacity 100)', () => {
    const sample = 'This is a sample text. '.repeat(20);
    expect(pluginOutput('sample output', 'sample error', 100)).toBe(
      'sample output\n----------ERROR-------\nsample error',
    );
    expect(pluginOutput(sample, '', 100)).toBe(`${sample.slice(0, 77)}\n---Output truncated---`);
    expect(pluginOutput('', sample, 100)).toBe(
      `\n----------ERROR-------\n${sample.slice(0, 53)}\n---Error truncated----`,
    );
    expect(pluginOutput(sample, sample, 100)).toBe(
      `${sample.slice(0, 15)}\n---Output truncated---\n----------ERROR-------\n${sample.slice(0, 15)}\n---Error truncated----`,
    );
  });

  it('a long output loses its CACHE_PURGE_RESULT line in the list; it is read again with GetCommandInvocation', async () => {
    const { report, log } = await run(
      { tags: MAIN, defaultScript: { runMs: 50, stdout: `${LONG}\n${RESULT}` } },
      'main',
    );
    expect(report.status).toBe('success');
    const step = report.steps[0]!;
    if (step.kind !== 'ssm') throw new Error('expected an SSM step');
    const [instance] = step.instances;
    expect(instance!.result).toEqual({ files: 12, bytes: 4096, method: 'find-delete', durationMs: 7 });
    expect(instance!.stdout).toBe(`${LONG}\n${RESULT}`);
    expect(instance!.outputTruncated).toBeUndefined();
    const gets = double.callsOf('GetCommandInvocation');
    expect(gets.map((c) => c.input)).toEqual([
      { CommandId: step.commandId, InstanceId: 'i-0123456789abcdef2', PluginName: 'aws:runShellScript' },
    ]);
    expect(log).toMatch(/Success in \d+ ms — 12 files, 4\.0 KiB removed \(find-delete\)/);
  });

  it('the normal path (short outputs with their result line) reads nothing again: 2 + ⌈N/50⌉ + polls calls', async () => {
    const ids = fakeInstanceIds(120, 7);
    const { report } = await run(
      { tags: { 'Site=main': ids }, defaultScript: { runMs: 50, stdout: `purged\n${RESULT}` } },
      'main',
    );
    expect(report.status).toBe('success');
    const calls = ssmCalls();
    expect(calls).not.toContain('GetCommandInvocation');
    const polls = calls.filter((op) => op === 'ListCommands').length;
    // the pre-flight's one GetDocument of the step's document, before anything runs
    expect(calls.filter((op) => op === 'GetDocument')).toHaveLength(1);
    expect(calls[0]).toBe('GetDocument');
    const step = calls.slice(1);
    // SendCommand, the polls, and one ListCommandInvocations per page of 50: within issue 3's bound.
    expect(step).toHaveLength(1 + polls + Math.ceil(120 / 50));
    expect(step.length).toBeLessThanOrEqual(2 + Math.ceil(120 / 50) + polls);
  });

  it('reads at most 10 cut outputs per step, in full up to 24,000 / 8,000 characters, and says how many it left', async () => {
    const ids = fakeInstanceIds(14, 9);
    const failing = Object.fromEntries(
      ids
        .slice(0, 12)
        .map((id) => [
          id,
          { exitCode: 1, stdout: 'o'.repeat(30_000), stderr: `rm: denied ${id}\n${'e'.repeat(20_000)}` },
        ]),
    );
    const { report, log } = await run(
      {
        tags: { 'Site=main': ids },
        documents: {
          'CachePurge-FastCGI': { default: { runMs: 50, stdout: `ok\n${RESULT}` }, instances: failing },
        },
      },
      'main',
    );
    expect(report.status).toBe('failure');
    const step = report.steps[0]!;
    if (step.kind !== 'ssm') throw new Error('expected an SSM step');
    expect(double.callsOf('GetCommandInvocation')).toHaveLength(10);
    const read = step.instances.filter((i) => i.stdout.length === 24_000);
    expect(read).toHaveLength(10);
    for (const instance of read) {
      expect(instance.stderr).toHaveLength(8_000);
      expect(instance.stderr.startsWith(`rm: denied ${instance.instanceId}`)).toBe(true);
      expect(instance.outputTruncated).toBe(true); // still SSM's first 24,000 / 8,000 only
    }
    const listedOnly = step.instances.filter((i) => i.status === 'Failed' && i.stdout.length < 24_000);
    expect(listedOnly).toHaveLength(2);
    for (const instance of listedOnly) {
      expect(instance.stdout.length + instance.stderr.length).toBeLessThan(2_500);
      expect(instance.stdout).not.toContain('---Output truncated---'); // the marker is SSM's, not output
      expect(instance.outputTruncated).toBe(true);
    }
    expect(
      step.instances.filter((i) => i.status === 'Success').every((i) => i.result && !i.outputTruncated),
    ).toBe(true);
    expect(log).toContain(
      'The output of 2 more instances was cut by SSM at 2,500 characters and not read again (at most 10 full reads per step).',
    );
  });

  it('a role that may not call GetCommandInvocation keeps the cut output and says so; the step result stands', async () => {
    const { report, log } = await run(
      {
        tags: MAIN,
        ssmDenied: ['GetCommandInvocation'],
        defaultScript: { runMs: 50, stdout: `${LONG}\n${RESULT}` },
      },
      'main',
    );
    expect(report.status).toBe('success');
    const step = report.steps[0]!;
    if (step.kind !== 'ssm') throw new Error('expected an SSM step');
    expect(step.instances[0]!).toMatchObject({ status: 'Success', outputTruncated: true });
    expect(step.instances[0]!.result).toBeUndefined();
    expect(log).toContain(
      'Could not read the full output of i-0123456789abcdef2: AccessDeniedException (GetCommandInvocation); keeping the first 2,500 characters SSM listed.',
    );
  });
});
