// The answer to a request that started one dispatch per repository (its sites live in several:
// SITES `site=owner/repo`): each dispatch's own answer (replyForDispatch, for that repository and its
// sites) joined into one Slack message, one line per repository, and one log line whose decision is
// the worst of them with every dispatch listed. It goes to the channel only when every dispatch was
// accepted, as a single accepted dispatch does; otherwise to the user alone, so a failure in one
// repository is seen next to the runs that did start. A single dispatch is answered exactly as before.
// Pure.

import type { RelayConfig, Repository } from './config.js';
import type { SlashCommand } from './command.js';
import { dispatchedSites, type DispatchRequest, type DispatchResult } from './dispatch.js';
import { replyForDispatch } from './dispatch-reply.js';
import { slackAnswer, type RelayResponse, type RequestLogFields } from './reply.js';

export interface DispatchOutcome {
  request: DispatchRequest;
  result: DispatchResult;
}

interface DispatchesContext {
  config: RelayConfig;
  /** Every site of the request, comma-separated. */
  site: string;
  command: SlashCommand;
  nowMs: number;
  timeoutMs: number;
  confirmed?: boolean;
}

/** The order in which one dispatch's outcome outweighs another's for the request's own decision. */
const SEVERITY: RequestLogFields['decision'][] = ['status_unknown', 'dispatch_failed', 'dispatched'];

const isDefault = (config: RelayConfig, { owner, repo }: Repository) =>
  `${owner}/${repo}`.toLowerCase() === `${config.owner}/${config.repo}`.toLowerCase();

export function replyForDispatches(
  outcomes: readonly DispatchOutcome[],
  context: DispatchesContext,
): { response: RelayResponse; text: string; log: RequestLogFields } {
  const { config } = context;
  const replies = outcomes.map(({ request, result }) => {
    const site = dispatchedSites(request);
    const repository = { owner: request.owner, repo: request.repo };
    const reply = replyForDispatch(result, {
      ...context,
      site,
      ...(!isDefault(config, repository) && { repository }),
    });
    return { ...reply, repository: `${request.owner}/${request.repo}`, site };
  });
  if (replies.length === 1) {
    const [only] = replies;
    return { response: only!.response, text: only!.text, log: { ...only!.log, site: context.site } };
  }
  const allAccepted = replies.every((r) => r.log.decision === 'dispatched');
  const worst = [...replies].sort(
    (a, b) => SEVERITY.indexOf(a.log.decision) - SEVERITY.indexOf(b.log.decision),
  )[0]!;
  const { run_id: _runId, github_status: _status, ...fields } = worst.log;
  return {
    ...slackAnswer(
      allAccepted && !context.confirmed ? 'in_channel' : 'ephemeral',
      replies.map((r) => r.text).join('\n'),
    ),
    log: {
      ...fields,
      site: context.site,
      dispatches: replies.map(({ repository, site, log }) => ({
        repository,
        site,
        decision: log.decision,
        reason: log.reason,
        ...(log.run_id !== undefined && { run_id: log.run_id }),
        ...(log.github_status !== undefined && { github_status: log.github_status }),
      })),
    },
  };
}
