// The Slack result message: what it says for each outcome, and Block Kit's limits held over every
// fixture (header ≤ 150, section text ≤ 3,000, fields ≤ 10 of ≤ 2,000, ≤ 50 blocks, no empty text,
// balanced code fences).

import { describe, expect, it } from 'vitest';
import { dryRunMessage, runReportMessage } from '../src/action/report/slack-message.js';
import { truncate, type SlackBlock, type SlackPayload } from '../src/action/report/slack-blocks.js';
import { escapeMrkdwn } from '../src/shared/mrkdwn.js';
import {
  accessDeniedReport,
  cancelledReport,
  exitCodeReport,
  firstInstancesReport,
  hundredInstancesReport,
  portalPlan,
  slackContext,
  successReport,
  undeliverableReport,
} from './helpers/report-fixtures.js';
import {
  allReportFixtures,
  portalVerifyPlan,
  verifyPassedReport,
  verifyStaleReport,
} from './helpers/verify-report-fixtures.js';
import { blockKitProblems } from './helpers/block-kit.js';

const allText = (payload: SlackPayload) => JSON.stringify(payload);

describe('Block Kit limits hold for every outcome', () => {
  for (const [name, build] of Object.entries(allReportFixtures)) {
    it(`${name}`, () => {
      const payload = runReportMessage(build());
      expect(blockKitProblems(payload)).toEqual([]);
      // It survives the trip through JSON unchanged (plain data, no functions or undefined leaking).
      expect(JSON.parse(JSON.stringify(payload))).toEqual(JSON.parse(JSON.stringify(payload)));
    });
  }
  it('the dry-run message', () => {
    expect(blockKitProblems(dryRunMessage(portalPlan, slackContext))).toEqual([]);
  });
  it('the checker itself catches each violation', () => {
    const bad: SlackPayload = {
      text: '',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } },
        { type: 'section', text: { type: 'mrkdwn', text: ' ' } },
        { type: 'section', text: { type: 'mrkdwn', text: '```open' } },
        {
          type: 'section',
          fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn' as const, text: 'f' })),
        },
        ...Array.from({ length: 47 }, (): SlackBlock => ({ type: 'divider' })),
      ],
    };
    expect(blockKitProblems(bad)).toEqual([
      'text: empty text',
      '51 blocks > 50',
      'blocks[0] (header): 151 > 150 characters',
      'blocks[1] (section).text: empty text',
      'blocks[2] (section).text: unbalanced code fence',
      'blocks[3] (section): 11 fields',
    ]);
  });
});

describe('the success message', () => {
  const payload = runReportMessage(successReport());
  it('has the outcome header, who asked (a real mention) and how, the duration and the commit', () => {
    expect(payload.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: '✅ portal purged', emoji: true },
    });
    expect(payload.blocks[1]).toEqual({
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: '*Requested by*\n<@U2CERLKJA>' },
        { type: 'mrkdwn', text: '*Trigger*\nSlack command' },
        { type: 'mrkdwn', text: '*Took*\n9.4 s' },
        { type: 'mrkdwn', text: '*Commit*\n`main @ 1a2b3c4`' },
      ],
    });
  });
  it('has one line per step in order with status, duration, targets and the purge result', () => {
    const steps = payload.blocks.find((b) => b.type === 'section' && b.text?.text.startsWith('✅ *W3'));
    expect(steps).toBeDefined();
    expect((steps as { text: { text: string } }).text.text.split('\n')).toEqual([
      '✅ *W3 Total Cache* · 4.1 s · 1/1 instance · flushed, no file counts · wp-cli',
      '✅ *FastCGI cache* · 4.1 s · 1/1 instance · 1,234 files (12 MiB) removed · find-delete',
      '✅ *CloudFront* · 800 ms · E2EXAMPLE12345 · invalidation I2J0I21PCUYOIK (InProgress) of /*',
    ]);
  });
  it('links to the run, names the repository and workflow, and has a notification text', () => {
    expect(payload.blocks.at(-1)).toEqual({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: '<https://github.com/acme/portal/actions/runs/123456789|View the workflow run> · acme/portal · Purge cache',
        },
      ],
    });
    expect(payload.text).toBe('✅ portal purged (requested by <@U2CERLKJA>, 9.4 s)');
  });
});

describe('failure messages', () => {
  it('Undeliverable: header names the step; details name the instance, the status and the fix', () => {
    const payload = runReportMessage(undeliverableReport());
    expect(payload.blocks[0]).toMatchObject({ text: { text: '❌ portal purge failed at FastCGI cache' } });
    const text = allText(payload);
    expect(text).toContain('❌ *FastCGI cache* · 12 s · 2/3 instances · 2,468 files (25 MiB) removed');
    expect(text).toContain(
      'Undeliverable on i-0aaaaaaaaaaaaaaa2: SSM could not deliver the command: the SSM agent is not running',
    );
    expect(text).toContain('AmazonSSMManagedInstanceCore');
    expect(text).toContain('⏭ *CloudFront* · not run: FastCGI cache failed');
    // the step's own error only summarises its instances: said once, in the details, not again
    expect(text).not.toContain('did not succeed');
    expect(payload.text).toBe(
      '❌ portal purge failed at FastCGI cache (requested by <@U2CERLKJA>, 16.5 s): Undeliverable on i-0aaaaaaaaaaaaaaa2',
    );
  });

  it('script exit code: the first lines of stderr in a code block, escaped, and the exit code', () => {
    const payload = runReportMessage(exitCodeReport());
    const text = allText(payload);
    expect(text).toContain('exit code 2 on i-0123456789abcdef0: the purge script failed: see its output');
    expect(text).toContain("```rm: cannot remove '/var/cache/nginx/portal/0/");
    expect(text).toContain('/var/cache/nginx/portal/4/'); // 5 first lines
    expect(text).not.toContain('/var/cache/nginx/portal/5/');
    expect(text).not.toContain('Flushing W3 Total Cache'); // stderr filled the 5 lines: no stdout
    expect(blockKitProblems(payload)).toEqual([]);
  });

  it("a bundled document's failure: the end of stdout (the tool's own error) before stderr's \"(output above)\" line", () => {
    const failed = exitCodeReport(
      'CachePurge-W3TotalCache: failed: wp w3-total-cache flush all exited with status 1 (output above)',
    );
    const [step, ...rest] = failed.steps;
    if (step?.kind !== 'ssm') throw new Error('the fixture starts with an SSM step');
    const stdout = [
      'Flushing W3 Total Cache of /var/www/portal as www-data: wp w3-total-cache flush all',
      'Error: Error establishing a database connection.',
    ].join('\n');
    const report = {
      ...failed,
      steps: [{ ...step, instances: [{ ...step.instances[0]!, stdout }] }, ...rest],
    };
    const payload = runReportMessage(report);
    expect(allText(payload)).toContain(
      [
        '```Flushing W3 Total Cache of /var/www/portal as www-data: wp w3-total-cache flush all',
        'Error: Error establishing a database connection.',
        'CachePurge-W3TotalCache: failed: wp w3-total-cache flush all exited with status 1 (output above)```',
      ].join('\\n'), // allText is the payload as JSON
    );
    expect(blockKitProblems(payload)).toEqual([]);
  });

  it('user text cannot ping the channel or break formatting', () => {
    const payload = runReportMessage(exitCodeReport('<!channel> ``` *hi* & <https://evil.example|click>'));
    const text = allText(payload);
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain('&lt;https://evil.example|click&gt;');
    expect(blockKitProblems(payload)).toEqual([]);
  });

  it('AccessDenied: names the IAM statement to add', () => {
    const text = allText(runReportMessage(accessDeniedReport()));
    expect(text).toContain(
      'AccessDeniedException: the role was denied by IAM: allow ssm:SendCommand on the document',
    );
  });

  it('100 instances: counts, the first failed instances with their output, and how many more', () => {
    const payload = runReportMessage(hundredInstancesReport());
    const text = allText(payload);
    expect(text).toContain('60/100 instances');
    expect(text).toContain('exit code 1 on i-0000000000000003c, i-0000000000000003d');
    expect(text).toContain(' … and 20 more: the purge script failed');
    expect(text).toContain('_… and 35 more failed instances: see the job summary._');
    expect(allText(runReportMessage(firstInstancesReport(66)))).toContain(
      '_… and 1 more failed instance: see the job summary._',
    );
    expect(blockKitProblems(payload)).toEqual([]);
  });
});

describe('a verify step', () => {
  /** The text of the `offset`th block after the verify step's own line (1: its findings). */
  const afterVerifyLine = (payload: SlackPayload, offset = 1) => {
    const at = payload.blocks.findIndex((b) => b.type === 'section' && b.text?.text.includes('*Verify* ·'));
    const block = payload.blocks[at + offset];
    return block?.type === 'section' && block.text ? block.text.text : '';
  };
  const findings = (payload: SlackPayload) => afterVerifyLine(payload);

  it("passed: URLs and time, each layer's four counts, TTFB cold and warm, statuses, warming, warnings", () => {
    const text = findings(runReportMessage(verifyPassedReport()));
    expect(text.split('\n')).toEqual([
      '*Requested* 52 URLs (2 listed, 50 from the sitemap) in 8.4 s',
      '*CDN* 52 fresh · 0 stale · 0 unverified · 0 not seen',
      '*origin (nginx)* 51 fresh · 0 stale · 1 unverified · 0 not seen',
      '*TTFB* cold p50 400 ms / p95 640 ms · warm p50 12 ms / p95 14 ms',
      '*Statuses* 200 ×103, 301 ×1',
      'Hit ratio after warming 100.0% · 52 URLs warmed · 1 retry (429/503)',
      "⚠ 1 URL came from the origin's cache (HIT) without a X-Generated-At header, so they could not be dated (unverified); add the header as docs/verify.md shows",
    ]);
  });

  it('stale copies: the first 5 stale URLs, cut and escaped, then how many more; the causes follow', () => {
    const payload = runReportMessage(verifyStaleReport());
    const lines = findings(payload).split('\n');
    expect(lines).toContain('*CDN* 1 fresh · 31 stale · 0 unverified · 0 not seen');
    const stale = lines.slice(lines.indexOf('*Stale*') + 1);
    expect(stale).toHaveLength(6);
    expect(stale[0]).toBe('• `https://www.example.com/shop/` at the CDN');
    // a URL cannot ping the channel or close the code span, and a long one is cut
    expect(stale[1]).toMatch(
      /^• `https:\/\/www\.example\.com\/shop\/&lt;!channel&gt;-'x'\/long-product-slug-[^`]*…` at the CDN$/,
    );
    expect(stale.slice(0, 5).every((l) => l.length < 150)).toBe(true);
    expect(stale[5]).toBe('_… and 26 more: see the job summary._');
    // every line fits a phone: no table, no line longer than the longest stale URL line
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(150);
    expect(afterVerifyLine(payload, 2)).toMatch(
      /^• stale at the CDN: https:\/\/www\.example\.com\/shop\/: X-Cache: Hit from cloudfront, Age: 3660/,
    );
  });

  it('a verify step that never requested anything has no findings section', () => {
    const report = verifyPassedReport();
    const step = report.steps[3]!;
    if (step.kind !== 'verify') throw new Error('step 4 is the verify step');
    delete step.verify;
    expect(findings(runReportMessage(report))).toBe('');
  });

  it('dry run: lists the explicit URLs and says the sitemap will be read', () => {
    const text = allText(dryRunMessage(portalVerifyPlan, slackContext));
    expect(text).toContain(
      '4. *Verify*: verify as a visitor: would request 2 URLs: https://www.example.com/, https://www.example.com/shop/; would read the sitemap https://www.example.com/wp-sitemap.xml (indexes followed) and take up to 50 URLs from it',
    );
  });
});

describe('the cancelled and the dry-run messages', () => {
  it('cancelled: header, the step it stopped in and what to do', () => {
    const payload = runReportMessage(cancelledReport());
    expect(payload.blocks[0]).toMatchObject({ text: { text: '⏹ portal purge cancelled' } });
    const text = allText(payload);
    expect(text).toContain(
      '⏹ *FastCGI cache* · 2.5 s · 0/1 instance · not finished on i-0123456789abcdef0 (Cancelled)',
    );
    expect(text).toContain('⏭ *CloudFront* · not run: the run was cancelled');
    expect(text).toContain('Cancelled during *FastCGI cache*. Steps already done stay done');
  });

  it('dry run: says nothing was purged and lists the planned steps', () => {
    const payload = dryRunMessage(portalPlan, { ...slackContext, requester: 'octocat', trigger: 'manual' });
    expect(payload.blocks[0]).toMatchObject({ text: { text: '📝 portal purge planned (dry run)' } });
    const text = allText(payload);
    expect(text).toContain('*Requested by*\\noctocat');
    expect(text).toContain('Nothing was purged.');
    expect(text).toContain('3. *CloudFront*: invalidate /* on CloudFront distribution E2EXAMPLE12345');
  });
});

describe('text helpers', () => {
  it('escapes Slack control characters', () => {
    expect(escapeMrkdwn('a & <b> c')).toBe('a &amp; &lt;b&gt; c');
  });
  it('truncate cuts to the limit with a note and closes an open code fence', () => {
    const long = '```' + 'x\n'.repeat(3000) + '```';
    const cut = truncate(long, 3000);
    expect(cut.length).toBeLessThanOrEqual(3000);
    expect((cut.match(/```/g) ?? []).length % 2).toBe(0);
    expect(cut).toMatch(/… [\d,]+ more characters cut \(see the run for the rest\)$/);
    expect(truncate('short', 3000)).toBe('short');
  });
});
