// Slack Block Kit, built within its limits by construction: header ≤ 150 characters, section text
// ≤ 3,000, fields ≤ 10 of ≤ 2,000, ≤ 50 blocks, no empty text; long text is cut with a note saying
// how much, never dropped silently; code, bold and links that text inside cannot break. The block
// types of an incoming-webhook payload `{text, blocks}`, and the pieces slack-message.ts builds it
// with. Pure.

import { escapeMrkdwn } from '../../shared/mrkdwn.js';
import { andMore, formatCount } from '../../shared/text.js';

export const SLACK_LIMITS = {
  headerText: 150,
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  contextElements: 10,
  blocks: 50,
  /** Slack truncates `text` beyond 40,000; notifications show far less. */
  fallbackText: 500,
} as const;

interface PlainText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}
export interface Mrkdwn {
  type: 'mrkdwn';
  text: string;
}
export type SlackBlock =
  | { type: 'header'; text: PlainText }
  | { type: 'section'; text: Mrkdwn; fields?: Mrkdwn[] }
  | { type: 'section'; fields: Mrkdwn[]; text?: undefined }
  | { type: 'divider' }
  | { type: 'context'; elements: Mrkdwn[] };

export interface SlackPayload {
  text: string;
  blocks: SlackBlock[];
}

// ── mrkdwn ───────────────────────────────────────────────────────────────────────────────────────

/** Inline code that cannot be closed early by a backtick in the text. */
export const code = (text: string) => `\`${escapeMrkdwn(text.replace(/`/g, "'"))}\``;
/** Bold that cannot be broken by an asterisk in the text. */
export const bold = (text: string) => `*${escapeMrkdwn(text.replace(/\*/g, '∗'))}*`;

/** A link label may not contain `|` or `>`; the URL may not contain `|`, `<`, `>` or spaces. */
export function link(url: string, label: string): string {
  if (!/^https?:\/\/[^\s<>|]+$/.test(url)) return escapeMrkdwn(label);
  return `<${url}|${escapeMrkdwn(label.replace(/[|]/g, '/'))}>`;
}

/**
 * Cuts text to `max` characters, at a line break when one is near, adding a note that says how much
 * was left out. Keeps code fences balanced.
 */
export function truncate(text: string, max: number, where = 'see the run for the rest'): string {
  if (text.length <= max) return text;
  const note = (omitted: number) => `\n… ${formatCount(omitted)} more characters cut (${where})`;
  const room = Math.max(0, max - note(text.length).length - 4);
  let cut = text.slice(0, room);
  const lineBreak = cut.lastIndexOf('\n');
  if (lineBreak > room * 0.7) cut = cut.slice(0, lineBreak);
  if ((cut.match(/```/g) ?? []).length % 2 === 1) cut += '\n```';
  return `${cut}${note(text.length - cut.length)}`.slice(0, max);
}

/** A header is one line: cut with an ellipsis. */
function oneLine(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

// ── blocks ───────────────────────────────────────────────────────────────────────────────────────

/** mrkdwn text, cut to `max` (a section's 3,000 unless told); never empty. */
export const mrkdwn = (text: string, max: number = SLACK_LIMITS.sectionText): Mrkdwn => ({
  type: 'mrkdwn',
  text: truncate(text.trim() === '' ? '–' : text, max),
});
export const header = (text: string): SlackBlock => ({
  type: 'header',
  text: { type: 'plain_text', text: oneLine(text, SLACK_LIMITS.headerText), emoji: true },
});
export const section = (text: string): SlackBlock => ({ type: 'section', text: mrkdwn(text) });

/** Packs lines into as few sections as fit (≤ 3,000 characters each). */
export function packLines(lines: string[]): SlackBlock[] {
  const blocks: SlackBlock[] = [];
  let current = '';
  for (const line of lines) {
    const next = current === '' ? line : `${current}\n${line}`;
    if (next.length > SLACK_LIMITS.sectionText && current !== '') {
      blocks.push(section(current));
      current = line;
    } else {
      current = next;
    }
  }
  if (current !== '') blocks.push(section(current));
  return blocks;
}

/** At most 50 blocks: the rest is replaced by a note. */
export function fitBlocks(blocks: SlackBlock[]): SlackBlock[] {
  if (blocks.length <= SLACK_LIMITS.blocks) return blocks;
  const kept = blocks.slice(0, SLACK_LIMITS.blocks - 1);
  return [
    ...kept,
    {
      type: 'context',
      elements: [mrkdwn(`${andMore(blocks.length - kept.length, 'block')} left out: see the run.`)],
    },
  ];
}

/** The message's `text`, which notifications show: ≤ 500 characters. */
export function fallback(text: string): string {
  return truncate(text, SLACK_LIMITS.fallbackText, 'see the message');
}
