// The terminal rendering of a Slack message (for the demo): mrkdwn read as Slack shows it, framed,
// wrapped to the width, code blocks in a gutter; plain by default, ANSI styles on request.

import { describe, expect, it } from 'vitest';
import {
  ANSI_STYLES,
  mrkdwnToLines,
  renderSlackMessage,
  visibleWidth,
} from '../scripts/slack-render-text.js';
import { runReportMessage } from '../src/action/report/slack-message.js';
import { exitCodeReport, successReport } from './helpers/report-fixtures.js';
import { allReportFixtures } from './helpers/verify-report-fixtures.js';

describe('renderSlackMessage', () => {
  it('renders the success message as Slack shows it', () => {
    expect(renderSlackMessage(runReportMessage(successReport()), { width: 76 })).toBe(
      [
        '╭─ Slack ──────────────────────────────────────────────────────────────────────╮',
        '│ ✅ portal purged                                                             │',
        '│                                                                              │',
        '│ Requested by                           Trigger                               │',
        '│ @U2CERLKJA                             Slack command                         │',
        '│ Took                                   Commit                                │',
        '│ 9.4 s                                  main @ 1a2b3c4                        │',
        '│                                                                              │',
        '│ ──────────────────────────────────────────────────────────────────────────── │',
        '│ ✅ W3 Total Cache · 4.1 s · 1/1 instance · flushed, no file counts · wp-cli  │',
        '│ ✅ FastCGI cache · 4.1 s · 1/1 instance · 1,234 files (12 MiB) removed ·     │',
        '│ find-delete                                                                  │',
        '│ ✅ CloudFront · 800 ms · E2EXAMPLE12345 · invalidation I2J0I21PCUYOIK        │',
        '│ (InProgress) of /*                                                           │',
        '│                                                                              │',
        '│ View the workflow run                                                        │',
        '│ (https://github.com/acme/portal/actions/runs/123456789) · acme/portal ·      │',
        '│ Purge cache                                                                  │',
        '╰──────────────────────────────────────────────────────────────────────────────╯',
        'notification: ✅ portal purged (requested by @U2CERLKJA, 9.4 s)',
      ].join('\n'),
    );
  });

  it('code blocks keep a gutter when wrapped; escapes are undone', () => {
    const text = renderSlackMessage(runReportMessage(exitCodeReport('<b> & a very long line '.repeat(8))), {
      width: 60,
    });
    const gutter = text.split('\n').filter((l) => l.startsWith('│   │ '));
    expect(gutter.length).toBeGreaterThan(2);
    expect(text).toContain('<b> & a very long line');
    expect(text).not.toContain('&lt;');
  });

  it('every line of every fixture fits the frame', () => {
    for (const build of Object.values(allReportFixtures)) {
      const lines = renderSlackMessage(runReportMessage(build()), { width: 70 }).split('\n').slice(0, -1);
      for (const line of lines) expect(visibleWidth(line)).toBe(74);
    }
  });

  it('mrkdwn: mentions, links, bold and code with ANSI styles', () => {
    expect(mrkdwnToLines('*Hi* <@U1ABC> see <https://x.example/a|the run> `code`', ANSI_STYLES)).toEqual([
      '\x1b[1mHi\x1b[22m \x1b[1m@U1ABC\x1b[22m see \x1b[4;34mthe run\x1b[24;39m (https://x.example/a) \x1b[36mcode\x1b[39m',
    ]);
  });
});
