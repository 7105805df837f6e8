// CachePurge-FastCGI's instant purge in the report: its result line (rename-trash: what was detached, how
// the trash is reclaimed, the last reclaim's outcome; find-delete with a fallback reason) parsed, and
// worded in the log line, the step totals, the job summary and the Slack message. A line that is no
// result (a custom document's mistake) says why.

import { describe, expect, it } from 'vitest';
import { parsePurgeResult, readPurgeResult } from '../src/action/report/purge-result.js';
import { describeInstanceResult, describePurgeTotals } from '../src/action/report/purge-view.js';
import { instanceLine } from '../src/action/run/ssm-step-decisions.js';
import { runReportMessage } from '../src/action/report/slack-message.js';
import { runSummaryMarkdown } from '../src/action/report/summary.js';
import type { RunReport, SsmStepReport } from '../src/action/report/report.js';
import { exitCodeReport, instance, successReport } from './helpers/report-fixtures.js';

const TRASH = '/var/cache/nginx/.cache-purge-trash-portal';
const instant = (fields: Record<string, unknown> = {}) =>
  `Detached 16 entries of /var/cache/nginx/portal …\nCACHE_PURGE_RESULT ${JSON.stringify({
    files: 0,
    bytes: 0,
    counted: false,
    method: 'rename-trash',
    durationMs: 412,
    path: '/var/cache/nginx/portal',
    user: 'www-data',
    complete: true,
    detached: 16,
    notDetached: 0,
    trash: `${TRASH}/1796445050293935719-11112`,
    reclaim: 'setsid',
    reclaimLog: `${TRASH}/reclaim.log`,
    leftoverTrash: 0,
    reclaimRunning: false,
    ...fields,
  })}`;
const PREVIOUS = {
  finishedAt: '2026-05-01T09:00:00Z',
  files: 1_000_000,
  bytes: 1_100_000_000,
  trashDirs: 1,
  durationMs: 61_000,
  complete: true,
};
const fallback =
  'CACHE_PURGE_RESULT {"files":3,"bytes":2048,"method":"find-delete","durationMs":9,"complete":true,"fallback":"the cache directory is its own mount (another filesystem than its parent\'s), so its entries cannot be renamed out of it"}';

function withFastCgi(...stdouts: string[]): RunReport {
  const report = successReport();
  const step = report.steps[1] as SsmStepReport;
  step.instances = stdouts.map((stdout, i) => instance(`i-0${i}23456789abcdef0`, { stdout }));
  step.targetCount = stdouts.length;
  return report;
}

describe('the instant purge result line', () => {
  it('parses, and keeps the fields every purge has', () => {
    expect(parsePurgeResult(instant({ previousReclaim: PREVIOUS }))).toMatchObject({
      files: 0,
      counted: false,
      method: 'rename-trash',
      detached: 16,
      reclaim: 'setsid',
      previousReclaim: PREVIOUS,
    });
  });

  it('is no result when a new field has the wrong type', () => {
    for (const bad of [
      { detached: -1 },
      { detached: '16' },
      { reclaim: 1 },
      { reclaimRunning: 'no' },
      { previousReclaim: { ...PREVIOUS, files: 'many' } },
      { previousReclaim: 'yesterday' },
      { fallback: false },
    ])
      expect(parsePurgeResult(instant(bad)), JSON.stringify(bad)).toBeUndefined();
  });

  it('a line that is no result says why, naming the field and what it must be', () => {
    const line = (json: string) => readPurgeResult(`Purging\nCACHE_PURGE_RESULT ${json}\n`);
    expect(line('{"files":1,"bytes":2,"method":"x","durationMs":3}')).toEqual({
      result: { files: 1, bytes: 2, method: 'x', durationMs: 3 },
    });
    expect(readPurgeResult('Purged, no marker\n')).toBeUndefined();
    expect(line('{"files":1,')).toEqual({ problem: expect.stringMatching(/^not valid JSON \(.+\)$/) });
    expect(line('[1]')).toEqual({ problem: 'not a JSON object: [1]' });
    expect(line('{"bytes":2,"method":"x","durationMs":3}')).toEqual({
      problem: '"files" is missing (a number ≥ 0, required)',
    });
    expect(line('{"files":"3","bytes":2,"method":"x","durationMs":3}')).toEqual({
      problem: '"files" must be a number ≥ 0, not "3"',
    });
    expect(line('{"files":1,"bytes":2,"method":7,"durationMs":3}')).toEqual({
      problem: '"method" must be a string, not 7',
    });
    expect(line('{"files":1,"bytes":2,"method":"x","durationMs":3,"counted":"no"}')).toEqual({
      problem: '"counted" must be true or false, not "no"',
    });
    expect(line('{"files":1,"bytes":2,"method":"x","durationMs":3,"detached":-1}')).toEqual({
      problem: `"detached" must be a number ≥ 0, not -1 (a name CachePurge-FastCGI's instant purge uses: leave it out of your own result)`,
    });
  });

  it('an unread line shows in the step totals and the instance line', () => {
    const bad = 'CACHE_PURGE_RESULT {"files":1,"bytes":2,"method":"x","durationMs":3,"reclaim":3}';
    const why = `"reclaim" must be a string, not 3 (a name CachePurge-FastCGI's instant purge uses: leave it out of your own result)`;
    const report = withFastCgi(bad, fallback);
    const step = report.steps[1] as SsmStepReport;
    step.instances[0]!.resultProblem = why;
    step.instances[0]!.result = undefined;
    expect(describePurgeTotals(step)).toContain(
      ` · 1 of 2 instances reported a result · the CACHE_PURGE_RESULT line of 1 instance is no result: ${why}`,
    );
    step.instances[1]!.result = undefined;
    expect(describePurgeTotals(step)).toBe(`the CACHE_PURGE_RESULT line of 1 instance is no result: ${why}`);
    // a failed instance's details in the job summary say it too (Markdown-escaped)
    const failed = exitCodeReport();
    (failed.steps[0] as SsmStepReport).instances[0]!.resultProblem = why;
    expect(runSummaryMarkdown(failed)).toContain(
      '_its CACHE\\_PURGE\\_RESULT line is no result: "reclaim" must be a string, not 3',
    );
    expect(instanceLine({ ...step.instances[0]!, durationMs: 1800 })).toBe(
      `✓ ${step.instances[0]!.instanceId}: Success in 1.8 s — its CACHE_PURGE_RESULT line is no result: ${why}`,
    );
  });
});

describe('its wording', () => {
  it('the log line says what was detached, that files and bytes are counted in the background, and where', () => {
    const line = instanceLine(instance('i-1', { stdout: instant() }));
    expect(line).toBe(
      `✓ i-1: Success in 1.8 s — 16 cache entries detached; files and bytes counted in the background (rename-trash, reclaim: setsid, log ${TRASH}/reclaim.log)`,
    );
    const systemd = parsePurgeResult(
      instant({ reclaim: 'systemd-run', reclaimUnit: 'cache-purge-reclaim-1-2.service' }),
    )!;
    expect(describeInstanceResult(systemd)).toContain(
      '(rename-trash, reclaim: systemd-run, unit cache-purge-reclaim-1-2.service)',
    );
  });

  it('reports the last finished reclaim, leftovers of an interrupted one, and a reclaim still running', () => {
    expect(
      describeInstanceResult(parsePurgeResult(instant({ previousReclaim: PREVIOUS, leftoverTrash: 2 }))!),
    ).toMatch(
      /; the last reclaim freed 1,000,000 files \(1\.0 GiB\); 2 trash directories of earlier purges reclaimed too$/,
    );
    expect(
      describeInstanceResult(
        parsePurgeResult(
          instant({
            previousReclaim: { ...PREVIOUS, complete: false },
            reclaimRunning: true,
            leftoverTrash: 1,
          }),
        )!,
      ),
    ).toMatch(
      /the last reclaim freed 1,000,000 files \(1\.0 GiB\), incomplete: see its log; an earlier reclaim was still running$/,
    );
  });

  it('entries that could not be detached are said to be still served', () => {
    expect(describeInstanceResult(parsePurgeResult(instant({ notDetached: 2, complete: false }))!)).toMatch(
      /^16 cache entries detached, 2 not \(still served\);/,
    );
  });

  it('the synchronous fallback says why', () => {
    expect(instanceLine(instance('i-1', { stdout: fallback }))).toBe(
      "✓ i-1: Success in 1.8 s — 3 files, 2.0 KiB removed (find-delete; deleted synchronously: the cache directory is its own mount (another filesystem than its parent's), so its entries cannot be renamed out of it)",
    );
  });

  it('step totals: detached entries summed, never "0 files removed"; mixed with a fallback instance', () => {
    const step = (report: RunReport) => report.steps[1] as SsmStepReport;
    expect(describePurgeTotals(step(withFastCgi(instant(), instant())))).toBe(
      '32 cache entries detached; files and bytes counted in the background (setsid) · rename-trash',
    );
    expect(describePurgeTotals(step(withFastCgi(instant({ previousReclaim: PREVIOUS }), fallback)))).toBe(
      "3 files (2.0 KiB) removed on 1 of 2 instances; 16 cache entries detached on 1 of 2 instances; files and bytes counted in the background (setsid); deleted synchronously on 1 of 2 instances: the cache directory is its own mount (another filesystem than its parent's), so its entries cannot be renamed out of it; the last reclaim freed 1,000,000 files (1.0 GiB) · rename-trash, find-delete",
    );
  });

  it('the Slack message and the job summary carry the same words', () => {
    const report = withFastCgi(instant({ previousReclaim: PREVIOUS }));
    const words =
      '16 cache entries detached; files and bytes counted in the background (setsid); the last reclaim freed 1,000,000 files (1.0 GiB) · rename-trash';
    expect(JSON.stringify(runReportMessage(report))).toContain(
      `✅ *FastCGI cache* · 4.1 s · 1/1 instance · ${words}`,
    );
    expect(runSummaryMarkdown(report)).toContain(`| 1/1 instance | ${words} |`);
  });
});
