// The pre-flight of a real run (#15 item 1) and of the dry run's stack check (stack-check.ts), its
// I/O: before any SendCommand of the run, one SSM GetDocument (DocumentFormat JSON) for each distinct
// document, version and region of a bundled document among every site's steps, through the run's SSM
// clients (the SDK retries throttling). The decisions (what to read, whether the run may start) are in
// roots-preflight-decisions.ts. Custom documents are not read.

import { GetDocumentCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { Plan } from '../plan/plan.js';
import { awsErrorName, errorMessage } from './aws-answers.js';
import {
  documentReads,
  preflightVerdict,
  type DocumentRead,
  type PreflightMode,
  type PreflightVerdict,
  type ReadOutcome,
} from './roots-preflight-decisions.js';

interface PreflightDependencies {
  ssmClient: (region: string) => SSMClient;
  signal: AbortSignal;
}

const DENIED = new Set(['AccessDeniedException', 'AccessDenied']);

/** GetDocument for one read: its content, or why there is none. */
async function readDocument(read: DocumentRead, deps: PreflightDependencies): Promise<ReadOutcome> {
  try {
    const answer = await deps.ssmClient(read.region).send(
      new GetDocumentCommand({
        Name: read.document,
        ...(read.documentVersion !== undefined && { DocumentVersion: read.documentVersion }),
        DocumentFormat: 'JSON',
      }),
      { abortSignal: deps.signal },
    );
    if (typeof answer?.Content !== 'string') {
      return { kind: 'failed', code: 'NoContent', message: 'GetDocument returned no Content' };
    }
    return { kind: 'content', content: answer.Content };
  } catch (error) {
    if (deps.signal.aborted) throw error;
    const code = awsErrorName(error);
    if (DENIED.has(code)) return { kind: 'denied', message: errorMessage(error) };
    return { kind: 'failed', code, message: errorMessage(error) };
  }
}

/** Reads the deployed bundled documents the plans' steps run, and decides whether the run may start. */
export async function rootsPreflight(
  plans: readonly Plan[],
  configFile: string,
  deps: PreflightDependencies,
  mode: PreflightMode = 'run',
): Promise<PreflightVerdict> {
  const reads = documentReads(plans);
  // one after the other: a run reads a handful, and each request then has the credentials' latest word
  const outcomes: ReadOutcome[] = [];
  for (const read of reads) outcomes.push(await readDocument(read, deps));
  return preflightVerdict(reads, outcomes, configFile, mode);
}
