// Shared wording: durations, sizes, counts, plurals, lists cut short, the requester inside and
// outside Slack, the trigger, the revision, and the run context derived from the runner's environment.

import { describe, expect, it } from 'vitest';
import {
  describeInvalidation,
  describeRevision,
  headline,
  plainRequester,
} from '../src/action/report/report-view.js';
import { describePurgeTotals, formatBytes } from '../src/action/report/purge-view.js';
import { andMore, formatCount, formatDuration, listFirst, plural } from '../src/shared/text.js';
import { buildRunContext, triggerOf } from '../src/action/report/run-context.js';
import { slackRequester } from '../src/action/report/slack-message.js';
import { cancelledReport, instance, successReport, undeliverableReport } from './helpers/report-fixtures.js';
import { verifyPassedReport, verifyStaleReport } from './helpers/verify-report-fixtures.js';
import {
  describePercentiles,
  describeStatuses,
  describeVerifiedUrls,
  describeWarming,
  staleNotListed,
} from '../src/action/report/verify-view.js';
import { instanceLine } from '../src/action/run/ssm-step-decisions.js';
import { parsePurgeResult } from '../src/action/report/purge-result.js';
import type { InstanceReport, RunReport, SsmStepReport } from '../src/action/report/report.js';
import { reportOutputs } from '../src/action/report/report-outputs.js';
import { blockAfter, readDoc } from './helpers/docs.js';

describe('numbers', () => {
  it('durations', () => {
    expect(
      [0, 420, 999.6, 4100, 30_000, 59_949, 59_950, 125_000, 600_000, 3_599_400, 3_720_000, 7_200_000].map(
        formatDuration,
      ),
    ).toEqual([
      '0 ms',
      '420 ms',
      '1 s',
      '4.1 s',
      '30 s',
      '59.9 s',
      '1 min',
      '2 min 05 s',
      '10 min',
      '59 min 59 s',
      '1 h 02 min',
      '2 h',
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
  it('plurals agree with their count', () => {
    expect([0, 1, 2, 1234].map((n) => plural(n, 'step'))).toEqual([
      '0 steps',
      '1 step',
      '2 steps',
      '1,234 steps',
    ]);
    expect(plural(1, 'more instance')).toBe('1 more instance');
  });
  it('a list cut short ends in "… and N more", with a noun that agrees', () => {
    const ids = ['i-1', 'i-2', 'i-3', 'i-4', 'i-5'];
    expect(listFirst(ids, 5, ', ')).toBe('i-1, i-2, i-3, i-4, i-5');
    expect(listFirst(ids, 2, ', ')).toBe('i-1, i-2 … and 3 more');
    expect(listFirst(ids, 4, ' ')).toBe('i-1 i-2 i-3 i-4 … and 1 more');
    expect(andMore(1204)).toBe('… and 1,204 more');
    expect(andMore(1, 'failed instance')).toBe('… and 1 more failed instance');
    expect(andMore(2, 'failed instance')).toBe('… and 2 more failed instances');
    expect(andMore(2, 'entry', 'entries')).toBe('… and 2 more entries');
    const cloudfront = successReport().steps.find((step) => step.kind === 'cloudfront')!;
    if (cloudfront.kind !== 'cloudfront') throw new Error('the success fixture has a CloudFront step');
    const paths = ['/a', '/b', '/c', '/d', '/e', '/f', '/g'];
    expect(describeInvalidation({ ...cloudfront, paths })).toMatch(
      / of \/a \/b \/c \/d \/e … and 2 more on E\w+$/,
    );
  });
});

describe('who, how, what', () => {
  it('a Slack mention stays a mention in Slack and reads plainly elsewhere', () => {
    expect(plainRequester('<@U2CERLKJA>')).toBe('Slack user U2CERLKJA');
    expect(plainRequester('<@U2CERLKJA|alice>')).toBe('alice (Slack)');
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

describe('purge results that count nothing (the plugins\' CLI flush: "counted":false)', () => {
  const w3 = (id: string) =>
    instance(id, {
      stdout:
        'CACHE_PURGE_RESULT {"files":0,"bytes":0,"counted":false,"method":"wp-cli","command":"w3-total-cache flush all","durationMs":900}',
    });
  const rocketDir = (id: string) =>
    instance(id, {
      stdout: 'CACHE_PURGE_RESULT {"files":120,"bytes":2048,"method":"wp-rocket-dir","durationMs":30}',
    });
  const step = (instances: InstanceReport[]) => ({ ...successReport().steps[0], instances }) as SsmStepReport;

  it('are never said to have removed 0 files', () => {
    expect(describePurgeTotals(step([w3('i-1'), w3('i-2')]))).toBe('flushed, no file counts · wp-cli');
    expect(instanceLine(w3('i-1'))).toBe('✓ i-1: Success in 1.8 s — flushed, no file counts (wp-cli)');
  });

  it('mixed with counted results, the counts cover only the instances that counted', () => {
    expect(describePurgeTotals(step([rocketDir('i-1'), w3('i-2'), w3('i-3')]))).toBe(
      '120 files (2.0 KiB) removed on 1 of 3 instances; flushed without counts on the rest · wp-rocket-dir, wp-cli',
    );
  });

  it('a result line whose "counted" is not true or false is not a result', () => {
    expect(
      parsePurgeResult(
        'CACHE_PURGE_RESULT {"files":0,"bytes":0,"counted":"no","method":"wp-cli","durationMs":1}',
      ),
    ).toBeUndefined();
    expect(
      parsePurgeResult('CACHE_PURGE_RESULT {"files":3,"bytes":9,"method":"find-delete","durationMs":1}'),
    ).toEqual({ files: 3, bytes: 9, method: 'find-delete', durationMs: 1 });
  });
});

describe("a verify step's findings, in words", () => {
  const findings = (report = verifyPassedReport()) => {
    const step = report.steps.find((s) => s.kind === 'verify');
    if (step?.kind !== 'verify' || !step.verify)
      throw new Error('the fixture has a verify step with findings');
    return step.verify;
  };

  it('the URLs, where they came from, those not reached and the time taken', () => {
    expect(describeVerifiedUrls(findings())).toBe('52 URLs (2 listed, 50 from the sitemap) in 8.4 s');
    const cut = { ...findings(), urls: { total: 60, explicit: 2, sitemap: 58, notReached: 3 } };
    expect(describeVerifiedUrls(cut)).toBe('60 URLs (2 listed, 58 from the sitemap; 3 not reached) in 8.4 s');
  });

  it('statuses, the most frequent first, at most 8, and none', () => {
    const v = findings();
    expect(describeStatuses(v)).toBe('200 ×103, 301 ×1');
    const many = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [String(500 + i), i + 1]));
    expect(describeStatuses({ ...v, statuses: { ...many, timeout: 20 } })).toBe(
      'timeout ×20, 509 ×10, 508 ×9, 507 ×8, 506 ×7, 505 ×6, 504 ×5, 503 ×4 … and 3 more',
    );
    expect(describeStatuses({ ...v, statuses: {} })).toBe('none');
  });

  it('TTFB percentiles, and none when no such request was made', () => {
    expect(describePercentiles({ count: 52, p50: 400, p95: 1_640 })).toBe('p50 400 ms / p95 1.6 s');
    expect(describePercentiles({ count: 0, p50: null, p95: null })).toBe('none');
  });

  it('warming: the hit ratio and the URLs warmed, or that warm: false did not check it', () => {
    const v = findings();
    expect(describeWarming({ ...v, hitRatioAfterWarming: 0.9815, retries: 0 })).toBe(
      'hit ratio after warming 98.2% · 52 URLs warmed',
    );
    expect(describeWarming({ ...v, hitRatioAfterWarming: null, warmed: 3, retries: 2 })).toBe(
      'warming not checked (warm: false) · 3 URLs cached · 2 retries (429/503)',
    );
  });

  it('counts the stale URLs the report does not list', () => {
    expect(staleNotListed(findings())).toBe(0);
    expect(staleNotListed(findings(verifyStaleReport()))).toBe(11);
  });
});

describe('the `report` output of a verify step, as documented', () => {
  /** JSON with // comments and trailing commas, as the docs write it. */
  const jsonc = (text: string): unknown => {
    let out = '';
    let inString = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (inString) {
        out += c;
        if (c === '\\') out += text[++i] ?? '';
        else if (c === '"') inString = false;
      } else if (c === '"') {
        inString = true;
        out += c;
      } else if (c === '/' && text[i + 1] === '/') {
        while (i < text.length && text[i] !== '\n') i++;
        out += '\n';
      } else out += c;
    }
    return JSON.parse(out.replace(/,(\s*[}\]])/g, '$1'));
  };
  const keys = (value: unknown) => Object.keys(value as object).sort();
  const output = JSON.parse(reportOutputs(verifyStaleReport()).report!) as RunReport;
  const step = output.steps.find((s) => s.kind === 'verify');

  it('holds the findings: layers, stale URLs, statuses, TTFB, warming, time taken', () => {
    if (step?.kind !== 'verify') throw new Error('the fixture has a verify step');
    expect(step.verify).toMatchObject({
      layers: { cdn: { fresh: 1, stale: 31, unverified: 0, notSeen: 0 } },
      statuses: { '200': 33 },
      ttfbMs: { cold: { count: 32, p50: 25, p95: 25 }, warm: { count: 1, p50: 12, p95: 12 } },
      hitRatioAfterWarming: 1,
      durationMs: 8_400,
    });
    expect(step.verify!.stale).toHaveLength(20);
  });

  it('has exactly the keys docs/verify.md documents, and docs/results.md names the step keys', () => {
    if (step?.kind !== 'verify') throw new Error('the fixture has a verify step');
    const documented = jsonc(
      blockAfter(readDoc('docs/verify.md'), "The step's part of the `report` output", 'jsonc'),
    ) as Record<string, unknown>;
    expect(keys(documented)).toEqual(keys(step.verify));
    for (const key of ['urls', 'layers', 'ttfbMs'] as const) {
      expect(keys(documented[key]), key).toEqual(keys(step.verify![key]));
    }
    const results = jsonc(blockAfter(readDoc('docs/results.md'), 'A `verify` step', 'jsonc')) as {
      steps: Record<string, unknown>[];
    };
    const documentedStep = results.steps.find((s) => s.kind === 'verify')!;
    expect(keys(documentedStep)).toEqual(keys(step).filter((k) => k !== 'startedAt' && k !== 'error'));
  });
});
