// The AWS double's SSM Run Command (aws-double.ts routes `AmazonSSM.*` calls here): SendCommand with
// its targets (instance ids, tags), concurrency batches and each instance's script, ListCommands,
// ListCommandInvocations, GetCommandInvocation (24,000 / 8,000 characters), CancelCommand, GetDocument
// (ssm-document-contents.ts) and the document-version calls (ssm-document-versions.ts). What a command
// shows at a given time is aws-double-ssm-views.ts.
//
// Plain erasable TypeScript with node: imports only, like aws-double.ts.

import { randomUUID } from 'node:crypto';
import type { AwsDoubleOptions, InstanceScript } from './aws-double-options.ts';
import {
  PLUGIN_NAME,
  commandView,
  invocationView,
  invocationsPage,
  type Invocation,
  type SsmCommand,
} from './aws-double-ssm-views.ts';
import { DoubleError } from './aws-double-wire.ts';
import { SsmDocumentContents } from './ssm-document-contents.ts';
import { SsmDocumentVersions } from './ssm-document-versions.ts';

export class SsmDouble {
  readonly commands = new Map<string, SsmCommand>();
  /** Seeded document versions (none by default: SendCommand then runs any version). */
  readonly documentVersions = new SsmDocumentVersions();
  /** GetDocument's content: the bundled files, or what a test sets in `documentContents.overrides`. */
  readonly documentContents = new SsmDocumentContents();
  private readonly options: () => AwsDoubleOptions;
  private readonly now: () => number;

  constructor(options: () => AwsDoubleOptions, now: () => number) {
    this.options = options;
    this.now = now;
  }

  /** When the command ended on the double (every invocation terminal), or undefined if it has not. */
  completedAt(commandId: string): number | undefined {
    const command = this.commands.get(commandId);
    if (!command) return undefined;
    let last = command.requestedAt;
    for (const inv of command.invocations) {
      const end = inv.cancelAt !== undefined && inv.cancelAt < inv.endAt ? inv.cancelAt : inv.endAt;
      last = Math.max(last, end);
    }
    return last <= this.now() ? last : undefined;
  }

  private scriptFor(document: string, instanceId: string): InstanceScript {
    const doc = this.options().documents?.[document];
    return doc?.instances?.[instanceId] ?? doc?.default ?? this.options().defaultScript ?? {};
  }

  private resolveTargets(targets: { Key: string; Values: string[] }[]): string[] {
    let selected: string[] | undefined;
    for (const { Key, Values } of targets) {
      let ids: string[];
      if (Key === 'InstanceIds') ids = Values;
      else if (Key.startsWith('tag:')) {
        const tag = Key.slice(4);
        ids = Values.flatMap((v) => this.options().tags?.[`${tag}=${v}`] ?? []);
      } else throw new DoubleError(400, 'InvalidTarget', `the double does not resolve target key ${Key}`);
      selected = selected ? selected.filter((id) => ids.includes(id)) : [...new Set(ids)];
    }
    return selected ?? [];
  }

  /** Answers one SSM operation (the double's JSON 1.1 body → its answer), or throws a DoubleError. */
  handle(operation: string, input: Record<string, unknown>): unknown {
    switch (operation) {
      case 'SendCommand':
        return this.sendCommand(input);
      case 'ListCommands': {
        const command = this.visibleCommand(String(input.CommandId));
        return { Commands: command ? [commandView(command, this.now)] : [] };
      }
      case 'ListCommandInvocations': {
        const command = this.visibleCommand(String(input.CommandId));
        return command ? invocationsPage(command, input, this.now) : { CommandInvocations: [] };
      }
      case 'GetCommandInvocation': {
        const command = this.visibleCommand(String(input.CommandId));
        const inv = command?.invocations.find((i) => i.instanceId === input.InstanceId);
        if (!command || !inv) throw new DoubleError(400, 'InvocationDoesNotExist', '');
        if (input.PluginName !== undefined && input.PluginName !== PLUGIN_NAME) {
          throw new DoubleError(400, 'InvalidPluginName', `no plugin ${String(input.PluginName)}`);
        }
        const view = invocationView(inv, this.now);
        const [stdout, stderr] = view.finished
          ? [inv.script.stdout ?? '', inv.script.stderr ?? '']
          : ['', ''];
        return {
          CommandId: command.commandId,
          InstanceId: inv.instanceId,
          Comment: command.comment,
          DocumentName: command.documentName,
          DocumentVersion: command.documentVersion,
          PluginName: PLUGIN_NAME,
          ResponseCode: view.responseCode,
          Status: view.status,
          StatusDetails: view.statusDetails,
          StandardOutputContent: stdout.slice(0, 24_000),
          StandardErrorContent: stderr.slice(0, 8_000),
        };
      }
      case 'GetDocument':
        return this.documentContents.getDocument(input);
      case 'CancelCommand': {
        const command = this.commands.get(String(input.CommandId));
        if (!command) throw new DoubleError(400, 'InvalidCommandId', '');
        const only = input.InstanceIds as string[] | undefined;
        const at = this.now() + (this.options().cancelDelayMs ?? 30);
        for (const inv of command.invocations) {
          if (only && !only.includes(inv.instanceId)) continue;
          if (inv.script.ignoresCancel) continue;
          if (inv.endAt > this.now() && inv.cancelAt === undefined) inv.cancelAt = at;
        }
        return {};
      }
      default: {
        const answer = this.documentVersions.handle(operation, input);
        if (answer !== undefined) return answer;
        throw new DoubleError(400, 'UnknownOperationException', `the double does not speak ${operation}`);
      }
    }
  }

  private sendCommand(input: Record<string, unknown>): unknown {
    const documentName = String(input.DocumentName ?? '');
    if (!documentName) throw new DoubleError(400, 'ValidationException', 'DocumentName is required');
    const comment = String(input.Comment ?? '');
    if (comment.length > 100) {
      throw new DoubleError(400, 'ValidationException', 'Comment must be at most 100 characters');
    }
    const targets = (input.Targets as { Key: string; Values: string[] }[] | undefined) ?? [];
    const instanceIds = (input.InstanceIds as string[] | undefined) ?? [];
    if (instanceIds.length > 50) throw new DoubleError(400, 'ValidationException', 'at most 50 InstanceIds');
    this.documentVersions.checkSend(documentName, input.DocumentVersion);
    const ids = instanceIds.length > 0 ? instanceIds : this.resolveTargets(targets);
    const maxConcurrency = String(input.MaxConcurrency ?? '50');
    const concurrency = maxConcurrency.endsWith('%')
      ? Math.max(1, Math.floor((ids.length * Number(maxConcurrency.slice(0, -1))) / 100))
      : Number(maxConcurrency);
    const requestedAt = this.now();
    const invocations: Invocation[] = [];
    let batchStart = requestedAt;
    let batchEnd = requestedAt;
    ids.forEach((instanceId, i) => {
      if (i > 0 && i % concurrency === 0) batchStart = batchEnd;
      const script = this.scriptFor(documentName, instanceId);
      const startAt = batchStart + (script.deliveryMs ?? 20);
      const endAt = startAt + (script.runMs ?? 100);
      batchEnd = Math.max(batchEnd, endAt);
      invocations.push({ instanceId, script, startAt, endAt });
    });
    const command: SsmCommand = {
      commandId: randomUUID(),
      documentName,
      documentVersion: String(input.DocumentVersion ?? '$DEFAULT'),
      comment,
      parameters: (input.Parameters as Record<string, string[]>) ?? {},
      targets,
      instanceIds,
      timeoutSeconds: Number(input.TimeoutSeconds ?? 3600),
      maxConcurrency,
      maxErrors: String(input.MaxErrors ?? '0'),
      requestedAt,
      invocations,
    };
    this.commands.set(command.commandId, command);
    return { Command: commandView(command, this.now) };
  }

  private visibleCommand(commandId: string): SsmCommand | undefined {
    const command = this.commands.get(commandId);
    if (!command) return undefined;
    if (this.now() < command.requestedAt + (this.options().invisibleForMs ?? 0)) return undefined;
    return command;
  }
}
