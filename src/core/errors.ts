// The one error type users see: a message that names what is wrong and the fix, plus where it is
// (file, line, column) so the runner can pin an annotation on it. Anything else is a bug.

export interface SourceLocation {
  file?: string;
  line?: number;
  column?: number;
}

export class UserError extends Error {
  readonly title: string;
  readonly location: SourceLocation;

  constructor(title: string, message: string, location: SourceLocation = {}) {
    super(message);
    this.name = 'UserError';
    this.title = title;
    this.location = location;
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}

/**
 * Several UserErrors found in one run, as one: each one's message in turn (a block per kind of
 * problem), the titles joined with "; ", and the place of the first one that has a line (the file of
 * the first one that names a file). One error is returned as it is.
 */
export function combineUserErrors(errors: readonly UserError[]): UserError {
  if (errors.length === 0) throw new Error('combineUserErrors needs at least one error');
  if (errors.length === 1) return errors[0]!;
  const file = errors.find((e) => e.location.file !== undefined)?.location.file;
  const placed = errors.find((e) => e.location.line !== undefined)?.location;
  return new UserError(errors.map((e) => e.title).join('; '), errors.map((e) => e.message).join('\n'), {
    ...(file !== undefined && { file }),
    ...(placed && { line: placed.line, ...(placed.column !== undefined && { column: placed.column }) }),
  });
}
