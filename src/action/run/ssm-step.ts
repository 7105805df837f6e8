// Runs one SSM step against AWS: SendCommand, then polling ListCommands (one call per poll, whatever
// the fleet size) until the command is over or the step timeout cancels it, then one paginated
// ListCommandInvocations(Details=true) to learn every instance's result — plus GetCommandInvocation
// only for outputs SSM cut at 2,500 characters with no CACHE_PURGE_RESULT left (at most 10 per step).
// Decisions live in src/action/run/ssm-step-decisions.ts and SendCommand's input in requests.ts; this
// file only talks to SSM, the clock and the log.

import {
  CancelCommandCommand,
  GetCommandInvocationCommand,
  ListCommandsCommand,
  SendCommandCommand,
  paginateListCommandInvocations,
  type CommandInvocation,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import type { SsmPlanStep } from '../plan/plan.js';
import type { InstanceReport, RunContext, SsmStepReport } from '../report/report.js';
import { sendCommandInput } from './requests.js';
import {
  DEFAULT_POLL_POLICY,
  MAX_FULL_OUTPUT_READS,
  SSM_OUTPUT_LIMITS,
  decideSsmStep,
  fullOutputRequests,
  instanceLine,
  instanceReport,
  isTerminalCommandStatus,
  nextPollDelayMs,
  progressLine,
  type FullPluginOutput,
  type PollPolicy,
} from './ssm-step-decisions.js';
import { formatCount, formatDuration, plural } from '../../shared/text.js';
import type { Clock } from '../clock.js';
import { awsErrorName, errorMessage } from './aws-answers.js';
import { reportFinisher, stepReport } from './step-report.js';

interface SsmStepDependencies {
  ssm: SSMClient;
  clock: Clock;
  /** Aborts when the job is cancelled. */
  signal: AbortSignal;
  log: (line: string) => void;
  stepTimeoutMs: number;
  pollPolicy?: PollPolicy;
  /** How long an unknown command / empty invocation list counts as "not visible yet". */
  graceMs?: number;
  /** Minimum time between two progress lines. */
  progressEveryMs?: number;
  /** Bound on the CancelCommand call made while cancelling. */
  cancelCallTimeoutMs?: number;
}

const NOT_VISIBLE_YET = new Set(['InvalidCommandId', 'InvocationDoesNotExist']);
const TRANSIENT = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'InternalServerError',
  'ServiceUnavailable',
  'RequestTimeout',
  'TimeoutError',
]);

export async function runSsmStep(
  step: SsmPlanStep,
  context: RunContext,
  deps: SsmStepDependencies,
): Promise<SsmStepReport> {
  const { ssm, clock, signal, log } = deps;
  const policy = deps.pollPolicy ?? DEFAULT_POLL_POLICY;
  const graceMs = Math.min(deps.graceMs ?? 30_000, deps.stepTimeoutMs);
  const progressEveryMs = deps.progressEveryMs ?? 5_000;
  const started = clock.now();
  const deadline = started + deps.stepTimeoutMs;
  const report = stepReport(step, 'failed', clock.date().toISOString());
  const finish = reportFinisher(report, clock, started);

  if (signal.aborted)
    return finish('cancelled', {
      code: 'Cancelled',
      message: 'The job was cancelled before this step started.',
    });

  let commandId: string;
  try {
    const sent = await ssm.send(new SendCommandCommand(sendCommandInput(step, context)), {
      abortSignal: signal,
    });
    commandId = sent.Command?.CommandId ?? '';
    if (!commandId)
      throw Object.assign(new Error('SendCommand returned no CommandId'), { name: 'NoCommandId' });
  } catch (error) {
    if (signal.aborted) {
      log(`Cancelled while sending the command; SSM may still have received it.`);
      return finish('cancelled', {
        code: 'Cancelled',
        message: 'The job was cancelled while sending the command.',
      });
    }
    const code = awsErrorName(error);
    log(`SendCommand failed: ${code}: ${errorMessage(error)}`);
    return finish('failed', { code, message: `SendCommand ${step.document} failed: ${errorMessage(error)}` });
  }
  report.commandId = commandId;
  log(`Sent command ${commandId} (${step.document}) in ${step.region}.`);

  // --- wait until the command is over ---------------------------------------------------------
  let polls = 0;
  let lastProgress = started;
  let ended: 'done' | 'timed-out' | 'cancelled' = 'done';
  for (;;) {
    const elapsed = clock.now() - started;
    const wait = Math.min(nextPollDelayMs(polls, elapsed, policy), deadline - clock.now());
    await clock.sleep(wait, signal);
    if (signal.aborted) {
      ended = 'cancelled';
      break;
    }
    if (clock.now() >= deadline) {
      ended = 'timed-out';
      break;
    }
    polls++;
    let command;
    try {
      const listed = await ssm.send(new ListCommandsCommand({ CommandId: commandId }), {
        abortSignal: signal,
      });
      command = listed.Commands?.[0];
    } catch (error) {
      if (signal.aborted) {
        ended = 'cancelled';
        break;
      }
      const code = awsErrorName(error);
      if (TRANSIENT.has(code)) {
        log(`ListCommands: ${code} (${errorMessage(error)}); still waiting.`);
        continue;
      }
      if (!NOT_VISIBLE_YET.has(code)) {
        log(`ListCommands failed: ${code}: ${errorMessage(error)}`);
        return finish('failed', {
          code,
          message: `Could not follow command ${commandId}: ${errorMessage(error)}`,
        });
      }
    }
    if (!command) {
      if (clock.now() - started > graceMs) {
        log(`Command ${commandId} is still not visible in ListCommands after ${formatDuration(graceMs)}.`);
        return finish('failed', {
          code: 'CommandNotFound',
          message: `SSM did not list command ${commandId} within ${formatDuration(graceMs)} of sending it.`,
        });
      }
      continue;
    }
    report.targetCount = command.TargetCount ?? 0;
    if (isTerminalCommandStatus(command.Status)) break;
    if (clock.now() - lastProgress >= progressEveryMs) {
      lastProgress = clock.now();
      log(
        progressLine(step.name, command.CompletedCount ?? 0, command.TargetCount ?? 0, clock.now() - started),
      );
    }
  }

  if (ended !== 'done') {
    const cancelled = await cancelCommand(ssm, commandId, deps.cancelCallTimeoutMs ?? 5_000);
    log(
      `${ended === 'timed-out' ? `Step timeout (${formatDuration(deps.stepTimeoutMs)}) reached` : 'Job cancelled'}: ${cancelled ? `sent CancelCommand for ${commandId}` : `CancelCommand for ${commandId} failed`} (best effort: a script already running may still finish on the instance).`,
    );
    report.instances = await readInvocations(
      ssm,
      commandId,
      AbortSignal.timeout(deps.cancelCallTimeoutMs ?? 5_000),
      log,
    ).catch(() => []);
    for (const instance of report.instances) log(`  ${instanceLine(instance)}`);
    if (ended === 'timed-out') {
      return finish('timed-out', {
        code: 'StepTimedOut',
        message: `No result within step-timeout-seconds (${formatDuration(deps.stepTimeoutMs)}); command ${commandId} was cancelled (best effort). Raise step-timeout-seconds if the purge legitimately takes longer.`,
      });
    }
    return finish('cancelled', {
      code: 'Cancelled',
      message: `The job was cancelled; command ${commandId} was cancelled (best effort).`,
    });
  }

  // --- read every invocation once -------------------------------------------------------------
  let instances: InstanceReport[];
  for (;;) {
    try {
      instances = await readInvocations(ssm, commandId, signal, log);
    } catch (error) {
      if (signal.aborted)
        return finish('cancelled', { code: 'Cancelled', message: 'The job was cancelled.' });
      const code = awsErrorName(error);
      log(`ListCommandInvocations failed: ${code}: ${errorMessage(error)}`);
      return finish('failed', {
        code,
        message: `Could not read the results of ${commandId}: ${errorMessage(error)}`,
      });
    }
    // Just after the command ends the list can still be empty (eventual consistency): bounded retry.
    if (instances.length >= report.targetCount || clock.now() - started > graceMs || clock.now() >= deadline)
      break;
    await clock.sleep(nextPollDelayMs(0, 0, policy), signal);
  }
  report.instances = instances;
  for (const instance of instances) log(`  ${instanceLine(instance)}`);
  const decision = decideSsmStep(report.targetCount, instances);
  if (!decision.ok) log(decision.error!.message);
  return finish(decision.ok ? 'success' : 'failed', decision.error);
}

/**
 * Every invocation of the command, once (paginated ListCommandInvocations, Details=true), then — only
 * for outputs SSM cut at 2,500 characters that hold no CACHE_PURGE_RESULT, at most 10 per step — the
 * full output from GetCommandInvocation. A read that fails keeps the cut output (and says so).
 */
async function readInvocations(
  ssm: SSMClient,
  commandId: string,
  signal: AbortSignal,
  log: (line: string) => void,
): Promise<InstanceReport[]> {
  const invocations: CommandInvocation[] = [];
  const pages = paginateListCommandInvocations(
    { client: ssm, pageSize: 50 },
    { CommandId: commandId, Details: true },
    { abortSignal: signal }, // the paginator forwards extra arguments to client.send: bounds each page
  );
  for await (const page of pages) {
    if (signal.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
    invocations.push(...(page.CommandInvocations ?? []));
  }
  const { requests, notRead } = fullOutputRequests(invocations);
  const full = new Map<string, Record<string, FullPluginOutput>>();
  const failures: string[] = [];
  await Promise.all(
    requests.map(async ({ instanceId, pluginName }) => {
      try {
        const got = await ssm.send(
          new GetCommandInvocationCommand({
            CommandId: commandId,
            InstanceId: instanceId,
            PluginName: pluginName,
          }),
          { abortSignal: signal },
        );
        const outputs = full.get(instanceId) ?? {};
        outputs[pluginName] = {
          stdout: got.StandardOutputContent ?? '',
          stderr: got.StandardErrorContent ?? '',
        };
        full.set(instanceId, outputs);
      } catch (error) {
        if (signal.aborted) throw error;
        failures.push(`${instanceId}: ${awsErrorName(error)}`);
      }
    }),
  );
  if (failures.length > 0) {
    log(
      `Could not read the full output of ${failures.join(', ')} (GetCommandInvocation); keeping the first ${formatCount(SSM_OUTPUT_LIMITS.pluginOutput)} characters SSM listed.`,
    );
  }
  if (notRead > 0) {
    log(
      `The output of ${plural(notRead, 'more instance')} was cut by SSM at ${formatCount(SSM_OUTPUT_LIMITS.pluginOutput)} characters and not read again (at most ${plural(MAX_FULL_OUTPUT_READS, 'full read')} per step).`,
    );
  }
  return invocations.map((invocation) => instanceReport(invocation, full.get(invocation.InstanceId ?? '')));
}

async function cancelCommand(ssm: SSMClient, commandId: string, timeoutMs: number): Promise<boolean> {
  try {
    await ssm.send(new CancelCommandCommand({ CommandId: commandId }), {
      abortSignal: AbortSignal.timeout(timeoutMs),
    });
    return true;
  } catch {
    return false;
  }
}
