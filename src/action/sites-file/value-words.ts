// How a message about the sites file shows a value the user wrote: quoted and cut short (quoteValue),
// or described as the subject of a sentence (describeValue). Messages never paste a whole file. Pure.

import { quoteCut } from '../../shared/text.js';

/** A value written by the user, quoted and cut short: messages never paste a whole file. */
export function quoteValue(value: string, max = 60): string {
  return quoteCut(value, max);
}

/** What a YAML value is, as the subject of a sentence: "is a list", "is the text "x"", "has no value". */
export function describeValue(value: unknown): string {
  if (value === null) return 'has no value';
  if (Array.isArray(value)) return 'is a list';
  if (typeof value === 'object') return 'is a mapping';
  if (typeof value === 'string') return `is the text ${quoteValue(value)}`;
  if (typeof value === 'number') return `is the number ${value}`;
  if (typeof value === 'boolean') return `is ${value} (a yes/no value)`;
  return `is ${typeof value}`;
}
