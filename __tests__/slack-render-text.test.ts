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
import { confirmPrompt } from '../src/relay/core/confirm-prompt.js';
import { progressMessage, startProgress } from '../src/action/report/live-progress.js';
import { portalPlan, slackContext } from './helpers/report-fixtures.js';

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

  it("the relay's confirm prompt: its buttons as [ labels ], under the frame's own title", () => {
    const prompt = JSON.parse(confirmPrompt(['portal', 'main'], false, 'v1.token').body) as {
      text: string;
      blocks: { type: 'actions'; elements: { type: 'button'; text: { text: string } }[] }[];
    };
    const lines = renderSlackMessage(prompt, { width: 60, title: 'Slack · only visible to you' }).split('\n');
    expect(lines[0]).toBe(`╭─ Slack · only visible to you ${'─'.repeat(32)}╮`);
    expect(lines).toContain(`│ [ Purge 2 sites ]  [ Cancel ]${' '.repeat(31)} │`);
    expect(lines.at(-1)).toBe(
      'notification: Purge every cache layer of 2 sites (portal, main)? Confirm within 5 minutes.',
    );
    for (const line of lines.slice(0, -1)) expect(visibleWidth(line)).toBe(64);
  });

  it('a message of text alone (a thread reply, a replaced prompt) is its mrkdwn, with no notification line', () => {
    const text = renderSlackMessage(
      { text: '<@U2CERLKJA>, the purge failed: <https://x.example/r|View the run>.\n• *main*: WP Rocket' },
      { width: 60, title: 'Slack · thread reply' },
    );
    expect(text.split('\n')).toEqual([
      `╭─ Slack · thread reply ${'─'.repeat(39)}╮`,
      `│ @U2CERLKJA, the purge failed: View the run${' '.repeat(18)} │`,
      `│ (https://x.example/r).${' '.repeat(38)} │`,
      `│ • main: WP Rocket${' '.repeat(43)} │`,
      `╰${'─'.repeat(62)}╯`,
    ]);
  });

  it('the live message while it runs (⏳ is two columns wide) fits the frame', () => {
    const lines = renderSlackMessage(progressMessage(startProgress([portalPlan], slackContext)), {
      width: 70,
    }).split('\n');
    // the header is 18 columns: the hourglass takes two, as in a terminal
    expect(lines[1]).toBe(`│ ⏳ Purging portal…${' '.repeat(70 - 18)} │`);
    for (const line of lines.slice(0, -1)) expect(visibleWidth(line)).toBe(74);
  });
});
