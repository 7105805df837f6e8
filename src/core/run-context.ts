// Who ran the purge, how, and where to look: the RunContext built from the runner's environment and
// the `requester` input. Pure: takes the environment as data.

import type { RunContext, Trigger } from './report.js';

/** A Slack user mention as the relay passes it, e.g. <@U2CERLKJA>. */
export const SLACK_MENTION = /^<@[UW][A-Z0-9]{2,}(\|[^>]*)?>$/;

export function triggerOf(eventName: string | undefined, requester: string): Trigger {
  if (eventName === 'push') return 'deploy';
  if (eventName === 'workflow_dispatch') return SLACK_MENTION.test(requester) ? 'slack' : 'manual';
  return 'other';
}

export function buildRunContext(
  env: Record<string, string | undefined>,
  site: string,
  requesterInput: string | undefined,
): RunContext {
  const set = (value: string | undefined) => (value && value.trim() !== '' ? value.trim() : undefined);
  const requester = set(requesterInput) ?? set(env.GITHUB_ACTOR) ?? 'unknown';
  const server = set(env.GITHUB_SERVER_URL)?.replace(/\/+$/, '');
  const repository = set(env.GITHUB_REPOSITORY);
  const runId = set(env.GITHUB_RUN_ID);
  const eventName = set(env.GITHUB_EVENT_NAME);
  const context: RunContext = { site, requester, trigger: triggerOf(eventName, requester) };
  const optional: [keyof RunContext, string | undefined][] = [
    ['eventName', eventName],
    ['repository', repository],
    ['ref', set(env.GITHUB_REF)],
    ['sha', set(env.GITHUB_SHA)],
    ['runId', runId],
    ['runAttempt', set(env.GITHUB_RUN_ATTEMPT)],
    ['runUrl', server && repository && runId ? `${server}/${repository}/actions/runs/${runId}` : undefined],
    ['workflow', set(env.GITHUB_WORKFLOW)],
  ];
  for (const [key, value] of optional)
    if (value !== undefined) (context as unknown as Record<string, string>)[key] = value;
  return context;
}
