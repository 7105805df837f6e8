// The project's Markdown documentation as the tests read it: which files are docs, a section found by
// its heading, the fenced code blocks in a text, the relative links, and the anchors GitHub gives
// headings. Every test that checks what the docs say goes through here, so a page can move and the
// tests follow it by changing one file name.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './run-action.js';

/** Every Markdown page a reader can reach, as paths from the repository root. */
export const docFiles: readonly string[] = [
  'README.md',
  'CONTRIBUTING.md',
  ...readdirSync(join(repoRoot, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`),
];

export function readDoc(file: string): string {
  return readFileSync(join(repoRoot, file), 'utf8');
}

export interface Heading {
  level: number;
  text: string;
  /** 0-based line index in the text. */
  line: number;
}

const FENCE = /^( *)(```|~~~)(.*)$/;

/** Marks each line of `text` as inside a fenced code block (fence lines included) or not. */
function fencedLines(lines: readonly string[]): boolean[] {
  let open: string | undefined;
  return lines.map((line) => {
    const fence = FENCE.exec(line);
    if (!open) {
      if (fence) open = fence[2];
      return Boolean(fence);
    }
    if (fence && fence[2] === open && fence[3]!.trim() === '') open = undefined;
    return true;
  });
}

/** The ATX headings of a Markdown text, outside code blocks, in order. */
export function headings(text: string): Heading[] {
  const lines = text.split('\n');
  const fenced = fencedLines(lines);
  return lines.flatMap((line, i) => {
    const match = fenced[i] ? null : /^(#{1,6}) +(.*?)(?: +#+)? *$/.exec(line);
    return match ? [{ level: match[1]!.length, text: match[2]!, line: i }] : [];
  });
}

/**
 * The section of `file` under the heading whose text is exactly `heading` (at any level): from the
 * heading line up to the next heading of the same or a higher level, its subsections included.
 */
export function docSection(file: string, heading: string): string {
  const text = readDoc(file);
  const all = headings(text);
  const start = all.findIndex((h) => h.text === heading);
  if (start < 0)
    throw new Error(
      `${file} has no heading "${heading}"; its headings: ${all.map((h) => h.text).join(' | ')}`,
    );
  const level = all[start]!.level;
  const end = all.slice(start + 1).find((h) => h.level <= level);
  const lines = text.split('\n');
  return lines.slice(all[start]!.line, end ? end.line : lines.length).join('\n');
}

export interface CodeBlock {
  /** The fence's info string, e.g. `sh` or `yaml` ('' for none). */
  info: string;
  /** The lines between the fences, with the fence's own indentation removed, joined by new lines. */
  body: string;
  /** 0-based line index of the opening fence. */
  line: number;
}

/** The fenced code blocks of a Markdown text, in order. */
export function codeBlocks(text: string): CodeBlock[] {
  const lines = text.split('\n');
  const blocks: CodeBlock[] = [];
  let open: { indent: string; marker: string; info: string; line: number; body: string[] } | undefined;
  lines.forEach((line, i) => {
    const fence = FENCE.exec(line);
    if (!open) {
      if (fence) open = { indent: fence[1]!, marker: fence[2]!, info: fence[3]!.trim(), line: i, body: [] };
    } else if (fence && fence[2] === open.marker && fence[3]!.trim() === '') {
      blocks.push({ info: open.info, body: open.body.join('\n'), line: open.line });
      open = undefined;
    } else {
      open.body.push(line.startsWith(open.indent) ? line.slice(open.indent.length) : line);
    }
  });
  return blocks;
}

/** The first code block with info string `info` that starts after the first occurrence of `phrase`. */
export function blockAfter(text: string, phrase: string, info: string): string {
  const at = text.indexOf(phrase);
  if (at < 0) throw new Error(`no "${phrase}" in the text`);
  const line = text.slice(0, at).split('\n').length - 1;
  const block = codeBlocks(text).find((b) => b.line > line && b.info === info);
  if (!block) throw new Error(`no \`\`\`${info} block after "${phrase}"`);
  return block.body;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped (inline-code backticks too), spaces → '-'. */
export function githubAnchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor a page has, duplicates numbered as GitHub does (`x`, `x-1`, …). */
export function anchorsOf(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const { text: heading } of headings(text)) {
    const base = githubAnchor(heading);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

export interface DocLink {
  /** The link target as written: a path, a path with `#anchor`, or `#anchor` alone. */
  target: string;
  /** 1-based line number. */
  line: number;
}

/** The links of a Markdown text that point inside the repository (no scheme, not mailto), outside code. */
export function relativeLinks(text: string): DocLink[] {
  const lines = text.split('\n');
  const fenced = fencedLines(lines);
  return lines.flatMap((line, i) => {
    if (fenced[i]) return [];
    const prose = line.replace(/(`+)[^`]*?\1/g, (span) => (span.includes('](') ? '' : span));
    return [...prose.matchAll(/\]\(([^)\s]+)(?: +"[^"]*")?\)/g)]
      .map((m) => m[1]!)
      .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target))
      .map((target) => ({ target, line: i + 1 }));
  });
}
