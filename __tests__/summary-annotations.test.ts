// The job summary and the annotations: outcome heading, the steps table, failures with their fix and
// the failed instances' output in <details>, invalidations, the executed plan; one error annotation
// per failed step naming the fix; the dry-run summary.

import { describe, expect, it } from 'vitest';
import { dryRunSummaryMarkdown, fenced, runSummaryMarkdown } from '../src/action/report/summary.js';
import { runAnnotations } from '../src/action/report/annotations.js';
import {
  accessDeniedReport,
  cancelledReport,
  cloudFrontFailedReport,
  exitCodeReport,
  hugeOutputReport,
  firstInstancesReport,
  hundredInstancesReport,
  noInstancesReport,
  portalPlan,
  slackContext,
  successReport,
  timedOutReport,
  undeliverableReport,
} from './helpers/report-fixtures.js';
import {
  allReportFixtures,
  portalVerifyPlan,
  verifyPassedReport,
  verifyStaleReport,
} from './helpers/verify-report-fixtures.js';

describe('job summary', () => {
  it('success: heading, who/how/commit/run link, the steps table, the invalidation and the plan', () => {
    const md = runSummaryMarkdown(successReport());
    expect(md.split('\n').slice(0, 9)).toEqual([
      '## ✅ portal purged',
      '',
      'Requested by **Slack user U2CERLKJA** · trigger: Slack command · commit `main @ 1a2b3c4` · took 9.4 s · [workflow run](https://github.com/acme/portal/actions/runs/123456789)',
      '',
      '| # | Step | Status | Duration | Targets | Detail |',
      '|---|---|---|---|---|---|',
      '| 1 | W3 Total Cache | ✅ succeeded | 4.1 s | 1/1 instance | flushed, no file counts · wp-cli |',
      '| 2 | FastCGI cache | ✅ succeeded | 4.1 s | 1/1 instance | 1,234 files (12 MiB) removed · find-delete |',
      '| 3 | CloudFront | ✅ succeeded | 800 ms | E2EXAMPLE12345 | invalidation I2J0I21PCUYOIK (InProgress) of /* |',
    ]);
    expect(md).toContain('- `I2J0I21PCUYOIK` on `E2EXAMPLE12345` (InProgress): `/*`');
    expect(md).toContain(
      '<summary>Executed plan (3 steps from <code>.github/cache-purge.yml</code>)</summary>',
    );
    expect(md).toContain('| 3 | CloudFront | CloudFront `E2EXAMPLE12345` | `/*` | does not wait |');
    expect(md).not.toContain('<details>\n<summary>W3');
  });

  it('failure: the cause and fix, and each failed instance output in collapsible details', () => {
    const md = runSummaryMarkdown(exitCodeReport('first error\nsecond error'));
    expect(md.startsWith('## ❌ portal purge failed at W3 Total Cache\n')).toBe(true);
    expect(md).toContain(
      '| 1 | W3 Total Cache | ❌ failed | 3.3 s | 0/1 instance | failed on i-0123456789abcdef0 Failed (exit code 2) |',
    );
    expect(md).toContain('| 2 | FastCGI cache | ⏭ skipped | – | – | not run: W3 Total Cache failed |');
    expect(md).toContain(
      '### ❌ W3 Total Cache failed\n\n- exit code 2 on i-0123456789abcdef0: the purge script failed',
    );
    expect(md).toContain(
      '<details>\n<summary>W3 Total Cache: <code>i-0123456789abcdef0</code> Failed (exit code 2), 1.8 s</summary>\n\nStandard error:\n\n```text\nfirst error\nsecond error\n```',
    );
    // The output's own ``` cannot close our block: the fence is longer.
    expect(md).toContain(
      '````text\nFlushing W3 Total Cache for /var/www/portal\n```\n<!channel> *bold* & more\n````',
    );
  });

  it('Undeliverable, AccessDenied, no instances, timeout: each names its fix', () => {
    expect(runSummaryMarkdown(undeliverableReport())).toContain('AmazonSSMManagedInstanceCore');
    expect(runSummaryMarkdown(accessDeniedReport())).toContain('allow ssm:SendCommand on the document');
    expect(runSummaryMarkdown(noInstancesReport())).toContain(
      'check the tags or instance ids in the sites file',
    );
    expect(runSummaryMarkdown(timedOutReport())).toContain('raise the step-timeout-seconds input');
  });

  it('cancelled: says so and what to do', () => {
    const md = runSummaryMarkdown(cancelledReport());
    expect(md.startsWith('## ⏹ portal purge cancelled\n')).toBe(true);
    expect(md).toContain(
      '| 2 | FastCGI cache | ⏹ cancelled | 2.5 s | 0/1 instance | not finished on i-0123456789abcdef0 (Cancelled) |',
    );
    expect(md).toContain('The run was cancelled: steps already done stay done');
  });

  it('stays bounded: 100 instances show 20 outputs and list the rest; huge outputs are cut', () => {
    const hundred = runSummaryMarkdown(hundredInstancesReport());
    expect(hundred.match(/<details>/g)).toHaveLength(21); // 20 instances + the plan
    expect(hundred).toContain('… and 20 more failed instances (i-00000000000000050, ');
    expect(runSummaryMarkdown(firstInstancesReport(81))).toContain(
      '… and 1 more failed instance (i-00000000000000050); their output is in the `report` output.',
    );
    const huge = runSummaryMarkdown(hugeOutputReport());
    expect(huge.length).toBeLessThan(300 * 1024);
    expect(huge).toContain('16,000 characters cut'); // stdout 24,000 → last 8,000
    // and SSM itself kept only the start: said in each shown instance's details, not elsewhere
    expect(huge).toContain('\n_SSM kept only the start of this output; the end is missing._\n\n</details>');
    expect(hundred).not.toContain('SSM kept only the start');
    expect(huge).toMatch(/… and [\d,]+ more failed instances? \(/);
    for (const build of Object.values(allReportFixtures))
      expect(runSummaryMarkdown(build()).length).toBeLessThan(1024 * 1024);
  });

  it('a table cell cannot be broken by a pipe or a newline in a name', () => {
    const report = successReport();
    report.steps[0]!.name = 'a | b\nc';
    expect(runSummaryMarkdown(report)).toContain('| 1 | a \\| b<br>c | ✅ succeeded |');
  });

  it('fenced picks a fence longer than any backtick run', () => {
    expect(fenced('a ````` b')).toBe('``````text\na ````` b\n``````');
  });

  it('verify passed: a table of the layers, a table of TTFB cold and warm, statuses, warming, warnings', () => {
    const md = runSummaryMarkdown(verifyPassedReport());
    const lines = md.split('\n');
    const at = lines.indexOf('### 🔎 Verify: 52 URLs (2 listed, 50 from the sitemap) in 8.4 s');
    expect(at).toBeGreaterThan(lines.indexOf('| # | Step | Status | Duration | Targets | Detail |'));
    expect(lines.slice(at + 1, at + 16)).toEqual([
      '',
      '| layer | fresh | stale | unverified | not seen |',
      '|---|--:|--:|--:|--:|',
      '| CDN | 52 | 0 | 0 | 0 |',
      '| origin (nginx) | 51 | 0 | 1 | 0 |',
      '',
      '| time to first byte | requests | p50 | p95 |',
      '|---|--:|--:|--:|',
      '| cold (first request) | 52 | 400 ms | 640 ms |',
      '| warm (second request) | 52 | 12 ms | 14 ms |',
      '',
      'Statuses: 200 ×103, 301 ×1 · hit ratio after warming 100.0% · 52 URLs warmed · 1 retry (429/503)',
      '',
      "> ⚠ 1 URL came from the origin's cache (HIT) without a X-Generated-At header, so they could not be dated (unverified); add the header as docs/verify.md shows",
      '',
    ]);
    expect(md).not.toContain('**Stale URLs**');
  });

  it('verify found stale copies: the first 20 stale URLs, how many more, then each cause', () => {
    const md = runSummaryMarkdown(verifyStaleReport());
    expect(md).toContain('| CDN | 1 | 31 | 0 | 0 |');
    const lines = md.split('\n');
    const start = lines.indexOf('**Stale URLs**') + 2;
    const stale = lines.slice(start, lines.indexOf('', start));
    expect(stale).toHaveLength(21);
    expect(stale[0]).toBe('- `https://www.example.com/shop/` at the CDN');
    // a backtick in a URL cannot close its code span
    expect(stale[1]).toMatch(
      /^- `https:\/\/www\.example\.com\/shop\/<!channel>-%60x%60\/long-[^`]+` at the CDN$/,
    );
    expect(stale[20]).toBe("- … and 11 more: see the `report` output's layer counts.");
    expect(md.indexOf('**Stale URLs**')).toBeLessThan(md.indexOf('### ❌ Verify failed'));
  });

  it('dry run with a verify step: the explicit URLs and the sitemap it will read', () => {
    const md = dryRunSummaryMarkdown(portalVerifyPlan, slackContext);
    expect(md).toContain(
      '| 4 | Verify | verify as a visitor | `https://www.example.com/` `https://www.example.com/shop/` + sitemap `https://www.example.com/wp-sitemap.xml` (up to 50) | warms and expects hits · 4 at a time |',
    );
  });

  it('dry run: the plan heading, who asked, nothing purged, the table', () => {
    const md = dryRunSummaryMarkdown(portalPlan, {
      ...slackContext,
      requester: 'octocat',
      trigger: 'manual',
    });
    expect(md.split('\n').slice(0, 5)).toEqual([
      '## 📝 Cache purge plan for `portal` (dry run)',
      '',
      'Requested by **octocat** · trigger: manual dispatch · commit `main @ 1a2b3c4` · [workflow run](https://github.com/acme/portal/actions/runs/123456789)',
      '',
      'Nothing was purged. From `.github/cache-purge.yml`, these steps would run in order; the first failure stops the rest.',
    ]);
  });
});

describe('annotations', () => {
  it('success: none', () => {
    expect(runAnnotations(successReport())).toEqual([]);
  });

  it('one error per failed step, naming the instances, the cause, the fix and what did not run', () => {
    expect(runAnnotations(undeliverableReport())).toEqual([
      {
        level: 'error',
        title: 'portal: FastCGI cache failed',
        message:
          'Step 2 "FastCGI cache" of portal failed after 12 s (2/3 instances succeeded).\n' +
          '- Undeliverable on i-0aaaaaaaaaaaaaaa2: SSM could not deliver the command: the SSM agent is not running on the instance, or its instance profile lacks the AmazonSSMManagedInstanceCore policy (Fleet Manager must show it "Online").\n' +
          'Not run: CloudFront.',
      },
    ]);
  });

  it('names the likely fix for each cause', () => {
    const message = (build: () => ReturnType<typeof successReport>) => runAnnotations(build())[0]!.message;
    expect(message(accessDeniedReport)).toContain(
      '- AccessDeniedException: the role was denied by IAM: allow ssm:SendCommand on the document (arn:aws:ssm:us-east-1:*:document/CachePurge-W3TotalCache)',
    );
    expect(message(noInstancesReport)).toContain(
      "- no instances targeted: no instance matched the step's targets: check the tags or instance ids",
    );
    expect(message(timedOutReport)).toContain(
      '- timed out: the step was still running after 10 min and its command was cancelled',
    );
    expect(message(() => exitCodeReport())).toContain(
      '- exit code 2 on i-0123456789abcdef0: the purge script failed: see its output',
    );
    const hundred = message(hundredInstancesReport);
    expect(hundred).toContain('- Delivery Timed Out on i-0000000000000005f');
    expect(hundred).toContain('it is offline or stopped');
    expect(hundred).toContain(
      '- Undeliverable on i-00000000000000055, i-00000000000000056, i-00000000000000057, i-00000000000000058, i-00000000000000059 … and 5 more',
    );
  });

  it('says "AWS answered" only for what AWS answered: no credentials and unreachable endpoints say so, with the fix', () => {
    const failedSendCommand = (code: string, message: string) => {
      const report = accessDeniedReport();
      report.steps[0]!.error = { code, message: `SendCommand CachePurge-W3TotalCache failed: ${message}` };
      return runAnnotations(report)[0]!.message;
    };
    expect(
      failedSendCommand('CredentialsProviderError', 'Could not load credentials from any providers'),
    ).toContain(
      '- CredentialsProviderError: no credentials: SendCommand CachePurge-W3TotalCache failed: Could not load credentials from any providers. Set the "role-to-assume" input (the job then needs `permissions: id-token: write`) or run aws-actions/configure-aws-credentials before this step.',
    );
    expect(failedSendCommand('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:443')).toContain(
      '- ECONNREFUSED: could not reach AWS: SendCommand CachePurge-W3TotalCache failed: connect ECONNREFUSED 127.0.0.1:443. Check that the runner can reach the AWS endpoints (network, proxy settings, AWS_ENDPOINT_URL if set), then re-run.',
    );
    expect(failedSendCommand('TimeoutError', 'Connection timed out after 1000 ms')).toContain(
      '- TimeoutError: could not reach AWS: ',
    );
    expect(failedSendCommand('Error', 'socket hang up')).toContain(
      '- Error: failed on the runner before AWS answered: SendCommand CachePurge-W3TotalCache failed: socket hang up.',
    );
    expect(failedSendCommand('InvalidDocument', 'Document CachePurge-W3TotalCache does not exist')).toContain(
      '- InvalidDocument: AWS answered: SendCommand CachePurge-W3TotalCache failed: Document CachePurge-W3TotalCache does not exist.',
    );
    // a refresh of the assumed-role credentials that failed: its message says what failed and the fix
    const refresh =
      'The assumed-role credentials for arn:aws:iam::123456789012:role/cache-purge expire at 2026-01-01T00:15:00.000Z, and refreshing them failed. Could not get the GitHub OIDC token: … To need no refresh during a run, raise the "role-duration-seconds" input (now 900) above the longest run, up to the role\'s maximum session duration.';
    expect(failedSendCommand('CredentialsRefreshFailed', refresh)).toContain(
      `- CredentialsRefreshFailed: SendCommand CachePurge-W3TotalCache failed: ${refresh}\n`,
    );
    for (const code of [
      'CredentialsProviderError',
      'ECONNREFUSED',
      'ENOTFOUND',
      'EAI_AGAIN',
      'TimeoutError',
      'CredentialsRefreshFailed',
    ]) {
      expect(failedSendCommand(code, 'x')).not.toContain('answered');
    }

    const cloudFront = cloudFrontFailedReport('ENOTFOUND', 'getaddrinfo ENOTFOUND cloudfront.amazonaws.com');
    expect(runAnnotations(cloudFront)[0]!.message).toContain(
      '- ENOTFOUND: could not reach CloudFront: getaddrinfo ENOTFOUND cloudfront.amazonaws.com. Check that the runner',
    );
  });

  it('CloudFront failures name the IAM statement or the distribution', () => {
    const message = (code: string, text: string) =>
      runAnnotations(cloudFrontFailedReport(code, text))[0]!.message;
    expect(message('AccessDenied', 'not authorized')).toContain(
      'allow cloudfront:CreateInvalidation (and cloudfront:GetInvalidation when waiting) on arn:aws:cloudfront::ACCOUNT:distribution/E2EXAMPLE12345',
    );
    expect(message('NoSuchDistribution', 'The specified distribution does not exist.')).toContain(
      'check cloudfront.distribution-id in the sites file',
    );
  });

  it('cancelled: one warning saying where it stopped and to run it again', () => {
    expect(runAnnotations(cancelledReport())).toEqual([
      {
        level: 'warning',
        title: 'portal: purge cancelled',
        message:
          'The run was cancelled during step 2 "FastCGI cache"; its command was cancelled (best effort: a script already running may still finish). Already done: W3 Total Cache. The caches may be partly purged: run the purge again.',
      },
    ]);
  });
});
