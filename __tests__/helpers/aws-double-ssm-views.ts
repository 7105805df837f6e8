// What the AWS double's SSM shows of a command at a given time (aws-double-ssm.ts keeps the commands):
// each invocation's status as SSM reports it (Pending, InProgress, the faults, exit codes, Cancelled),
// the parent command's status (with SSM's trap: Undeliverable does not fail the parent), the
// ListCommandInvocations pages, and the plugin Output cut to 2,500 characters as the agent cuts it.
//
// Plain erasable TypeScript, like aws-double.ts.

import type { InstanceScript } from './aws-double-options.ts';

export interface Invocation {
  instanceId: string;
  script: InstanceScript;
  startAt: number;
  endAt: number;
  cancelAt?: number;
}

export interface SsmCommand {
  commandId: string;
  documentName: string;
  documentVersion: string;
  comment: string;
  parameters: Record<string, string[]>;
  targets: { Key: string; Values: string[] }[];
  instanceIds: string[];
  timeoutSeconds: number;
  maxConcurrency: string;
  maxErrors: string;
  requestedAt: number;
  invocations: Invocation[];
}

export const PLUGIN_NAME = 'aws:runShellScript';
export const TERMINAL = new Set(['Success', 'Failed', 'TimedOut', 'Cancelled']);

/**
 * A plugin's `Output` as ListCommandInvocations(Details=true) shows it: stdout, then stderr after SSM's
 * ERROR line, at most 2,500 characters in all; a stream that does not fit is cut and ends with the
 * agent's marker (`---Output truncated---` / `---Error truncated----`). When both overflow, each gets
 * half the room; when one fits, the other gets the rest. (GetCommandInvocation keeps 24,000 / 8,000.)
 */
export function pluginOutput(stdout: string, stderr: string, capacity = 2500): string {
  const SEPARATOR = '\n----------ERROR-------\n';
  const OUT = '\n---Output truncated---';
  const ERR = '\n---Error truncated----';
  const join = (out: string, err: string) => (stderr ? `${out}${SEPARATOR}${err}` : out);
  if (join(stdout, stderr).length <= capacity) return join(stdout, stderr);
  if (!stderr) return stdout.slice(0, capacity - OUT.length) + OUT;
  const room = capacity - SEPARATOR.length;
  const half = Math.floor(room / 2);
  if (stdout.length <= half) return join(stdout, stderr.slice(0, room - stdout.length - ERR.length) + ERR);
  if (stderr.length <= half) return join(stdout.slice(0, room - stderr.length - OUT.length) + OUT, stderr);
  const each = Math.floor((room - OUT.length - ERR.length) / 2);
  return join(stdout.slice(0, each) + OUT, stderr.slice(0, each) + ERR);
}

/** What one invocation shows at `now()`: status, details, response code; finished = it ran to its end. */
export function invocationView(inv: Invocation, now: () => number) {
  const t = now();
  const cancelled = inv.cancelAt !== undefined && inv.cancelAt <= t && inv.cancelAt < inv.endAt;
  const fault = inv.script.fault;
  // Undeliverable and Delivery Timed Out never start on the instance.
  const started = t >= inv.startAt && fault !== 'Undeliverable' && fault !== 'DeliveryTimedOut';
  const pick = (status: string, statusDetails: string, responseCode: number, finished: boolean) => ({
    status,
    statusDetails,
    responseCode,
    finished,
    started,
  });
  if (cancelled) return pick('Cancelled', 'Cancelled', -1, false);
  if (t < inv.endAt) {
    if (!started) return pick('Pending', 'Pending', -1, false);
    return pick('InProgress', 'InProgress', -1, false);
  }
  if (fault === 'Undeliverable') return pick('Failed', 'Undeliverable', -1, false);
  if (fault === 'DeliveryTimedOut') return pick('TimedOut', 'Delivery Timed Out', -1, false);
  if (fault === 'ExecutionTimedOut') return pick('TimedOut', 'Execution Timed Out', -1, true);
  const code = inv.script.exitCode ?? 0;
  return code === 0 ? pick('Success', 'Success', 0, true) : pick('Failed', 'Failed', code, true);
}

/** The command as ListCommands shows it: SSM's parent status, counted from its invocations. */
export function commandView(command: SsmCommand, now: () => number) {
  const views = command.invocations.map((inv) => invocationView(inv, now));
  const terminal = views.filter((v) => TERMINAL.has(v.status));
  const errorCount = views.filter(
    (v) => v.statusDetails === 'Failed' || v.statusDetails === 'Execution Timed Out',
  ).length;
  const deliveryTimedOut = views.filter((v) => v.statusDetails === 'Delivery Timed Out').length;
  let status: string;
  let details: string;
  if (views.length === 0) [status, details] = ['Success', 'No Instances In Tag'];
  else if (terminal.length < views.length)
    [status, details] = views.some((v) => v.started) ? ['InProgress', 'InProgress'] : ['Pending', 'Pending'];
  else if (views.some((v) => v.status === 'Cancelled')) [status, details] = ['Cancelled', 'Cancelled'];
  else if (errorCount > 0) [status, details] = ['Failed', 'Failed'];
  else if (deliveryTimedOut === views.length) [status, details] = ['TimedOut', 'Delivery Timed Out'];
  // SSM's trap, reproduced: Undeliverable and Delivery Timed Out do not make the parent fail.
  else [status, details] = ['Success', 'Success'];
  return {
    CommandId: command.commandId,
    DocumentName: command.documentName,
    DocumentVersion: command.documentVersion,
    Comment: command.comment,
    Parameters: command.parameters,
    InstanceIds: command.instanceIds,
    Targets: command.targets,
    RequestedDateTime: command.requestedAt / 1000,
    Status: status,
    StatusDetails: details,
    MaxConcurrency: command.maxConcurrency,
    MaxErrors: command.maxErrors,
    TimeoutSeconds: command.timeoutSeconds,
    TargetCount: views.length,
    CompletedCount: terminal.length,
    ErrorCount: errorCount,
    DeliveryTimedOutCount: deliveryTimedOut,
  };
}

/** One page of ListCommandInvocations for a visible command (MaxResults ≤ 50, NextToken, Details). */
export function invocationsPage(command: SsmCommand, input: Record<string, unknown>, now: () => number) {
  const pageSize = Math.min(50, Number(input.MaxResults ?? 50));
  const start = input.NextToken ? Number(Buffer.from(String(input.NextToken), 'base64').toString()) : 0;
  const page = command.invocations.slice(start, start + pageSize);
  const details = input.Details === true;
  const items = page.map((inv) => {
    const view = invocationView(inv, now);
    const output = view.finished ? pluginOutput(inv.script.stdout ?? '', inv.script.stderr ?? '') : '';
    return {
      CommandId: command.commandId,
      InstanceId: inv.instanceId,
      InstanceName: '',
      Comment: command.comment,
      DocumentName: command.documentName,
      DocumentVersion: command.documentVersion,
      RequestedDateTime: command.requestedAt / 1000,
      Status: view.status,
      StatusDetails: view.statusDetails,
      ...(details && {
        CommandPlugins: [
          {
            Name: PLUGIN_NAME,
            Status: view.status,
            StatusDetails: view.statusDetails,
            ResponseCode: view.responseCode,
            ...(view.started && { ResponseStartDateTime: inv.startAt / 1000 }),
            ...(TERMINAL.has(view.status) &&
              view.started && {
                ResponseFinishDateTime: Math.min(inv.endAt, inv.cancelAt ?? Infinity) / 1000,
              }),
            Output: output,
          },
        ],
      }),
    };
  });
  const next = start + pageSize < command.invocations.length ? start + pageSize : undefined;
  return {
    CommandInvocations: items,
    ...(next !== undefined && { NextToken: Buffer.from(String(next)).toString('base64') }),
  };
}
