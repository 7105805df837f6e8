// The live message's pure views (src/action/report/live-progress.ts): the progress reducer over the
// executor's events, the "purging" message as it moves, and the failure reply in its thread.

import { describe, expect, it } from 'vitest';
import {
  failureReply,
  nextProgress,
  progressMessage,
  startProgress,
} from '../src/action/report/live-progress.js';
import type { SitesRunReport } from '../src/action/report/report.js';
import { exitCodeReport, portalPlan, slackContext, successReport } from './helpers/report-fixtures.js';

const textOf = (payload: { blocks: { type: string; text?: { text: string } }[] }) =>
  payload.blocks.map((b) => b.text?.text ?? '').join('\n');

describe('the progress of a run, event by event', () => {
  it('one site: each step waiting, running, then done with its time; the run link and who asked', () => {
    let progress = startProgress([portalPlan], slackContext);
    expect(progressMessage(progress).blocks[0]).toMatchObject({
      type: 'header',
      text: { text: '⏳ Purging portal…' },
    });
    const [first, second] = successReport().steps;
    progress = nextProgress(progress, { kind: 'step-started', site: 'portal', step: portalPlan.steps[0]! });
    expect(textOf(progressMessage(progress))).toContain('⏳ *W3 Total Cache* · running\n◻️ *FastCGI cache*');
    progress = nextProgress(progress, { kind: 'step-finished', site: 'portal', report: first! });
    progress = nextProgress(progress, { kind: 'step-started', site: 'portal', step: portalPlan.steps[1]! });
    const text = textOf(progressMessage(progress));
    expect(text).toMatch(
      /✅ \*W3 Total Cache\* · [\d.]+ (ms|s)\n⏳ \*FastCGI cache\* · running\n◻️ \*CloudFront\*/,
    );
    expect(text).toContain(`Requested by <@U2CERLKJA> · <${slackContext.runUrl}|View the run>`);
    expect(second).toBeDefined();
    expect(progressMessage(progress).text).toBe(`Purging portal… ${slackContext.runUrl}`);
  });

  it('several sites: a line per site, and a finished site its outcome', () => {
    const main = { ...portalPlan, site: 'main' };
    let progress = startProgress([portalPlan, main], slackContext);
    progress = nextProgress(progress, { kind: 'step-started', site: 'main', step: main.steps[0]! });
    progress = nextProgress(progress, { kind: 'site-finished', site: 'portal', report: successReport() });
    const message = progressMessage(progress);
    expect(message.blocks[0]).toMatchObject({ text: { text: '⏳ Purging 2 sites…' } });
    expect(textOf(message)).toContain(
      '✅ *portal* · 3/3 steps · success\n⏳ *main* · 0/3 steps done · running *W3 Total Cache*',
    );
  });
});

describe('the failure reply in the thread', () => {
  const run = (sites: SitesRunReport['sites'], requester = '<@U2CERLKJA>'): SitesRunReport => ({
    status: sites.some((s) => s.status === 'failure') ? 'failure' : 'success',
    context: { ...slackContext, requester },
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1,
    maxParallelSites: 4,
    sites,
  });

  it('mentions a Slack requester, says which site failed where and why, links the run', () => {
    const failed = exitCodeReport();
    const reply = failureReply(run([failed]))!;
    expect(reply).toMatch(
      new RegExp(
        `^<@U2CERLKJA>, the purge failed: <${slackContext.runUrl}\\|View the run>\\.\\n• \\*portal\\*: `,
      ),
    );
    expect(reply).toContain('exit code');
  });

  it('names anyone else as plain text (no mention), counts the failed sites; none for a success', () => {
    const reply = failureReply(
      run([successReport(), { ...exitCodeReport(), context: { ...slackContext, site: 'main' } }], 'octocat'),
    )!;
    expect(reply.startsWith('octocat, 1 site of 2 failed:')).toBe(true);
    expect(reply).toContain('• *main*: ');
    expect(failureReply(run([successReport()]))).toBeUndefined();
  });
});
