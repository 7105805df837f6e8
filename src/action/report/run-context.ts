// Who asked for this run and how it was triggered, from the runner's environment and the `requester`
// input: the RunContext carried in the run report. A Slack mention from the relay (`<@U2CERLKJA>`)
// on a workflow_dispatch means the run came from Slack. Pure.

import type { RunContext, Trigger } from './report.js';
import { isSlackMention } from './report-view.js';

const DEPLOY_EVENTS = new Set(['push', 'deployment', 'deployment_status', 'release', 'workflow_run']);

export function triggerOf(eventName: string | undefined, requester: string): Trigger {
  if (eventName === 'workflow_dispatch' || eventName === 'repository_dispatch') {
    return isSlackMention(requester) ? 'slack' : 'manual';
  }
  if (eventName && DEPLOY_EVENTS.has(eventName)) return 'deploy';
  return 'other';
}

function runUrlOf(env: NodeJS.ProcessEnv): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = env;
  if (!repository || !runId) return undefined;
  const attempt =
    env.GITHUB_RUN_ATTEMPT && env.GITHUB_RUN_ATTEMPT !== '1' ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : '';
  return `${(server || 'https://github.com').replace(/\/$/, '')}/${repository}/actions/runs/${runId}${attempt}`;
}

/** The run context; `requester` is the input as given ('' → the workflow actor). */
export function buildRunContext(env: NodeJS.ProcessEnv, site: string, requester: string): RunContext {
  const who = requester.trim() || env.GITHUB_TRIGGERING_ACTOR || env.GITHUB_ACTOR || 'unknown';
  const optional = (name: string, value: string | undefined) => (value ? { [name]: value } : {});
  return {
    site,
    requester: who,
    trigger: triggerOf(env.GITHUB_EVENT_NAME, who),
    ...optional('eventName', env.GITHUB_EVENT_NAME),
    ...optional('repository', env.GITHUB_REPOSITORY),
    ...optional('ref', env.GITHUB_REF_NAME || env.GITHUB_REF),
    ...optional('sha', env.GITHUB_SHA),
    ...optional('runId', env.GITHUB_RUN_ID),
    ...optional('runAttempt', env.GITHUB_RUN_ATTEMPT),
    ...optional('runUrl', runUrlOf(env)),
    ...optional('workflow', env.GITHUB_WORKFLOW),
  };
}
