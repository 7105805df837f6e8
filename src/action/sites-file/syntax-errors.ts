// A sites file that is not valid YAML (or JSON, for a .json file): the error in our words, at its line
// and column, quoting at most one line of the file (lineExcerpt), with the usual causes. Pure.

import type { YAMLError } from 'yaml';
import { UserError } from '../../shared/errors.js';

/**
 * One line of the file as a message quotes it: trimmed, a tab shown as "\t" (YAML refuses tabs as
 * indentation: the user must see it), other control characters as "?", and when longer than `width`,
 * a window of that width around `column` with "…" where it is cut.
 */
function lineExcerpt(text: string, line: number, column = 1, width = 80): string {
  const raw = [
    ...(text.split(/\r?\n/)[line - 1] ?? '')
      .replace(/\t/g, '\\t')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f]/g, '?'),
  ];
  const indent = raw.length - [...raw.join('').trimStart()].length;
  const chars = [...raw.join('').trim()];
  if (chars.length <= width) return chars.join('');
  const start = Math.min(Math.max(0, column - 1 - indent - Math.floor(width / 2)), chars.length - width);
  const end = start + width;
  return `${start > 0 ? '…' : ''}${chars.slice(start, end).join('')}${end < chars.length ? '…' : ''}`;
}

/** JSON.parse's own account of a JSON file's first error, without the text it quotes. */
function jsonError(text: string): { reason: string; line?: number; column?: number } | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    const message = (error as Error).message;
    const position = /at position (\d+)/.exec(message);
    const reason = message
      .replace(/ in JSON at position \d+.*$/s, '')
      .replace(/^(Unexpected token '[^']*'),.*$/s, '$1')
      .replace(/^(Unexpected token .),.*$/s, '$1');
    if (!position) return { reason };
    const before = text.slice(0, Number(position[1]));
    const line = before.split('\n').length;
    return { reason, line, column: before.length - before.lastIndexOf('\n') };
  }
}

export function syntaxError(text: string, file: string, error: YAMLError): UserError {
  const pos = error.linePos?.[0];
  if (error.code === 'MULTIPLE_DOCS' && pos) {
    return new UserError(
      'Sites file holds more than one YAML document',
      `${file} holds more than one YAML document: a second one starts at line ${pos.line} (${JSON.stringify(lineExcerpt(text, pos.line))}). A sites file is a single YAML document: remove the "---" (or "...") there and merge what follows into the first document, or move it to a file of its own.`,
      { file, line: pos.line, column: pos.col },
    );
  }
  const yamlReason = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  const json = /\.json$/i.test(file) ? (jsonError(text) ?? { reason: yamlReason }) : undefined;
  const line = json?.line ?? pos?.line;
  const column = json?.line ? json.column : pos?.col;
  const where = line ? ` at line ${line}, column ${column}` : '';
  const excerpt = line ? ` Line ${line} is: ${lineExcerpt(text, line, column)}.` : '';
  const [language, causes] = json
    ? ['JSON', 'a missing or extra comma, an unclosed bracket or an unquoted key']
    : ['YAML', 'indentation, a missing ":" or an unclosed quote'];
  return new UserError(
    `Sites file is not valid ${language}`,
    `${file}: ${language} syntax error${where}: ${(json?.reason ?? yamlReason).replace(/\.$/, '')}.${excerpt} Fix the syntax there (${causes} are the usual causes).`,
    { file, ...(line && { line, ...(column && { column }) }) },
  );
}
