// The one error type users see: a message that names what is wrong and the fix, plus where it is
// (file, line, column) so the runner can pin an annotation on it. Anything else is a bug.

export interface SourceLocation {
  file?: string;
  line?: number;
  column?: number;
}

/** Where an error about a node of `file` points: the file, and the node's line and column when known. */
export function fileLocation(file: string, at: { line: number; column: number } | undefined): SourceLocation {
  return { file, ...(at && { line: at.line, column: at.column }) };
}

export class UserError extends Error {
  readonly title: string;
  readonly location: SourceLocation;
  /** How many problems the message lists (a list of problems says so; one otherwise). */
  readonly problemCount: number;

  constructor(title: string, message: string, location: SourceLocation = {}, problemCount = 1) {
    super(message);
    this.name = 'UserError';
    this.title = title;
    this.location = location;
    this.problemCount = problemCount;
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}

/**
 * Several UserErrors found in one run, as one: each one's message in turn (a block per kind of
 * problem), the titles joined with "; ", the file of the first one that names a file, and the earliest
 * line among those in that file (the first of equal lines). One error is returned as it is.
 */
export function combineUserErrors(errors: readonly UserError[]): UserError {
  if (errors.length === 0) throw new Error('combineUserErrors needs at least one error');
  if (errors.length === 1) return errors[0]!;
  const file = errors.find((e) => e.location.file !== undefined)?.location.file;
  const placed = errors
    .map((e) => e.location)
    .filter((l) => l.line !== undefined && (l.file === undefined || l.file === file))
    .reduce<SourceLocation | undefined>((a, l) => (a && a.line! <= l.line! ? a : l), undefined);
  return new UserError(
    errors.map((e) => e.title).join('; '),
    errors.map((e) => e.message).join('\n'),
    {
      ...(file !== undefined && { file }),
      ...(placed && { line: placed.line, ...(placed.column !== undefined && { column: placed.column }) }),
    },
    errors.reduce((n, e) => n + e.problemCount, 0),
  );
}
