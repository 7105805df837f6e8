// Shared wording: durations, sizes, counts, the requester inside and outside Slack, the trigger, the
// revision, and the run context derived from the runner's environment.

import { describe, expect, it } from 'vitest';
import {
  describeRevision,
  formatBytes,
  formatDuration,
  headline,
  plainRequester,
} from '../src/core/report-view.js';
import { formatCount } from '../src/core/text.js';
import { buildRunContext, triggerOf } from '../src/core/run-context.js';
import { slackRequester } from '../src/core/slack-message.js';
import { cancelledReport, successReport, undeliverableReport } from './helpers/report-fixtures.js';

describe('numbers', () => {
  it('durations', () => {
    expect([0, 420, 999.6, 4100, 59_949, 59_950, 125_000, 3_599_400, 3_720_000].map(formatDuration)).toEqual([
      '0 ms',
      '420 ms',
      '1.0 s',
      '4.1 s',
      '59.9 s',
      '1 min 00 s',
      '2 min 05 s',
      '59 min 59 s',
      '1 h 02 min',
    ]);
    expect(formatDuration(Number.NaN)).toBe('–');
  });
  it('bytes in binary units and counts with separators', () => {
    expect([0, 812, 1024, 12_897_484, 1.2 * 1024 ** 3].map(formatBytes)).toEqual([
      '0 B',
      '812 B',
      '1.0 KiB',
      '12 MiB',
      '1.2 GiB',
    ]);
    expect(formatCount(1234567)).toBe('1,234,567');
  });
});

describe('who, how, what', () => {
  it('a Slack mention stays a mention in Slack and reads plainly elsewhere', () => {
    expect(plainRequester('<@U2CERLKJA>')).toBe('@U2CERLKJA');
    expect(plainRequester('<@U2CERLKJA|alice>')).toBe('@alice');
    expect(plainRequester('octocat')).toBe('octocat');
    expect(slackRequester('<@U2CERLKJA>')).toBe('<@U2CERLKJA>');
    expect(slackRequester('<!channel>')).toBe('&lt;!channel&gt;');
    expect(slackRequester('bob <@U2CERLKJA>')).toBe('bob &lt;@U2CERLKJA&gt;');
  });
  it('headlines', () => {
    expect(headline(successReport())).toBe('✅ portal purged');
    expect(headline(undeliverableReport())).toBe('❌ portal purge failed at FastCGI cache');
    expect(headline(cancelledReport())).toBe('⏹ portal purge cancelled');
  });
  it('revision', () => {
    expect(
      describeRevision({
        site: 's',
        requester: 'r',
        trigger: 'deploy',
        ref: 'refs/heads/main',
        sha: 'abcdef0123',
      }),
    ).toBe('main @ abcdef0');
    expect(describeRevision({ site: 's', requester: 'r', trigger: 'deploy' })).toBeUndefined();
  });
  it('trigger from the event and the requester', () => {
    expect(triggerOf('push', 'octocat')).toBe('deploy');
    expect(triggerOf('workflow_dispatch', 'octocat')).toBe('manual');
    expect(triggerOf('workflow_dispatch', '<@U2CERLKJA>')).toBe('slack');
    expect(triggerOf('schedule', 'octocat')).toBe('other');
  });
  it('run context from the runner environment', () => {
    const env = {
      GITHUB_EVENT_NAME: 'workflow_dispatch',
      GITHUB_ACTOR: 'relay-app[bot]',
      GITHUB_REPOSITORY: 'acme/portal',
      GITHUB_REF_NAME: 'main',
      GITHUB_SHA: 'abc123',
      GITHUB_RUN_ID: '42',
      GITHUB_RUN_ATTEMPT: '2',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_WORKFLOW: 'Purge',
    };
    expect(buildRunContext(env, 'portal', '<@U2CERLKJA>')).toEqual({
      site: 'portal',
      requester: '<@U2CERLKJA>',
      trigger: 'slack',
      eventName: 'workflow_dispatch',
      repository: 'acme/portal',
      ref: 'main',
      sha: 'abc123',
      runId: '42',
      runAttempt: '2',
      runUrl: 'https://github.com/acme/portal/actions/runs/42/attempts/2',
      workflow: 'Purge',
    });
    expect(buildRunContext({ GITHUB_ACTOR: 'octocat' }, 'portal', '')).toEqual({
      site: 'portal',
      requester: 'octocat',
      trigger: 'other',
    });
  });
});
