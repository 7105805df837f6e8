// How the relay's configuration reports what is wrong: one problem per bad variable (its name, what is
// wrong and the fix), every problem at once rather than only the first, and the small readers every
// check shares (a trimmed value, a comma-separated list, a required variable). Pure.

/** One variable that cannot work: its name and what is wrong with it, with the fix. */
interface RelayConfigProblem {
  variable: string;
  message: string;
}

/**
 * Configuration that cannot work. `problems` lists every bad variable (in the order docs/relay.md lists
 * them); `variable` is the first one. The message has one line per problem: `VARIABLE: what is wrong
 * and the fix`.
 */
export class RelayConfigError extends Error {
  readonly variable: string;
  readonly problems: readonly RelayConfigProblem[];

  constructor(variable: string, message: string);
  constructor(problems: readonly RelayConfigProblem[]);
  constructor(first: string | readonly RelayConfigProblem[], message?: string) {
    const problems = typeof first === 'string' ? [{ variable: first, message: message ?? '' }] : first;
    if (problems.length === 0) throw new TypeError('RelayConfigError needs at least one problem');
    super(problems.map((problem) => `${problem.variable}: ${problem.message}`).join('\n'));
    this.name = 'RelayConfigError';
    this.problems = problems;
    this.variable = problems[0]!.variable;
  }

  /** The distinct variables to fix, in order. */
  get variables(): string[] {
    return [...new Set(this.problems.map((problem) => problem.variable))];
  }
}

/**
 * Runs each reader and collects every RelayConfigError instead of stopping at the first; throws one
 * RelayConfigError with all their problems at the end. Other errors are bugs and propagate.
 */
export function collectConfigProblems(): {
  attempt<T>(reader: () => T): T | undefined;
  finish(): void;
} {
  const problems: RelayConfigProblem[] = [];
  return {
    attempt(reader) {
      try {
        return reader();
      } catch (error) {
        if (!(error instanceof RelayConfigError)) throw error;
        problems.push(...error.problems);
        return undefined;
      }
    },
    finish() {
      if (problems.length > 0) throw new RelayConfigError(problems);
    },
  };
}

export type Env = Record<string, string | undefined>;

/** A variable's value, trimmed; undefined when unset or blank. */
export function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** A comma-separated list's entries, trimmed; empty entries are skipped (a trailing comma is harmless). */
export function listEntries(value: string): string[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

export function required(env: Env, name: string, what: string): string {
  const value = read(env, name);
  if (value === undefined) throw new RelayConfigError(name, `is not set; set it to ${what}.`);
  return value;
}
