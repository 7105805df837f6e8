// The one error type users see: a message that names what is wrong and the fix, plus where it is
// (file, line, column) so the runner can pin an annotation on it. Anything else is a bug.

import { andMore } from './text.js';

export interface SourceLocation {
  file?: string;
  line?: number;
  column?: number;
}

/** Where an error about a node of `file` points: the file, and the node's line and column when known. */
export function fileLocation(file: string, at: { line: number; column: number } | undefined): SourceLocation {
  return { file, ...(at && { line: at.line, column: at.column }) };
}

/**
 * The problems of an error that lists several, each on its own (a line that reads alone, and the line of
 * the file it is about), and the notes that follow the list: what lets combineUserErrors put the
 * problems of several checks under one header.
 */
export interface ProblemList {
  readonly items: readonly ListedProblem[];
  /** Problems counted in problemCount but not listed (a long list is cut). */
  readonly unlisted?: number;
  readonly notes?: readonly string[];
}

export interface ListedProblem {
  readonly text: string;
  readonly line?: number;
}

export class UserError extends Error {
  readonly title: string;
  readonly location: SourceLocation;
  /** The problems the message lists, when it lists several (or may be combined with others'). */
  readonly list?: ProblemList;

  constructor(title: string, message: string, location: SourceLocation = {}, list?: ProblemList) {
    super(message);
    this.name = 'UserError';
    this.title = title;
    this.location = location;
    if (list) this.list = list;
  }

  /** How many problems the message lists: its list's (those cut from it too), or one. */
  get problemCount(): number {
    return this.list ? this.list.items.length + (this.list.unlisted ?? 0) : 1;
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}

/** An error's problems as a list: its own list, or its whole message as one problem at its line. */
function listOf(error: UserError): Required<ProblemList> {
  if (error.list) return { unlisted: 0, notes: [], ...error.list };
  const text = error.message.split('\n').join('\n    ');
  return {
    items: [{ text, ...(error.location.line !== undefined && { line: error.location.line }) }],
    unlisted: 0,
    notes: [],
  };
}

/**
 * Several UserErrors found in one run, as one: a single header counting every problem (`<file> has 5
 * problems:`), then every problem of every error in the order of the file's lines (unplaced ones last),
 * then the notes of the errors, each once. The titles are joined with "; ", the file is the first one
 * named, the location the earliest line in that file (the first of equal lines). One error is returned
 * as it is.
 */
export function combineUserErrors(errors: readonly UserError[]): UserError {
  if (errors.length === 0) throw new Error('combineUserErrors needs at least one error');
  if (errors.length === 1) return errors[0]!;
  const file = errors.find((e) => e.location.file !== undefined)?.location.file;
  const placed = errors
    .map((e) => e.location)
    .filter((l) => l.line !== undefined && (l.file === undefined || l.file === file))
    .reduce<SourceLocation | undefined>((a, l) => (a && a.line! <= l.line! ? a : l), undefined);
  const lists = errors.map(listOf);
  const items = lists.flatMap((l) => l.items).sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
  const unlisted = lists.reduce((n, l) => n + l.unlisted, 0);
  const total = items.length + unlisted;
  const notes = [...new Set(lists.flatMap((l) => l.notes))];
  return new UserError(
    errors.map((e) => e.title).join('; '),
    [
      `${file ?? 'The sites file'} has ${total} problems:`,
      ...items.map((item) => `  - ${item.text}`),
      ...(unlisted > 0 ? [`  ${andMore(unlisted)}`] : []),
      ...notes,
    ].join('\n'),
    {
      ...(file !== undefined && { file }),
      ...(placed && { line: placed.line, ...(placed.column !== undefined && { column: placed.column }) }),
    },
    { items, unlisted, notes },
  );
}
