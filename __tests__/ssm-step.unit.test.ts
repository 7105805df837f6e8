// The SSM step runner on a fake clock with a mocked SSM client (aws-sdk-client-mock): how many polls,
// how long it waits, grace for a command not visible yet, the step timeout and cancellation.

import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CancelCommandCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  SendCommandCommand,
  SSMClient,
  type CommandInvocation,
  type CommandInvocationStatus,
  type CommandPluginStatus,
} from '@aws-sdk/client-ssm';
import { runSsmStep } from '../src/action/run/ssm-step.js';
import { sendCommandInput } from '../src/action/run/requests.js';
import type { SsmPlanStep } from '../src/action/plan/plan.js';
import { FakeClock } from './helpers/fakes.js';

const step: SsmPlanStep = {
  index: 2,
  kind: 'ssm',
  name: 'FastCGI cache',
  region: 'us-east-1',
  document: 'CachePurge-FastCGI',
  documentVersion: '3',
  parameters: { CachePath: ['/var/cache/nginx/portal'] },
  targets: { tags: { Site: ['portal'] } },
  deliveryTimeoutSeconds: 120,
  maxConcurrency: '10',
  maxErrors: '0',
};
const context = {
  site: 'portal',
  requester: 'octocat',
  trigger: 'manual' as const,
  runId: '5',
  runAttempt: '1',
};
const ssm = new SSMClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' },
});
const mock = mockClient(ssm);
const invocation = (id: string, status = 'Success'): CommandInvocation => ({
  InstanceId: id,
  Status: status as CommandInvocationStatus,
  StatusDetails: status,
  CommandPlugins: [
    {
      Status: status as CommandPluginStatus,
      ResponseCode: status === 'Success' ? 0 : status === 'Failed' ? 1 : -1,
      Output: 'ok',
    },
  ],
});

let clock: FakeClock;
let lines: string[];
const deps = (over: Partial<Parameters<typeof runSsmStep>[2]> = {}) => ({
  ssm,
  clock,
  signal: new AbortController().signal,
  log: (l: string) => void lines.push(l),
  stepTimeoutMs: 600_000,
  ...over,
});

beforeEach(() => {
  mock.reset();
  clock = new FakeClock();
  lines = [];
  mock.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-1' } });
});

describe('runSsmStep', () => {
  it('sends the step as SendCommand asks for it', () => {
    expect(sendCommandInput(step, context)).toEqual({
      DocumentName: 'CachePurge-FastCGI',
      DocumentVersion: '3',
      Parameters: { CachePath: ['/var/cache/nginx/portal'] },
      Comment: 'cache-purge portal run 5/1 by octocat',
      TimeoutSeconds: 120,
      MaxConcurrency: '10',
      MaxErrors: '0',
      Targets: [{ Key: 'tag:Site', Values: ['portal'] }],
    });
    expect(
      sendCommandInput({ ...step, targets: { instanceIds: ['i-0123456789abcdef0'] } }, context),
    ).toMatchObject({
      InstanceIds: ['i-0123456789abcdef0'],
    });
  });

  it('polls ListCommands until terminal, reads invocations once, and prints progress at most every 5 s', async () => {
    let polls = 0;
    mock.on(ListCommandsCommand).callsFake(() => {
      polls++;
      const done = clock.t >= 12_000;
      return {
        Commands: [{ Status: done ? 'Success' : 'InProgress', TargetCount: 3, CompletedCount: done ? 3 : 1 }],
      };
    });
    mock.on(ListCommandInvocationsCommand).resolves({
      CommandInvocations: ['i-1', 'i-2', 'i-3'].map((id) => invocation(id)),
    });
    const report = await runSsmStep(step, context, deps());
    expect(report.status).toBe('success');
    expect(report.targetCount).toBe(3);
    expect(report.commandId).toBe('cmd-1');
    expect(mock.commandCalls(ListCommandInvocationsCommand)).toHaveLength(1);
    expect(polls).toBeLessThanOrEqual(2 + 12.1 + 2);
    expect(polls / (clock.t / 1000)).toBeLessThanOrEqual(1);
    const progress = lines.filter((l) => l.startsWith('FastCGI cache: '));
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress.length).toBeLessThanOrEqual(3);
    expect(progress[0]).toMatch(/^FastCGI cache: 1\/3 instances done \(\d+(\.\d)? s\)$/);
  });

  it('treats an unknown command and an empty invocation list as pending during the grace period', async () => {
    let calls = 0;
    mock.on(ListCommandsCommand).callsFake(() => {
      calls++;
      if (calls === 1) throw Object.assign(new Error('no such command'), { name: 'InvalidCommandId' });
      if (calls === 2) return { Commands: [] };
      return { Commands: [{ Status: 'Success', TargetCount: 1 }] };
    });
    mock
      .on(ListCommandInvocationsCommand)
      .resolvesOnce({ CommandInvocations: [] })
      .resolves({ CommandInvocations: [invocation('i-1')] });
    const report = await runSsmStep(step, context, deps());
    expect(report.status).toBe('success');
    expect(report.instances.map((i) => i.instanceId)).toEqual(['i-1']);
  });

  it('gives up on a command never visible after the grace period', async () => {
    mock.on(ListCommandsCommand).resolves({ Commands: [] });
    const report = await runSsmStep(step, context, deps({ graceMs: 10_000 }));
    expect(report.status).toBe('failed');
    expect(report.error?.code).toBe('CommandNotFound');
    expect(clock.t).toBeLessThan(15_000);
  });

  it('past the step timeout cancels the command and reports timed-out', async () => {
    mock
      .on(ListCommandsCommand)
      .resolves({ Commands: [{ Status: 'InProgress', TargetCount: 1, CompletedCount: 0 }] });
    mock.on(CancelCommandCommand).resolves({});
    mock
      .on(ListCommandInvocationsCommand)
      .resolves({ CommandInvocations: [invocation('i-1', 'InProgress')] });
    const report = await runSsmStep(step, context, deps({ stepTimeoutMs: 30_000 }));
    expect(report.status).toBe('timed-out');
    expect(report.error?.code).toBe('StepTimedOut');
    expect(mock.commandCalls(CancelCommandCommand)[0]!.args[0].input).toEqual({ CommandId: 'cmd-1' });
    expect(clock.t).toBe(30_000);
    expect(lines).toContain('  ✗ i-1: InProgress — still running when the step ended');
  });

  it('cancellation cancels the command in flight and reports cancelled', async () => {
    const controller = new AbortController();
    mock.on(ListCommandsCommand).callsFake(() => {
      if (clock.t > 3_000) controller.abort();
      return { Commands: [{ Status: 'InProgress', TargetCount: 1 }] };
    });
    mock.on(CancelCommandCommand).resolves({});
    mock.on(ListCommandInvocationsCommand).resolves({ CommandInvocations: [] });
    const report = await runSsmStep(step, context, deps({ signal: controller.signal }));
    expect(report.status).toBe('cancelled');
    expect(mock.commandCalls(CancelCommandCommand)).toHaveLength(1);
  });

  it('a SendCommand error fails the step with the AWS error name', async () => {
    mock.on(SendCommandCommand).rejects(
      Object.assign(new Error('User is not authorized to perform ssm:SendCommand'), {
        name: 'AccessDeniedException',
      }),
    );
    const report = await runSsmStep(step, context, deps());
    expect(report).toMatchObject({ status: 'failed', error: { code: 'AccessDeniedException' } });
    expect(lines.at(-1)).toBe(
      'SendCommand failed: AccessDeniedException: User is not authorized to perform ssm:SendCommand',
    );
  });
});
