// The UserError a check throws, for the tests of what the action refuses (sites files, plans, inputs):
// fails the test when the check accepts, or throws anything but a UserError.

import { expect } from 'vitest';
import { UserError } from '../../src/shared/errors.js';

/** The UserError `check` throws; `what` names the checked thing in the failure when it is accepted. */
export function refusal(check: () => unknown, what = 'the input'): UserError {
  try {
    check();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error(`expected ${what} to be refused, but it was accepted`);
}
