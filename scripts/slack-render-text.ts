// Shows a Slack message payload in a terminal roughly as Slack would: the header in bold, mrkdwn
// turned into text (mentions as @U…, links as "label (url)", *bold*, `code`, code blocks indented),
// fields two per row, dividers as rules, context lines dimmed, buttons as [ labels ], all inside a
// frame; a message of text only (a thread reply, a replaced prompt) as its mrkdwn. For the demo.
// Pure: the styles are passed in (plain text by default, ANSI when the caller has a TTY).

import type { Mrkdwn, SlackBlock } from '../src/action/report/slack-blocks.js';

export interface TextStyles {
  bold(text: string): string;
  dim(text: string): string;
  code(text: string): string;
  link(text: string): string;
}

export const PLAIN_STYLES: TextStyles = {
  bold: (t) => t,
  dim: (t) => t,
  code: (t) => t,
  link: (t) => t,
};

export const ANSI_STYLES: TextStyles = {
  bold: (t) => `\x1b[1m${t}\x1b[22m`,
  dim: (t) => `\x1b[2m${t}\x1b[22m`,
  code: (t) => `\x1b[36m${t}\x1b[39m`,
  link: (t) => `\x1b[4;34m${t}\x1b[24;39m`,
};

export interface RenderOptions {
  /** Inner width of the frame in columns (default 76). */
  width?: number;
  styles?: TextStyles;
  /** The frame's title (default "Slack"). */
  title?: string;
}

/** A row of buttons (the relay's confirm prompt): only what the demo shows of it. */
interface ActionsBlock {
  type: 'actions';
  elements: { type: 'button'; text: { text: string }; style?: string }[];
}

/** A message as the demo meets them: the action's blocks, the relay's prompt, or text alone. */
export interface RenderablePayload {
  text: string;
  blocks?: (SlackBlock | ActionsBlock)[];
}

const unescape = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** mrkdwn inline formatting on one line of text outside code blocks. */
function inline(text: string, styles: TextStyles): string {
  return unescape(
    text
      .replace(/<@([UW][A-Z0-9]+)(?:\|([^>]+))?>/g, (_, id: string, name?: string) =>
        styles.bold(`@${name ?? id}`),
      )
      .replace(/<!(here|channel|everyone)>/g, '@$1')
      .replace(
        /<(https?:\/\/[^|>]+)\|([^>]+)>/g,
        (_, url: string, label: string) => `${styles.link(label)} (${url})`,
      )
      .replace(/<(https?:\/\/[^>]+)>/g, (_, url: string) => styles.link(url))
      .replace(/`([^`\n]+)`/g, (_, c: string) => styles.code(c))
      .replace(
        /(^|[\s(])\*([^*\n]+)\*(?=$|[\s.,:;!?)])/g,
        (_, pre: string, b: string) => `${pre}${styles.bold(b)}`,
      )
      .replace(/(^|[\s(])_([^_\n]+)_(?=$|[\s.,:;!?)])/g, (_, pre: string, i: string) => `${pre}${i}`),
  );
}

/** mrkdwn → lines: code blocks become indented `│ ` lines, everything else inline-formatted. */
export function mrkdwnToLines(text: string, styles: TextStyles = PLAIN_STYLES): string[] {
  const lines: string[] = [];
  const parts = text.split('```');
  parts.forEach((part, i) => {
    const inCode = i % 2 === 1;
    if (inCode) {
      for (const line of part.replace(/^\n|\n$/g, '').split('\n'))
        lines.push(`  │ ${styles.code(unescape(line))}`);
      return;
    }
    const body = part.replace(/^\n/, '').replace(/\n$/, '');
    if (body === '' && i > 0) return;
    for (const line of body.split('\n')) lines.push(inline(line, styles));
  });
  return lines;
}

/** Visible width: ANSI codes do not count; emoji and wide characters count two columns. */
export function visibleWidth(text: string): number {
  // eslint-disable-next-line no-control-regex
  const plain = text.replace(/\x1b\[[0-9;]*m/g, '');
  let width = 0;
  for (const ch of plain) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0xfe0f || (cp >= 0x300 && cp < 0x370) || cp === 0x200b) continue;
    width +=
      cp >= 0x1100 &&
      (cp >= 0x1f000 ||
        (cp >= 0x2e80 && cp <= 0xa4cf) ||
        [0x231b, 0x23f3, 0x23f9, 0x23ed, 0x2705, 0x274c].includes(cp))
        ? 2
        : 1;
  }
  return width;
}

/** Wraps one line at spaces to `width` columns (code lines and long words are cut). */
function wrap(line: string, width: number): string[] {
  if (visibleWidth(line) <= width) return [line];
  // Continuation lines keep a code block's gutter.
  const indent = /^( *│ )?/.exec(line)![0];
  const room = width - indent.length;
  const out: string[] = [];
  let current = '';
  for (const word of line.slice(indent.length).split(' ')) {
    const next = current === '' ? word : `${current} ${word}`;
    if (visibleWidth(next) <= room) {
      current = next;
      continue;
    }
    if (current !== '') out.push(current);
    current = word;
    while (visibleWidth(current) > room) {
      out.push(current.slice(0, room));
      current = current.slice(room);
    }
  }
  if (current !== '') out.push(current);
  return out.map((l) => `${indent}${l}`);
}

function blockLines(block: SlackBlock | ActionsBlock, width: number, styles: TextStyles): string[] {
  switch (block.type) {
    case 'actions':
      return [
        block.elements
          .map((button) => {
            const label = `[ ${button.text.text} ]`;
            return button.style === 'danger' ? styles.bold(label) : label;
          })
          .join('  '),
        '',
      ];
    case 'header':
      return [...block.text.text.split('\n').map((line) => styles.bold(line)), ''];
    case 'divider':
      return [styles.dim('─'.repeat(width))];
    case 'context':
      return block.elements.flatMap((e: Mrkdwn) => mrkdwnToLines(e.text, styles)).map((l) => styles.dim(l));
    case 'section': {
      const lines = block.text ? mrkdwnToLines(block.text.text, styles) : [];
      const fields = block.fields ?? [];
      const column = Math.floor((width - 2) / 2);
      for (let i = 0; i < fields.length; i += 2) {
        const left = mrkdwnToLines(fields[i]!.text, styles);
        const right = fields[i + 1] ? mrkdwnToLines(fields[i + 1]!.text, styles) : [];
        for (let r = 0; r < Math.max(left.length, right.length); r++) {
          const l = left[r] ?? '';
          const pad = ' '.repeat(Math.max(1, column - visibleWidth(l)));
          lines.push(right[r] !== undefined ? `${l}${pad}  ${right[r]}` : l);
        }
      }
      return [...lines, ''];
    }
  }
}

/** The whole message, framed, as lines of terminal text; with blocks, the notification's text below. */
export function renderSlackMessage(payload: RenderablePayload, options: RenderOptions = {}): string {
  const width = options.width ?? 76;
  const styles = options.styles ?? PLAIN_STYLES;
  const body = payload.blocks
    ? payload.blocks.flatMap((block) => blockLines(block, width, styles))
    : mrkdwnToLines(payload.text, styles);
  while (body.length > 0 && body[body.length - 1] === '') body.pop();
  const framed = body
    .flatMap((line) => wrap(line, width))
    .map((line) => `│ ${line}${' '.repeat(Math.max(0, width - visibleWidth(line)))} │`);
  const title = ` ${options.title ?? 'Slack'} `;
  return [
    `╭─${title}${'─'.repeat(Math.max(0, width - visibleWidth(title)))}─╮`,
    ...framed,
    `╰${'─'.repeat(width + 2)}╯`,
    ...(payload.blocks ? [styles.dim(`notification: ${mrkdwnToLines(payload.text).join(' ')}`)] : []),
  ].join('\n');
}
