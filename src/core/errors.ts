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
